"""The job matrices of the fleet workflows: one entry per stack, waves, shards.

A matrix entry carries everything one stack's job differs in: its runner, its customer's
GitHub Environment, state backend and identities. Each value is checked against its grammar
here (`values.checked`, or the fleet model's own validators) and reaches the job only
through ``with:``, ``env:``, ``runs-on:`` and ``environment:``, never a script.

Limits (docs.github.com/en/actions/reference/limits, "Job matrix": "A job matrix can generate
a maximum of 256 jobs per workflow run"): GitHub enforces it per job's strategy ("Strategy
for job 'board' produced 257 configurations which exceeds the maximum of 256
configurations", adafruit/circuitpython#11324, fixed by splitting one matrix job into several,
#11325), so a wave of more than `MATRIX_LIMIT` stacks becomes several jobs of at most
`MATRIX_LIMIT` entries each (`shards`). ``max-parallel`` applies to one matrix, so a wave's
cap is divided among its shards (`shard_caps`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pdpkit.fleet.loader import Fleet
from pdpkit.fleet.model import CustomerSpec
from pdpkit.spec.ci import aws_cli_profile, runner_labels
from pdpkit.spec.enums import Target
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.values import UnsafeWorkflowValueError, checked

MATRIX_LIMIT = 256
"""Most entries one job's matrix may have (docs.github.com/en/actions/reference/limits)."""
_URL = re.compile(r"^[A-Za-z0-9+.-]+://[A-Za-z0-9._~:/?#\[\]@!&'()*+,;=%-]+$")

# The cloud each backend / secrets provider URL scheme needs credentials for
# (`pdpkit.fleet.locations`: Pulumi's DIY backends and secrets providers).
_SCHEME_CLOUD = {
    "s3": Target.AWS,
    "awskms": Target.AWS,
    "azblob": Target.AZURE,
    "azurekeyvault": Target.AZURE,
    "gs": Target.GCP,
    "gcpkms": Target.GCP,
}


class FleetWorkflowError(ValueError):
    """The fleet cannot be run by the generated workflows as declared (the message says why
    and how to fix fleet.yaml)."""


def environment(customer: str, *, read_only: bool = False) -> str:
    """The customer's GitHub Environment: ``fleet-<customer>`` for ``pulumi up`` (its
    protection rules gate the rollout), ``fleet-<customer>-read`` for previews and drift
    checks (no reviewers: pull requests and the nightly run must not wait). The job's OIDC
    token then names it (``sub``: ``repo:<owner>/<repo>:environment:<name>``), which is
    what the customer's identity trusts: no other customer's job can assume it."""
    name = checked("name", customer)
    return f"fleet-{name}-read" if read_only else f"fleet-{name}"


def _url(value: str) -> str:
    if not _URL.fullmatch(value) or "${{" in value:
        raise UnsafeWorkflowValueError(f"refusing to write URL {value!r} into a workflow")
    return value


def _backend(url: str, stack: str) -> dict[str, str]:
    """``PULUMI_BACKEND_URL`` and the ``--stack`` value. A Pulumi Cloud backend is named in
    fleet.yaml as ``https://<host>/<org>`` (`pdpkit.fleet.locations`): the CLI logs in to
    ``https://<host>`` and the organization is part of the stack's name (``<org>/<stack>``,
    pulumi.com/docs/iac/concepts/stacks, "Fully qualified stack names")."""
    parts = urlsplit(_url(url))
    if parts.scheme == "https":
        org = checked("name", parts.path.strip("/").lower()) if parts.path.strip("/") else ""
        return {
            "backend": _url(f"https://{parts.netloc}"),
            "stack_ref": f"{org}/{stack}" if org else stack,
            "pulumi_cloud": "true",
        }
    return {"backend": url, "stack_ref": stack, "pulumi_cloud": ""}


def _region_of(url: str) -> str | None:
    return dict(parse_qsl(urlsplit(url).query)).get("region")


