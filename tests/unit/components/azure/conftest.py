"""The `run` fixture: a program on the recorder, with lookups by type and name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pdpkit.plan.recorder import record
from tests.unit.components.azure.recorded import Recorded


@pytest.fixture
def run() -> Callable[[Callable[[], Any]], Recorded]:
    def runner(program: Callable[[], Any]) -> Recorded:
        def wrapped() -> None:
            program()

        return Recorded(record(wrapped, "pdp", "test"))

    return runner
