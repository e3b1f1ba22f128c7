"""Issue 19, "done when": the example fleet plus a customer onboarded by `pdp fleet
add-customer` gives fleet workflows that pass the GitHub workflow schema, with the new
customer's stack in its wave, in its own environment, as its own identity."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.unit.fleet.test_cli import _pdp


@pytest.mark.slow
def test_a_generated_customer_gets_its_jobs_in_the_fleet_workflows(
    project: Path, tmp_path: Path
) -> None:
    onboard = _pdp(
        project,
        "add-customer",
        "initech",
        "--target",
        "azure",
        "--subscription",
        "3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a90",
        "--tenant",
        "8c7d6e5f-4a3b-4c2d-9e1f-0a1b2c3d4e50",
        "--management",
        "customerSubscription",
    )
    assert onboard.returncode == 0, onboard.stderr
    out = tmp_path / "workflows"
    generated = _pdp(project, "ci", "generate", "--out", str(out))
    assert generated.returncode == 0, generated.stderr
    up = yaml.safe_load((out / "fleet-up.yml").read_text(encoding="utf-8"))
    general = up["jobs"]["wave-general"]["strategy"]["matrix"]["include"]
    (initech,) = [e for e in general if e["customer"] == "initech"]
    assert initech["environment"] == "fleet-initech"
    assert initech["backend"].startswith("azblob://") and initech["azure_client_id"]
    assert initech["azure_subscription_id"] == "3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a90"
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", *map(str, out.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
