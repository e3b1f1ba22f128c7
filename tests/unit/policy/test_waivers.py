"""Waivers: a justified waiver turns a violation into a waived verdict; bad waivers are reported."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from pdpkit.policy import PolicyContext, PolicyResource, evaluate
from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import load_stack, load_stack_file
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


# Issue 16, item 11: waivers no one can talk a guardrail away with.

TODAY = date(2026, 3, 1)
SCOPED = PolicyWaiver(
    rule="AZ-AKS-PRIVATE-API",
    justification=JUSTIFICATION,
    resources=("acme-azure-dev-cluster",),
    expires=TODAY + timedelta(days=30),
)


def production(*waivers: PolicyWaiver) -> StackSpec:
    spec = stack(*waivers)
    dataplane = spec.dataplane.model_copy(update={"production": True})
    return spec.model_copy(update={"dataplane": dataplane})


def judged(rule: str, spec: StackSpec, today: date = TODAY) -> list:
    return [v for v in evaluate([PUBLIC_AKS], spec, today=today) if v.rule == rule]


@pytest.mark.parametrize(
    "filler",
    [
        "x" * 40,
        "waiver waiver waiver waiver waiver waiver",
        "needed needed needed needed because because because ok",
        "Temporary exception, approved: aaaaaaaaaaaaaaaa",
        "n/a n/a n/a n/a n/a n/a n/a n/a",
    ],
)
def test_a_justification_that_says_nothing_is_refused(filler: str) -> None:
    with pytest.raises(ValidationError, match="justification"):
        PolicyWaiver(rule="AZ-AKS-PRIVATE-API", justification=filler)


def test_a_filler_justification_in_a_stack_file_is_a_located_error(tmp_path: Path) -> None:
    text = (ROOT / "stacks" / "Pulumi.acme-azure-dev.yaml").read_text(encoding="utf-8")
    start = text.index("        justification: >-")
    end = text.index("        resources:", start)
    file = tmp_path / "Pulumi.acme-azure-dev.yaml"
    file.write_text(text[:start] + "        justification: " + "x" * 30 + "\n" + text[end:])
    with pytest.raises(SpecError) as error:
        load_stack_file(file, root=ROOT)
    [problem] = error.value.problems
    assert problem.path.endswith("waivers[0].justification")
    assert problem.line is not None and "says too little" in problem.message


@pytest.mark.parametrize("rule", ["AZ-AKS-API-RANGES", "K8S-RELEASE-VERIFIED", "PDP-WAIVER-USED"])
def test_a_rule_documented_as_never_waivable_cannot_be_waived(rule: str) -> None:
    ranges = PolicyResource(
        PUBLIC_AKS.urn,
        PUBLIC_AKS.type,
        PUBLIC_AKS.name,
        {"apiServerAccessProfile": {"enablePrivateCluster": False, "authorizedIPRanges": []}},
    )
    spec = stack(PolicyWaiver(rule=rule, justification=JUSTIFICATION))
    verdicts = evaluate([ranges], spec, today=TODAY)
    [void] = [v for v in verdicts if v.rule == "PDP-WAIVER-WAIVABLE"]
    assert void.severity.value == "mandatory" and f"{rule} cannot be waived" in void.message
    assert all(v.waiver is None for v in verdicts)
    assert [v for v in verdicts if v.rule == "AZ-AKS-API-RANGES"]


def test_the_unwaivable_rules_are_a_property_of_the_rule() -> None:
    from pdpkit.policy import RULES

    unwaivable = {r.id for r in RULES if not r.waivable}
    assert {
        "AZ-AKS-API-RANGES",
        "AWS-EKS-API-RANGES",
        "GCP-GKE-API-RANGES",
        "K8S-RELEASE-VERIFIED",
        "K8S-ROUTE-INTERNAL-STAYS-INTERNAL",
        "PDP-REFERENCES-RESOLVE",
    } <= unwaivable
    assert {r.id for r in RULES if r.id.startswith("PDP-WAIVER-")} <= unwaivable


@pytest.mark.parametrize(
    ("update", "missing"),
    [({"resources": ()}, "resources"), ({"expires": None}, "expires")],
)
def test_a_production_waiver_names_its_resources_and_its_end(
    update: dict[str, object], missing: str
) -> None:
    assert judged("AZ-AKS-PRIVATE-API", production(SCOPED))[0].waiver == JUSTIFICATION
    spec = production(SCOPED.model_copy(update=update))
    [void] = judged("PDP-WAIVER-SCOPED", spec)
    assert void.severity.value == "mandatory" and f"lacks {missing}" in void.message
    assert judged("AZ-AKS-PRIVATE-API", spec)[0].waiver is None


def test_outside_production_a_waiver_may_cover_every_resource_for_good() -> None:
    spec = stack(PolicyWaiver(rule="AZ-AKS-PRIVATE-API", justification=JUSTIFICATION))
    assert judged("AZ-AKS-PRIVATE-API", spec)[0].waiver == JUSTIFICATION
    assert not [v for v in evaluate([PUBLIC_AKS], spec) if v.rule.startswith("PDP-WAIVER")]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (SCOPED.expires, None),  # the last day it is in force
        (TODAY + timedelta(days=31), "expired on 2026-03-31"),
        (TODAY - timedelta(days=61), "more than 90 days ahead"),
    ],
)
def test_a_waiver_lapses_on_its_expiry_and_may_not_reach_far_ahead(
    today: date, expected: str | None
) -> None:
    for spec in (stack(SCOPED), production(SCOPED)):
        verdicts = judged("PDP-WAIVER-EXPIRY", spec, today)
        waived = judged("AZ-AKS-PRIVATE-API", spec, today)[0].waiver
        if expected is None:
            assert verdicts == [] and waived == JUSTIFICATION
        else:
            [void] = verdicts
            assert void.severity.value == "mandatory" and expected in void.message
            assert waived is None


def test_the_clock_comes_from_code_not_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PDP_NOW", "PDP_TODAY", "SOURCE_DATE_EPOCH", "FAKETIME"):
        monkeypatch.setenv(name, "2020-01-01")
    assert PolicyContext.of(stack()).today == datetime.now(UTC).date()


def test_an_expiry_is_a_day(tmp_path: Path) -> None:
    assert PolicyWaiver(
        rule="A-B", justification=JUSTIFICATION, expires="2026-04-01T00:00:00Z"
    ).expires == date(2026, 4, 1)
    for bad in ("next month", "2026-04-01T12:00:00Z", "01/04/2026", 1775000000):
        with pytest.raises(ValidationError, match="not a date"):
            PolicyWaiver(rule="A-B", justification=JUSTIFICATION, expires=bad)
