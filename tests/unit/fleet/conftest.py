"""Scratch projects with the example fleet, for tests that edit fleet.yaml or the stacks, on
either engine (the repository's fleet.yaml declares ``engine: githubActions``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.examples import ROOT, scratch_project

WORKFLOWS_ENGINE = "engine: githubActions\n"
OPERATOR_ENGINE = (
    "engine: operator\n"
    "operator:\n"
    "  repositoryUrl: https://github.com/vendor/pdp-fleet.git\n"
    "  driftInterval: 24h\n"
)
"""What moves the example fleet to the Pulumi Kubernetes Operator (docs/fleet.md)."""


def use_operator(root: Path) -> Path:
    """Switch the fleet.yaml of the scratch project at `root` to the operator engine."""
    path = root / "fleet.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(WORKFLOWS_ENGINE) == 1, "the example fleet.yaml declares its engine once"
    path.write_text(text.replace(WORKFLOWS_ENGINE, OPERATOR_ENGINE), encoding="utf-8")
    return root


def fleet_project(target: Path) -> Path:
    """A copy of the project at `target` with its fleet.yaml and what `pulumi install`
    installs."""
    scratch_project(target, entry_point=False)
    for name in ("fleet.yaml", "requirements.txt", "requirements-ci.txt"):
        shutil.copy(ROOT / name, target)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with its fleet.yaml (engine githubActions)."""
    return fleet_project(tmp_path)


@pytest.fixture
def operator_project(tmp_path: Path) -> Path:
    """A copy of the project whose fleet the operator applies."""
    return use_operator(fleet_project(tmp_path))


@pytest.fixture(scope="session")
def operator_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example fleet on the operator engine (read only: shared by the session)."""
    return use_operator(fleet_project(tmp_path_factory.mktemp("operator-fleet")))
