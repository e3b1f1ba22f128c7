"""The program hands the platform layer exactly the ledger's images (`pdp plan` / `pulumi up`).

The data plane and the platform layer are stubbed here: this checks the wiring from the
ledger file through `pdpkit.program.deploy`, whatever targets have landed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pdpkit.cli.main import main
from pdpkit.plan.recorder import record
from pdpkit.spec.enums import Target
from pdpkit.spec.loader import load_stack
from tests.examples import scratch_project

NEW = f"harbor.lab.acme.example/finance/invoice-sync@sha256:{'9' * 64}"


def test_deploy_passes_the_ledgers_images(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scratch_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["release", "invoice-sync", "--stack", "acme-onprem-local", "--image", NEW]) == 0
    capsys.readouterr()

    import pdpkit.platform.deploy
    import pdpkit.program

    seen: dict[tuple[str, str], str] = {}

    def fake_platform(
        platform: Any,
        dataplane: Any,
        images: Mapping[tuple[str, str], str],
        unverified: Mapping[tuple[str, str], str],
        observability_api: Any = None,
    ) -> dict[str, Any]:
        seen.update(images)
        assert observability_api is not None  # the stack's dataplane.observability.api
        assert unverified == {}  # every entry, the new release included, verifies
        return {}

    monkeypatch.setattr(
        pdpkit.program,
        "build_dataplane",
        lambda spec: SimpleNamespace(
            name=spec.name,
            target=Target.ONPREM,
            registry="harbor",
            secret_store="vault",
            observability_storage=None,
        ),
    )
    monkeypatch.setattr(pdpkit.platform.deploy, "deploy_platform", fake_platform)
    spec = load_stack(tmp_path, "acme-onprem-local")
    record(lambda: pdpkit.program.deploy(spec, tmp_path), "pdp", "acme-onprem-local")
    assert seen[("invoice-sync", "dev")] == NEW
    assert seen[("invoice-sync", "prod")] != NEW
    assert len(seen) == 9  # 3 integrations x dev, test, prod
