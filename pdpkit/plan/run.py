"""`plan_stack`: load a stack, run its program offline, evaluate the policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pdpkit.plan.document import Plan
from pdpkit.plan.recorder import record
from pdpkit.policy import PolicyResource, evaluate
from pdpkit.spec.loader import load_stack, project_name
from pdpkit.spec.stack import StackSpec


def plan_stack(root: Path, stack: str, progress: Callable[[str], None] | None = None) -> Plan:
    """The plan of stack `stack` of the project at `root` (raises `SpecError` if invalid)."""
    step = progress or (lambda _message: None)
    step("validating the stack")
    spec = load_stack(root, stack)
    return plan_spec(spec, root, stack, project_name(root), step)


def plan_spec(
    spec: StackSpec,
    root: Path,
    stack: str,
    project: str = "pdp",
    progress: Callable[[str], None] | None = None,
    *,
    preview: bool = False,
) -> Plan:
    """The plan of an already validated spec (``preview``: as `pulumi preview` sees it, the
    outputs of new resources unknown)."""
    from pdpkit.program import deploy

    step = progress or (lambda _message: None)
    step(f"running the program on the mock monitor ({spec.dataplane.target.value})")
    recording = record(lambda: deploy(spec, root), project, stack, preview=preview)
    step(f"evaluating policy over {len(recording.resources)} resources")
    views = [
        PolicyResource(
            r.urn,
            r.type,
            r.name,
            r.inputs,
            r.protect,
            r.retain_on_delete,
            parent=r.parent,
            dependencies=tuple(r.dependencies),
            outputs=r.outputs,
        )
        for r in recording.resources
    ]
    return Plan(recording, evaluate(views, spec))
