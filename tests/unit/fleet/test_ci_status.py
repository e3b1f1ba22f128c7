"""`pdp fleet status --from-ci`: the fleet as the CI artifacts tell it (fixtures/ci/README.md
says where each fixture's format is documented)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pdpkit.cli.main import main
from pdpkit.fleet.ci_status import ci_status, render_table
from pdpkit.fleet.records import RecordError, RunKind, find_records, new_record, write_record
from tests.examples import ROOT

DRIFT = Path(__file__).parent / "fixtures" / "ci" / "drift"


def test_last_applied_drift_pending_and_failures_per_stack() -> None:
    fleet = {
        "acme-aws-prod": "acme",
        "acme-azure-dev": "acme",
        "acme-gcp-staging": "globex",
        "acme-onprem-local": "initech",
    }
    statuses = {s.stack: s for s in ci_status(DRIFT, fleet)}
    aws = statuses["acme-aws-prod"]
    assert aws.applied is not None and aws.applied.github["commit"].startswith("1a2b3c4d")
    assert aws.drifted is True and aws.drift is not None and aws.drift.changed == 2
    assert aws.pending is not None and aws.pending.changed == 0 and aws.failures == []
    azure = statuses["acme-azure-dev"]
    assert azure.applied is None and azure.drifted is False
    assert azure.failures == ["pulumi up failed (run 11110001)"]
    gcp = statuses["acme-gcp-staging"]
    assert gcp.last_up is not None and gcp.last_up.outcome.value == "deferred"
    assert gcp.drifted is None  # never checked: not "no drift"
    onprem = statuses["acme-onprem-local"]
    assert onprem.needs_attention and onprem.last_up is None  # listed, not dropped
    assert [s.stack for s in ci_status(DRIFT, fleet)][-1] == "acme-onprem-local"  # by customer


def test_the_table_says_it_in_words() -> None:
    text = render_table(ci_status(DRIFT, {"acme-onprem-local": "initech"}))
    lines = {line.split()[1]: line for line in text.splitlines()[1:]}
    assert "1a2b3c4d5e6f 2026-11-24T18:02:00Z" in lines["acme-aws-prod"]
    assert "2 resource(s)" in lines["acme-aws-prod"]
    assert "deferred (outside the maintenance window)" in lines["acme-gcp-staging"]
    assert "no CI record" in lines["acme-onprem-local"]


def test_the_cli_reports_like_the_operator_engine(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    # a drifted and a failed stack: exit 1, as `--from-operator` does
    assert main(["fleet", "status", "--from-ci", str(DRIFT), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    rows = {row["stack"]: row for row in document["stacks"]}
    assert rows["acme-aws-prod"]["drift"] == "drifted" and rows["acme-aws-prod"]["source"] == "ci"
    assert rows["acme-aws-prod"]["applied"].startswith("1a2b3c4d")
    assert rows["acme-azure-dev"]["state"] == "failed" and rows["acme-azure-dev"]["failures"] == 1
    assert rows["acme-gcp-staging"]["state"] == "deferred"
    assert rows["acme-onprem-local"]["state"] == "never run"
    assert rows["acme-aws-prod"]["wave"] == "canary" and "pins" in rows["acme-aws-prod"]
    ci = {s["stack"]: s for s in document["ci"]}
    assert ci["acme-aws-prod"]["lastApplied"]["runId"] == "11110001"
    calm = DRIFT / "pdp-fleet-drift-acme-azure-dev"
    assert main(["fleet", "status", "--from-ci", str(calm)]) == 0  # no drift, no failure
    assert "acme-azure-dev" in capsys.readouterr().out


def test_a_record_round_trips_with_the_github_variables(tmp_path: Path) -> None:
    env = {"GITHUB_SHA": "abc123", "GITHUB_RUN_ID": "77", "GITHUB_REPOSITORY": "o/r"}
    write_record(
        tmp_path / "a",
        new_record(
            RunKind.UP,
            "s1",
            customer="c1",
            exit_code=None,
            output=None,
            deferred_reason="outside the maintenance window",
            environ=env,
        ),
    )
    write_record(
        tmp_path / "b",
        new_record(
            RunKind.PREVIEW, "s2", customer=None, exit_code=2, output="preview.json", environ=env
        ),
    )
    a, b = find_records(tmp_path)
    assert (a.outcome.value, a.exit_code, a.github["commit"]) == ("deferred", None, "abc123")
    assert (b.outcome.value, b.exit_code, b.output) == ("failed", 2, "preview.json")


def test_the_record_command_writes_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["fleet", "record", "--kind", "preview", "--stack", "s1", "--dir", str(tmp_path)]
    assert main(argv) == 1  # neither an exit code nor a deferral
    assert main([*argv, "--exit-code", "0", "--output", "preview.json"]) == 0
    assert next(find_records(tmp_path)).outcome.value == "succeeded"
    capsys.readouterr()


@pytest.mark.parametrize(
    "record",
    [
        {"format": "other"},
        {"format": "pdpkit.fleet.run/v1", "kind": "destroy", "stack": "s", "outcome": "x"},
        {
            "format": "pdpkit.fleet.run/v1",
            "kind": "up",
            "stack": "s",
            "outcome": "succeeded",
            "output": "../../etc/passwd",
        },
    ],
)
def test_what_is_not_a_record_is_refused(record: dict[str, object], tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text(json.dumps(record))
    with pytest.raises(RecordError):
        list(find_records(tmp_path))
