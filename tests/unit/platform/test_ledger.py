"""The ledger file: round trip, atomic writes, located errors, revisions, the shipped ledgers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdpkit.platform.ledger import Ledger, LedgerError, Release, deployed_images, load_ledger
from pdpkit.platform.ledger_write import save_ledger
from pdpkit.platform.pipeline import pipeline_for
from pdpkit.platform.revision import config_revision
from pdpkit.spec.endpoint_security import EndpointDefaults
from pdpkit.spec.loader import load_stack
from pdpkit.spec.platform import PlatformSpec
from tests.examples import ROOT
from tests.unit.platform.platforms import T0, A, B, platform

ORDER = ("dev", "staging", "prod")


def sample() -> Ledger:
    ledger = Ledger("test")
    ledger = ledger.record("api", "prod", Release(A, "r1", T0, "m", ("bob", "carol"), "bootstrap"))
    ledger = ledger.record("api", "dev", Release(A, "r0", T0, "ci"))
    return ledger.record("api", "dev", Release(B, "r2", T0, "ci"))


def test_round_trip(tmp_path: Path) -> None:
    spec = platform()
    save_ledger(sample(), spec, tmp_path, ORDER)
    loaded = load_ledger(spec, tmp_path)
    assert loaded == sample()
    text = (tmp_path / spec.ledger.path).read_text()
    assert text.index("dev:") < text.index("prod:")  # environments in promotion order
    assert "promotedAt: '2026-11-20T09:00:00Z'" in text
    assert loaded.get("api", "dev").history[0].image == A  # type: ignore[union-attr]


def test_missing_file_is_an_empty_ledger(tmp_path: Path) -> None:
    assert load_ledger(platform(), tmp_path).slots == {}
    assert deployed_images(platform(), tmp_path) == {}


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = platform()
    path = save_ledger(sample(), spec, tmp_path, ORDER)
    before = path.read_bytes()

    def crash(self: Path, target: Path) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_ledger(Ledger("test"), spec, tmp_path, ORDER)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("releases: [\n", "YAML syntax error"),
        ("- a\n", "expected a mapping"),
        (
            "platform: test\nreleases:\n  api:\n    dev:\n      image: reg/api:latest\n"
            "      promotedAt: x\n",
            "releases.api.dev.image: not a digest-pinned image",
        ),
        (
            f"platform: test\nreleases:\n  api:\n    dev:\n      image: {A}\n"
            "      promotedAt: yesterday\n",
            "releases.api.dev.promotedAt: not an ISO-8601 time",
        ),
    ],
)
def test_bad_files_are_located_errors(tmp_path: Path, text: str, expected: str) -> None:
    spec = platform()
    (tmp_path / "releases").mkdir()
    (tmp_path / spec.ledger.path).write_text(text)
    with pytest.raises(LedgerError) as error:
        load_ledger(spec, tmp_path)
    assert expected in str(error.value)
    assert str(error.value).startswith(spec.ledger.path)


def test_revision_is_a_pure_content_hash() -> None:
    spec = platform()
    assert config_revision(spec, "api", "dev") == config_revision(platform(), "api", "dev")
    assert len(config_revision(spec, "api", "dev")) == 16
    # the environment's configuration and the integration's override for it count
    assert config_revision(spec, "api", "dev") != config_revision(spec, "api", "staging")
    changed = spec.model_copy(
        update={
            "integrations": (
                spec.integrations[0].model_copy(update={"config": {"A": "2"}}),
                spec.integrations[1],
            )
        }
    )
    assert config_revision(changed, "api", "dev") != config_revision(spec, "api", "dev")
    # the image and other environments' overrides do not
    moved = spec.model_copy(
        update={
            "integrations": (
                spec.integrations[0].model_copy(update={"image": A, "overrides": {}}),
                spec.integrations[1],
            )
        }
    )
    assert config_revision(moved, "api", "dev") == config_revision(spec, "api", "dev")
    assert config_revision(moved, "api", "prod") != config_revision(spec, "api", "prod")


def test_the_environment_identity_provider_counts_for_integrations_with_endpoints() -> None:
    spec: PlatformSpec = load_stack(ROOT, "acme-aws-prod").platform  # type: ignore[assignment]
    envs = tuple(
        e.model_copy(update={"endpoint_defaults": EndpointDefaults()}) for e in spec.environments
    )
    without = spec.model_copy(update={"environments": envs})
    # who may call order-api's endpoints changed; the report task has none
    assert config_revision(without, "order-api", "prod") != config_revision(
        spec, "order-api", "prod"
    )
    assert config_revision(without, "nightly-report", "prod") == config_revision(
        spec, "nightly-report", "prod"
    )


@pytest.mark.parametrize("stack", ["acme-azure-dev", "acme-onprem-local"])
def test_shipped_ledgers_match_the_examples(stack: str) -> None:
    spec: PlatformSpec = load_stack(ROOT, stack).platform  # type: ignore[assignment]
    images = deployed_images(spec, ROOT)
    expected = {
        (i.name, env): i.image for i in spec.integrations for env in pipeline_for(spec, i).order
    }
    assert images == expected
    ledger = load_ledger(spec, ROOT)
    assert ledger.platform == spec.name
    # revisions are recorded at promotion; a later configuration edit does not rewrite them
    assert all(len(slot.current.revision) == 16 for slot in ledger.slots.values())
