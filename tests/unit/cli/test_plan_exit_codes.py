"""`pdp plan` exits 3 on an unwaived mandatory verdict (here: a waiver naming no rule)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.examples import ROOT

STACK = "acme-onprem-local"
pytestmark = pytest.mark.slow


def project_with_waivers(tmp_path: Path, waivers: list[dict[str, object]]) -> Path:
    project = tmp_path / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(".git", ".venv", ".tools", "venv", "__pycache__", ".*_cache"),
    )
    path = project / "stacks" / f"Pulumi.{STACK}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["config"]["pdp:policy"] = {"waivers": waivers}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return project


def pdp_plan(project: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "pdpkit.cli.main", "plan", "--stack", STACK],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_a_misspelt_waiver_fails_the_plan_with_exit_3(tmp_path: Path) -> None:
    waiver = {
        "rule": "K8S-POD-NON-ROOTS",
        "justification": "A misspelt rule id must not pass unnoticed.",
    }
    result = pdp_plan(project_with_waivers(tmp_path, [waiver]))
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr[-2000:]
    assert "PDP-WAIVER-KNOWN-RULE" in result.stdout
    assert "did you mean K8S-POD-NON-ROOT?" in result.stdout


def test_an_unused_waiver_is_advisory_and_the_plan_passes(tmp_path: Path) -> None:
    waiver = {
        "rule": "AZ-AKS-PRIVATE-API",
        "justification": "Not an Azure stack: this waiver matches nothing.",
    }
    result = pdp_plan(project_with_waivers(tmp_path, [waiver]))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "PDP-WAIVER-USED" in result.stdout


def test_a_plain_text_secret_fails_validate_and_plan_on_both_paths(tmp_path: Path) -> None:
    """Issue 16, item 15: `harbor.adminPassword: Harbor12345` without `secure:` is refused
    offline (`pdp validate`) and by the program as the engine runs it (`pdp plan`)."""
    project = project_with_waivers(tmp_path, [])
    path = project / "stacks" / f"Pulumi.{STACK}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["config"]["pdp:dataplane"]["onprem"]["harbor"]["adminPassword"] = "Harbor12345"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    expected = "pdp:dataplane.onprem.harbor.adminPassword: holds a secret in plain text"
    for command in ("validate", "plan"):
        result = subprocess.run(
            [sys.executable, "-m", "pdpkit.cli.main", command, "--stack", STACK],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "300"},
            check=False,
        )
        output = result.stdout + result.stderr
        assert result.returncode not in (0, 3), (command, output[-2000:])
        assert expected in " ".join(output.split()), (command, output[-2000:])
        assert "Harbor12345" not in output
        assert "Traceback" not in output
