"""checkov (an independent checker) on the on-prem manifests the system layer declares."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.examples import ROOT, plan_of


def checkov() -> Path:
    path = Path(os.environ.get("PDP_CHECKOV", ROOT / ".tools" / "checkov" / "bin" / "checkov"))
    if not path.is_file():
        pytest.fail(
            f"checkov not found at {path}: run scripts/install-checkers.sh or set PDP_CHECKOV"
        )
    return path


@pytest.mark.slow
def test_onprem_manifests_pass_checkov(tmp_path):
    plan_of("acme-onprem-local").write(tmp_path)
    # one -f per file: checkov's directory walk skips pytest's temporary directories
    files = [
        arg for path in sorted((tmp_path / "manifests").glob("*.yaml")) for arg in ("-f", str(path))
    ]
    result = subprocess.run(
        [
            str(checkov()),
            *files,
            "--framework",
            "kubernetes",
            "-o",
            "json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    failed = report.get("results", {}).get("failed_checks", []) if isinstance(report, dict) else []
    assert not [(f["check_id"], f["resource"]) for f in failed], result.stdout[-2000:]
    assert report.get("summary", {}).get("passed", 0) > 100, result.stdout[:600]
