"""`pdp fleet status`: per customer and stack, what is applied, what failed, what drifted, and
how the stack's pins compare with the compatibility table.

Sources are reduced to `StackRecord`s, one per data-plane stack, so the report does not care
where they came from: `records_from_operator` reads the operator's ``Stack`` statuses
(``kubectl get stacks.pulumi.com -A -o json``); the CI engine's preview and drift artifacts
give the same records (`pdpkit.workflows`). `fleet_status` joins them with the fleet.

The operator's status fields (pulumi/pulumi-kubernetes-operator v2.9.0, the CRD's status
schema in deploy/crds/pulumi.com_stacks.yaml and operator/api/pulumi/shared/stack_types.go:
457-530): ``status.lastUpdate`` holds ``state`` (``succeeded`` or ``failed``), ``type``
(``up``, ``preview``…), ``lastAttemptedCommit``, ``lastSuccessfulCommit`` (with a Flux source:
the artifact revision, e.g. ``sha1:<sha>``: stack_controller_test.go:1031), ``failures``,
``message``, ``lastResyncTime``; ``status.currentUpdate`` is set while an update runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from pdpkit.fleet.loader import Fleet
from pdpkit.fleet.operator import DRIFT_SUFFIX
from pdpkit.spec.stack import StackSpec
from pdpkit.versions import CLOUD_KUBERNETES, TARGET_CHARTS, component_problems

_SHA = re.compile(r"([0-9a-f]{40}|[0-9a-f]{64})$")
# What the Pulumi CLI says when --expect-no-changes meets changes: "no changes were expected
# but changes were proposed" (preview) / "... occurred" (up, refresh): pulumi/pulumi
# pkg/cmd/pulumi (preview.go, up.go, refresh.go), read through code search, not at a tag.
_NO_CHANGES_EXPECTED = "no changes were expected"


class Drift(StrEnum):
    """What the last drift check says."""

    NONE = "none"
    """It ran at the applied revision and found no change."""
    DRIFTED = "drifted"
    """It ran at the applied revision and found changes made outside the program."""
    CHECK_FAILED = "check failed"
    """It failed for another reason (credentials, provider errors): see the message."""
    PENDING = "pending"
    """It last ran at another revision than the one applied (a rollout is under way)."""
    UNKNOWN = "unknown"
    """No check has run yet, or the source reports none."""


@dataclass(frozen=True)
class StackRecord:
    """What an engine reports about one data-plane stack."""

    stack: str
    state: str
    """``succeeded``, ``failed``, ``running`` or ``never run``."""
    applied: str | None = None
    """The revision last applied successfully (a commit SHA)."""
    attempted: str | None = None
    """The revision of the last attempt."""
    failures: int = 0
    """Failed attempts in a row (the operator retries with back-off)."""
    message: str = ""
    drift: Drift = Drift.UNKNOWN
    drift_message: str = ""
    checked_at: str | None = None
    """When the drift check last ran (RFC 3339)."""
    source: str = "operator"


@dataclass(frozen=True)
class StackStatus:
    """One row of the report."""

    customer: str
    wave: str
    stack: str
    target: str
    kubernetes: str
    """The stack's pinned Kubernetes version (``cluster.kubernetesVersion``)."""
    record: StackRecord
    pins: list[str] = field(default_factory=list)
    """Where the stack's pins leave the compatibility table (empty: inside it)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of the row."""
        return {
            "customer": self.customer,
            "wave": self.wave,
            "stack": self.stack,
            "target": self.target,
            "kubernetes": self.kubernetes,
            **{k: (str(v) if isinstance(v, Drift) else v) for k, v in asdict(self.record).items()},
            "pins": self.pins,
        }


def _sha(revision: Any) -> str | None:
    if not isinstance(revision, str) or not revision:
        return None
    found = _SHA.search(revision)
    return found[1] if found else revision


