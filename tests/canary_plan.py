"""`pdp plan` of a stack whose secure values the engine decrypted into canaries.

Run as a script in a project directory: ``python -m tests.canary_plan STACK OUT CANARIES``,
CANARIES a JSON file of ``{config key: value with canaries}``. The stack file keeps its
``secure:`` leaves; the canaries reach the program the way `pulumi up` hands it decrypted
secrets: in ``PULUMI_CONFIG``, their keys listed in ``PULUMI_CONFIG_SECRET_KEYS``. Then the
plan is written and printed as `pdp plan --out` does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pdpkit.cli.console import console
from pdpkit.cli.plan import render_table
from pdpkit.plan.engine import (
    EngineConfig,
    config_string,
    engine_config,
    run_project,
    running_as_engine,
)
from pdpkit.plan.recorder import record
from pdpkit.plan.run import evaluate_plan
from pdpkit.spec.loader import load_stack, project_name


def main(stack: str, out: str, canaries: str) -> None:
    root = Path.cwd()
    project = project_name(root)
    spec = load_stack(root, stack)
    base = engine_config(root, stack, project)
    decrypted = json.loads(Path(canaries).read_text(encoding="utf-8"))
    values = {**base.values, **{k: config_string(v) for k, v in decrypted.items()}}
    with running_as_engine(root, EngineConfig(values, base.secret_keys)):
        recording = record(lambda: run_project(root), project, stack)
    plan = evaluate_plan(recording, spec)
    plan.write(Path(out))
    render_table(plan, console())


if __name__ == "__main__":
    main(*sys.argv[1:4])
