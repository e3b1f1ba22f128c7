"""`pdp policy list`: at least 25 rules, JSON with id, severity, scope, description, remediation."""

from __future__ import annotations

import json

import pytest

from pdpkit.cli.main import main
from pdpkit.policy import RULES


def test_policy_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "list", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert len(rules) == len(RULES) >= 25
    assert {"id", "severity", "scope", "description", "remediation"} <= set(rules[0])
    ids = {r["id"] for r in rules}
    assert {"AZ-AKS-PRIVATE-API", "GCP-GKE-PRIVATE-ENDPOINT", "K8S-NS-DEFAULT-DENY"} <= ids
    assert {r["severity"] for r in rules} == {"mandatory", "advisory"}


def test_policy_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{len(RULES)} policy rules" in out
    assert "AWS-S3-TLS-ONLY" in out


def test_policy_list_says_which_rules_can_never_be_waived(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "list", "--format", "json"]) == 0
    rules = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rules["AZ-AKS-API-RANGES"]["waivable"] is False
    assert rules["PDP-WAIVER-EXPIRY"]["waivable"] is False
    assert rules["AZ-AKS-PRIVATE-API"]["waivable"] is True
    assert main(["policy", "list"]) == 0
    assert "never" in capsys.readouterr().out