def entry(fleet: Fleet, stack: str, *, read_only: bool = False) -> dict[str, Any]:
    """The matrix entry of `stack` (values checked; empty string: not used)."""
    customer = fleet.customer_of(stack)
    spec = fleet.stacks[stack]
    dp = spec.dataplane
    clouds = _clouds(customer, spec)
    item: dict[str, Any] = {
        "stack": checked("stack", stack),
        "customer": checked("name", customer.name),
        "wave": checked("name", fleet.spec.wave_of(customer).name),
        "runner": [checked("runner label", label) for label in runner_labels(dp.ci, dp.name)],
        "environment": environment(customer.name, read_only=read_only),
        **_backend(customer.backend, stack),
        "aws_role": "",
        "aws_region": "",
        "aws_profile": "",
        "aws_hop_role": "",
        "aws_external_id": "",
        "azure_client_id": "",
        "azure_tenant_id": "",
        "azure_subscription_id": "",
        "gcp_provider": "",
        "gcp_service_account": "",
    }
    identity = customer.identity
    if Target.AWS in clouds and identity.aws is not None:
        aws = identity.aws
        item["aws_role"] = checked("role ARN", aws.source_role_arn or aws.role_arn)
        region = dp.region if dp.target is Target.AWS else _region_of(customer.backend)
        item["aws_region"] = checked("region", region or "us-east-1")
        if dp.aws is not None and dp.aws.assume_role_arn is not None:
            # the EKS kubeconfig names this profile (`aws_cli_profile`); see
            # `steps.aws_profile_step` for the role hop it defines
            item["aws_profile"] = checked("name", aws_cli_profile(checked("name", dp.name)))
            item["aws_hop_role"] = checked("role ARN", dp.aws.assume_role_arn)
            item["aws_external_id"] = "true" if dp.aws.external_id is not None else ""
    if Target.AZURE in clouds and identity.azure is not None:
        item["azure_client_id"] = checked("UUID", identity.azure.client_id)
        item["azure_tenant_id"] = checked("UUID", identity.azure.tenant_id)
        if dp.azure is not None:
            item["azure_subscription_id"] = checked("UUID", dp.azure.subscription_id)
    if Target.GCP in clouds and identity.gcp is not None:
        item["gcp_provider"] = checked(
            "workload identity provider", identity.gcp.workload_identity_provider
        )
        item["gcp_service_account"] = checked("service account", identity.gcp.service_account)
    return item


def _clouds(customer: CustomerSpec, spec: StackSpec) -> set[Target]:
    """The clouds a run of `spec` needs credentials for: its target's, its state backend's
    and its secrets provider's. An on-prem stack's self-hosted runner holds what the
    customer has no identity for (kubeconfig, an S3-compatible store's keys, Vault)."""
    target = spec.dataplane.target
    needed: set[Target] = {target} if target is not Target.ONPREM else set()
    for url in (customer.backend, customer.secrets_provider):
        cloud = _SCHEME_CLOUD.get(urlsplit(url).scheme)
        if cloud is not None:
            needed.add(cloud)
    missing = sorted(c.value for c in needed if customer.identity.for_target(c) is None)
    if missing and target is not Target.ONPREM:
        raise FleetWorkflowError(
            f"fleet.yaml customer {customer.name!r}: its stacks' runs need credentials for "
            f"{', '.join(missing)} (their target, state backend or secrets provider) but "
            f"identity.{missing[0]} is not declared; add it, or keep the state and key in "
            "a cloud the customer has an identity for"
        )
    return {c for c in needed if customer.identity.for_target(c) is not None}


@dataclass(frozen=True)
class Shard:
    """One job of a wave: at most `MATRIX_LIMIT` entries, its share of the wave's cap."""

    wave: str
    index: int
    entries: tuple[dict[str, Any], ...]
    max_parallel: int
    after_previous_shard: bool
    """The wave's cap is below its number of shards: the shards run one after another."""


def shard_caps(shards: int, cap: int) -> list[int]:
    """Each shard's ``max-parallel`` so that together they never exceed `cap`: the cap
    divided among the shards (the first ones get the remainder) when every shard gets at
    least one; otherwise the shards run one after another, each with the whole cap."""
    if shards <= cap:
        base, extra = divmod(cap, shards)
        return [base + (1 if i < extra else 0) for i in range(shards)]
    return [cap] * shards


def shards(wave: str, entries: Sequence[dict[str, Any]], cap: int) -> list[Shard]:
    """`entries` split into jobs of at most `MATRIX_LIMIT`, sized evenly."""
    if not entries:
        return []
    count = math.ceil(len(entries) / MATRIX_LIMIT)
    size = math.ceil(len(entries) / count)
    caps = shard_caps(count, cap)
    sequential = count > cap
    return [
        Shard(
            wave=wave,
            index=i,
            entries=tuple(entries[i * size : (i + 1) * size]),
            max_parallel=caps[i],
            after_previous_shard=sequential and i > 0,
        )
        for i in range(count)
    ]


def rollout(fleet: Fleet) -> list[list[Shard]]:
    """The waves of the rollout, first to last, each as its jobs (empty waves left out)."""
    planned: list[list[Shard]] = []
    for wave, customers in fleet.waves():
        items = [entry(fleet, stack) for c in customers for stack in c.stacks]
        jobs = shards(wave.name, items, wave.max_parallel)
        if jobs:
            planned.append(jobs)
    return planned


def job_id(kind: str, shard: Shard, single: bool) -> str:
    """``<kind>-<wave>`` or, for a wave of several jobs, ``<kind>-<wave>-<n>``."""
    name = f"{kind}-{checked('name', shard.wave)}"
    return name if single else f"{name}-{shard.index + 1}"
