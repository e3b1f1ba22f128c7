"""Every resource rule: flags its violating variant, passes the compliant resource."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pdpkit.policy import RULES, RULES_BY_ID, PolicyContext, ResourceRule
from pdpkit.spec.enums import Severity
from tests.unit.policy.policy_cases import BAD, GOOD

CONTEXT = PolicyContext(production=True, min_log_retention_days=30)


@pytest.mark.parametrize(
    ("rule_id", "type_", "inputs"), BAD, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BAD)]
)
def test_rule_flags_the_violating_variant(rule_id: str, type_: str, inputs: dict) -> None:
    rule = RULES_BY_ID[rule_id]
    assert isinstance(rule, ResourceRule)
    messages = rule.violations(type_, inputs, CONTEXT)
    assert messages, f"{rule_id} missed {inputs}"
    assert all(isinstance(m, str) and m for m in messages)


@pytest.mark.parametrize("type_", sorted(GOOD))
def test_compliant_resources_pass_every_rule(type_: str) -> None:
    found = {
        rule.id: rule.violations(type_, GOOD[type_], CONTEXT)
        for rule in RULES
        if isinstance(rule, ResourceRule)
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_every_resource_rule_has_a_violating_case() -> None:
    covered = {rule_id for rule_id, _, _ in BAD}
    resource_rules = {r.id for r in RULES if isinstance(r, ResourceRule)}
    assert resource_rules - covered == set()
    assert all(type_ in RULES_BY_ID[rule_id].types for rule_id, type_, _ in BAD)  # type: ignore[union-attr]


def test_catalog_shape() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) >= 25
    assert {
        "AZ-AKS-PRIVATE-API",
        "GCP-GKE-PRIVATE-ENDPOINT",
        "AWS-S3-TLS-ONLY",
        "K8S-POD-NON-ROOT",
    } <= set(ids)
    assert {r.scope.value for r in RULES} == {"azure", "aws", "gcp", "kubernetes", "pdp"}
    for rule in RULES:
        assert rule.id.split("-")[0] in {"AZ", "AWS", "GCP", "K8S", "PDP"}
        assert rule.severity in (Severity.MANDATORY, Severity.ADVISORY)
        assert rule.description.endswith(".") and rule.remediation.endswith(".")


def test_public_endpoint_is_flagged_even_when_restricted() -> None:
    aks = RULES_BY_ID["AZ-AKS-PRIVATE-API"]
    gke = RULES_BY_ID["GCP-GKE-PRIVATE-ENDPOINT"]
    assert aks.severity is gke.severity is Severity.MANDATORY
    restricted_aks = {"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]}}
    restricted_gke = {
        "masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "203.0.113.0/24"}]},
        "privateClusterConfig": {"enablePrivateNodes": True},
    }
    assert isinstance(aks, ResourceRule) and isinstance(gke, ResourceRule)
    assert "203.0.113.0/24" in aks.violations(aks.types[0], restricted_aks, CONTEXT)[0]
    assert "203.0.113.0/24" in gke.violations(gke.types[0], restricted_gke, CONTEXT)[0]
    ranges = RULES_BY_ID["AZ-AKS-API-RANGES"]
    assert isinstance(ranges, ResourceRule)
    assert ranges.violations(ranges.types[0], restricted_aks, CONTEXT) == []


def test_log_retention_follows_the_spec_minimum() -> None:
    rule = RULES_BY_ID["AWS-LOG-RETENTION"]
    assert isinstance(rule, ResourceRule)
    inputs = {"retentionInDays": 60}
    assert rule.violations(rule.types[0], inputs, PolicyContext(min_log_retention_days=30)) == []
    assert rule.violations(rule.types[0], inputs, PolicyContext(min_log_retention_days=90))


def test_keys_are_matched_regardless_of_acronym_case() -> None:
    rule = RULES_BY_ID["AZ-AKS-API-RANGES"]
    assert isinstance(rule, ResourceRule)
    inputs = {"apiServerAccessProfile": {"authorizedIpRanges": ["0.0.0.0/0"]}}
    assert rule.violations(rule.types[0], inputs, CONTEXT) == [
        "the authorized IP ranges include 0.0.0.0/0"
    ]


SDKS = Path(importlib.util.find_spec("pulumi").origin).parents[1]  # type: ignore[arg-type, union-attr]
K8S_GROUPS = {
    "core": "core",
    "apps": "apps",
    "batch": "batch",
    "networking.k8s.io": "networking",
    "rbac.authorization.k8s.io": "rbac",
    "helm.sh": "helm",
    "cilium.io": None,
    "gateway.envoyproxy.io": None,
}


def sdk_file_declares(token: str) -> bool:
    """Whether the installed SDK declares the resource type token."""
    provider, module, _kind = token.split(":")
    if provider == "kubernetes":
        group, version = module.split("/")
        folder = K8S_GROUPS[group]
        if folder is None:  # a CRD, not in the SDK
            return True
        roots = [SDKS / "pulumi_kubernetes" / folder / version]
    else:
        package = {"azure-native": "pulumi_azure_native", "aws": "pulumi_aws", "gcp": "pulumi_gcp"}[
            provider
        ]
        roots = [SDKS / package / module.split("/")[0]]
    return any(
        f"'{token}'" in path.read_text(encoding="utf-8")
        for root in roots
        for path in root.glob("*.py")
    )


@pytest.mark.parametrize(
    "token", sorted({t for r in RULES if isinstance(r, ResourceRule) for t in r.types})
)
def test_type_tokens_exist_in_the_installed_sdks(token: str) -> None:
    assert sdk_file_declares(token), token


def test_docs_list_every_rule() -> None:
    from tests.examples import ROOT

    docs = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    missing = [r.id for r in RULES if f"`{r.id}`" not in docs]
    assert missing == []


def test_every_plan_rule_has_a_test() -> None:
    from pdpkit.policy import PlanRule
    from tests.examples import ROOT

    here = ROOT / "tests" / "unit" / "policy"
    sources = "".join(
        (here / f).read_text(encoding="utf-8")
        for f in ("test_plan_rules.py", "test_waivers.py", "test_references.py")
    )
    untested = [r.id for r in RULES if isinstance(r, PlanRule) and f'"{r.id}"' not in sources]
    assert untested == []
