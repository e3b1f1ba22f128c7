"""The CrossGuard pack's validators, called with constructed pulumi_policy arguments."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, timedelta
from types import ModuleType
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import PolicyResource as CrossGuardResource
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, unknown_checking_proxy

from pdpkit.policy import RULES, PolicyContext
from pdpkit.spec.stack import PolicyWaiver
from tests.examples import ROOT
from tests.unit.policy.policy_cases import AKS, DEPLOYMENT, GOOD, changed, with_security


def load_pack() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "pdp_crossguard", ROOT / "policy" / "crossguard.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pdp_crossguard"] = module
    spec.loader.exec_module(module)
    return module


PACK = load_pack()
TODAY = date(2026, 3, 1)
WAIVER = PolicyWaiver(
    rule="AZ-AKS-PRIVATE-API",
    justification="Development cluster reached by CI runners.",
    resources=("dev-cluster",),
    expires=TODAY + timedelta(days=30),  # the production context requires it
)


def options(protect: bool = False) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def by_name(policies: list[Any]) -> dict[str, Any]:
    return {p.name: p for p in policies}


def run_resource(
    policy: ResourceValidationPolicy, type_: str, props: dict[str, Any], name: str = "r"
) -> list[str]:
    reports: list[str] = []
    args = ResourceValidationArgs(
        type_,
        unknown_checking_proxy(props),
        f"urn:pulumi:s::p::{type_}::{name}",
        name,
        options(),
        None,
    )
    policy.validate(args, lambda message, _urn=None: reports.append(message))
    return reports


def cg_resource(
    type_: str, name: str, props: dict[str, Any], protect: bool = False
) -> CrossGuardResource:
    return CrossGuardResource(
        type_,
        props,
        f"urn:pulumi:s::p::{type_}::{name}",
        name,
        options(protect),
        None,
        None,
        [],
        {},
    )


def run_stack(
    policy: StackValidationPolicy, resources: list[CrossGuardResource]
) -> list[tuple[str, str | None]]:
    reports: list[tuple[str, str | None]] = []
    policy.validate(
        StackValidationArgs(resources), lambda message, urn=None: reports.append((message, urn))
    )
    return reports


POLICIES = by_name(PACK.policies(PolicyContext(production=True, today=TODAY), (WAIVER,)))


def test_the_pack_wraps_every_rule_crossguard_can_judge_with_its_severity() -> None:
    for rule in RULES:
        if rule.crossguard:
            policy = POLICIES[rule.id]
            expected = (
                EnforcementLevel.MANDATORY
                if rule.severity.value == "mandatory"
                else EnforcementLevel.ADVISORY
            )
            assert policy.enforcement_level is expected
            assert policy.description == rule.description
    assert "K8S-NO-PLAIN-SECRETS" not in POLICIES  # CrossGuard sees secrets unwrapped
    assert isinstance(POLICIES["K8S-POD-NON-ROOT"], ResourceValidationPolicy)
    assert isinstance(POLICIES["K8S-NS-DEFAULT-DENY"], StackValidationPolicy)


def test_resource_validator_reports_violations_and_passes_compliant_resources() -> None:
    non_root = POLICIES["K8S-POD-NON-ROOT"]
    assert run_resource(non_root, DEPLOYMENT, GOOD[DEPLOYMENT]) == []
    [report] = run_resource(non_root, DEPLOYMENT, with_security(runAsUser=0))
    assert "runs as user 0" in report
    assert run_resource(non_root, AKS, GOOD[AKS]) == []  # another type: not applicable


def test_resource_validator_honours_waivers_by_logical_name() -> None:
    public = changed(AKS, "apiServerAccessProfile", {"authorizedIPRanges": ["203.0.113.0/24"]})
    private_api = POLICIES["AZ-AKS-PRIVATE-API"]
    assert run_resource(private_api, AKS, public, name="dev-cluster") == []
    assert run_resource(private_api, AKS, public, name="prod-cluster")
    [waived] = run_stack(POLICIES["PDP-WAIVED"], [cg_resource(AKS, "dev-cluster", public)])
    assert "AZ-AKS-PRIVATE-API waived" in waived[0] and "CI runners" in waived[0]


def test_unknown_values_during_preview_are_not_judged_as_violations() -> None:
    props = changed("aws:cloudwatch/logGroup:LogGroup", "retentionInDays", UNKNOWN_BOOLEAN_VALUE)
    assert (
        run_resource(POLICIES["AWS-LOG-RETENTION"], "aws:cloudwatch/logGroup:LogGroup", props) == []
    )


def test_stack_validator_checks_protection_in_production() -> None:
    registry = "azure-native:containerregistry:Registry"
    reports = run_stack(
        POLICIES["PDP-DATA-PROTECTED"], [cg_resource(registry, "acr", GOOD[registry])]
    )
    assert reports == [
        (
            "Registry holds data but lacks protect. "
            + POLICIES["PDP-DATA-PROTECTED"].remediation_steps,
            f"urn:pulumi:s::p::{registry}::acr",
        )
    ]
    assert (
        run_stack(
            POLICIES["PDP-DATA-PROTECTED"], [cg_resource(registry, "acr", GOOD[registry], True)]
        )
        == []
    )


def test_unknown_waiver_rules_are_reported_by_the_pack() -> None:
    bad = PolicyWaiver(
        rule="AZ-AKS-PRIVATE-APIS", justification="A misspelt rule id in the waiver list."
    )
    policies = by_name(PACK.policies(PolicyContext(), (bad,)))
    assert run_stack(policies["PDP-WAIVER-KNOWN-RULE"], []) == [
        (
            "pdp:policy.waivers[0]: waiver for unknown rule AZ-AKS-PRIVATE-APIS; "
            "did you mean AZ-AKS-PRIVATE-API?",
            None,
        )
    ]


@pytest.mark.parametrize(
    ("waiver", "rule"),
    [
        (PolicyWaiver(rule="AZ-AKS-API-RANGES", justification=WAIVER.justification), None),
        (WAIVER.model_copy(update={"expires": None}), "PDP-WAIVER-SCOPED"),
        (WAIVER.model_copy(update={"resources": ()}), "PDP-WAIVER-SCOPED"),
        (WAIVER.model_copy(update={"expires": TODAY - timedelta(days=1)}), "PDP-WAIVER-EXPIRY"),
        (WAIVER.model_copy(update={"expires": TODAY + timedelta(days=91)}), "PDP-WAIVER-EXPIRY"),
    ],
)
def test_the_pack_voids_waivers_the_policy_refuses(waiver: PolicyWaiver, rule: str | None) -> None:
    """Attack: a waiver of an unwaivable rule, or an unscoped, expired or endless waiver in
    production, silences nothing under `pulumi preview` either."""
    policies = by_name(PACK.policies(PolicyContext(production=True, today=TODAY), (waiver,)))
    ranges = changed(AKS, "apiServerAccessProfile", {"authorizedIPRanges": ["0.0.0.0/0"]})
    if rule is None:
        assert run_resource(policies["AZ-AKS-API-RANGES"], AKS, ranges, name="dev-cluster")
        [report] = run_stack(policies["PDP-WAIVER-WAIVABLE"], [])
        assert "AZ-AKS-API-RANGES cannot be waived" in report[0]
        return
    public = changed(AKS, "apiServerAccessProfile", {"authorizedIPRanges": ["203.0.113.0/24"]})
    assert run_resource(policies["AZ-AKS-PRIVATE-API"], AKS, public, name="dev-cluster")
    [report] = run_stack(policies[rule], [])
    assert report[0].startswith("pdp:policy.waivers[0]: waiver of AZ-AKS-PRIVATE-API")


@pytest.mark.parametrize(
    ("stack", "production", "waived"),
    [("acme-azure-dev", False, "AZ-AKS-PRIVATE-API"), ("acme-aws-prod", True, None)],
)
def test_the_pack_reads_the_running_stack(
    monkeypatch: pytest.MonkeyPatch, stack: str, production: bool, waived: str | None
) -> None:
    monkeypatch.setenv("PULUMI_STACK", f"acme/{stack}")
    monkeypatch.delenv("PDP_STACK", raising=False)
    context, waivers = PACK.stack_settings(ROOT)
    assert context.production is production
    assert [w.rule for w in waivers] == ([waived] if waived else [])


def test_the_pack_declares_its_runtime_and_pins() -> None:
    requirements = (ROOT / "policy" / "requirements.txt").read_text(encoding="utf-8")
    assert "pulumi-policy==1.21.0" in requirements.splitlines()
    assert "runtime:" in (ROOT / "policy" / "PulumiPolicy.yaml").read_text(encoding="utf-8")


def test_the_pack_runs_and_answers_the_engine_over_grpc() -> None:
    """`policy/__main__.py` as the engine starts it: it prints its port and serves Analyze."""
    import os
    import subprocess

    import grpc
    from google.protobuf import empty_pb2, struct_pb2
    from pulumi.runtime import proto
    from pulumi.runtime.proto import analyzer_pb2_grpc

    env = {**os.environ, "PULUMI_STACK": "acme-azure-dev", "PYTHONPATH": ""}
    command = [sys.executable, "__main__.py"]
    with subprocess.Popen(command, cwd=ROOT / "policy", stdout=subprocess.PIPE, env=env) as process:
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline())
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = analyzer_pb2_grpc.AnalyzerStub(channel)
                info = stub.GetAnalyzerInfo(empty_pb2.Empty())
                assert info.name == "pdpkit"
                names = {p.name for p in info.policies}
                assert names >= {"AZ-AKS-PRIVATE-API", "PDP-WAIVED", "K8S-NS-DEFAULT-DENY"}
                props = struct_pb2.Struct()
                props.update(
                    {
                        "apiServerAccessProfile": {
                            "enablePrivateCluster": False,
                            "authorizedIPRanges": ["203.0.113.0/24"],
                        }
                    }
                )

                def flagged(name: str) -> set[str]:
                    urn = f"urn:pulumi:acme-azure-dev::pdp::{AKS}::{name}"
                    request = proto.AnalyzeRequest(type=AKS, properties=props, name=name, urn=urn)
                    return {d.policyName for d in stub.Analyze(request).diagnostics}

                assert "AZ-AKS-PRIVATE-API" in flagged("another-cluster")
                assert "AZ-AKS-PRIVATE-API" not in flagged("acme-azure-dev-cluster")  # waived
                assert "AZ-AKS-KMS" in flagged("acme-azure-dev-cluster")
        finally:
            process.kill()
