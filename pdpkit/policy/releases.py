"""The release ledger, as deployed: every workload's build passed the pipeline's gates.

The program verifies the ledger against the pipeline (`pdpkit.platform.ledger_verify`)
and marks a workload whose release fails with `UNVERIFIED_RELEASE`, naming the entry and
why; this rule turns the mark into a mandatory verdict, under `pdp plan` and CrossGuard.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pdpkit.policy.kubernetes_workloads import CRON_JOB, DEPLOYMENT, JOB
from pdpkit.policy.model import MANDATORY, PolicyContext, resource_rule
from pdpkit.policy.wire import dig

UNVERIFIED_RELEASE = "pdpkit.io/unverified-release"
"""Annotation on an integration's workload whose ledger entry failed verification."""


@resource_rule(
    "K8S-RELEASE-VERIFIED",
    MANDATORY,
    (DEPLOYMENT, CRON_JOB, JOB),
    "Every integration runs a build the pipeline let into its environment: the ledger entry "
    "was released into an entry environment, or promoted from a predecessor it ran in for the "
    "soak time with the gate's approvals (a hand-edited ledger fails).",
    "Restore the ledger entry from git, or move the build with pdp release, pdp promote or "
    "pdp rollback.",
    waivable=False,
)
def release_verified(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    problem = dig(inputs, "metadata", "annotations", UNVERIFIED_RELEASE)
    if problem:
        yield f"unverified release: {problem}"
