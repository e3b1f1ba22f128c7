"""``pdp fleet status --from-ci DIR``: the fleet's state as the CI artifacts tell it.

Per stack, from the run records (`pdpkit.fleet.records`) and the Pulumi JSON next to them:

- **last applied**: the commit, run and time of the newest ``up`` record that succeeded;
- **last up**: the newest ``up`` outcome (``failed``, ``deferred`` outside the maintenance
  window, ``succeeded``);
- **drift**: the newest ``refresh`` (``pulumi refresh --preview-only --json``): resources
  whose cloud state differs from the stack's state (``changeSummary`` other than ``same``);
- **pending**: the newest ``preview`` (``pulumi preview --json``): changes the program
  would make to the state (code not yet applied);
- **failures**: any of these runs that failed.

Stacks the fleet lists without any record are reported as such ("no CI record"), never
left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdpkit.fleet.previews import StackPreview, read_preview
from pdpkit.fleet.records import Outcome, RunKind, RunRecord, find_records
from pdpkit.fleet.status import Drift, StackRecord


@dataclass
class StackStatus:
    """What the artifacts say about one stack."""

    stack: str
    customer: str | None = None
    applied: RunRecord | None = None
    last_up: RunRecord | None = None
    drift: StackPreview | None = None
    pending: StackPreview | None = None
    failures: list[str] = field(default_factory=list)
    failed_attempts: int = 0
    """``pulumi up`` runs that failed since the last one that succeeded."""

    @property
    def drifted(self) -> bool | None:
        """True/False from the newest refresh preview; None without one (or when it failed)."""
        if self.drift is None or self.drift.failed:
            return None
        return self.drift.changed > 0

    @property
    def needs_attention(self) -> bool:
        """Drifted, failed, or nothing on record (a stack CI never reached)."""
        unrecorded = self.last_up is None and self.drift is None and self.pending is None
        return bool(self.drifted) or bool(self.failures) or unrecorded

    def as_json(self) -> dict[str, Any]:
        def run(record: RunRecord | None) -> dict[str, Any] | None:
            if record is None:
                return None
            return {
                "outcome": record.outcome.value,
                "commit": record.github.get("commit"),
                "runId": record.github.get("runId"),
                "time": record.time,
                "reason": record.reason,
            }

        return {
            "stack": self.stack,
            "customer": self.customer,
            "lastApplied": run(self.applied),
            "lastUp": run(self.last_up),
            "drifted": self.drifted,
            "drift": dict(self.drift.counts) if self.drift else None,
            "pending": dict(self.pending.counts) if self.pending else None,
            "failures": self.failures,
        }


def _newer(record: RunRecord, than: RunRecord | StackPreview | None) -> bool:
    if than is None:
        return True
    time = than.time if isinstance(than, RunRecord) else str(than.metadata.get("time", ""))
    return record.time >= time


def ci_status(root: Path, fleet: Mapping[str, str | None] | None = None) -> list[StackStatus]:
    """The status of every stack with a record under `root`, and of every stack of `fleet`
    (stack → customer) even without one; sorted by customer, then stack."""
    found: dict[str, StackStatus] = {}
    for stack, customer in (fleet or {}).items():
        found[stack] = StackStatus(stack, customer)
    records = sorted(find_records(root), key=lambda r: r.time)
    for record in records:
        status = found.setdefault(record.stack, StackStatus(record.stack))
        status.customer = status.customer or record.customer
        if record.kind is RunKind.UP:
            status.last_up = record
            if record.outcome is Outcome.SUCCEEDED:
                status.applied = record
                status.failed_attempts = 0
            elif record.outcome is Outcome.FAILED:
                status.failed_attempts += 1
            continue
        preview = read_preview(
            record.output_path or record.directory / f"{record.kind.value}.json",
            record.as_metadata(),
        )
        if record.kind is RunKind.REFRESH and _newer(record, status.drift):
            status.drift = preview
        elif record.kind is RunKind.PREVIEW and _newer(record, status.pending):
            status.pending = preview
    for status in found.values():
        _failures(status)
    return sorted(found.values(), key=lambda s: (s.customer or "", s.stack))


def _failures(status: StackStatus) -> None:
    if status.last_up is not None and status.last_up.outcome is Outcome.FAILED:
        status.failures.append(f"pulumi up failed (run {status.last_up.github.get('runId')})")
    for what, preview in (("refresh", status.drift), ("preview", status.pending)):
        if preview is not None and preview.failed:
            first = preview.errors[0].splitlines()[0] if preview.errors else "exited non-zero"
            status.failures.append(f"{what} failed: {first[:160]}")


def _short(record: RunRecord | None) -> str:
    if record is None:
        return "-"
    commit = (record.github.get("commit") or "?")[:12]
    return f"{commit} {record.time}"


def render_table(statuses: Iterable[StackStatus]) -> str:
    """A plain table (one line per stack) for a terminal or a job summary."""
    header = ("customer", "stack", "last applied", "last up", "drift", "pending", "failures")
    rows = [header]
    for s in statuses:
        if s.drift is None:
            drift = "no CI record" if s.last_up is None and s.pending is None else "not checked"
        elif s.drifted is None:
            drift = "unknown (failed)"
        else:
            drift = f"{s.drift.changed} resource(s)" if s.drifted else "none"
        pending = "-" if s.pending is None or s.pending.failed else str(s.pending.changed)
        last_up = s.last_up.outcome.value if s.last_up else "-"
        if s.last_up is not None and s.last_up.reason:
            last_up += f" ({s.last_up.reason})"
        rows.append(
            (
                s.customer or "-",
                s.stack,
                _short(s.applied),
                last_up,
                drift,
                pending,
                "; ".join(s.failures) or "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return (
        "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        )
        + "\n"
    )


def records_from_ci(statuses: Iterable[StackStatus]) -> list[StackRecord]:
    """The CI artifacts as the engine-neutral records `pdpkit.fleet.status.fleet_status`
    joins with the fleet (the same report as from the operator's ``Stack`` statuses)."""
    records = []
    for s in statuses:
        if s.last_up is None:
            state = "never run"
        elif s.last_up.outcome is Outcome.DEFERRED:
            state = "deferred"
        else:
            state = s.last_up.outcome.value
        if s.drift is None:
            drift, drift_message, checked = Drift.UNKNOWN, "", None
        else:
            checked = str(s.drift.metadata.get("time") or "") or None
            if s.drift.failed:
                first = s.drift.errors[0].splitlines()[0] if s.drift.errors else "exited non-zero"
                drift, drift_message = Drift.CHECK_FAILED, first[:200]
            elif s.drift.changed:
                drift = Drift.DRIFTED
                drift_message = (
                    f"{s.drift.changed} resource(s) differ from the state "
                    "(pulumi refresh --preview-only)"
                )
            else:
                drift, drift_message = Drift.NONE, ""
        if s.pending is not None and not s.pending.failed and s.pending.changed:
            drift_message = "; ".join(
                m
                for m in (
                    drift_message,
                    f"{s.pending.changed} change(s) of the program not applied",
                )
                if m
            )
        message = "; ".join(s.failures)
        if s.last_up is not None and s.last_up.reason:
            message = "; ".join(m for m in (s.last_up.reason, message) if m)
        records.append(
            StackRecord(
                stack=s.stack,
                state=state,
                applied=s.applied.github.get("commit") if s.applied else None,
                attempted=s.last_up.github.get("commit") if s.last_up else None,
                failures=s.failed_attempts,
                message=message,
                drift=drift,
                drift_message=drift_message,
                checked_at=checked,
                source="ci",
            )
        )
    return records
