"""Shared fixtures. The example stacks and their cached plans live in tests/examples.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

__all__ = ["EXAMPLE_STACKS", "ROOT", "plan_of"]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """No test skips quietly: a skip (a missing tool, a vanished resource) is a failure."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"a test may not skip in this suite (fail with an install hint instead): {report.longrepr}"
    return report
