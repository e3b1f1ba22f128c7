"""The `run` fixture: a program on the recorder, with lookups by type and name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.unit.components.azure.recorded import Recorded, record_program


@pytest.fixture
def run() -> Callable[[Callable[[], Any]], Recorded]:
    return record_program
