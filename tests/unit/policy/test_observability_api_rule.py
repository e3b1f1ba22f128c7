"""K8S-OBSERVABILITY-API over the generated query API and its insecure variants."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from pdpkit.dataplane.contract import OBSERVABILITY_NAMESPACE
from pdpkit.policy import RULES_BY_ID, PlanRule, PolicyContext, PolicyResource, evaluate
from pdpkit.policy.observability_api import OBSERVABILITY_NAMESPACE as POLICY_NAMESPACE
from pdpkit.spec.loader import load_stack
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of
from tests.unit.platform.test_observability_api import example

RULE = "K8S-OBSERVABILITY-API"
TYPES = {
    "HTTPRoute": "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    "SecurityPolicy": "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy",
    "BackendTrafficPolicy": "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
}


def resources(stack: str) -> list[PolicyResource]:
    _, _, objects = example(stack)
    made = []
    for o in copy.deepcopy(objects):
        type_ = TYPES[o["kind"]]
        name = f"{o['kind']}-{o['metadata']['name']}"
        made.append(PolicyResource(f"urn:pulumi:s::p::{type_}::{name}", type_, name, o))
    return made


def messages(made: list[PolicyResource]) -> list[str]:
    rule = RULES_BY_ID[RULE]
    assert isinstance(rule, PlanRule)
    return [m for _, m in rule.violations(made, PolicyContext())]


def test_the_namespaces_agree() -> None:
    assert POLICY_NAMESPACE == OBSERVABILITY_NAMESPACE


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_generated_api_complies(stack: str) -> None:
    assert messages(resources(stack)) == []


def _spec(made: list[PolicyResource], kind: str) -> dict[str, Any]:
    spec: dict[str, Any] = next(r for r in made if r.inputs["kind"] == kind).inputs["spec"]
    return spec


def no_security_policy(made: list[PolicyResource]) -> list[PolicyResource]:
    first = next(r for r in made if r.inputs["kind"] == "SecurityPolicy")
    return [r for r in made if r is not first]


def optional_jwt(made: list[PolicyResource]) -> list[PolicyResource]:
    _spec(made, "SecurityPolicy")["jwt"]["optional"] = True
    return made


def default_allow(made: list[PolicyResource]) -> list[PolicyResource]:
    _spec(made, "SecurityPolicy")["authorization"]["defaultAction"] = "Allow"
    return made


def no_authorization(made: list[PolicyResource]) -> list[PolicyResource]:
    del _spec(made, "SecurityPolicy")["authorization"]
    return made


def allow_without_claim(made: list[PolicyResource]) -> list[PolicyResource]:
    rule = _spec(made, "SecurityPolicy")["authorization"]["rules"][0]
    rule["principal"] = {"clientCIDRs": ["0.0.0.0/0"]}
    return made


def other_tenants_claim(made: list[PolicyResource]) -> list[PolicyResource]:
    rule = _spec(made, "SecurityPolicy")["authorization"]["rules"][0]
    rule["principal"]["jwt"]["claims"][0]["values"] = ["someone-else"]
    return made


def header_added_not_set(made: list[PolicyResource]) -> list[PolicyResource]:
    rule = _spec(made, "HTTPRoute")["rules"][0]
    modifier = rule["filters"][0]["requestHeaderModifier"]
    modifier["add"] = modifier.pop("set")
    return made


def push_path(made: list[PolicyResource]) -> list[PolicyResource]:
    rule = copy.deepcopy(_spec(made, "HTTPRoute")["rules"][0])
    rule["matches"][0]["path"] = {"type": "PathPrefix", "value": "/tenants/x/loki"}
    rule["filters"][1]["urlRewrite"]["path"] = {
        "type": "ReplacePrefixMatch",
        "replacePrefixMatch": "/loki",
    }
    _spec(made, "HTTPRoute")["rules"].append(rule)
    return made


def catch_all(made: list[PolicyResource]) -> list[PolicyResource]:
    rule = copy.deepcopy(_spec(made, "HTTPRoute")["rules"][0])
    del rule["matches"]
    rule["filters"] = rule["filters"][:1]
    _spec(made, "HTTPRoute")["rules"].append(rule)
    return made


def hand_written_route(made: list[PolicyResource]) -> list[PolicyResource]:
    route = copy.deepcopy(next(r for r in made if r.inputs["kind"] == "HTTPRoute"))
    route.inputs["metadata"]["name"] = "grafana-shortcut"
    return [*made, PolicyResource(route.urn + "-2", route.type, "shortcut", route.inputs)]


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (no_security_policy, "without a SecurityPolicy"),
        (optional_jwt, "without a SecurityPolicy"),
        (default_allow, "without a SecurityPolicy"),
        (no_authorization, "without a SecurityPolicy"),
        (allow_without_claim, "without a SecurityPolicy"),
        (other_tenants_claim, "does not require in the token"),
        (header_added_not_set, "does not set X-Scope-OrgID"),
        (push_path, "/loki/api/v1/push"),
        (catch_all, "exposes write/admin paths"),
        (hand_written_route, "grafana-shortcut reaches the observability stores without"),
    ],
)
def test_insecure_variants_are_mandatory_violations(
    tamper: Callable[[list[PolicyResource]], list[PolicyResource]], expected: str
) -> None:
    found = messages(tamper(resources("acme-aws-prod")))
    assert any(expected in m for m in found), found
    assert RULES_BY_ID[RULE].severity.value == "mandatory"


def _unwaived_mandatory(stack: str, made: list[PolicyResource]) -> set[str]:
    verdicts = evaluate(made, load_stack(ROOT, stack))
    return {v.rule for v in verdicts if not v.waiver and v.severity.value == "mandatory"}


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
@pytest.mark.parametrize("tamper", [no_security_policy, default_allow, push_path, catch_all])
def test_weakened_apis_fail_the_whole_policy(
    stack: str, tamper: Callable[[list[PolicyResource]], list[PolicyResource]]
) -> None:
    """Through `evaluate` (what `pdp plan` and the pack run): the example stack's plan with
    its generated API passes, with the API weakened it fails."""
    plan = [
        PolicyResource(r.urn, r.type, r.name, copy.deepcopy(r.inputs), parent=r.parent)
        for r in plan_of(stack).resources
        if r.inputs.get("metadata", {}).get("namespace") != OBSERVABILITY_NAMESPACE
        or r.type not in TYPES.values()
    ]
    assert RULE not in _unwaived_mandatory(stack, plan + resources(stack))
    assert RULE in _unwaived_mandatory(stack, plan + tamper(resources(stack)))
