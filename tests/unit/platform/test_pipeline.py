"""Pipelines as graphs: entries, predecessors, promotion order, approvers."""

from __future__ import annotations

import pytest

from pdpkit.platform.pipeline import approvers_of, pipeline_for, pipeline_of, promotion_order
from tests.unit.platform.platforms import platform

ENVS = ("dev", "qa", "perf", "staging", "prod")
DIAMOND = [
    {"from": "dev", "to": ["qa", "perf"]},
    {"from": "qa", "to": ["staging"]},
    {"from": "perf", "to": ["staging"]},
    {"from": "staging", "to": ["prod"]},
]


def test_linear_pipeline() -> None:
    spec = platform()
    pipeline = pipeline_for(spec, spec.integrations[0])
    assert pipeline.order == ("dev", "staging", "prod")
    assert pipeline.entries == ("dev",)
    assert pipeline.predecessors["prod"] == ("staging",)
    assert pipeline.successors["dev"] == ("staging",)
    assert pipeline.gate("prod").required_approvals == 0  # undeclared gate: open


def test_fan_out_and_fan_in() -> None:
    spec = platform(DIAMOND, envs=ENVS)
    pipeline = pipeline_of(spec, spec.pipelines[0])
    assert pipeline.order == ("dev", "qa", "perf", "staging", "prod")
    assert pipeline.successors["dev"] == ("qa", "perf")
    assert pipeline.predecessors["staging"] == ("qa", "perf")
    assert pipeline.entries == ("dev",)


def test_order_follows_paths_not_declaration() -> None:
    # prod declared before staging in the platform; the paths still put staging first
    spec = platform(envs=("prod", "dev", "staging"))
    assert pipeline_for(spec, spec.integrations[0]).order == ("dev", "staging", "prod")
    assert promotion_order(spec) == ("dev", "staging", "prod")


def test_approvers_expand_groups() -> None:
    spec = platform(
        gates=[{"environment": "prod", "requiredApprovals": 1, "approvers": ["group:rm", "eve"]}],
        groups={"rm": ["bob", "carol"]},
    )
    gate = pipeline_for(spec, spec.integrations[0]).gate("prod")
    assert approvers_of(spec, gate) == frozenset({"bob", "carol", "eve"})
    assert approvers_of(spec, pipeline_for(spec, spec.integrations[0]).gate("staging")) is None


def test_unknown_group_is_a_key_error() -> None:
    spec = platform(gates=[{"environment": "prod", "approvers": ["group:nobody"]}])
    with pytest.raises(KeyError):
        approvers_of(spec, pipeline_for(spec, spec.integrations[0]).gate("prod"))
