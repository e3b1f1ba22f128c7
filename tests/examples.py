"""The example stacks and their offline plans, shared by every test (computed once)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pdpkit.plan.document import Plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_STACKS = sorted(
    p.name[len("Pulumi.") : -len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml")
)


@cache
def plan_of(stack: str) -> Plan:
    """The offline plan of an example stack (computed once per test session)."""
    from pdpkit.plan.run import plan_stack

    return plan_stack(ROOT, stack)
