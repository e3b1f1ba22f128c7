"""A scratch project with the example fleet, for tests that edit fleet.yaml or the stacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.examples import ROOT, scratch_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with its fleet.yaml and what `pulumi install` installs."""
    scratch_project(tmp_path, entry_point=False)
    for name in ("fleet.yaml", "requirements.txt", "requirements-ci.txt"):
        shutil.copy(ROOT / name, tmp_path)
    return tmp_path
