"""What `pulumi install` installs: the root requirements.txt, read as pip reads it.

Pulumi's pip toolchain (Pulumi.yaml: toolchain pip, virtualenv .venv) runs
`python -m pip install -r requirements.txt` in the project directory and nothing else of the
project's (pulumi/pulumi v3.259.0 sdk/python/toolchain/pip.go:536-551). The file is parsed
here with pip's own requirements-file parser (offline: it follows `-r` and refuses an option
a requirements file may not carry), and every requirement it yields is checked against the
pins of pyproject.toml and the hashed lock, without a network.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
from pip._internal.utils.packaging import get_requirement

from pdpkit.fleet import load_fleet
from pdpkit.fleet.operator import REQUIREMENTS, install_problem, render_operator
from pdpkit.spec.errors import SpecError
from pdpkit.versions import PULUMI_KUBERNETES_OPERATOR as ENGINE
from pdpkit.workflows.steps import LOCK, PYTHON_VERSION
from tests.examples import ROOT
from tests.unit.fleet.conftest import fleet_project, use_operator

REVISION = "0123456789abcdef0123456789abcdef01234567"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parsed(path: Path) -> list[Any]:
    return list(parse_requirements(str(path), session=PipSession()))


def _pins(requirements: list[str]) -> dict[str, str]:
    """name -> version of `name==version` requirements (extras' self-references dropped)."""
    pins = {}
    for text in requirements:
        req = get_requirement(text)
        if _canonical(req.name) == "pdpkit":
            continue
        (spec,) = req.specifier
        assert spec.operator == "==", f"{text}: pyproject.toml pins with =="
        pins[_canonical(req.name)] = spec.version
    return pins


def _locked() -> dict[str, str]:
    return {
        _canonical(get_requirement(r.requirement.strip()).name): str(
            next(iter(get_requirement(r.requirement.strip()).specifier)).version
        )
        for r in _parsed(ROOT / REQUIREMENTS)
    }


def test_pulumi_yaml_selects_the_pip_toolchain_that_reads_requirements_txt() -> None:
    runtime = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["runtime"]
    assert runtime == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    assert (ROOT / REQUIREMENTS).is_file()


def test_every_requirement_is_a_hashed_pin_from_the_lock() -> None:
    parsed = _parsed(ROOT / REQUIREMENTS)
    assert {Path(r.comes_from.split(" (line")[0].removeprefix("-r ")).name for r in parsed} == {
        LOCK
    }
    for req in parsed:
        assert not req.is_editable, req.requirement
        text = req.requirement.strip()
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[A-Za-z0-9_.+-]+", text), (
            f"{text}: a name and an exact version (a path or URL cannot be hash-checked)"
        )
        hashes = req.options.get("hashes", {}) if req.options else {}
        assert hashes.get("sha256"), f"{text}: no sha256"
    # Hash-checking mode and wheels only are switched on by the file itself, not by the
    # hashes being there: dropping a hash then fails instead of installing unchecked.
    lines = [
        line.strip()
        for line in (ROOT / REQUIREMENTS).read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["--require-hashes", "--only-binary :all:", f"-r {LOCK}"]


def test_the_lock_installs_every_pin_of_pyproject_and_the_policy_pack() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = _pins(project["dependencies"])
    for extra in ("azure", "aws", "gcp"):
        wanted |= _pins(extras[extra])
    assert extras["all"] == ["pdpkit[azure,aws,gcp]"]
    wanted |= _pins(
        [
            line
            for line in (ROOT / "policy" / "requirements.txt").read_text().splitlines()
            if line.startswith("pulumi-policy==")
        ]
    )
    locked = _locked()
    differs = {name: (version, locked.get(name)) for name, version in wanted.items()}
    assert {n: v for n, v in differs.items() if v[0] != v[1]} == {}
    assert _canonical("pulumi") in locked and _canonical("pulumi-kubernetes") in locked


def test_the_lock_python_is_the_workflows_and_the_operator_workspaces() -> None:
    lines = (ROOT / LOCK).read_text().splitlines()
    header = " ".join(line.removeprefix("#").strip() for line in lines if line.startswith("#"))
    assert f"CPython {PYTHON_VERSION} on Linux x86_64" in header
    assert ENGINE.workspace_python == PYTHON_VERSION
    assert ENGINE.workspace_arch == "amd64"  # x86_64 in Kubernetes' GOARCH naming


@pytest.fixture
def operator_fleet(tmp_path: Path) -> Path:
    """The example fleet on the operator engine (the repository's own runs on the workflows)."""
    (tmp_path / "project").mkdir()
    return use_operator(fleet_project(tmp_path / "project"))


def test_every_workspace_installs_with_the_locks_python_on_its_platform(
    operator_fleet: Path,
) -> None:
    files = render_operator(load_fleet(operator_fleet), REVISION)
    stacks = [o for objs in files.values() for o in objs if o["kind"] == "Stack"]
    assert len(stacks) == 8  # four stacks, each with its drift check
    for stack in stacks:
        workspace = stack["spec"]["workspaceTemplate"]["spec"]
        assert {"name": "PYENV_VERSION", "value": ENGINE.workspace_python} in workspace["env"]
        pod = workspace["podTemplate"]["spec"]
        assert pod["nodeSelector"] == {"kubernetes.io/arch": ENGINE.workspace_arch}
        assert pod["containers"][0]["name"] == "pulumi"


def test_render_refuses_a_project_pulumi_install_would_leave_empty(
    tmp_path: Path, operator_fleet: Path
) -> None:
    fleet = load_fleet(operator_fleet)
    assert install_problem(ROOT) is None
    problem = install_problem(tmp_path)
    assert problem is not None and "import pulumi" in problem
    with pytest.raises(SpecError) as raised:
        render_operator(dataclasses.replace(fleet, root=tmp_path), REVISION)
    assert str(tmp_path / REQUIREMENTS) in str(raised.value)
