"""What every target's observability storage shares: how long the buckets keep objects.

The stores enforce the spec's retention themselves (their compactors delete what has aged
out); each bucket's lifecycle rule deletes objects `LIFECYCLE_MARGIN_DAYS` later, as a
backstop that never races them. An object's age is counted from its last write, and a
compacted block or chunk is written after the data it holds, so no rule deletes data the
store still serves.
"""

from __future__ import annotations

from pdpkit.dataplane.contract import Signal
from pdpkit.spec.observability import ObservabilitySpec

LIFECYCLE_MARGIN_DAYS = 7
"""Days a bucket keeps objects beyond the signal's retention."""


def retention_days(spec: ObservabilitySpec) -> dict[Signal, int]:
    """Days each signal stays queryable (``observability.retention``)."""
    retention = spec.retention
    return {
        Signal.LOGS: retention.logs_days,
        Signal.METRICS: retention.metrics_days,
        Signal.TRACES: retention.traces_days,
    }


def lifecycle_days(spec: ObservabilitySpec) -> dict[Signal, int]:
    """Days after its last write each signal's bucket deletes an object."""
    return {signal: days + LIFECYCLE_MARGIN_DAYS for signal, days in retention_days(spec).items()}
