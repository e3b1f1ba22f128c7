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


def scratch_project(target: Path, *, entry_point: bool = True) -> Path:
    """A scratch copy of the project at `target`: the project file, the entry point `pdp
    plan` runs (unless `entry_point` is False), the stacks, platform definitions and ledgers."""
    import shutil

    shutil.copy(ROOT / "Pulumi.yaml", target)
    if entry_point:
        shutil.copy(ROOT / "__main__.py", target)
    for folder in ("stacks", "platform", "releases"):
        shutil.copytree(ROOT / folder, target / folder)
    return target
