"""Preview as well as up: every example stack, planned as `pulumi preview` sees it (new
resources' outputs unknown), registers the same resources with the same inputs, except where a
value is not known before the create."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pdpkit.plan.recorder import UNKNOWN_MASK
from pdpkit.plan.run import plan_spec
from pdpkit.spec.loader import load_stack
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of


def diverging(up: Any, preview: Any, path: str = "") -> list[str]:
    """Paths where the preview's input is neither the up's nor unknown."""
    if preview in (UNKNOWN_MASK, up):
        return []
    if isinstance(up, dict) and isinstance(preview, dict):
        return [
            found
            for key in sorted(set(up) | set(preview))
            for found in diverging(up.get(key), preview.get(key), f"{path}.{key}")
        ]
    if isinstance(up, list) and isinstance(preview, list) and len(up) == len(preview):
        return [
            found
            for i, (a, b) in enumerate(zip(up, preview, strict=True))
            for found in diverging(a, b, f"{path}[{i}]")
        ]
    return [f"{path}: up {up!r}, preview {preview!r}"]


def test_diverging_sees_a_changed_value() -> None:
    assert diverging({"a": {"b": "x"}, "c": 1}, {"a": {"b": "[unknown]"}, "c": 1}) == []
    assert diverging({"a": ["x"]}, {"a": ["y"]}) == [".a[0]: up 'x', preview 'y'"]
    assert diverging({"a": 1}, {}) == [".a: up 1, preview None"]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_preview_registers_what_up_registers(stack: str) -> None:
    up = plan_of(stack)
    preview = plan_spec(load_stack(ROOT, stack), ROOT, stack, preview=True)
    up_inputs = {(r.urn, r.type): r.inputs for r in up.recording.resources}
    preview_inputs = {(r.urn, r.type): r.inputs for r in preview.recording.resources}
    assert sorted(preview_inputs) == sorted(up_inputs)
    problems = [
        f"{urn.split('::')[-1]}{path}"
        for (urn, type_), inputs in up_inputs.items()
        for path in diverging(inputs, preview_inputs[(urn, type_)])
    ]
    assert problems == []
    # nothing a create would decide is known in preview
    assert all(
        not r.outputs and not r.fabricated
        for r in preview.recording.resources
        if r.custom and not r.type.startswith("pulumi:providers:")
    )
    unknown = [r.name for r in preview.recording.resources if UNKNOWN_MASK in json.dumps(r.inputs)]
    if stack.endswith("onprem-local"):
        assert unknown == []  # nothing there waits on a cloud create
    else:
        assert unknown, "a cloud stack wires outputs of new resources into inputs"
    assert sorted((v.rule, v.urn) for v in preview.verdicts) == sorted(
        (v.rule, v.urn) for v in up.verdicts
    )
