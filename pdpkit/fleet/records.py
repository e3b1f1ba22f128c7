"""The run record each fleet workflow job writes next to Pulumi's output (its artifact).

Pulumi's JSON says what a preview found, not which commit, run or customer it was for, nor
whether ``pulumi up`` ran at all; the record (``run.json``, written by ``pdp fleet record``)
carries that, so ``pdp fleet summary`` and ``pdp fleet status --from-ci`` read artifacts
alone, without the repository or the GitHub API::

    {"format": "pdpkit.fleet.run/v1", "kind": "preview" | "refresh" | "up",
     "stack": "...", "customer": "...", "outcome": "succeeded" | "failed" | "deferred",
     "exitCode": 0, "output": "preview.json" | null, "reason": "...",
     "commit": "<sha>", "ref": "refs/heads/main", "runId": "...", "runAttempt": "1",
     "workflow": "...", "repository": "owner/name", "time": "2026-11-25T16:30:00Z"}

The GitHub fields come from the variables Actions sets on every job (``GITHUB_SHA``,
``GITHUB_REF``, ``GITHUB_RUN_ID``, ``GITHUB_RUN_ATTEMPT``, ``GITHUB_WORKFLOW``,
``GITHUB_REPOSITORY``: docs.github.com/actions/reference/variables-reference).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

FORMAT = "pdpkit.fleet.run/v1"
RECORD_FILE = "run.json"
_GITHUB = {
    "commit": "GITHUB_SHA",
    "ref": "GITHUB_REF",
    "runId": "GITHUB_RUN_ID",
    "runAttempt": "GITHUB_RUN_ATTEMPT",
    "workflow": "GITHUB_WORKFLOW",
    "repository": "GITHUB_REPOSITORY",
}


class RunKind(StrEnum):
    """What the job ran."""

    PREVIEW = "preview"
    """``pulumi preview --json``: the program against the state (pending changes)."""
    REFRESH = "refresh"
    """``pulumi refresh --preview-only --json``: the cloud against the state (drift)."""
    UP = "up"
    """``pulumi up``: applied (or deferred outside the maintenance window)."""


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    DEFERRED = "deferred"
    """Not run: outside the customer's maintenance window (reported, never dropped)."""


class RecordError(ValueError):
    """A ``run.json`` that is not a fleet run record."""


@dataclass(frozen=True)
class RunRecord:
    """One job's record, with the directory it was found in."""

    kind: RunKind
    stack: str
    customer: str | None
    outcome: Outcome
    exit_code: int | None
    output: str | None
    reason: str | None
    github: Mapping[str, str]
    time: str
    directory: Path

    @property
    def output_path(self) -> Path | None:
        return self.directory / self.output if self.output else None

    def as_metadata(self) -> dict[str, Any]:
        """The fields a `StackPreview` keeps (stack, customer, exit code, commit…)."""
        return {
            "stack": self.stack,
            "customer": self.customer,
            "exitCode": self.exit_code,
            "time": self.time,
            **self.github,
        }


def new_record(
    kind: RunKind,
    stack: str,
    *,
    customer: str | None,
    exit_code: int | None,
    output: str | None,
    deferred_reason: str | None = None,
    environ: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The record of a run (``deferred_reason`` set: it did not run, and why)."""
    environ = os.environ if environ is None else environ
    if deferred_reason is not None:
        outcome = Outcome.DEFERRED
    elif exit_code == 0:
        outcome = Outcome.SUCCEEDED
    else:
        outcome = Outcome.FAILED
    return {
        "format": FORMAT,
        "kind": kind.value,
        "stack": stack,
        "customer": customer,
        "outcome": outcome.value,
        "exitCode": None if deferred_reason is not None else exit_code,
        "output": output,
        "reason": deferred_reason,
        **{key: environ[var] for key, var in _GITHUB.items() if environ.get(var)},
        "time": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_record(directory: Path, record: Mapping[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / RECORD_FILE
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def parse_record(data: Any, directory: Path) -> RunRecord:
    where = directory / RECORD_FILE
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise RecordError(f"{where}: not a fleet run record (format {FORMAT!r})")
    try:
        kind = RunKind(data["kind"])
        outcome = Outcome(data["outcome"])
        stack = str(data["stack"])
    except (KeyError, ValueError) as error:
        raise RecordError(f"{where}: {error}") from None
    exit_code = data.get("exitCode")
    output = data.get("output")
    if output is not None and (not isinstance(output, str) or "/" in output or ".." in output):
        raise RecordError(f"{where}: output must be a file name next to the record")
    return RunRecord(
        kind=kind,
        stack=stack,
        customer=data.get("customer"),
        outcome=outcome,
        exit_code=int(exit_code) if exit_code is not None else None,
        output=output,
        reason=data.get("reason"),
        github={key: str(data[key]) for key in _GITHUB if data.get(key) is not None},
        time=str(data.get("time", "")),
        directory=directory,
    )


def find_records(root: Path) -> Iterator[RunRecord]:
    """Every record under `root` (downloaded artifacts: one directory each), path order."""
    for path in sorted(root.rglob(RECORD_FILE)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise RecordError(f"{path}: not JSON ({error.msg})") from None
        yield parse_record(data, path.parent)
