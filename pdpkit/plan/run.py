"""`plan_stack`: validate a stack, run the project's entry point offline, evaluate the policy.

The program runs exactly as the engine starts it (`pdpkit.plan.engine`): the project
directory executed as ``__main__`` with the stack's configuration in ``PULUMI_CONFIG``,
here on the SDK's mock monitor instead of a deployment engine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pdpkit.plan.document import Plan
from pdpkit.plan.engine import engine_config, run_project, running_as_engine, spec_config
from pdpkit.plan.recorder import Recording, record
from pdpkit.policy import PolicyResource, evaluate
from pdpkit.spec.loader import load_stack, project_name
from pdpkit.spec.stack import StackSpec


def plan_stack(
    root: Path,
    stack: str,
    progress: Callable[[str], None] | None = None,
    *,
    preview: bool = False,
) -> Plan:
    """The plan of stack `stack` of the project at `root` (raises `SpecError` if invalid).

    The stack is validated first, so that bad input is reported with file and line
    (``pdp validate``'s messages); the program then reads its configuration the way it
    does under ``pulumi up``.
    """
    step = progress or (lambda _message: None)
    step("validating the stack")
    spec = load_stack(root, stack)
    project = project_name(root)
    running = f"running __main__.py on the mock monitor ({spec.dataplane.target.value})"
    step(running)
    recording = record_project(
        root,
        stack,
        project,
        preview=preview,
        on_register=lambda r: step(f"{running}: {r.counts()}"),
    )
    return evaluate_plan(recording, spec, step)


def record_project(
    root: Path,
    stack: str,
    project: str,
    *,
    preview: bool = False,
    on_register: Callable[[Recording], None] | None = None,
) -> Recording:
    """Run the project's ``__main__.py`` for `stack`, engine-style, and record it
    (`preview`: as `pulumi preview` sees it, the outputs of new resources unknown)."""
    config = engine_config(root, stack, project)
    with running_as_engine(root, config):
        return record(
            lambda: run_project(root), project, stack, preview=preview, on_register=on_register
        )


def plan_spec(
    spec: StackSpec, root: Path, stack: str, project: str = "pdp", *, preview: bool = False
) -> Plan:
    """The plan of a validated (possibly edited) spec, handed to ``__main__.py`` as config.

    `stack` names the stack file that locates errors; its configuration is replaced by
    `spec`'s.
    """
    with running_as_engine(root, spec_config(spec, project)):
        recording = record(lambda: run_project(root), project, stack, preview=preview)
    return evaluate_plan(recording, spec)


def evaluate_plan(
    recording: Recording, spec: StackSpec, progress: Callable[[str], None] | None = None
) -> Plan:
    """The plan of a recording: its resources and the policy's verdicts over them."""
    step = progress or (lambda _message: None)
    step(f"evaluating policy over {recording.counts()}")
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
