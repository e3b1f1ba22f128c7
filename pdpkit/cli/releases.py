"""`pdp release`, `pdp promote`, `pdp rollback`, `pdp releases`: the release ledger by hand.

Exit 0 when done, 1 when refused or the input is wrong (one message saying why and how
to fix it; nothing written). The time is the system clock's: nothing in the environment
can move it (the soak time is measured against it); tests pass a clock to `run`.
Commands that write take the ledger's lock for the read-compute-write, so concurrent
commands queue instead of losing each other's changes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.table import Table

from pdpkit.cli.console import console as wide_console
from pdpkit.cli.main import EXIT_INVALID, EXIT_OK
from pdpkit.platform.ledger import Ledger, format_time, ledger_path, load_ledger
from pdpkit.platform.ledger_verify import ReleaseProblem, verify_ledger
from pdpkit.platform.ledger_write import (
    LOCK_TIMEOUT_SECONDS,
    LedgerBusyError,
    LedgerChangedError,
    ledger_lock,
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
    """Bad input found by the CLI itself (a stack without platform)."""


Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def actor(args: argparse.Namespace) -> str:
    return str(
        getattr(args, "by", None)
        or os.environ.get("GITHUB_ACTOR")
        or os.environ.get("USER")
        or "unknown"
    )


def run(
    args: argparse.Namespace,
    *,
    clock: Clock = system_clock,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
) -> int:
    try:
        root = find_project_root()
        platform = _platform(root, args.stack)
        if args.command == "releases":
            ledger = load_ledger(platform, root)
            return _show(platform, ledger, args.format, clock())
        with ledger_lock(ledger_path(platform, root), timeout=lock_timeout):
            outcome = _move(args, platform, load_ledger(platform, root), clock())
            path = (
                save_ledger(outcome.ledger, platform, root, promotion_order(platform))
                if outcome.changes
                else None
            )
    except SpecError as error:
        for problem in error.problems:
            print(problem.render(), file=sys.stderr)
        return EXIT_INVALID
    except (PromotionRefusedError, _InvalidInputError) as error:
        print(f"pdp {args.command}: refused: {error}", file=sys.stderr)
        return EXIT_INVALID
    except (LedgerBusyError, LedgerChangedError) as error:
        print(f"pdp {args.command}: not written: {error}", file=sys.stderr)
        return EXIT_INVALID
    return _report(outcome, path, root)


def _move(
    args: argparse.Namespace, platform: PlatformSpec, ledger: Ledger, now: datetime
) -> Outcome:
    who = actor(args)
    if args.command == "release":
        return release(
            platform, ledger, args.integration, args.image, actor=who, now=now, stack=args.stack
        )
    if args.command == "promote":
        return promote(
            platform,
            ledger,
            args.integration,
            args.to,
            approved_by=args.approved_by,
            actor=who,
            now=now,
            stack=args.stack,
        )
    return rollback(platform, ledger, args.integration, args.env, actor=who, now=now)


def _platform(root: Path, stack: str) -> PlatformSpec:
    spec = load_stack(root, stack)
    if spec.platform is None:
        raise _InvalidInputError(
            f"stack {stack} has no platform (`pdp:platform`), hence no pipeline or "
            "ledger; use a stack that declares or references one"
        )
    return spec.platform


def _report(outcome: Outcome, path: Path | None, root: Path) -> int:
    """What changed; called only once the written file was read back intact."""
    for change in outcome.changes:
        r = change.release
        approvals = f", approved by {', '.join(r.approved_by)}" if r.approved_by else ""
        print(
            f"{change.integration}: {change.environment} now runs {short(r.image)} "
            f"(revision {r.revision}, {r.source} by {r.promoted_by}{approvals})"
        )
    if path is not None:
        print(f"wrote {path.relative_to(root)}")
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def _show(platform: PlatformSpec, ledger: Ledger, fmt: str, now: datetime) -> int:
    """The pipeline and what runs where; exit 1 when an entry fails `verify_ledger`."""
    problems = verify_ledger(platform, ledger, now=now)
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
            "problems": [
                {"integration": p.integration, "environment": p.environment, "message": p.message}
                for p in problems
            ],
        }
        print(json.dumps(document, indent=2))
        return _verdict(problems)
    console = wide_console()
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
    return _verdict(problems)


def _verdict(problems: list[ReleaseProblem]) -> int:
    for problem in problems:
        print(f"pdp releases: unverified release: {problem}", file=sys.stderr)
    if problems:
        print(
            "pdp releases: the pipeline did not produce these entries (edited by hand?): "
            "restore them from git, or move builds with `pdp release` / `pdp promote` / "
            "`pdp rollback`",
            file=sys.stderr,
        )
    return EXIT_INVALID if problems else EXIT_OK


def _config_changed(
    platform: PlatformSpec, integration: str, environment: str, revision: str
) -> bool:
    """The configuration in the spec is not the one the release recorded (a redeploy rolls it)."""
    known = {i.name for i in platform.integrations}
    envs = {e.name for e in platform.environments}
    if integration not in known or environment not in envs:
        return False
    return config_revision(platform, integration, environment) != revision
