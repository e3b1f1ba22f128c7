"""Waivers: a justified waiver turns a violation into a waived verdict; bad waivers are reported."""

from __future__ import annotations

from pdpkit.policy import PolicyResource, evaluate
from pdpkit.spec.loader import load_stack
from pdpkit.spec.stack import PolicySpec, PolicyWaiver, StackSpec
from tests.examples import ROOT

JUSTIFICATION = "Development cluster reached by the vendor's CI runners over the internet."


def stack(*waivers: PolicyWaiver) -> StackSpec:
    spec = load_stack(ROOT, "acme-azure-dev")
    return spec.model_copy(update={"policy": PolicySpec(waivers=waivers)})


PUBLIC_AKS = PolicyResource(
    "urn:pulumi:acme-azure-dev::pdp::azure-native:containerservice:ManagedCluster::acme-azure-dev-cluster",
    "azure-native:containerservice:ManagedCluster",
    "acme-azure-dev-cluster",
    {
        "apiServerAccessProfile": {
            "enablePrivateCluster": False,
            "authorizedIPRanges": ["203.0.113.0/24"],
        }
    },
)


def verdicts_of(rule: str, spec: StackSpec) -> list:
    return [v for v in evaluate([PUBLIC_AKS], spec) if v.rule == rule]


def test_without_a_waiver_the_public_api_is_a_mandatory_violation() -> None:
    [verdict] = verdicts_of("AZ-AKS-PRIVATE-API", stack())
    assert verdict.severity.value == "mandatory"
    assert verdict.waiver is None
    assert verdict.resource == "acme-azure-dev-cluster"
    assert "203.0.113.0/24" in verdict.message


def test_a_waiver_carries_its_justification() -> None:
    spec = stack(
        PolicyWaiver(
            rule="AZ-AKS-PRIVATE-API",
            justification=JUSTIFICATION,
            resources=("acme-azure-dev-cluster",),
        )
    )
    [verdict] = verdicts_of("AZ-AKS-PRIVATE-API", spec)
    assert verdict.waiver == JUSTIFICATION
    assert not [v for v in evaluate([PUBLIC_AKS], spec) if v.rule.startswith("PDP-WAIVER")]


def test_a_waiver_without_resources_covers_every_resource() -> None:
    spec = stack(PolicyWaiver(rule="AZ-AKS-PRIVATE-API", justification=JUSTIFICATION))
    assert verdicts_of("AZ-AKS-PRIVATE-API", spec)[0].waiver == JUSTIFICATION


def test_a_waiver_for_another_resource_waives_nothing_and_is_reported_unused() -> None:
    spec = stack(
        PolicyWaiver(rule="AZ-AKS-PRIVATE-API", justification=JUSTIFICATION, resources=("other",))
    )
    assert verdicts_of("AZ-AKS-PRIVATE-API", spec)[0].waiver is None
    [unused] = verdicts_of("PDP-WAIVER-USED", spec)
    assert unused.severity.value == "advisory"
    assert unused.urn == "pdp:policy.waivers[0]"


def test_an_unknown_rule_is_a_mandatory_verdict_with_a_suggestion() -> None:
    spec = stack(PolicyWaiver(rule="AZ-AKS-PRIVATE-APIS", justification=JUSTIFICATION))
    [unknown] = verdicts_of("PDP-WAIVER-KNOWN-RULE", spec)
    assert unknown.severity.value == "mandatory"
    assert "AZ-AKS-PRIVATE-APIS" in unknown.message
    assert "did you mean AZ-AKS-PRIVATE-API?" in unknown.message
    assert verdicts_of("AZ-AKS-PRIVATE-API", spec)[0].waiver is None


def test_example_stack_waivers_name_existing_rules() -> None:
    from pdpkit.policy import RULES_BY_ID

    for name in ("acme-azure-dev", "acme-gcp-staging", "acme-aws-prod", "acme-onprem-local"):
        for waiver in load_stack(ROOT, name).policy.waivers:
            assert waiver.rule in RULES_BY_ID, (name, waiver.rule)


def test_every_rule_id_can_be_named_by_a_waiver() -> None:
    from pdpkit.policy import RULES

    for rule in RULES:
        assert PolicyWaiver(rule=rule.id, justification=JUSTIFICATION).rule == rule.id
