"""The CI half of ``pdp fleet``: ``summary``, ``record``, ``status --from-ci``, ``window``,
``affected``, ``ci generate``.

``pdp fleet summary DIR``: the pull-request comment (Markdown) or its data (JSON) from the
downloaded preview artifacts. ``pdp fleet record``: the run record a workflow job writes
next to Pulumi's output. ``pdp fleet status --from-ci DIR``: per customer and stack, the
last applied revision, drift, pending changes and failures from those artifacts.

``pdp fleet window --customer X``: exit 0 inside X's maintenance window (or without one), 5
outside it. ``pdp fleet affected``: the stacks a pull request's changes affect, as preview
matrices. ``pdp fleet ci generate``: the fleet workflows (`pdpkit.workflows.fleet`).

Exit codes: 0 done; 1 the artifacts, the fleet or an argument cannot be read, with the
reason, or (``status``) a stack failed or drifted; 5 ``window``: outside the maintenance
window.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from pdpkit.cli.ci import pulumi_cli_version
from pdpkit.cli.generated_files import sync_generated
from pdpkit.cli.main import EXIT_INVALID, EXIT_OK
from pdpkit.fleet.affected import affected, changed_customers, platform_dirs, stack_inputs
from pdpkit.fleet.ci_status import ci_status, records_from_ci, render_table
from pdpkit.fleet.loader import Fleet, load_fleet
from pdpkit.fleet.previews import PreviewFormatError
from pdpkit.fleet.records import RecordError, RunKind, new_record, write_record
from pdpkit.fleet.status import Drift, fleet_status, unknown_records
from pdpkit.fleet.summary import as_json, collect, render_markdown
from pdpkit.fleet.windows import window_verdict
from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import find_project_root
from pdpkit.workflows.fleet import generate_fleet
from pdpkit.workflows.fleet_matrix import MATRIX_LIMIT, FleetWorkflowError, entry, shards
from pdpkit.workflows.values import UnsafeWorkflowValueError

EXIT_WINDOW_CLOSED = 5
"""``window``: outside the customer's maintenance window."""


def _directory(value: str) -> Path | None:
    path = Path(value)
    if not path.is_dir():
        print(f"pdp fleet: {value}: not a directory (the downloaded artifacts)", file=sys.stderr)
        return None
    return path


