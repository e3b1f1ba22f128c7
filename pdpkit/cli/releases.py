"""`pdp release`, `pdp promote`, `pdp rollback`, `pdp releases`: the release ledger by hand.

Exit 0 when done, 1 when refused or the input is wrong (one message saying why and how
to fix it; nothing written). The clock can be pinned with ``PDP_NOW`` (ISO-8601).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pdpkit.cli.main import EXIT_INVALID, EXIT_OK
from pdpkit.platform.ledger import (
    Ledger,
    format_time,
    load_ledger,
    parse_time,
    save_ledger,
)
from pdpkit.platform.pipeline import pipeline_of, promotion_order
from pdpkit.platform.promotion import (
    Outcome,
    PromotionRefusedError,
    promote,
    release,
    rollback,
    short,
)
from pdpkit.platform.revision import config_revision
from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import find_project_root, load_stack
from pdpkit.spec.platform import PlatformSpec


class _InvalidInputError(Exception):
    """Bad input found by the CLI itself (stack without platform, bad PDP_NOW)."""


def now() -> datetime:
    """The current time, or ``PDP_NOW`` when set (tests and replays)."""
    pinned = os.environ.get("PDP_NOW")
    if not pinned:
        return datetime.now(UTC)
    try:
        return parse_time(pinned.replace("Z", "+00:00"))
    except ValueError:
        raise _InvalidInputError(
            f"PDP_NOW={pinned!r} is not an ISO-8601 time (2026-11-20T09:00:00Z)"
        ) from None


def actor(args: argparse.Namespace) -> str:
    return str(
        getattr(args, "by", None)
        or os.environ.get("GITHUB_ACTOR")
        or os.environ.get("USER")
        or "unknown"
    )


def run(args: argparse.Namespace) -> int:
    try:
        root = find_project_root()
        platform = _platform(root, args.stack)
        ledger = load_ledger(platform, root)
        if args.command == "releases":
            return _show(platform, ledger, args.format)
        who, when = actor(args), now()
        if args.command == "release":
            outcome = release(
                platform,
                ledger,
                args.integration,
                args.image,
                actor=who,
                now=when,
                stack=args.stack,
            )
        elif args.command == "promote":
            outcome = promote(
                platform,
                ledger,
                args.integration,
                args.to,
                approved_by=args.approved_by,
                actor=who,
                now=when,
                stack=args.stack,
            )
        else:
            outcome = rollback(platform, ledger, args.integration, args.env, actor=who, now=when)
    except SpecError as error:
        for problem in error.problems:
            print(problem.render(), file=sys.stderr)
        return EXIT_INVALID
    except (PromotionRefusedError, _InvalidInputError) as error:
        print(f"pdp {args.command}: refused: {error}", file=sys.stderr)
        return EXIT_INVALID
    return _write(outcome, platform, root)


def _platform(root: Path, stack: str) -> PlatformSpec:
    spec = load_stack(root, stack)
    if spec.platform is None:
        raise _InvalidInputError(
            f"stack {stack} has no platform (`pdp:platform`), hence no pipeline or "
            "ledger; use a stack that declares or references one"
        )
    return spec.platform


def _write(outcome: Outcome, platform: PlatformSpec, root: Path) -> int:
    if outcome.changes:
        path = save_ledger(outcome.ledger, platform, root, promotion_order(platform))
        for change in outcome.changes:
            r = change.release
            approvals = f", approved by {', '.join(r.approved_by)}" if r.approved_by else ""
            print(
                f"{change.integration}: {change.environment} now runs {short(r.image)} "
                f"(revision {r.revision}, {r.source} by {r.promoted_by}{approvals})"
            )
        print(f"wrote {path.relative_to(root)}")
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def _show(platform: PlatformSpec, ledger: Ledger, fmt: str) -> int:
    order = promotion_order(platform)
    gates: dict[str, dict[str, object]] = {}
    for spec in platform.pipelines:
        pipeline = pipeline_of(platform, spec)
        for env in pipeline.order:
            gate = pipeline.gate(env)
            entry = gates.setdefault(
                env,
                {"requiredApprovals": 0, "approvers": [], "soakTime": None, "autoPromote": False},
            )
            entry["requiredApprovals"] = max(
                int(str(entry["requiredApprovals"])), gate.required_approvals
            )
            entry["approvers"] = sorted({*entry["approvers"], *gate.approvers})  # type: ignore[misc]
            entry["soakTime"] = entry["soakTime"] or gate.soak_time
            entry["autoPromote"] = bool(entry["autoPromote"]) or gate.auto_promote
    rows: list[dict[str, Any]] = []
    drifted: list[dict[str, str]] = []  # the spec's configuration is not the released one
    rank = {env: i for i, env in enumerate(order)}
    for (integration, environment), slot in sorted(
        ledger.slots.items(), key=lambda kv: (kv[0][0], rank.get(kv[0][1], len(rank)), kv[0][1])
    ):
        r = slot.current
        rows.append(
            {
                "integration": integration,
                "environment": environment,
                "image": r.image,
                "revision": r.revision,
                "promotedBy": r.promoted_by,
                "approvedBy": list(r.approved_by),
                "promotedAt": format_time(r.promoted_at),
            }
        )
        if _config_changed(platform, integration, environment, r.revision):
            drifted.append({"integration": integration, "environment": environment})
    if fmt == "json":
        document = {
            "pipeline": [{"environment": env, **gates.get(env, {})} for env in order],
            "releases": rows,
            "configChanged": drifted,
        }
        print(json.dumps(document, indent=2))
        return EXIT_OK
    console = Console()
    flow = " → ".join(
        env
        + (
            f" ({gates[env]['requiredApprovals']} approvals)"
            if gates.get(env, {}).get("requiredApprovals")
            else ""
        )
        for env in order
    )
    console.print(f"[bold]{platform.name}[/]: {flow}")
    table = Table(title=f"Releases ({platform.ledger.path})")
    for column in ("integration", *order):
        table.add_column(column)
    by_key = {(r["integration"], r["environment"]): r for r in rows}
    changed = {(d["integration"], d["environment"]) for d in drifted}
    for integration in sorted(
        {i.name for i in platform.integrations} | {r["integration"] for r in rows}
    ):
        cells = []
        for env in order:
            row = by_key.get((integration, env))
            cells.append(
                f"{str(row['image']).rpartition('@')[2][7:19]}\n{row['promotedAt']}"
                + ("\n[yellow]config changed[/]" if (integration, env) in changed else "")
                if row
                else "-"
            )
        table.add_row(str(integration), *cells)
    console.print(table)
    return EXIT_OK


def _config_changed(
    platform: PlatformSpec, integration: str, environment: str, revision: str
) -> bool:
    """The configuration in the spec is not the one the release recorded (a redeploy rolls it)."""
    known = {i.name for i in platform.integrations}
    envs = {e.name for e in platform.environments}
    if integration not in known or environment not in envs:
        return False
    return config_revision(platform, integration, environment) != revision