def records_from_operator(document: Any) -> list[StackRecord]:
    """Records from ``kubectl get stacks.pulumi.com -A -o json`` (a ``List`` of ``Stack``s):
    the applying Stack gives the state, its ``-drift`` Stack the drift."""
    items = document.get("items", []) if isinstance(document, dict) else []
    apply: dict[str, Any] = {}
    drift: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or item.get("kind", "Stack") != "Stack":
            continue
        metadata = item.get("metadata") or {}
        labels = metadata.get("labels") or {}
        name = str(metadata.get("name", ""))
        stack = labels.get("pdpkit.io/stack") or name.removesuffix(DRIFT_SUFFIX)
        role = labels.get("pdpkit.io/role") or (
            "drift-check" if name.endswith(DRIFT_SUFFIX) else "apply"
        )
        (drift if role == "drift-check" else apply)[stack] = item
    return [_record(name, item, drift.get(name)) for name, item in sorted(apply.items())]


def _record(stack: str, item: Any, check: Any) -> StackRecord:
    status = item.get("status") or {}
    last = status.get("lastUpdate") or {}
    applied = _sha(last.get("lastSuccessfulCommit"))
    if status.get("currentUpdate"):
        state = "running"
    elif last.get("state") in ("succeeded", "failed"):
        state = str(last["state"])
    else:
        state = "never run"
    drift, drift_message, checked_at = _drift(applied, check)
    return StackRecord(
        stack=stack,
        state=state,
        applied=applied,
        attempted=_sha(last.get("lastAttemptedCommit")),
        failures=int(last.get("failures") or 0),
        message=str(last.get("message") or "") if state == "failed" else "",
        drift=drift,
        drift_message=drift_message,
        checked_at=checked_at,
    )


def _drift(applied: str | None, check: Any) -> tuple[Drift, str, str | None]:
    last = ((check or {}).get("status") or {}).get("lastUpdate") or {}
    if not last.get("state"):
        return Drift.UNKNOWN, "", None
    when = last.get("lastResyncTime")
    checked = str(when) if when else None
    message = str(last.get("message") or "")
    if _sha(last.get("lastAttemptedCommit")) != applied:
        return Drift.PENDING, "", checked
    if last["state"] == "succeeded":
        return Drift.NONE, "", checked
    if _NO_CHANGES_EXPECTED in message:
        return Drift.DRIFTED, message, checked
    return Drift.CHECK_FAILED, message, checked


def pin_problems(stack: StackSpec) -> list[str]:
    """Where a stack leaves the compatibility table: its Kubernetes minor against the
    components' ranges and the cloud's offer, and Flux channels that float a chart."""
    plane = stack.dataplane
    minor = int(plane.cluster.kubernetes_version.split(".")[1])
    found = component_problems(minor, TARGET_CHARTS[plane.target.value])
    offer = CLOUD_KUBERNETES.get(plane.target.value)
    if offer is not None and minor not in offer.minors:
        found.append(f"{offer.service} does not offer 1.{minor} (offers {offer.minors})")
    found += [
        f"{chart} floats on Flux channel {channel!r} (not the pinned version)"
        for chart, channel in sorted(plane.flux.channels.items())
    ]
    return found


def fleet_status(fleet: Fleet, records: Iterable[StackRecord]) -> list[StackStatus]:
    """The report's rows, by wave, then customer, then the customer's stack order; a stack
    no record mentions is ``never run``."""
    by_stack: Mapping[str, StackRecord] = {r.stack: r for r in records}
    rows = []
    for wave, customers in fleet.waves():
        for customer in customers:
            for name, stack in fleet.stacks_of(customer):
                record = by_stack.get(name) or StackRecord(stack=name, state="never run")
                rows.append(
                    StackStatus(
                        customer=customer.name,
                        wave=wave.name,
                        stack=name,
                        target=stack.dataplane.target.value,
                        kubernetes=stack.dataplane.cluster.kubernetes_version,
                        record=record,
                        pins=pin_problems(stack),
                    )
                )
    return rows


def unknown_records(fleet: Fleet, records: Iterable[StackRecord]) -> list[str]:
    """Stacks a source reports that the fleet does not hold (renamed or removed)."""
    return sorted(r.stack for r in records if r.stack not in fleet.stacks)
