"""The benchmark scripts keep working (their figures are printed, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.examples import ROOT


@pytest.mark.slow
def test_plan_scaling_runs_and_its_baseline_registers_the_same_resources() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "plan_scaling.py"),
            "--integrations",
            "5",
            "--environments",
            "2",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(result.stdout.splitlines()[-1])
    assert figures["resources"] == figures["baseline_resources"] > 0


@pytest.mark.slow
def test_the_resource_count_in_performance_md_is_the_programs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """docs/performance.md's 100 x 3 row counts what the program declares today (its
    seconds are a measurement and are not checked; its resource count is)."""
    import importlib.util
    import re

    from pdpkit.plan.run import plan_stack

    spec = importlib.util.spec_from_file_location(
        "plan_scaling", ROOT / "benchmarks" / "plan_scaling.py"
    )
    assert spec is not None and spec.loader is not None
    scaling = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scaling)
    scaling.generate_project(tmp_path, 100, 3)
    resources = len(plan_stack(tmp_path, "bench").recording.resources)
    doc = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    row = re.search(r"^\| 100 \N{MULTIPLICATION SIGN} 3 \| ([\d,]+) \|", doc, re.M)
    assert row is not None, "docs/performance.md has no 100 x 3 row"
    assert int(row[1].replace(",", "")) == resources, (
        f"docs/performance.md says {row[1]} resources at 100 x 3, the program declares "
        f"{resources}: re-run benchmarks/plan_scaling.py and update the table"
    )


@pytest.mark.slow
def test_fleet_render_runs_and_renders_six_objects_per_customer_stack() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "fleet_render.py"), "--stacks", "10"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (figures,) = json.loads(result.stdout.splitlines()[-1])
    # per customer: namespace, service account, binding, source; per stack: apply + drift
    assert figures["stacks"] == 10 and figures["objects"] == 10 * 6


def test_fleet_summary_benchmark_runs_and_reports_every_size() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "fleet_summary.py"),
            "--stacks",
            "3",
            "30",
            "--resources",
            "20",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(result.stdout.splitlines()[-1])
    assert figures["stacks"] == [3, 30]
    assert all(chars > 0 for chars in figures["comment_chars"])
