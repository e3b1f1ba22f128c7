from __future__ import annotations

import json

import pytest

from pdpkit import dataplane
from pdpkit.cli.main import main
from pdpkit.versions import chart


@pytest.mark.slow
def test_plan_onprem_writes_the_plan_and_exits_0(tmp_path, capsys):
    assert (
        main(["plan", "--stack", "acme-onprem-local", "--out", str(tmp_path), "--format", "json"])
        == 0
    )
    document = json.loads((tmp_path / "plan.json").read_text())
    assert document["stack"] == "acme-onprem-local"
    assert json.loads(capsys.readouterr().out) == document
    assert (tmp_path / "manifests" / "pdp-system.yaml").is_file()
    assert "fluent-bit" in (tmp_path / "helm-releases.yaml").read_text()


def test_stack_of_a_missing_target_exits_1_with_a_clear_message(monkeypatch, capsys):
    real_import = dataplane.importlib.import_module

    def without_azure(name: str, package: str | None = None):
        if name == "pdpkit.dataplane.azure":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, package)

    monkeypatch.setattr(dataplane.importlib, "import_module", without_azure)
    assert main(["plan", "--stack", "acme-azure-dev"]) == 1
    assert "target 'azure' is not implemented yet" in capsys.readouterr().err


@pytest.mark.slow
def test_table_lists_the_helm_releases_with_their_pinned_versions(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["plan", "--stack", "acme-onprem-local"]) == 0
    out = capsys.readouterr().out
    assert "Helm releases" in out
    assert "kube-system/cilium" in out and chart("cilium").version in out
    assert "pdp-logging/fluent-bit" in out and "~0.48.0" in out
