"""``pdp fleet summary DIR``: one pull-request comment for every stack's preview.

DIR holds the downloaded preview artifacts: each a directory with the run record
(`pdpkit.fleet.records`) and ``pulumi preview --json``'s output. A bare digest without a
record is read too (its stack from the URNs). Order: replacements and deletions of
protected resources first, then failed previews, then every stack with changes (most
destructive first), then the unchanged ones, folded.

The comment stays under GitHub's limit on a comment body (the API answers "Body is too
long (maximum is 65536 characters)", e.g. telia-oss/github-pr-resource#259): past
`BUDGET`, the remaining rows are counted, not listed; the full report is in the summary
artifact (``--format json``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pdpkit.fleet.previews import COLUMNS, StackPreview, parse_preview, read_preview
from pdpkit.fleet.records import RunKind, find_records

MARKER = "<!-- pdp-fleet-summary -->"
"""First line of the comment: the workflow finds its own comment by it and edits it."""
BUDGET = 60_000
"""Characters of the comment body (GitHub refuses more than 65,536)."""


def collect(root: Path) -> list[StackPreview]:
    """Every preview under `root`: records of kind ``preview`` with their output, plus bare
    digests (``*.json`` without a record). One entry per stack: the latest by record time."""
    previews: dict[str, StackPreview] = {}
    recorded_dirs: set[Path] = set()
    for record in find_records(root):
        recorded_dirs.add(record.directory)
        if record.kind is not RunKind.PREVIEW:
            continue
        path = record.output_path or record.directory / "preview.json"
        preview = read_preview(path, record.as_metadata())
        _keep_latest(previews, preview)
    for path in sorted(root.rglob("*.json")):
        if path.parent in recorded_dirs or path.name == "run.json":
            continue
        preview = parse_preview(json.loads(path.read_text(encoding="utf-8")))
        _keep_latest(previews, preview)
    return [previews[name] for name in sorted(previews)]


def _keep_latest(found: dict[str, StackPreview], preview: StackPreview) -> None:
    old = found.get(preview.stack)
    if old is None or str(preview.metadata.get("time", "")) >= str(old.metadata.get("time", "")):
        found[preview.stack] = preview


def ordered(previews: Iterable[StackPreview]) -> list[StackPreview]:
    """Protected changes first, then failures, then by destruction, changes, name."""
    return sorted(
        previews,
        key=lambda p: (
            -len(p.protected_changes),
            not p.failed,
            -(p.count("delete") + p.count("replace")),
            -p.changed,
            p.stack,
        ),
    )


def _cell(text: object) -> str:
    """Text safe in a Markdown table cell: no HTML, no pipes, one line."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ").strip()


def _customer(preview: StackPreview) -> str:
    return _cell(preview.customer) if preview.customer else "-"


def render_markdown(previews: Sequence[StackPreview], budget: int = BUDGET) -> str:
    """The comment body (begins with `MARKER`)."""
    previews = ordered(previews)
    if not previews:
        # a later push touched no stack's inputs: the comment says so instead of going stale
        return (
            f"{MARKER}\n## pdp fleet preview: no stack affected\n\n"
            "The latest push changes no stack's inputs; nothing to preview.\n"
        )
    changed = [p for p in previews if p.changed and not p.failed]
    failed = [p for p in previews if p.failed]
    protected = [(p, c) for p in previews for c in p.protected_changes]
    unchanged = [p for p in previews if not p.changed and not p.failed]
    totals = {op: sum(p.count(op) for p in previews) for op in COLUMNS}
    head = [
        MARKER,
        f"## pdp fleet preview: {len(previews)} stack(s)",
        "",
        f"{len(changed)} with changes, {len(failed)} failed, {len(unchanged)} unchanged; "
        + ", ".join(f"{totals[op]} to {op}" for op in COLUMNS)
        + ".",
        "",
    ]
    lines: list[str] = list(head)
    left = budget - sum(len(line) + 1 for line in lines)
    omitted = 0

    def add(block: list[str]) -> bool:
        nonlocal left
        size = sum(len(line) + 1 for line in block)
        if size > left - 400:  # room for the closing notes
            return False
        lines.extend(block)
        left -= size
        return True

    def rows(title: list[str], items: Iterable[list[str]]) -> None:
        nonlocal omitted
        started = False
        for row in items:
            block = row if started else [*title, *row]
            if not add(block):
                omitted += 1
                continue
            started = True
        if started:
            add([""])

    rows(
        [
            "### :warning: Protected resources replaced or deleted",
            "",
            "The engine refuses these steps: the preview fails until the program stops "
            "replacing or deleting them, or someone unprotects them on purpose.",
            "",
            "| customer | stack | operation | resource | type | because of |",
            "| --- | --- | --- | --- | --- | --- |",
        ],
        (
            [
                f"| {_customer(p)} | {_cell(p.stack)} | **{_cell(c.op)}** | {_cell(c.name)} | "
                f"{_cell(c.type)} | {_cell(', '.join(c.reasons)) or '-'} |"
            ]
            for p, c in protected
        ),
    )
    rows(
        ["### Failed previews", ""],
        (
            [
                f"- {_customer(p)} / **{_cell(p.stack)}**: "
                + (_cell(p.errors[0][:300]) if p.errors else "the preview exited with an error")
            ]
            for p in failed
        ),
    )
    rows(
        [
            "### Changes per stack",
            "",
            "| customer | stack | " + " | ".join(COLUMNS) + " | unchanged |",
            "| --- | --- | " + " | ".join("---:" for _ in COLUMNS) + " | ---: |",
        ],
        (
            [
                f"| {_customer(p)} | {_cell(p.stack)} | "
                + " | ".join(_bold_if_destructive(op, p.count(op)) for op in COLUMNS)
                + f" | {p.count('same')} |"
            ]
            for p in changed
        ),
    )
    if unchanged:
        names = ", ".join(_cell(p.stack) for p in unchanged)
        block = [
            f"<details><summary>{len(unchanged)} stack(s) without changes</summary>",
            "",
            names,
            "",
            "</details>",
            "",
        ]
        if not add(block):
            lines.append(f"{len(unchanged)} stack(s) without changes.")
    if omitted:
        lines.append(
            f"_{omitted} more row(s) did not fit in one comment: see the `pdp-fleet-summary` "
            "artifact of this run._"
        )
    return "\n".join(lines).rstrip() + "\n"


def _bold_if_destructive(op: str, count: int) -> str:
    return f"**{count}**" if count and op in ("replace", "delete") else str(count)


def as_json(previews: Sequence[StackPreview]) -> dict[str, Any]:
    """The same content as data (the summary artifact)."""
    return {
        "stacks": [
            {
                "stack": p.stack,
                "customer": p.customer,
                "failed": p.failed,
                "counts": dict(sorted(p.counts.items())),
                "errors": list(p.errors),
                "protected": [
                    {"op": c.op, "urn": c.urn, "type": c.type, "reasons": list(c.reasons)}
                    for c in p.protected_changes
                ],
                "commit": p.metadata.get("commit"),
                "runId": p.metadata.get("runId"),
            }
            for p in ordered(previews)
        ]
    }
