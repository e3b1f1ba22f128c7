"""Maintenance windows: open inside, deferred outside (reported, not a failure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pdpkit.cli.main import main
from pdpkit.fleet.model import CustomerSpec, MaintenanceWindow
from pdpkit.fleet.windows import next_opening, window_verdict
from tests.examples import ROOT


def _customer(window: MaintenanceWindow | None) -> CustomerSpec:
    return CustomerSpec.model_validate(
        {
            "name": "acme",
            "management": "customerSubscription",
            "stacks": ["acme-aws-prod"],
            "backend": "s3://acme-pdp-state?region=eu-west-1",
            "secretsProvider": "awskms://alias/acme?region=eu-west-1",
            "identity": {"aws": {"roleArn": "arn:aws:iam::210987654321:role/pdpkit-deployer"}},
            **({"maintenanceWindow": window.model_dump(by_alias=True)} if window else {}),
        }
    )


SAT_NIGHT = MaintenanceWindow.model_validate(
    {"days": ["sat"], "start": "23:00", "hours": 3, "timezone": "Europe/Amsterdam"}
)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 28, 21, 59, tzinfo=UTC), False),  # sat 22:59 Amsterdam
        (datetime(2026, 11, 28, 22, 0, tzinfo=UTC), True),  # sat 23:00: opens
        (datetime(2026, 11, 29, 0, 59, tzinfo=UTC), True),  # sun 01:59: past midnight
        (datetime(2026, 11, 29, 1, 0, tzinfo=UTC), False),  # sun 02:00: closed
    ],
)
def test_a_window_past_midnight(moment: datetime, expected: bool) -> None:
    assert window_verdict(_customer(SAT_NIGHT), moment).open is expected


def test_outside_the_window_says_when_it_opens() -> None:
    verdict = window_verdict(_customer(SAT_NIGHT), datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    assert not verdict.open
    assert "opens about 2026-11-28 22:00 UTC" in verdict.message and "deferred" in verdict.message
    assert next_opening(_customer(None), datetime(2026, 1, 1, tzinfo=UTC)) is not None


def test_no_window_is_always_open() -> None:
    assert window_verdict(_customer(None), datetime(2026, 11, 25, tzinfo=UTC)).open


def test_the_command_exits_5_outside_the_window(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # fleet.yaml: acme sat/sun 02:00 for 4 hours, Europe/Amsterdam
    window = ["fleet", "window", "--customer"]
    assert main([*window, "acme", "--at", "2026-11-28T02:30:00+01:00"]) == 0
    assert main([*window, "acme", "--at", "2026-11-25T12:00:00Z"]) == 5
    assert "outside the maintenance window" in capsys.readouterr().out
    assert main([*window, "acme-lab"]) == 0  # no window
    assert main([*window, "nobody"]) == 1
    assert main([*window, "acme", "--at", "yesterday"]) == 1
    err = capsys.readouterr().err
    assert "no customer 'nobody' in fleet.yaml" in err
