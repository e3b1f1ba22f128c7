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
