"""What one ``pulumi preview --json`` (or ``pulumi refresh --preview-only --json``) says.

The document is the engine's preview digest, written once at the end of a preview
(pulumi/pulumi v3.259.0, ``pkg/backend/display/json.go``, ``ShowPreviewDigest``; the type is
``PreviewDigest`` in ``pkg/display/json.go``; a refresh with ``--preview-only`` is a dry run
and prints the same digest, ``pkg/backend/display/display.go``, ``ShowEvents``):

- ``steps[]``: ``op`` (``pkg/resource/deploy/step.go``: ``same``, ``create``, ``update``,
  ``delete``, ``replace``, ``create-replacement``, ``delete-replaced``, ``read``, ``refresh``,
  ``import``, …), ``urn``, ``oldState`` / ``newState`` (``apitype.ResourceV3``,
  ``sdk/go/common/apitype/core.go``: ``type``, ``protect``, ``retainOnDelete``, …),
  ``diffReasons``, ``replaceReasons``. ``same`` steps appear only with
  ``--show-sames`` or when ``protect`` changes; the non-logical halves of a replacement only
  with ``--show-replacement-steps`` (``pkg/backend/display/display.go``, ``shouldShow``).
- ``changeSummary``: count per operation of the logical steps (``pkg/engine/update.go``;
  a refresh counts each resource's result: ``same``, ``update`` or ``delete``).
- ``diagnostics[]``: ``urn``, ``message``, ``severity`` (``debug``, ``info``, ``info#err``,
  ``warning``, ``error``: ``sdk/go/common/diag/sink.go``).

A protected resource is never deleted or replaced: the engine reports an error and the
preview fails (``deleteProtectedError`` in ``step.go``; "unable to replace resource …
marked for protection" in ``step_generator.go``). The step is still in the digest with
``oldState.protect`` set (the step event precedes the step's ``Apply``,
``pkg/resource/deploy/step_executor.go``), which is how a summary calls it out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COLUMNS = ("create", "update", "replace", "delete")
"""The operations a summary counts per stack, in this order (``same`` is shown apart)."""
DESTRUCTIVE = frozenset({"replace", "delete", "delete-replaced", "create-replacement"})
"""Operations that remove the resource as it exists (a replacement deletes the old one)."""


class PreviewFormatError(ValueError):
    """The file is not a preview digest (``pulumi preview --json``)."""


@dataclass(frozen=True)
class ResourceChange:
    """One step of the preview that is not ``same``."""

    op: str
    urn: str
    type: str
    protected: bool
    """The resource as it is (``oldState``) is protected: the engine refuses the step."""
    retained: bool
    """``retainOnDelete``: a delete only drops it from the state; it stays in the cloud."""
    reasons: tuple[str, ...] = ()
    """The properties causing it: ``replaceReasons`` for a replacement, else ``diffReasons``."""

    @property
    def name(self) -> str:
        """The resource's logical name (the URN's last ``::`` part)."""
        return self.urn.rsplit("::", 1)[-1]

    @property
    def destructive(self) -> bool:
        return self.op in DESTRUCTIVE


@dataclass(frozen=True)
class StackPreview:
    """One stack's preview: counts, changes, errors."""

    stack: str
    counts: Mapping[str, int]
    """Per operation, from ``changeSummary`` (the steps' own count when it is absent)."""
    changes: tuple[ResourceChange, ...] = ()
    errors: tuple[str, ...] = ()
    """Diagnostics of severity ``error`` (a failed preview has at least one, or none when
    the program could not start: then `failed` comes from the exit code)."""
    failed: bool = False
    customer: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """The record the workflow wrote next to the digest (`pdpkit.fleet.records`)."""

    @property
    def protected_changes(self) -> tuple[ResourceChange, ...]:
        """Replacements and deletions of protected resources (called out first)."""
        return tuple(c for c in self.changes if c.protected and c.destructive)

    @property
    def changed(self) -> int:
        """Resources that would change (every counted operation except ``same``)."""
        return sum(n for op, n in self.counts.items() if op != "same")

    def count(self, op: str) -> int:
        return self.counts.get(op, 0)


