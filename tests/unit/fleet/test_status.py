"""`pdp fleet status` from the operator's Stack statuses (fixtures/README.md: the format)."""

from __future__ import annotations

import json
from pathlib import Path

from pdpkit.fleet import load_fleet
from pdpkit.fleet.status import Drift, StackRecord, fleet_status, records_from_operator
from tests.examples import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "operator-stacks.json"
A, B = "1" * 40, "2" * 40


def _rows() -> dict[str, object]:
    records = records_from_operator(json.loads(FIXTURE.read_text(encoding="utf-8")))
    return {row.stack: row for row in fleet_status(load_fleet(ROOT), records)}


def test_state_applied_revision_and_failures_come_from_last_update() -> None:
    rows = _rows()
    prod = rows["acme-aws-prod"].record  # type: ignore[attr-defined]
    assert (prod.state, prod.applied, prod.attempted, prod.failures) == ("failed", A, B, 3)
    assert "AccessDenied" in prod.message
    assert rows["acme-gcp-staging"].record.applied == B  # type: ignore[attr-defined]


def test_drift_is_told_apart_from_a_pending_rollout_and_a_clean_check() -> None:
    rows = _rows()
    assert rows["acme-azure-dev"].record.drift is Drift.DRIFTED  # type: ignore[attr-defined]
    assert rows["acme-gcp-staging"].record.drift is Drift.NONE  # type: ignore[attr-defined]
    # the check ran at B, but B is not applied on prod yet (its update failed)
    assert rows["acme-aws-prod"].record.drift is Drift.PENDING  # type: ignore[attr-defined]


def test_a_stack_the_operator_does_not_report_has_never_run_and_rows_follow_the_waves() -> None:
    rows = _rows()
    assert rows["acme-onprem-local"].record.state == "never run"  # type: ignore[attr-defined]
    assert [r.wave for r in rows.values()] == ["canary"] * 3 + ["general"]  # type: ignore[attr-defined]


def test_a_failed_check_that_is_not_drift_says_so() -> None:
    check = {
        "metadata": {"name": "x-drift"},
        "status": {
            "lastUpdate": {
                "state": "failed",
                "message": "error: credentials expired",
                "lastAttemptedCommit": A,
            }
        },
    }
    apply = {
        "metadata": {"name": "x"},
        "status": {"lastUpdate": {"state": "succeeded", "lastSuccessfulCommit": A}},
    }
    (record,) = records_from_operator({"items": [apply, check]})
    assert record.drift is Drift.CHECK_FAILED and "credentials" in record.drift_message


def test_pins_outside_the_compatibility_table_are_reported() -> None:
    rows = fleet_status(load_fleet(ROOT), [StackRecord(stack="acme-aws-prod", state="succeeded")])
    assert all(isinstance(r.pins, list) for r in rows)
    # every example stack runs Kubernetes 1.35, inside every range of the table
    assert [r.pins for r in rows if any("1.35" in p for p in r.pins)] == []
