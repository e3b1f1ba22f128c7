"""Shared fixtures. The example stacks and their cached plans live in tests/examples.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

__all__ = ["EXAMPLE_STACKS", "ROOT", "plan_of"]


@pytest.fixture
def root() -> Path:
    return ROOT