def _stack_of(urn: str) -> str | None:
    # urn:pulumi:<stack>::<project>::<qualified type>::<name> (pulumi docs, "Resource URNs")
    if not urn.startswith("urn:pulumi:"):
        return None
    return urn[len("urn:pulumi:") :].split("::", 1)[0] or None


def _change(step: Mapping[str, Any]) -> ResourceChange:
    old = step.get("oldState") or {}
    new = step.get("newState") or {}
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        raise PreviewFormatError("a step's oldState/newState is not an object")
    op = str(step.get("op", ""))
    reasons = step.get("replaceReasons") if op in DESTRUCTIVE else step.get("diffReasons")
    return ResourceChange(
        op=op,
        urn=str(step.get("urn", "")),
        type=str(old.get("type") or new.get("type") or ""),
        protected=bool(old.get("protect")),
        retained=bool(old.get("retainOnDelete")),
        reasons=tuple(str(r) for r in (reasons or ())),
    )


def parse_preview(
    document: Any, stack: str | None = None, metadata: Mapping[str, Any] | None = None
) -> StackPreview:
    """The `StackPreview` of a decoded digest; `stack` defaults to the one its URNs name."""
    if not isinstance(document, Mapping):
        raise PreviewFormatError("not a JSON object (expected `pulumi preview --json` output)")
    steps = document.get("steps", [])  # `omitempty`: absent when there are none
    summary = document.get("changeSummary")
    diagnostics = document.get("diagnostics", [])
    if not isinstance(steps, list) or not isinstance(diagnostics, list):
        raise PreviewFormatError("`steps` and `diagnostics` must be lists")
    if summary is not None and not isinstance(summary, Mapping):
        raise PreviewFormatError("`changeSummary` must be an object")
    changes: list[ResourceChange] = []
    counted: dict[str, int] = {}
    for step in steps:
        if not isinstance(step, Mapping) or "op" not in step:
            raise PreviewFormatError("a step without `op`")
        change = _change(step)
        if change.op != "same":
            changes.append(change)
        counted[change.op] = counted.get(change.op, 0) + 1
    counts = {str(op): int(n) for op, n in summary.items()} if summary is not None else counted
    errors = tuple(
        str(d.get("message", "")).strip()
        for d in diagnostics
        if isinstance(d, Mapping) and d.get("severity") == "error"
    )
    meta = dict(metadata or {})
    name = stack or meta.get("stack") or next((s for c in changes if (s := _stack_of(c.urn))), None)
    exit_code = meta.get("exitCode")
    return StackPreview(
        stack=str(name or "?"),
        counts=counts,
        changes=tuple(changes),
        errors=errors,
        failed=bool(errors) or (exit_code is not None and exit_code != 0),
        customer=meta.get("customer"),
        metadata=meta,
    )


def read_preview(path: Path, metadata: Mapping[str, Any] | None = None) -> StackPreview:
    """The preview in `path`; an empty or unreadable file is a failed preview of the stack
    its metadata names (the command died before printing), never silently nothing."""
    meta = dict(metadata or {})
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if not text.strip():
        return StackPreview(
            stack=str(meta.get("stack", path.stem)),
            counts={},
            errors=(f"{path.name}: no preview output (the command failed before printing)",),
            failed=True,
            customer=meta.get("customer"),
            metadata=meta,
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        # `pulumi preview --json` prints the digest only at the end; a crash leaves other text
        return StackPreview(
            stack=str(meta.get("stack", path.stem)),
            counts={},
            errors=(f"{path.name}: not JSON ({error.msg} at line {error.lineno})",),
            failed=True,
            customer=meta.get("customer"),
            metadata=meta,
        )
    return parse_preview(document, metadata=meta)
