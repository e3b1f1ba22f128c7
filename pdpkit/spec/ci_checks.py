"""CI must be able to reach the cluster and must hold the identity its kubeconfig uses."""

from __future__ import annotations

from collections.abc import Iterator

from pdpkit.spec.ci import GITHUB_HOSTED_LABEL
from pdpkit.spec.enums import Target
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

IDENTITY_FIELDS = {
    Target.AZURE: ("clientId",),
    Target.AWS: ("roleArn",),
    Target.GCP: ("workloadIdentityProvider", "serviceAccount"),
    Target.ONPREM: (),
}
"""The `ci.identity` keys each target uses."""


def ci_problems(stack: StackSpec) -> Iterator[Finding]:
    """A runner that cannot reach the API endpoint; a missing or foreign CI identity."""
    dp = stack.dataplane
    labels = dp.ci.runs_on
    if labels and all(GITHUB_HOSTED_LABEL.match(label) for label in labels):
        endpoint = (
            "private"
            if dp.target is Target.ONPREM or dp.cluster.private_api_endpoint
            else f"restricted to {', '.join(dp.cluster.authorized_ranges)}"
        )
        # An error, not a warning: the first `pulumi up` would create the cloud half and then
        # fail on every Kubernetes resource, leaving a half-applied stack.
        yield (
            "dataplane.ci.runsOn",
            f"{list(labels)} are GitHub-hosted runners, which cannot reach this cluster's API "
            f"endpoint ({endpoint}); use a self-hosted runner in the data plane's network "
            f"(e.g. [self-hosted, {dp.name}], the default when runsOn is left out) or a hosted "
            "runner with private networking or static addresses (its custom label)",
        )
    wanted = IDENTITY_FIELDS[dp.target]
    identity = dp.ci.identity
    set_fields = (
        []
        if identity is None
        else [
            alias
            for name, field in type(identity).model_fields.items()
            if getattr(identity, name) is not None
            for alias in [field.alias or name]
        ]
    )
    for alias in set_fields:
        if alias not in wanted:
            hint = f"use {', '.join(wanted)}" if wanted else "remove ci.identity"
            yield (
                f"dataplane.ci.identity.{alias}",
                f"{alias} is not used on target {dp.target.value}; {hint}",
            )
    missing = [alias for alias in wanted if alias not in set_fields]
    if missing:
        yield (
            "dataplane.ci.identity" if identity is not None else "dataplane.ci",
            f"target {dp.target.value} needs ci.identity.{' and '.join(missing)}: the identity "
            "GitHub's OIDC token assumes, which the workflows log in as and the kubeconfig "
            f"authenticates with (see docs/targets/{dp.target.value}.md, CI)",
        )