def summary(args: argparse.Namespace) -> int:
    root = _directory(args.dir)
    if root is None:
        return EXIT_INVALID
    try:
        previews = collect(root)
    except (RecordError, PreviewFormatError, json.JSONDecodeError) as error:
        print(f"pdp fleet summary: {error}", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        text = json.dumps(as_json(previews), indent=2) + "\n"
    else:
        text = render_markdown(previews)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def record(args: argparse.Namespace) -> int:
    if args.deferred is None and args.exit_code is None:
        print(
            "pdp fleet record: give --exit-code N (the command's) or --deferred REASON",
            file=sys.stderr,
        )
        return EXIT_INVALID
    data = new_record(
        RunKind(args.kind),
        args.stack,
        customer=args.customer,
        exit_code=args.exit_code,
        output=args.output,
        deferred_reason=args.deferred,
    )
    path = write_record(Path(args.dir), data)
    print(f"recorded {data['kind']} of {args.stack}: {data['outcome']} ({path})")
    return EXIT_OK


def status_from_ci(args: argparse.Namespace) -> int:
    """The fleet report (`pdpkit.fleet.status`) from CI artifacts; exit 1 when a stack
    failed or drifted, like the report from the operator."""
    root = _directory(args.from_ci)
    if root is None:
        return EXIT_INVALID
    fleet = _fleet("status")
    if fleet is None:
        return EXIT_INVALID
    try:
        statuses = ci_status(root, dict(fleet.owner))
    except (RecordError, PreviewFormatError) as error:
        print(f"pdp fleet status: {error}", file=sys.stderr)
        return EXIT_INVALID
    records = records_from_ci(statuses)
    rows = fleet_status(fleet, records)
    strangers = unknown_records(fleet, records)
    if args.format == "json":
        document = {
            "stacks": [row.as_dict() for row in rows],
            "unknown": strangers,
            "ci": [s.as_json() for s in statuses],
        }
        print(json.dumps(document, indent=2))
    else:
        from pdpkit.cli.fleet import _status_table  # the report both engines print

        _status_table(rows, strangers)
        print("\nfrom the CI artifacts:")
        sys.stdout.write(render_table(statuses))
    bad = any(r.record.state == "failed" or r.record.drift is Drift.DRIFTED for r in rows)
    return EXIT_INVALID if bad else EXIT_OK


def _fleet(command: str) -> Fleet | None:
    try:
        return load_fleet(find_project_root())
    except SpecError as error:
        for problem in error.problems:
            print(problem.render(), file=sys.stderr)
        print(f"pdp fleet {command}: fix fleet.yaml and the stacks above first", file=sys.stderr)
        return None


def window(args: argparse.Namespace) -> int:
    try:
        at = datetime.fromisoformat(args.at) if args.at else datetime.now(UTC)
    except ValueError:
        print(
            f"pdp fleet window: --at {args.at!r} is not an ISO 8601 time; "
            "expected e.g. 2026-11-28T02:30:00+01:00",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    fleet = _fleet("window")
    if fleet is None:
        return EXIT_INVALID
    try:
        customer = fleet.customer(args.customer)
    except KeyError:
        names = ", ".join(c.name for c in fleet.spec.customers)
        print(
            f"pdp fleet window: no customer {args.customer!r} in fleet.yaml; it has: {names}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    verdict = window_verdict(customer, at)
    print(verdict.message)
    return EXIT_OK if verdict.open else EXIT_WINDOW_CLOSED


def _changes(path: Path) -> tuple[list[str], list[str]]:
    """Changed and deleted paths from ``git diff --name-status --no-renames`` output."""
    changed: list[str] = []
    deleted: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        status, _, name = line.partition("\t")
        if not name:
            continue
        (deleted if status.startswith("D") else changed).append(name)
    return changed, deleted


def affected_stacks(args: argparse.Namespace) -> int:
    fleet = _fleet("affected")
    if fleet is None:
        return EXIT_INVALID
    changes = Path(args.changes)
    if not changes.is_file():
        print(f"pdp fleet affected: {args.changes}: no such file", file=sys.stderr)
        return EXIT_INVALID
    changed, deleted = _changes(changes)
    raw = {
        name: yaml.safe_load(
            (fleet.root / "stacks" / f"Pulumi.{name}.yaml").read_text(encoding="utf-8")
        )
        for name in fleet.stacks
    }
    dirs = platform_dirs(raw)
    inputs = [stack_inputs(name, spec, dirs[name]) for name, spec in fleet.stacks.items()]
    customers_changed = None
    if args.base_fleet:
        base = Path(args.base_fleet)
        before = yaml.safe_load(base.read_text(encoding="utf-8")) if base.is_file() else None
        after = yaml.safe_load((fleet.root / "fleet.yaml").read_text(encoding="utf-8"))
        customers_changed = changed_customers(before, after)
    result = affected(
        changed,
        inputs,
        deleted,
        fleet_customers=dict(fleet.owner),
        customers_changed=customers_changed,
    )
    try:
        items = [entry(fleet, stack, read_only=True) for stack in result.stacks]
    except (FleetWorkflowError, UnsafeWorkflowValueError) as error:
        print(f"pdp fleet affected: {error}", file=sys.stderr)
        return EXIT_INVALID
    jobs = shards("preview", items, MATRIX_LIMIT)
    slots = math.ceil(len(fleet.stacks) / MATRIX_LIMIT)  # the workflow's preview jobs
    if args.github_output:
        with Path(args.github_output).open("a", encoding="utf-8") as out:
            out.write(f"count={len(items)}\n")
            for i in range(slots):
                matrix = (
                    json.dumps({"include": list(jobs[i].entries)}, separators=(",", ":"))
                    if i < len(jobs)
                    else ""
                )
                out.write(f"shard{i + 1}={matrix}\n")
    print(f"### {len(result.stacks)} of {len(fleet.stacks)} stack(s) affected\n")
    for stack, why in result.stacks.items():
        shown = ", ".join(f"`{p}`" for p in why[:3]) + (" …" if len(why) > 3 else "")
        print(f"- {stack} ({fleet.owner.get(stack, '?')}): {shown}")
    for stack in result.removed:
        print(
            f"- {stack}: its stack file is deleted; no workflow destroys a stack: run "
            "`pulumi destroy` and `pulumi stack rm` deliberately (docs/fleet.md)"
        )
    return EXIT_OK


def ci_generate(args: argparse.Namespace) -> int:
    fleet = _fleet("ci generate")
    if fleet is None:
        return EXIT_INVALID
    try:
        files = generate_fleet(fleet, pulumi_cli_version())
    except (FleetWorkflowError, UnsafeWorkflowValueError) as error:
        print(f"pdp fleet ci generate: {error}; nothing written", file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.out)
    out = out if out.is_absolute() else Path.cwd() / out
    # a fleet workflow the engine no longer needs (fleet-up/drift.yml with the operator) is
    # removed: left in place it would apply the fleet a second time
    wanted: dict[Path, str | None] = {out / name: text for name, text in files.items()}
    if out.is_dir():
        for stale in sorted(out.glob("fleet-*.yml")):
            if stale.name not in files:
                wanted[stale] = None
    refused = sync_generated(
        wanted,
        check=getattr(args, "check", False),
        command="pdp fleet ci generate",
        up_to_date=f"{len(files)} fleet workflow(s) up to date",
    )
    if refused is not None:
        return refused
    print(
        f"{len(files)} fleet workflow(s) for {len(fleet.stacks)} stack(s) in {args.out} "
        f"(engine {fleet.spec.engine.value})"
    )
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    command = args.fleet_command
    if command == "summary":
        return summary(args)
    if command == "record":
        return record(args)
    if command == "window":
        return window(args)
    if command == "affected":
        return affected_stacks(args)
    if command == "ci":
        return ci_generate(args)
    if args.from_operator:
        from pdpkit.cli import fleet as operator_engine

        return operator_engine.run(args)
    return status_from_ci(args)
