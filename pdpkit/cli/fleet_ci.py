"""The CI half of ``pdp fleet``: ``summary``, ``record``, ``status --from-ci``.

``pdp fleet summary DIR``: the pull-request comment (Markdown) or its data (JSON) from the
downloaded preview artifacts. ``pdp fleet record``: the run record a workflow job writes
next to Pulumi's output. ``pdp fleet status --from-ci DIR``: per customer and stack, the
last applied revision, drift, pending changes and failures from those artifacts.

Exit codes: 0 done; 1 the artifacts (or the fleet) cannot be read, with the reason;
5 (``status --check``) a stack drifted, failed, or has no record.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pdpkit.cli.main import EXIT_INVALID, EXIT_OK
from pdpkit.fleet.ci_status import ci_status, render_table
from pdpkit.fleet.previews import PreviewFormatError
from pdpkit.fleet.records import RecordError, RunKind, new_record, write_record
from pdpkit.fleet.summary import as_json, collect, render_markdown

EXIT_ATTENTION = 5
"""``status --check``: some stack needs someone (drift, a failure, no record)."""


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


def status_from_ci(args: argparse.Namespace, fleet: dict[str, str | None] | None) -> int:
    root = _directory(args.from_ci)
    if root is None:
        return EXIT_INVALID
    try:
        statuses = ci_status(root, fleet)
    except (RecordError, PreviewFormatError) as error:
        print(f"pdp fleet status: {error}", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps({"stacks": [s.as_json() for s in statuses]}, indent=2))
    else:
        sys.stdout.write(render_table(statuses))
    if args.check and any(s.needs_attention for s in statuses):
        return EXIT_ATTENTION
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.fleet_command == "summary":
        return summary(args)
    if args.fleet_command == "record":
        return record(args)
    return status_from_ci(args, None)
