"""Shared inputs of the Azure component tests: common ids and a recording with lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pdpkit.plan.recorder import RecordedResource, Recording, record

SUBSCRIPTION = "3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a9b"
TENANT = "8c7d6e5f-4a3b-4c2d-9e1f-0a1b2c3d4e5f"
RG = "pdp-rg"
VNET_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.Network/virtualNetworks/pdp-vnet"
SUBNET_ID = f"{VNET_ID}/subnets/nodes"
PE_SUBNET_ID = f"{VNET_ID}/subnets/private-endpoints"
WORKSPACE_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/"
    "Microsoft.OperationalInsights/workspaces/pdp-logs-workspace"
)


class Recorded:
    """A recording with lookups by type and name."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.resources = recording.resources

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> RecordedResource:
        found = self.of_type(type_)
        assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
        return found[0]

    def named(self, name: str) -> RecordedResource:
        return next(r for r in self.resources if r.name == name)


def record_program(program: Callable[[], Any]) -> Recorded:
    """Run `program` (declaring components) on the recorder."""

    def wrapped() -> None:
        program()

    return Recorded(record(wrapped, "pdp", "test"))
