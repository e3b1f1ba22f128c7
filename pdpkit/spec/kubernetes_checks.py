"""`cluster.kubernetesVersion` against what the pinned components support and what the
target's managed service still offers (both recorded in `pdpkit.versions`)."""

from __future__ import annotations

from collections.abc import Iterator

from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec
from pdpkit.versions import (
    CLOUD_KUBERNETES,
    KUBERNETES_OFFERS_AS_OF,
    TARGET_CHARTS,
    component_problems,
    supported_minors,
)

PATH = "dataplane.cluster.kubernetesVersion"


def kubernetes_version_problems(stack: StackSpec) -> Iterator[Finding]:
    """A version a pinned component does not support (naming each one), or one the target's
    managed service no longer (or not yet) offers."""
    dp = stack.dataplane
    version = dp.cluster.kubernetes_version
    major, minor = (int(part) for part in version.split(".")[:2])
    charts = TARGET_CHARTS[dp.target.value]
    low, high = supported_minors(charts)
    offer = CLOUD_KUBERNETES.get(dp.target.value)
    candidates = [
        m
        for m in (offer.minors if offer else range(low, (high or low) + 1))
        if not component_problems(m, charts)
    ]
    choose = (
        f"set kubernetesVersion to {' or '.join(f'1.{m}' for m in candidates)}"
        if candidates
        else "no version fits both: the pinned charts in pdpkit/versions.py need a bump"
    )
    if major != 1:
        yield PATH, f"{version}: only Kubernetes 1.x exists; {choose}"
        return
    problems = component_problems(minor, charts)
    if problems:
        yield PATH, f"{version}: {'; '.join(problems)}; {choose}"
    if offer is not None and minor not in offer.minors:
        offered = ", ".join(f"1.{m}" for m in offer.minors)
        yield (
            PATH,
            (
                f"{version}: {offer.service} offers {offered} for new clusters (as of "
                f"{KUBERNETES_OFFERS_AS_OF.isoformat()}, {offer.source}); {choose}"
            ),
        )
