"""Fixtures of the component tests: run a component on the recorder, look resources up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi_kubernetes as k8s
import pytest

from pdpkit.plan.recorder import RecordedResource, Recording, record


class Recorded:
    """What a component registered, with lookups by type and logical name."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.resources = recording.resources

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def kind(self, kind: str) -> list[dict[str, Any]]:
        """Inputs of every Kubernetes object of `kind`."""
        return [r.inputs for r in self.resources if r.custom and r.inputs.get("kind") == kind]

    def named(self, name: str) -> RecordedResource:
        matches = [r for r in self.resources if r.name == name]
        assert len(matches) == 1, f"{name}: {[r.name for r in self.resources]}"
        return matches[0]

    def releases(self) -> dict[str, dict[str, Any]]:
        """Pulumi Helm releases by release name."""
        return {r.inputs["name"]: r.inputs for r in self.of_type("kubernetes:helm.sh/v3:Release")}


@pytest.fixture
def run() -> Callable[[Callable[[k8s.Provider], object]], Recorded]:
    """Run `build(provider)` on the mock monitor and return what it registered."""

    def runner(build: Callable[[k8s.Provider], object]) -> Recorded:
        def program() -> None:
            build(k8s.Provider("test-cluster", context="kind-test"))

        return Recorded(record(program, "pdp", "test"))

    return runner
