"""Random command sequences: builds only ever come from `pdp release`, and every ledger
the commands produce survives a write and a read unchanged."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pdpkit.platform.ledger import Ledger, load_ledger
from pdpkit.platform.ledger_write import save_ledger
from pdpkit.platform.pipeline import promotion_order
from pdpkit.platform.promotion import PromotionRefusedError, promote, release, rollback
from tests.unit.platform.platforms import T0, platform

SPEC = platform(
    [
        {"from": "dev", "to": ["qa", "perf"]},
        {"from": "qa", "to": ["prod"]},
        {"from": "perf", "to": ["prod"]},
    ],
    gates=[
        {"environment": "qa", "autoPromote": True},
        {"environment": "prod", "requiredApprovals": 1, "soakTime": "2h"},
    ],
    envs=("dev", "qa", "perf", "prod"),
)
IMAGES = [f"reg.example/orders/api@sha256:{c * 64}" for c in "0123"]
COMMAND = st.tuples(
    st.sampled_from(["release", "promote", "rollback"]),
    st.sampled_from(["dev", "qa", "perf", "prod"]),
    st.sampled_from(IMAGES),
    st.lists(st.sampled_from(["ann", "bob", "ci"]), max_size=2),
    st.integers(min_value=0, max_value=3),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(COMMAND, max_size=12))
def test_random_sequences_keep_the_ledger_sound(
    commands: list[tuple[str, str, str, list[str], int]],
) -> None:
    ledger = Ledger("test")
    released: set[str] = set()
    now = T0
    for verb, env, image, approvals, hours in commands:
        now += timedelta(hours=hours)
        try:
            if verb == "release":
                outcome = release(SPEC, ledger, "api", image, actor="ci", now=now)
                released.add(image)
            elif verb == "promote":
                outcome = promote(
                    SPEC, ledger, "api", env, approved_by=approvals, actor="ci", now=now
                )
            else:
                outcome = rollback(SPEC, ledger, "api", env, actor="ci", now=now)
        except PromotionRefusedError:
            continue
        ledger = outcome.ledger
        for change in outcome.changes:
            assert change.release.image in released
            if change.environment == "prod" and change.release.source.startswith("promote"):
                assert change.release.approved_by and "ci" not in change.release.approved_by
    for slot in ledger.slots.values():
        assert slot.current.image in released
        assert all(r.image in released for r in slot.history)
    with tempfile.TemporaryDirectory() as folder:
        save_ledger(ledger, SPEC, Path(folder), promotion_order(SPEC))
        assert load_ledger(SPEC, Path(folder)) == ledger
