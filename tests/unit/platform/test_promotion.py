"""release / promote / rollback as pure functions: every refusal, and what each one records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from pdpkit.platform.ledger import Ledger, Release
from pdpkit.platform.promotion import PromotionRefusedError, promote, release, rollback
from pdpkit.platform.revision import config_revision
from pdpkit.spec.platform import PlatformSpec
from tests.unit.platform.platforms import T0, A, B, C, platform

HOUR = timedelta(hours=1)


def released(spec: PlatformSpec, image: str = A, at: Any = T0) -> Ledger:
    return release(spec, Ledger("test"), "api", image, actor="ci", now=at).ledger


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(PromotionRefusedError) as error:
        call(*args, **kwargs)
    return str(error.value)


def test_release_records_in_the_entry_environment() -> None:
    spec = platform()
    outcome = release(spec, Ledger("test"), "api", A, actor="ci", now=T0)
    current = outcome.ledger.current("api", "dev")
    assert current == Release(A, config_revision(spec, "api", "dev"), T0, "ci", (), "release")
    assert [c.environment for c in outcome.changes] == ["dev"]
    assert outcome.ledger.current("api", "staging") is None


def test_release_refuses_an_image_without_digest() -> None:
    message = refused(
        release, platform(), Ledger("test"), "api", "reg.example/api:1.2", actor="ci", now=T0
    )
    assert "not pinned by digest" in message and "repo@sha256:" in message


def test_unknown_integration_has_a_hint() -> None:
    message = refused(release, platform(), Ledger("test"), "apj", A, actor="ci", now=T0)
    assert "unknown integration 'apj'" in message and "did you mean 'api'?" in message


def test_promote_copies_the_digest_and_records_the_target_revision() -> None:
    spec = platform()
    ledger = promote(
        spec, released(spec), "api", "staging", approved_by=[], actor="maria", now=T0 + HOUR
    ).ledger
    staging = ledger.current("api", "staging")
    assert staging is not None
    assert staging.image == A
    assert staging.revision == config_revision(spec, "api", "staging")
    assert staging.revision != config_revision(spec, "api", "dev")
    assert (staging.promoted_by, staging.source) == ("maria", "promote from dev")


def test_unknown_environment_has_a_hint() -> None:
    message = refused(
        promote, platform(), Ledger("test"), "api", "stagin", approved_by=[], actor="m", now=T0
    )
    assert "unknown environment 'stagin'" in message and "did you mean 'staging'?" in message


def test_environment_off_the_pipeline_is_refused() -> None:
    # `job` is on pipeline `other` (dev → staging): prod is not on it
    message = refused(
        promote, platform(), Ledger("test"), "job", "prod", approved_by=[], actor="m", now=T0
    )
    assert "not on pipeline other" in message


def test_first_environment_is_not_a_promotion_target() -> None:
    message = refused(
        promote, platform(), Ledger("test"), "api", "dev", approved_by=[], actor="m", now=T0
    )
    assert "first environment" in message and "pdp release api" in message


def test_predecessor_without_release_is_refused() -> None:
    spec = platform()
    message = refused(
        promote, spec, released(spec), "api", "prod", approved_by=[], actor="m", now=T0
    )
    assert "its predecessor staging has no release" in message
    assert "--to staging" in message


def test_skipping_an_environment_is_refused() -> None:
    spec = platform()
    ledger = released(spec, A)
    ledger = promote(spec, ledger, "api", "staging", approved_by=[], actor="m", now=T0).ledger
    ledger = promote(spec, ledger, "api", "prod", approved_by=[], actor="m", now=T0).ledger
    ledger = release(spec, ledger, "api", B, actor="ci", now=T0 + HOUR).ledger
    message = refused(
        promote, spec, ledger, "api", "prod", approved_by=[], actor="m", now=T0 + 2 * HOUR
    )
    assert "prod already runs" in message
    assert "has not reached staging" in message and "cannot be skipped" in message


def test_fan_in_needs_the_same_build_in_every_predecessor() -> None:
    spec = platform(
        [
            {"from": "dev", "to": ["qa", "perf"]},
            {"from": "qa", "to": ["prod"]},
            {"from": "perf", "to": ["prod"]},
        ],
        envs=("dev", "qa", "perf", "prod"),
    )
    ledger = released(spec, A)
    ledger = promote(spec, ledger, "api", "qa", approved_by=[], actor="m", now=T0).ledger
    message = refused(promote, spec, ledger, "api", "prod", approved_by=[], actor="m", now=T0)
    assert "predecessor perf has no release" in message
    ledger = promote(spec, ledger, "api", "perf", approved_by=[], actor="m", now=T0).ledger
    ledger = release(spec, ledger, "api", B, actor="ci", now=T0).ledger
    ledger = promote(spec, ledger, "api", "qa", approved_by=[], actor="m", now=T0).ledger
    message = refused(promote, spec, ledger, "api", "prod", approved_by=[], actor="m", now=T0)
    assert "predecessors run different builds" in message
    ledger = promote(spec, ledger, "api", "perf", approved_by=[], actor="m", now=T0).ledger
    prod = promote(spec, ledger, "api", "prod", approved_by=[], actor="m", now=T0).ledger
    assert prod.current("api", "prod").image == B  # type: ignore[union-attr]


GATED = {
    "gates": [
        {
            "environment": "prod",
            "requiredApprovals": 2,
            "approvers": ["group:release-managers", "eve"],
        }
    ],
    "groups": {"release-managers": ["bob", "carol", "maria"]},
}


def at_staging(spec: PlatformSpec) -> Ledger:
    ledger = released(spec)
    return promote(spec, ledger, "api", "staging", approved_by=[], actor="m", now=T0).ledger


@pytest.mark.parametrize(
    ("approvals", "expected"),
    [
        ([], "got 0 (none)"),
        (["bob"], "got 1 (bob)"),
        (["bob", "bob"], "got 1 (bob)"),
        (["bob", "maria"], "maria (the promoter cannot approve their own promotion)"),
        (["bob", "dave"], "dave (not an approver of prod)"),
    ],
)
def test_missing_approvals_are_refused(approvals: list[str], expected: str) -> None:
    spec = platform(**GATED)
    message = refused(
        promote, spec, at_staging(spec), "api", "prod", approved_by=approvals, actor="maria", now=T0
    )
    assert "needs 2 approval(s) from group:release-managers, eve" in message
    assert expected in message and "--approved-by NAME" in message


def test_listed_approvers_and_group_members_count() -> None:
    spec = platform(**GATED)
    ledger = promote(
        spec,
        at_staging(spec),
        "api",
        "prod",
        approved_by=["dave", "carol", "eve"],
        actor="maria",
        now=T0,
    ).ledger
    assert ledger.current("api", "prod").approved_by == ("carol", "eve")  # type: ignore[union-attr]


def test_without_an_approver_list_anyone_but_the_promoter_counts() -> None:
    spec = platform(gates=[{"environment": "prod", "requiredApprovals": 1}])
    ledger = at_staging(spec)
    message = refused(
        promote, spec, ledger, "api", "prod", approved_by=["maria"], actor="maria", now=T0
    )
    assert "anyone but the promoter" in message
    done = promote(spec, ledger, "api", "prod", approved_by=["zoe"], actor="maria", now=T0)
    assert done.ledger.current("api", "prod").approved_by == ("zoe",)  # type: ignore[union-attr]


def test_soak_time_must_pass_in_the_previous_environment() -> None:
    spec = platform(gates=[{"environment": "prod", "soakTime": "24h"}])
    ledger = at_staging(spec)  # staging since T0
    message = refused(
        promote, spec, ledger, "api", "prod", approved_by=[], actor="m", now=T0 + 23 * HOUR
    )
    assert "has run in staging for 23h0m" in message
    assert "soak time of 24h" in message and "after 2026-11-21T09:00:00Z (in 1h0m)" in message
    done = promote(spec, ledger, "api", "prod", approved_by=[], actor="m", now=T0 + 24 * HOUR)
    assert done.ledger.current("api", "prod").image == A  # type: ignore[union-attr]


def test_auto_promotion_follows_open_gates_only() -> None:
    spec = platform(
        gates=[
            {"environment": "staging", "autoPromote": True},
            {"environment": "prod", "autoPromote": True, "soakTime": "1h"},
        ]
    )
    outcome = release(spec, Ledger("test"), "api", A, actor="ci", now=T0)
    assert [(c.environment, c.release.source) for c in outcome.changes] == [
        ("dev", "release"),
        ("staging", "auto-promote from dev"),
    ]
    assert outcome.ledger.current("api", "prod") is None
    assert any("prod auto-promotes after a soak time of 1h" in n for n in outcome.notes)


def test_rollback_restores_the_previous_release_and_walks_back() -> None:
    spec = platform()
    ledger = released(spec, A)
    ledger = release(spec, ledger, "api", B, actor="ci", now=T0 + HOUR).ledger
    ledger = release(spec, ledger, "api", C, actor="ci", now=T0 + 2 * HOUR).ledger
    once = rollback(spec, ledger, "api", "dev", actor="ops", now=T0 + 3 * HOUR).ledger
    dev = once.get("api", "dev")
    assert dev is not None and dev.current.image == B and dev.current.promoted_by == "ops"
    assert dev.current.source.startswith("rollback from ")
    twice = rollback(spec, once, "api", "dev", actor="ops", now=T0 + 4 * HOUR).ledger
    assert twice.current("api", "dev").image == A  # type: ignore[union-attr]
    message = refused(rollback, spec, twice, "api", "dev", actor="ops", now=T0)
    assert "no earlier release" in message


def test_rollback_without_any_release_is_refused() -> None:
    message = refused(rollback, platform(), Ledger("test"), "api", "prod", actor="o", now=T0)
    assert "prod has no release of api" in message


def test_rollback_says_when_the_configuration_changed_since() -> None:
    spec = platform()
    ledger = released(spec, A)
    ledger = release(spec, ledger, "api", B, actor="ci", now=T0 + HOUR).ledger
    edited = spec.model_copy(
        update={
            "integrations": (
                spec.integrations[0].model_copy(update={"config": {"A": "2"}}),
                spec.integrations[1],
            )
        }
    )
    outcome = rollback(edited, ledger, "api", "dev", actor="ops", now=T0 + 2 * HOUR)
    dev = outcome.ledger.current("api", "dev")
    assert dev is not None and dev.image == A
    assert dev.revision == config_revision(edited, "api", "dev")
    assert any("configuration changed since that release" in n for n in outcome.notes)


def test_release_from_another_repository_is_noted() -> None:
    spec = platform()
    spec = spec.model_copy(
        update={
            "integrations": (
                spec.integrations[0].model_copy(update={"image": A}),
                spec.integrations[1],
            )
        }
    )
    other = "reg.example/elsewhere/api@sha256:" + "d" * 64
    outcome = release(spec, Ledger("test"), "api", other, actor="ci", now=T0)
    assert any("is not api's repository (reg.example/orders/api)" in n for n in outcome.notes)
    assert not release(spec, Ledger("test"), "api", B, actor="ci", now=T0).notes
