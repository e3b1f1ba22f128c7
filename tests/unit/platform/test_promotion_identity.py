"""One person is one approver, however the name is spelt (issue 16 #3)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pdpkit.platform.ledger import Ledger
from pdpkit.platform.promotion import PromotionRefusedError, promote, release
from pdpkit.platform.promotion_identity import IdentityError, canonical, skeleton
from pdpkit.spec.platform import PlatformSpec
from tests.unit.platform.platforms import T0, A, platform

TWO = [{"environment": "staging", "requiredApprovals": 2}]
CYRILLIC_COE = "\u0441\u043e\u0435"  # every letter Cyrillic, looks like "coe"


def _promote(spec: PlatformSpec, approved_by: list[str], actor: str = "maria") -> Ledger:
    ledger = release(spec, Ledger("test"), "api", A, actor="ci", now=T0).ledger
    return promote(
        spec,
        ledger,
        "api",
        "staging",
        approved_by=approved_by,
        actor=actor,
        now=T0 + timedelta(hours=1),
    ).ledger


def _refusal(spec: PlatformSpec, approved_by: list[str], actor: str = "maria") -> str:
    with pytest.raises(PromotionRefusedError) as error:
        _promote(spec, approved_by, actor)
    return str(error.value)


@pytest.mark.parametrize(
    "approvals",
    [
        ["mallory", "MALLORY"],
        ["mallory", " mallory "],
        [
            "mallory",
            "\uff2d\uff41\uff4c\uff4c\uff4f\uff52\uff59",
        ],  # fullwidth MALLORY (NFKC folds it)
        ["coe", CYRILLIC_COE],  # a look-alike in another script
        ["bob", "b0b"],  # a digit imitating a letter
    ],
)
def test_one_person_spelt_twice_is_one_approval(approvals: list[str]) -> None:
    message = _refusal(platform(gates=TWO), approvals)
    assert "needs 2 approval(s)" in message and "got 1" in message


def test_the_promoter_cannot_approve_under_another_spelling() -> None:
    gates = [{"environment": "staging", "requiredApprovals": 1}]
    for promoter, approver in [("bob", "bob "), ("bob", "BOB"), ("coe", CYRILLIC_COE)]:
        message = _refusal(platform(gates=gates), [approver], actor=promoter)
        assert "the promoter cannot approve their own promotion" in message


def test_the_promoter_name_itself_is_normalised() -> None:
    gates = [{"environment": "staging", "requiredApprovals": 1}]
    message = _refusal(platform(gates=gates), ["bob"], actor="  Bob ")
    assert "the promoter cannot approve their own promotion" in message


def test_a_look_alike_of_an_approver_is_not_that_approver() -> None:
    gates = [{"environment": "staging", "requiredApprovals": 1, "approvers": ["coe"]}]
    message = _refusal(platform(gates=gates), [CYRILLIC_COE])
    assert "not an approver of staging" in message


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("bo\u200bb", "control or invisible"),  # zero-width space
        ("bob\x1b[2K", "control or invisible"),  # a terminal escape
        ("m\u0430llory", "mixes letters of CYRILLIC, LATIN"),  # Latin with one Cyrillic a
        ("   ", "empty"),
    ],
)
def test_names_that_cannot_be_identities_are_refused(name: str, why: str) -> None:
    spec = platform(gates=[{"environment": "staging", "requiredApprovals": 1}])
    assert why in _refusal(spec, [name])
    assert why in _refusal(spec, ["alice"], actor=name)


def test_the_ledger_records_the_canonical_names() -> None:
    ledger = _promote(platform(gates=TWO), [" Tom ", "LI", "tom"], actor="Maria ")
    staging = ledger.current("api", "staging")
    assert staging is not None
    assert (staging.promoted_by, staging.approved_by) == ("maria", ("tom", "li"))


def test_canonical_and_skeleton() -> None:
    assert canonical("  Bob   Smith ") == "bob smith"
    with pytest.raises(IdentityError, match="U\\+0009"):
        canonical("bob\tsmith")
    assert canonical("\u041c\u0430\u0440\u0438\u044f") == "\u043c\u0430\u0440\u0438\u044f"
    assert skeleton(CYRILLIC_COE) == skeleton("COE") == "coe"
    with pytest.raises(IdentityError):
        canonical("p\u0430ypal")
