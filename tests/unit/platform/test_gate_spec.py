"""Approver groups in the spec: a gate naming an undeclared group is a located error."""

from __future__ import annotations

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
