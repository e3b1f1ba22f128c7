"""A hand-edited ledger is caught (issue 16 #5): every current release is checked against
the pipeline, in `pdp releases` (exit 1) and `pdp plan` (a mandatory verdict)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from pdpkit.cli import releases
from pdpkit.cli.main import build_parser
from pdpkit.platform.ledger import Ledger, LedgerError, Release, load_ledger, parse_time
from pdpkit.platform.ledger_verify import verify_ledger
from pdpkit.platform.promotion import promote, release, rollback
from pdpkit.spec.loader import load_stack
from pdpkit.spec.platform import PlatformSpec
from tests.examples import scratch_project
from tests.unit.platform.platforms import T0, A, B, platform

HOUR = timedelta(hours=1)
LAB = "acme-onprem-local"
LEDGER = "releases/acme-lab.yaml"
FORGED = f"harbor.lab.acme.example/orders/order-api@sha256:{'f' * 64}"
GATES = [
    {"environment": "staging", "autoPromote": True},
    {"environment": "prod", "requiredApprovals": 2, "approvers": ["group:rm"], "soakTime": "24h"},
]


def spec() -> PlatformSpec:
    return platform(gates=GATES, groups={"rm": ["bob", "carol", "dave"]})


def legit() -> Ledger:
    """A built through dev (auto-promoted to staging), then to prod after soak and approvals."""
    s = spec()
    ledger = release(s, Ledger("test"), "api", A, actor="ci", now=T0).ledger
    return promote(
        s, ledger, "api", "prod", approved_by=["bob", "carol"], actor="maria", now=T0 + 25 * HOUR
    ).ledger


def problems(ledger: Ledger, now: object = None) -> list[str]:
    moment = T0 + 30 * HOUR if now is None else now
    return [str(p) for p in verify_ledger(spec(), ledger, now=moment)]  # type: ignore[arg-type]


def edit_prod(ledger: Ledger, **changes: object) -> Ledger:
    slot = ledger.get("api", "prod")
    assert slot is not None
    return ledger.with_slot("api", "prod", replace(slot, current=replace(slot.current, **changes)))  # type: ignore[arg-type]


def test_what_the_commands_write_verifies() -> None:
    ledger = legit()
    assert problems(ledger) == []
    s = spec()
    ledger = release(s, ledger, "api", B, actor="ci", now=T0 + 26 * HOUR).ledger
    ledger = promote(
        s, ledger, "api", "prod", approved_by=["dave", "Bob"], actor="maria", now=T0 + 51 * HOUR
    ).ledger
    ledger = rollback(s, ledger, "api", "prod", actor="maria", now=T0 + 52 * HOUR).ledger
    prod = ledger.current("api", "prod")
    assert prod is not None and prod.image == A and prod.restores is not None
    assert problems(ledger, T0 + 53 * HOUR) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"image": B}, f"{B} never ran in staging"),
        ({"approved_by": ()}, "needs 2 approval(s) into prod"),
        ({"approved_by": ("bob", "BOB ")}, "records 1 that count (bob)"),
        ({"approved_by": ("maria", "bob")}, "records 1 that count (bob)"),
        ({"approved_by": ("mallory", "eve")}, "records 0 that count"),
        ({"promoted_at": T0 + 2 * HOUR}, "before the soak time of 24h in staging had passed"),
        ({"source": "release"}, "builds enter pipeline default only in dev"),
        ({"source": "promote from dev"}, "dev does not precede prod"),
        ({"source": "auto-promote from staging"}, "the gate into prod does not autoPromote"),
        ({"source": "bootstrap"}, "is not api's bootstrap image"),
        ({"source": "trust me"}, "unknown source 'trust me'"),
        ({"source": "rollback from x"}, "a rollback without the release it restores"),
        ({"promoted_at": parse_time("9999-12-31T23:59:59Z")}, "is in the future"),
    ],
)
def test_a_hand_edited_prod_entry_is_named(changes: dict[str, object], expected: str) -> None:
    found = problems(edit_prod(legit(), **changes))
    assert len(found) == 1, found
    assert found[0].startswith("releases.api.prod: ") and expected in found[0]


def test_a_rollback_restoring_a_forged_release_is_caught() -> None:
    ledger = legit()
    forged = Release(B, "r", T0 + 25 * HOUR, "maria", (), "promote from staging")
    ledger = edit_prod(ledger, source="rollback from x", image=B, restores=forged)
    found = problems(ledger)
    assert len(found) == 1 and "the release this rollback restores" in found[0]
    assert "never ran in staging" in found[0]


def test_entries_for_unknown_integrations_or_environments_are_named() -> None:
    ledger = legit()
    release_ = ledger.current("api", "prod")
    assert release_ is not None
    ledger = ledger.record("ghost", "prod", release_).record("api", "qa", release_)
    found = problems(ledger)
    assert any(p.startswith("releases.ghost.prod: unknown integration") for p in found)
    assert any(p.startswith("releases.api.qa: environment 'qa' is not on pipeline") for p in found)


# -- the ledger file ------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scratch_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def forge_prod(project: Path) -> None:
    """The attack: prod's image set by hand to a build that never ran in test, unapproved."""
    path = project / LEDGER
    document = yaml.safe_load(path.read_text())
    entry = document["releases"]["order-api"]["prod"]
    entry.update(image=FORGED, source="promote from test", approvedBy=[], promotedBy="mallory")
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def pdp_releases(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    parsed = build_parser().parse_args(["releases", "--stack", LAB, *args])
    code = releases.run(parsed, clock=lambda: parse_time("2026-11-22T00:00:00Z"))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_pdp_releases_fails_on_a_forged_entry(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pdp_releases(capsys)[0] == 0
    forge_prod(project)
    code, out = pdp_releases(capsys, "--format", "json")
    assert code == 1
    assert f"releases.order-api.prod: {FORGED} never ran in test" in out


@pytest.mark.slow
def test_pdp_plan_gives_a_mandatory_verdict_naming_the_entry(project: Path) -> None:
    from pdpkit.plan.run import plan_stack

    forge_prod(project)
    plan = plan_stack(project, LAB)
    verdicts = [v for v in plan.mandatory_violations() if v.rule == "K8S-RELEASE-VERIFIED"]
    assert len(verdicts) == 1, verdicts
    assert "releases.order-api.prod" in verdicts[0].message
    assert "never ran in test" in verdicts[0].message
    assert "order-api" in verdicts[0].resource


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the ledger is empty"),
        ("# nothing\n", "the ledger is empty"),
        ("platform: acme\nreleases: {}\n", "this is the ledger of platform 'acme'"),
        ("releases: {}\n", "this is the ledger of platform None"),
    ],
)
def test_empty_or_foreign_ledgers_are_errors(project: Path, text: str, expected: str) -> None:
    (project / LEDGER).write_text(text)
    platform_ = load_stack(project, LAB).platform
    assert platform_ is not None
    with pytest.raises(LedgerError, match=expected):
        load_ledger(platform_, project)


def test_a_repeated_key_in_the_ledger_is_an_error(project: Path) -> None:
    path = project / LEDGER
    text = path.read_text()
    prod = text[text.index("    prod:\n") : text.index("  ledger-export:\n")]
    path.write_text(text.replace("  ledger-export:\n", prod + "  ledger-export:\n", 1))
    platform_ = load_stack(project, LAB).platform
    assert platform_ is not None
    with pytest.raises(LedgerError) as error:
        load_ledger(platform_, project)
    assert "duplicate key 'prod'" in str(error.value)
    assert str(error.value).startswith(f"{LEDGER}:")


def test_history_keeps_the_evidence_of_what_runs_downstream() -> None:
    """25 newer builds pass through staging; prod's build stays in staging's history (beyond
    the 20 kept), so prod's entry still verifies."""
    s = spec()
    ledger = legit()
    for n in range(25):
        image = f"reg.example/orders/api@sha256:{n + 1:064x}"
        ledger = release(s, ledger, "api", image, actor="ci", now=T0 + (26 + n) * HOUR).ledger
    staging = ledger.get("api", "staging")
    assert staging is not None and len(staging.history) == 21
    assert staging.history[-1].image == A
    assert problems(ledger, T0 + 60 * HOUR) == []
