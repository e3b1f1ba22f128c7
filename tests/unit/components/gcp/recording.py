"""Record one GCP component on the mock monitor and look its resources up by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pdpkit.plan.recorder import RecordedResource, record


@dataclass(frozen=True)
class Recorded:
    """The resources (by logical name) and outputs of a recorded program."""

    resources: dict[str, RecordedResource]
    outputs: dict[str, Any]

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources.values() if r.type == type_]

    def one(self, type_: str) -> RecordedResource:
        found = self.of_type(type_)
        assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
        return found[0]


def record_program(program: Callable[[], Mapping[str, Any] | None]) -> Recorded:
    recording = record(program, "pdp", "unit")
    return Recorded({r.name: r for r in recording.resources}, recording.outputs)
