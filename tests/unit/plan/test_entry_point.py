"""`pdp plan` runs the very program `pulumi up` runs: `__main__.py`, configured by the engine.

The independent check: a separate process that starts the project the way Pulumi's Python
language host does (tests/language_host.py), with the configuration only in the
environment variables the CLI would set, must register exactly the resources `pdp plan`
recorded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pdpkit.plan.engine import engine_config, running_as_engine
from pdpkit.plan.run import plan_stack
from pdpkit.spec.loader import load_stack
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

HOST = Path(__file__).resolve().parents[2] / "language_host.py"
SDK_OF_TARGET = {
    "azure": ["pulumi_azure_native"],
    "aws": ["pulumi_aws"],
    "gcp": ["pulumi_gcp"],
    "onprem": [],
}


def language_host(stack: str, *flags: str) -> dict[str, list[list[str]] | list[str]]:
    env = {
        **os.environ,
        **engine_config(ROOT, stack, "pdp").environment(),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, str(HOST), str(ROOT), stack, *flags],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded: dict[str, list[list[str]] | list[str]] = json.loads(result.stdout.splitlines()[-1])
    return loaded


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["up", "preview"])
@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_language_host_registers_what_pdp_plan_recorded(stack: str, mode: str) -> None:
    preview = mode == "preview"
    hosted = language_host(stack, *(["--preview"] if preview else []))
    plan = plan_stack(ROOT, stack, preview=True) if preview else plan_of(stack)
    planned = sorted([r.type, r.name] for r in plan.resources)
    assert len(hosted["resources"]) == len(planned)
    assert hosted["resources"] == planned
    target = load_stack(ROOT, stack).dataplane.target.value
    assert hosted["cloudSdks"] == SDK_OF_TARGET[target], "a stack imports only its own cloud SDK"


def test_structured_config_is_json_and_scalars_are_text() -> None:
    config = engine_config(ROOT, "acme-aws-prod", "pdp")
    dataplane = json.loads(config.values["pdp:dataplane"])
    assert dataplane["target"] == "aws"
    assert all(":" in key for key in config.values), "every key carries its namespace"
    assert all(isinstance(value, str) for value in config.values.values())


def test_secure_values_are_listed_as_secret_keys_with_a_placeholder() -> None:
    config = engine_config(ROOT, "acme-onprem-local", "pdp")
    assert "pdp:dataplane" in config.secret_keys  # onprem.harbor.adminPassword is `secure:`
    harbor = json.loads(config.values["pdp:dataplane"])["onprem"]["harbor"]
    assert harbor["adminPassword"] == "[secret]"
    assert "v1:" not in config.values["pdp:dataplane"], "ciphertext never reaches the program"


def test_a_bare_key_belongs_to_the_project(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.s.yaml").write_text(
        "config:\n  replicas: 3\n  enabled: true\n  aws:region: eu-west-1\n"
        "  secret:\n    secure: v1:abc\n",
        encoding="utf-8",
    )
    config = engine_config(tmp_path, "s", "proj")
    assert dict(config.values) == {
        "proj:replicas": "3",
        "proj:enabled": "true",
        "aws:region": "eu-west-1",
        "proj:secret": "[secret]",
    }
    assert config.secret_keys == ("proj:secret",)


def test_the_engine_environment_is_restored_after_a_run(tmp_path: Path) -> None:
    import pulumi

    before = dict(os.environ)
    cwd = Path.cwd()
    with running_as_engine(ROOT, engine_config(ROOT, "acme-onprem-local", "pdp")):
        assert Path.cwd() == ROOT
        assert pulumi.Config("pdp").get_object("dataplane")["name"] == "acme-onprem-local"
    assert dict(os.environ) == before
    assert Path.cwd() == cwd
    assert pulumi.Config("pdp").get_object("dataplane") is None


@pytest.mark.slow
@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_pdp_plan_preview_writes_a_whole_plan(stack: str, tmp_path: Path) -> None:
    from pdpkit.cli.main import main

    assert main(["plan", "--stack", stack, "--preview", "--out", str(tmp_path)]) == 0
    document = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert len(document["resources"]) == len(plan_of(stack).resources)
