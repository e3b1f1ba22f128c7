"""`pdp fleet …` end to end on scratch projects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.unit.fleet.test_status import FIXTURE

REVISION = "0123456789abcdef0123456789abcdef01234567"


def _pdp(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    return subprocess.run(
        [sys.executable, "-m", "pdpkit.cli.main", "fleet", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )


def test_validate_render_and_status_of_the_example_fleet(
    operator_project: Path, tmp_path: Path
) -> None:
    project = operator_project
    assert _pdp(project, "validate").returncode == 0
    out = tmp_path / "out"
    result = _pdp(project, "render", "--out", str(out), "--revision", REVISION)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((out / "kustomization.yaml").read_text())["resources"] == [
        "acme-lab.yaml",
        "acme.yaml",
    ]
    status = _pdp(project, "status", "--from-operator", str(FIXTURE))
    assert status.returncode == 1  # a failed update and a drifted stack
    assert "drifted" in status.stdout and "retired-stack" in status.stdout


def test_render_refuses_a_fleet_the_workflows_apply_and_writes_nothing(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = _pdp(project, "render", "--out", str(out), "--revision", REVISION)
    assert result.returncode == 1
    assert "fleet.yaml engine: the fleet's engine is 'githubActions'" in result.stderr
    assert not out.exists()


def test_the_engine_and_its_settings_must_agree_with_their_lines(project: Path) -> None:
    fleet = project / "fleet.yaml"
    text = fleet.read_text(encoding="utf-8")
    line = text.splitlines().index("engine: githubActions") + 1
    fleet.write_text(text.replace("engine: githubActions", "engine: operator"), encoding="utf-8")
    result = _pdp(project, "validate")
    assert result.returncode == 1
    assert f"fleet.yaml:{line} engine: engine 'operator' needs the `operator:` section" in (
        result.stderr
    )
    fleet.write_text(text + "operator: {repositoryUrl: https://github.com/vendor/x.git}\n")
    result = _pdp(project, "validate")
    assert result.returncode == 1
    assert f"fleet.yaml:{line + 1} operator: the `operator:` settings are read only" in (
        result.stderr
    )
    fleet.write_text(text.replace("engine: githubActions", "engine: jenkins"), encoding="utf-8")
    result = _pdp(project, "validate")
    assert result.returncode == 1
    assert f"fleet.yaml:{line} engine:" in result.stderr
    assert "githubActions" in result.stderr and "'jenkins'" in result.stderr


def test_a_shared_backend_is_refused_with_its_line(project: Path) -> None:
    fleet = project / "fleet.yaml"
    text = fleet.read_text(encoding="utf-8")
    fleet.write_text(
        text.replace(
            "s3://acme-lab-pdp-state?endpoint=minio.lab.acme.example:9000&region=us-east-1",
            "s3://acme-pdp-state/lab",
        ),
        encoding="utf-8",
    )
    result = _pdp(project, "validate")
    assert result.returncode == 1
    assert (
        "fleet.yaml:31 customers[1].backend: the state location s3:acme-pdp-state/lab is also used by customer 'acme'"
        in result.stderr
    ), result.stderr


def test_add_customer_scaffolds_a_stack_keeps_comments_and_refuses_to_overwrite(
    project: Path, tmp_path: Path
) -> None:
    before = (project / "fleet.yaml").read_text(encoding="utf-8")
    result = _pdp(
        project,
        "add-customer",
        "globex",
        "--target",
        "aws",
        "--account",
        "123456789012",
        "--management",
        "customerSubscription",
        "--wave",
        "general",
    )
    assert result.returncode == 0, result.stderr
    assert "sts:ExternalId" in result.stdout and "PowerUserAccess" in result.stdout
    after = (project / "fleet.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.split("\nwaves:")[0].rstrip("\n"))  # comments kept
    assert "  - name: globex\n" in after and after.index("globex") < after.index("\nwaves:")
    # the scaffold validates as a stack; the fleet waits for the external id (a secret)
    assert "aws.externalId" in result.stderr
    assert (
        subprocess.run(
            [sys.executable, "-m", "pdpkit.cli.main", "validate", "--stack", "globex-aws-prod"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        ).returncode
        == 0
    )
    again = _pdp(
        project,
        "add-customer",
        "globex",
        "--target",
        "aws",
        "--account",
        "123456789012",
        "--management",
        "customerSubscription",
    )
    assert again.returncode == 1 and "never overwritten" in again.stderr
    # a generated customer renders: its stacks join the operator objects
    text = (project / "stacks" / "Pulumi.globex-aws-prod.yaml").read_text(encoding="utf-8")
    assert "# PLACEHOLDER" in text


def test_a_generated_customer_joins_the_rendered_fleet(
    operator_project: Path, tmp_path: Path
) -> None:
    """The example fleet plus one customer onboarded by add-customer (Azure: nothing secret
    to set, so the scaffold validates as it is) renders operator objects for both."""
    project = operator_project
    result = _pdp(
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
    assert result.returncode == 0, result.stderr
    assert "Lighthouse" in result.stdout and result.stderr == ""
    out = tmp_path / "out"
    assert _pdp(project, "render", "--out", str(out), "--revision", REVISION).returncode == 0
    objects = list(yaml.safe_load_all((out / "initech.yaml").read_text(encoding="utf-8")))
    assert [o["kind"] for o in objects] == [
        "Namespace",
        "ServiceAccount",
        "ClusterRoleBinding",
        "GitRepository",
        "Stack",
        "Stack",
    ]
    assert objects[4]["spec"]["backend"] == "azblob://pdp-state?storage_account=pdpstateinitech"
    assert objects[0]["metadata"]["labels"]["pdpkit.io/wave"] == "general"  # the last wave
