"""CI must be able to reach the cluster and must hold the identity its kubeconfig uses."""

from __future__ import annotations

from collections.abc import Iterator

from pdpkit.spec.ci import GITHUB_HOSTED_LABEL, CiIdentitySpec, runner_labels
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
    set_fields = _set_fields(identity)
    yield from _foreign_fields("identity", set_fields, dp.target)
    yield from _preview_problems(stack)
    missing = [alias for alias in wanted if alias not in set_fields]
    if missing:
        yield (
            "dataplane.ci.identity" if identity is not None else "dataplane.ci",
            f"target {dp.target.value} needs ci.identity.{' and '.join(missing)}: the identity "
            "GitHub's OIDC token assumes, which the workflows log in as and the kubeconfig "
            f"authenticates with (see docs/targets/{dp.target.value}.md, CI)",
        )


def _set_fields(identity: CiIdentitySpec | None) -> list[str]:
    if identity is None:
        return []
    return [
        field.alias or name
        for name, field in type(identity).model_fields.items()
        if getattr(identity, name) is not None
    ]


def _foreign_fields(key: str, set_fields: list[str], target: Target) -> Iterator[Finding]:
    wanted = IDENTITY_FIELDS[target]
    for alias in set_fields:
        if alias not in wanted:
            hint = f"use {', '.join(wanted)}" if wanted else f"remove ci.{key}"
            yield (
                f"dataplane.ci.{key}.{alias}",
                f"{alias} is not used on target {target.value}; {hint}",
            )


def _preview_problems(stack: StackSpec) -> Iterator[Finding]:
    """Pull requests never get the deploy identity, nor the deploy runner on-prem."""
    dp = stack.dataplane
    ci = dp.ci
    preview = ci.preview_identity
    if preview is not None:
        yield from _foreign_fields("previewIdentity", _set_fields(preview), dp.target)
        deploy = ci.identity
        same = deploy is not None and any(
            getattr(preview, name) is not None and getattr(preview, name) == getattr(deploy, name)
            for name in ("client_id", "role_arn", "service_account")
        )
        if same:
            yield (
                "dataplane.ci.previewIdentity",
                "is the deploy identity (ci.identity): pull requests must never run as the "
                "deploy role; give previews a separate read-only identity (see "
                f"docs/targets/{dp.target.value}.md, CI) or leave previewIdentity out "
                "(offline plan only)",
            )
        if dp.aws is not None and dp.aws.assume_role_arn is not None:
            # The program's AWS provider assumes aws.assumeRoleArn (dataplane/aws_account.py):
            # a preview would have to be trusted by the deploy role to plan at all.
            yield (
                "dataplane.ci.previewIdentity",
                "cannot be used with aws.assumeRoleArn: the program assumes that (deploy) role "
                "itself, so a preview would need the deploy role's trust; leave "
                "previewIdentity out (pull requests get the offline plan)",
            )
    labels = ci.preview_runs_on
    if labels and all(GITHUB_HOSTED_LABEL.match(label) for label in labels):
        yield (
            "dataplane.ci.previewRunsOn",
            f"{list(labels)} are GitHub-hosted runners, which cannot reach this cluster's API "
            "endpoint; name a self-hosted runner (or a hosted one with private networking)",
        )
    if dp.target is Target.ONPREM and labels and set(labels) == set(runner_labels(ci, dp.name)):
        yield (
            "dataplane.ci.previewRunsOn",
            f"{list(labels)} is the deploy runner, whose kubeconfig can change the cluster; "
            "name a runner whose kubeconfig can only read (e.g. "
            f"[self-hosted, {dp.name}-preview])",
        )
