"""Gates and keyed entries in the spec: undeclared groups, duplicates, production gated by
automation alone, ledger paths and soak times are located errors (`pdp validate`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import build_stack
from tests.unit.spec.stacks import raw_sections


def test_unknown_approver_group_is_reported_with_a_hint() -> None:
    sections = raw_sections("acme-onprem-local")
    sections["platform"]["pipelines"][0]["gates"][1]["approvers"] = ["group:release-manager"]
    with pytest.raises(SpecError) as error:
        build_stack(sections, display="Pulumi.acme-onprem-local.yaml")
    message = str(error.value)
    assert "platform.pipelines[0].gates[1].approvers[0]" in message
    assert "unknown approver group 'release-manager'" in message
    assert "did you mean 'release-managers'?" in message


def test_declared_groups_validate() -> None:
    spec = build_stack(raw_sections("acme-onprem-local"))
    assert spec.platform is not None
    assert spec.platform.groups == {"release-managers": ("bob", "carol")}


def production_prod(sections: dict[str, Any]) -> dict[str, Any]:
    """The lab's `prod` as a production environment (in the example it rehearses production
    on a non-production data plane; that it then needs a production data plane is reported
    alongside)."""
    [prod] = [e for e in sections["platform"]["environments"] if e["name"] == "prod"]
    prod["production"] = True
    return sections


def _problems(sections: dict[str, Any]) -> str:
    with pytest.raises(SpecError) as error:
        build_stack(sections, display="Pulumi.acme-onprem-local.yaml")
    return str(error.value)


def test_a_second_gate_for_prod_is_refused() -> None:
    """Issue 16 #1: `{environment: prod, autoPromote: true}` after the real prod gate used
    to replace it (1 approval + 1h soak became none)."""
    sections = raw_sections("acme-onprem-local")
    sections["platform"]["pipelines"][0]["gates"].append(
        {"environment": "prod", "autoPromote": True}
    )
    message = _problems(sections)
    assert "platform.pipelines[0].gates[2].environment" in message
    assert "duplicate gate for environment 'prod' (also at [1])" in message


@pytest.mark.parametrize(
    ("mutate", "where", "what"),
    [
        (
            lambda p: p["environments"].append(copy.deepcopy(p["environments"][0])),
            "platform.environments[3].name",
            "duplicate name 'dev'",
        ),
        (
            lambda p: p["integrations"].append(copy.deepcopy(p["integrations"][0])),
            "platform.integrations[3].name",
            "duplicate name 'order-api'",
        ),
        (
            lambda p: p["projects"].append(copy.deepcopy(p["projects"][0])),
            "platform.projects[",
            "duplicate name",
        ),
        (
            lambda p: p["pipelines"][0]["paths"].append({"from": "dev", "to": ["test"]}),
            "platform.pipelines[0].paths[2].to[0]",
            "duplicate promotion path dev -> test",
        ),
        (
            lambda p: p["integrations"][0]["env"].append(
                copy.deepcopy(p["integrations"][0]["env"][0])
            ),
            "platform.integrations[0].env[",
            "duplicate variable",
        ),
        (
            lambda p: p["groups"]["release-managers"].append("bob"),
            "platform.groups.release-managers[2]",
            "duplicate member 'bob'",
        ),
        (
            lambda p: p["pipelines"][0]["gates"][1]["approvers"].append("alice"),
            "platform.pipelines[0].gates[1].approvers[2]",
            "duplicate approver 'alice'",
        ),
        (
            lambda p: p["environments"][0]["dataPlanes"].append(
                p["environments"][0]["dataPlanes"][0]
            ),
            "platform.environments[0].dataPlanes[1]",
            "duplicate data plane",
        ),
    ],
)
def test_every_duplicate_keyed_entry_is_a_located_error(
    mutate: Callable[[dict[str, Any]], None], where: str, what: str
) -> None:
    sections = raw_sections("acme-onprem-local")
    mutate(sections["platform"])
    message = _problems(sections)
    assert where in message and what in message


@pytest.mark.parametrize(
    ("gate", "where", "what"),
    [
        (
            {"environment": "prod", "autoPromote": True},
            "platform.pipelines[0].gates[1].requiredApprovals",
            "gated by automation alone (requiredApprovals 0, autoPromote)",
        ),
        (
            {"environment": "prod", "requiredApprovals": 0, "soakTime": "24h"},
            "platform.pipelines[0].gates[1].requiredApprovals",
            "production needs requiredApprovals >= 1",
        ),
        (None, "platform.pipelines[0].gates", "has no gate"),
    ],
)
def test_production_gated_by_automation_alone_is_refused(
    gate: dict[str, Any] | None, where: str, what: str
) -> None:
    """Issue 16 #17: prod (production: true) reachable with zero approvals."""
    sections = production_prod(raw_sections("acme-onprem-local"))
    gates = sections["platform"]["pipelines"][0]["gates"]
    if gate is None:
        del gates[1]
    else:
        gates[1] = gate
    message = _problems(sections)
    assert where in message and "production environment 'prod'" in message and what in message


def test_production_as_a_pipeline_entry_is_refused() -> None:
    sections = production_prod(raw_sections("acme-onprem-local"))
    sections["platform"]["pipelines"][0]["paths"] = [{"from": "prod", "to": ["test"]}]
    sections["platform"]["pipelines"][0]["gates"] = []
    message = _problems(sections)
    assert "production environment 'prod' is an entry of pipeline default" in message


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd.yaml", "../outside.yaml", "releases/../../x.yaml", "releases/x;curl a|sh.yaml"],
)
def test_a_ledger_path_outside_the_repository_is_refused(path: str) -> None:
    """Issue 16 #5: `pdp release` wrote wherever `ledger.path` pointed."""
    sections = raw_sections("acme-onprem-local")
    sections["platform"]["ledger"]["path"] = path
    message = _problems(sections)
    assert "platform.ledger.path" in message and "inside the repository" in message


@pytest.mark.parametrize("soak", ["367d", "99999999999999d"])
def test_huge_soak_times_are_validation_errors(soak: str) -> None:
    """Issue 16 #5: a soak time beyond timedelta's range raised OverflowError."""
    sections = raw_sections("acme-onprem-local")
    sections["platform"]["pipelines"][0]["gates"][1]["soakTime"] = soak
    message = _problems(sections)
    assert "platform.pipelines[0].gates[1].soakTime" in message
    assert "at most a year" in message
