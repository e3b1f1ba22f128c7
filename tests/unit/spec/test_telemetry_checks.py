"""Observability rules `pdp validate` reports: what the chain cannot do yet, tenant clashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdpkit.spec.checks import cross_field_problems
from pdpkit.spec.loader import load_stack
from pdpkit.spec.observability import MetricsStore
from tests.examples import ROOT, scratch_project
from tests.unit.cli.test_validate import edit, validate


def test_managed_metrics_is_refused_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scratch_project(tmp_path)
    stack = tmp_path / "stacks/Pulumi.acme-aws-prod.yaml"
    edit(
        stack,
        "    observability:\n",
        "    observability:\n      metricsStore: managed\n",
    )
    code, output = validate(tmp_path, capsys, "--stack", "acme-aws-prod")
    assert code != 0
    assert "dataplane.observability.metricsStore" in output
    assert "managed is not yet supported" in output
    assert "Pulumi.acme-aws-prod.yaml:" in output


def test_in_cluster_metrics_and_disabled_observability_pass() -> None:
    stack = load_stack(ROOT, "acme-aws-prod")
    off = stack.dataplane.observability.model_copy(
        update={"enabled": False, "metrics_store": MetricsStore.MANAGED}
    )
    dataplane = stack.dataplane.model_copy(update={"observability": off})
    assert cross_field_problems(stack.model_copy(update={"dataplane": dataplane})) == []
    assert cross_field_problems(stack) == []


def test_a_project_whose_tenant_would_be_the_systems_is_refused() -> None:
    stack = load_stack(ROOT, "acme-onprem-local")
    assert stack.platform is not None
    projects = stack.platform.projects
    renamed = (projects[0].model_copy(update={"name": "pdp"}), *projects[1:])
    environments = stack.platform.environments
    system = (environments[0].model_copy(update={"name": "system"}), *environments[1:])
    platform = stack.platform.model_copy(update={"projects": renamed, "environments": system})
    problems = cross_field_problems(stack.model_copy(update={"platform": platform}))
    assert (
        "platform.projects[0].name",
        "pdp in environment system would be observability tenant pdp-system, the system's own "
        "tenant; rename the project",
    ) in problems
