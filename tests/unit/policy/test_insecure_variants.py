"""Deliberately insecure variants of the example stacks are caught by the named rules.

Two kinds: the stack file made insecure (the program then declares insecure resources),
and the planned resources tampered with (what a careless change to a component would do).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from pdpkit.plan.document import Plan
from pdpkit.plan.run import plan_spec
from pdpkit.policy import PolicyResource, Verdict, evaluate
from pdpkit.policy.data_protection import holds_data
from pdpkit.spec.loader import load_stack
from pdpkit.spec.stack import PolicySpec, StackSpec
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

pytestmark = pytest.mark.slow


def variant(
    stack: str, cluster: dict[str, Any] | None = None, keep_waivers: bool = True, **dataplane: Any
) -> StackSpec:
    spec = load_stack(ROOT, stack)
    changes = dict(dataplane)
    if cluster:
        changes["cluster"] = spec.dataplane.cluster.model_copy(update=cluster)
    policy = spec.policy if keep_waivers else PolicySpec()
    return spec.model_copy(
        update={"dataplane": spec.dataplane.model_copy(update=changes), "policy": policy}
    )


def unwaived(verdicts: list[Verdict], severity: str = "mandatory") -> set[str]:
    return {v.rule for v in verdicts if not v.waiver and v.severity.value == severity}


PUBLIC_API = {"private_api_endpoint": False, "authorized_ranges": ("203.0.113.0/24",)}
SPEC_VARIANTS: list[tuple[str, str, Callable[[str], StackSpec], str]] = [
    (
        "acme-azure-dev",
        "waiver removed",
        lambda s: variant(s, keep_waivers=False),
        "AZ-AKS-PRIVATE-API",
    ),
    (
        "acme-azure-dev",
        "no KMS",
        lambda s: variant(s, cluster={"secrets_encryption": False}),
        "AZ-AKS-KMS",
    ),
    (
        "acme-aws-prod",
        "public API",
        lambda s: variant(s, cluster=PUBLIC_API),
        "AWS-EKS-PRIVATE-ENDPOINT",
    ),
    (
        "acme-aws-prod",
        "no KMS",
        lambda s: variant(s, cluster={"secrets_encryption": False}),
        "AWS-EKS-SECRETS-KMS",
    ),
    (
        "acme-gcp-staging",
        "waiver removed",
        lambda s: variant(s, keep_waivers=False),
        "GCP-GKE-PRIVATE-ENDPOINT",
    ),
    (
        "acme-gcp-staging",
        "no CMEK",
        lambda s: variant(s, cluster={"secrets_encryption": False}),
        "GCP-GKE-SECRETS-CMEK",
    ),
]


@cache
def variant_verdicts(stack: str, label: str) -> list[Verdict]:
    make = next(m for s, lbl, m, _ in SPEC_VARIANTS if (s, lbl) == (stack, label))
    return plan_spec(make(stack), ROOT, stack).verdicts


@pytest.mark.parametrize(
    ("stack", "label", "rule"),
    [(s, lbl, r) for s, lbl, _, r in SPEC_VARIANTS],
    ids=[f"{s}-{lbl}" for s, lbl, _, _ in SPEC_VARIANTS],
)
def test_an_insecure_stack_file_is_caught(stack: str, label: str, rule: str) -> None:
    verdicts = variant_verdicts(stack, label)
    assert rule in unwaived(verdicts), f"{stack} with {label}: {sorted(unwaived(verdicts))}"


# --- tampered resources --------------------------------------------------------------------


def planned(stack: str) -> Plan:
    return plan_of(stack)


def views(plan: Plan) -> list[PolicyResource]:
    return [
        PolicyResource(
            r.urn,
            r.type,
            r.name,
            copy.deepcopy(r.inputs),
            r.protect,
            r.retain_on_delete,
            parent=r.parent,
            dependencies=tuple(r.dependencies),
        )
        for r in plan.resources
    ]


def kind_of(resource: PolicyResource) -> str:
    return str(resource.inputs.get("kind", "")) if resource.type.startswith("kubernetes:") else ""


def first(
    resources: list[PolicyResource], test: Callable[[PolicyResource], bool]
) -> PolicyResource:
    found = next((r for r in resources if test(r)), None)
    if found is None:
        pytest.skip("the plan has no such resource yet")
    return found


def is_agent(r: PolicyResource) -> bool:
    return (
        kind_of(r) == "Deployment"
        and r.inputs["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "pdp-agent"
    )


def is_integration(r: PolicyResource) -> bool:
    return kind_of(r) == "Deployment" and "pdpkit.io/environment" in r.inputs["metadata"].get(
        "labels", {}
    )


def first_container(r: PolicyResource) -> dict[str, Any]:
    containers: list[dict[str, Any]] = r.inputs["spec"]["template"]["spec"]["containers"]
    return containers[0]


def drop_default_deny(resources: list[PolicyResource]) -> list[PolicyResource]:
    return [
        r
        for r in resources
        if not (
            kind_of(r) == "NetworkPolicy" and r.inputs["metadata"].get("name") == "default-deny"
        )
    ]


def agent_listens(resources: list[PolicyResource]) -> list[PolicyResource]:
    first_container(first(resources, is_agent))["ports"] = [{"containerPort": 8443}]
    return resources


def latest_image(resources: list[PolicyResource]) -> list[PolicyResource]:
    first_container(first(resources, is_integration))["image"] = "registry.example.com/app:latest"
    return resources


def root_container(resources: list[PolicyResource]) -> list[PolicyResource]:
    container = first_container(first(resources, is_integration))
    container["securityContext"] = {
        **container.get("securityContext", {}),
        "runAsUser": 0,
        "allowPrivilegeEscalation": True,
    }
    return resources


def load_balancer(resources: list[PolicyResource]) -> list[PolicyResource]:
    first(resources, lambda r: kind_of(r) == "Service").inputs["spec"]["type"] = "LoadBalancer"
    return resources


def no_limits(resources: list[PolicyResource]) -> list[PolicyResource]:
    first_container(first(resources, is_integration)).pop("resources", None)
    return resources


TAMPERING: list[tuple[str, Callable[[list[PolicyResource]], list[PolicyResource]], set[str]]] = [
    ("default-deny dropped", drop_default_deny, {"K8S-NS-DEFAULT-DENY"}),
    ("agent listens", agent_listens, {"K8S-AGENT-NO-INBOUND"}),
    ("image by latest tag", latest_image, {"K8S-POD-NO-LATEST-TAG", "K8S-POD-IMAGE-DIGEST"}),
    ("root container", root_container, {"K8S-POD-NON-ROOT", "K8S-POD-NO-PRIVILEGE-ESCALATION"}),
    ("LoadBalancer Service", load_balancer, {"K8S-SVC-NO-LOADBALANCER"}),
    ("no requests or limits", no_limits, {"K8S-POD-RESOURCES"}),
]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
@pytest.mark.parametrize(("label", "tamper", "rules"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_tampered_resources_are_caught(
    stack: str,
    label: str,
    tamper: Callable[[list[PolicyResource]], list[PolicyResource]],
    rules: set[str],
) -> None:
    plan = planned(stack)
    spec = load_stack(ROOT, stack)
    before = unwaived(evaluate(views(plan), spec))
    after = unwaived(evaluate(tamper(views(plan)), spec))
    assert rules <= after - before, f"{label}: {sorted(after - before)}"


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_unprotected_data_in_production_is_caught(stack: str) -> None:
    plan = planned(stack)
    spec = variant(stack, production=True)
    stripped = [PolicyResource(r.urn, r.type, r.name, r.inputs, False, False) for r in views(plan)]
    if not any(holds_data(r) for r in stripped):
        pytest.skip(f"{stack} declares nothing that holds data (its data lives in given services)")
    assert "PDP-DATA-PROTECTED" in unwaived(evaluate(stripped, spec))
