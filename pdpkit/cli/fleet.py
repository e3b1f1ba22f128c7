"""`pdp fleet`: validate the fleet, render the operator's objects, report status, onboard."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from pdpkit.cli.wording import plural
from pdpkit.fleet.loader import Fleet, load_fleet
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.loader import find_project_root

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def run(args: argparse.Namespace) -> int:
    try:
        root = find_project_root()
        if args.fleet_command == "add-customer":
            from pdpkit.cli.fleet_onboarding import add_customer

            return add_customer(root, args)
        fleet = load_fleet(root)
        if args.fleet_command == "validate":
            return _validate(fleet, args.format)
        if args.fleet_command == "render":
            return _render(fleet, args)
        return _status(fleet, args)
    except SpecError as error:
        return _problems(error.problems, getattr(args, "format", "text"))


def _problems(problems: list[Problem], fmt: str) -> int:
    if fmt == "json":
        print(json.dumps({"valid": False, "problems": [p.as_dict() for p in problems]}, indent=2))
    else:
        for problem in problems:
            print(problem.render(), file=sys.stderr)
        print(f"pdp fleet: {plural(len(problems), 'problem')}", file=sys.stderr)
    return EXIT_INVALID


def _validate(fleet: Fleet, fmt: str) -> int:
    stacks = len(fleet.stacks)
    customers = len(fleet.spec.customers)
    if fmt == "json":
        document = {
            "valid": True,
            "customers": customers,
            "stacks": stacks,
            "engine": fleet.spec.engine.value,
        }
        print(json.dumps(document))
    else:
        print(
            f"fleet.yaml: valid ({plural(customers, 'customer')}, {plural(stacks, 'stack')}, "
            f"{plural(len(fleet.spec.waves), 'wave')}, applied by engine "
            f"{fleet.spec.engine.value}; no shared state, key or credential)"
        )
    return EXIT_OK


def _render(fleet: Fleet, args: argparse.Namespace) -> int:
    from pdpkit.fleet.operator import kustomization, render_operator

    files = render_operator(fleet, args.revision, args.wave)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, objects in files.items():
        (out / name).write_text(
            yaml.safe_dump_all(objects, sort_keys=False, width=1000), encoding="utf-8"
        )
    (out / "kustomization.yaml").write_text(
        yaml.safe_dump(kustomization(list(files)), sort_keys=False), encoding="utf-8"
    )
    count = sum(len(objects) for objects in files.values())
    print(f"wrote {plural(count, 'object')} for {plural(len(files), 'customer')} to {out}/")
    return EXIT_OK


def _status(fleet: Fleet, args: argparse.Namespace) -> int:
    from pdpkit.fleet.status import fleet_status, unknown_records

    try:
        records = _records(args)
    except SpecError as error:
        return _problems(error.problems, args.format)
    rows = fleet_status(fleet, records)
    strangers = unknown_records(fleet, records)
    if args.format == "json":
        print(json.dumps({"stacks": [r.as_dict() for r in rows], "unknown": strangers}, indent=2))
    else:
        _status_table(rows, strangers)
    bad = any(r.record.state == "failed" or r.record.drift == "drifted" for r in rows)
    return EXIT_INVALID if bad else EXIT_OK


def _records(args: argparse.Namespace) -> list[Any]:
    """The per-stack records of the source the options name (one source per run)."""
    from pdpkit.fleet.status import records_from_operator

    path = Path(args.from_operator)
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SpecError(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    f"cannot read it as JSON ({error}); write it with "
                    "`kubectl get stacks.pulumi.com -A -o json > FILE`",
                )
            ]
        ) from None
    return records_from_operator(document)


def _status_table(rows: list[Any], strangers: list[str]) -> None:
    from rich.table import Table

    from pdpkit.cli.console import console

    table = Table(title="fleet status")
    columns = ("wave", "customer", "stack", "state", "applied", "failures", "drift", "k8s", "pins")
    for column in columns:
        table.add_column(column)
    for row in rows:
        record = row.record
        table.add_row(
            row.wave,
            row.customer,
            row.stack,
            record.state,
            (record.applied or "-")[:12],
            str(record.failures),
            str(record.drift),
            f"{row.target} {row.kubernetes}",
            "; ".join(row.pins) or "in the compatibility table",
        )
    out = console()
    out.print(table)
    for row in rows:
        if row.record.message:
            out.print(f"{row.stack}: {row.record.message}", markup=False)
        if row.record.drift_message:
            out.print(f"{row.stack} drift: {row.record.drift_message}", markup=False)
    for name in strangers:
        out.print(f"{name}: reported by the operator but not in the fleet", markup=False)
