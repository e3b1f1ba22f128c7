from __future__ import annotations

import json

import pytest

from pdpkit import dataplane
from pdpkit.cli.main import main
from pdpkit.versions import chart
from tests.examples import scratch_project


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


def test_a_failing_program_exits_4_with_what_the_engine_would_print(monkeypatch, capsys):
    real_import = dataplane.importlib.import_module

    def without_azure(name: str, package: str | None = None):
        if name == "pdpkit.dataplane.azure":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, package)

    monkeypatch.setattr(dataplane.importlib, "import_module", without_azure)
    assert main(["plan", "--stack", "acme-azure-dev"]) == 4
    err = capsys.readouterr().err
    assert "the program failed, as `pulumi up -s acme-azure-dev` would" in err
    assert "ModuleNotFoundError at __main__.py:" in err  # where the engine's run starts
    assert "Traceback" not in err


def test_a_stack_whose_cloud_sdk_is_missing_names_the_extra(monkeypatch, capsys):
    real_find_spec = dataplane.importlib.util.find_spec

    def without_aws_sdk(name: str, package: str | None = None):
        return None if name == "pulumi_aws" else real_find_spec(name, package)

    monkeypatch.setattr(dataplane.importlib.util, "find_spec", without_aws_sdk)
    assert main(["plan", "--stack", "acme-aws-prod"]) == 4
    err = capsys.readouterr().err
    assert "its SDK (pulumi_aws) is not installed" in err
    assert "pip install -e '.[aws]'" in err
    assert "Traceback" not in err


def test_a_project_without_its_entry_point_cannot_plan(tmp_path, monkeypatch, capsys):
    scratch_project(tmp_path, entry_point=False)
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--stack", "acme-onprem-local"]) == 4
    assert "__main__.py does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_table_lists_the_helm_releases_with_their_pinned_versions(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["plan", "--stack", "acme-onprem-local"]) == 0
    out = capsys.readouterr().out
    assert "Helm releases" in out
    assert "kube-system/cilium" in out and chart("cilium").version in out
    assert "pdp-logging/fluent-bit" in out and "~0.48.0" in out


def test_an_unusable_out_is_refused_before_planning(tmp_path, capsys, monkeypatch):
    from pdpkit.plan import run

    monkeypatch.setattr(run, "plan_stack", lambda *a, **k: pytest.fail("planned anyway"))
    existing = tmp_path / "plan.json"
    existing.write_text("{}")
    assert main(["plan", "--stack", "acme-onprem-local", "--out", str(existing)]) == 2
    assert "is a file; name a directory" in capsys.readouterr().err
    assert main(["plan", "--stack", "acme-onprem-local", "--out", str(existing / "sub")]) == 2
    assert "is a file, so the directory cannot be created there" in capsys.readouterr().err
    assert main(["plan", "--stack", "acme-onprem-local", "--out", "/proc/pdp-plan"]) == 2
    assert "cannot write in /proc" in capsys.readouterr().err
