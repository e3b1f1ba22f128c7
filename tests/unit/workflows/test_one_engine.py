"""Issue 19: exactly one engine applies each stack.

Read independently of the generators, from the workflow files and the operator's objects:
for every stack in stacks/, the jobs that run ``pulumi up`` for it (or the operator's
applying ``Stack``), the pull-request workflows that preview it (``pulumi preview`` or the
offline ``pdp plan``) and what checks it for drift (a scheduled ``pulumi refresh`` /
``pulumi preview``, or the operator's preview ``Stack``). Each must be exactly one: on the
repository's own workflows and fleet.yaml, on scratch fleets with each engine, and on a
project without fleet.yaml.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from pdpkit.cli.main import main
from pdpkit.fleet.loader import load_fleet
from pdpkit.fleet.operator import render_operator
from pdpkit.spec.errors import SpecError
from tests.examples import EXAMPLE_STACKS, ROOT, scratch_project
from tests.unit.fleet.conftest import fleet_project, use_operator

REVISION = "0123456789abcdef0123456789abcdef01234567"
Coverage = dict[str, dict[str, list[str]]]
"""stack -> role (apply, preview, drift) -> what does it (``file/job`` or ``operator/…``)."""
_COMMAND = re.compile(r"(?:^|[\s;(])(?:pulumi|\.venv/bin/pdp) (up|preview|refresh|plan)\b", re.M)


def _commands(step: dict[str, Any]) -> set[str]:
    found = set(_COMMAND.findall(step.get("run", "")))
    if str(step.get("uses", "")).startswith("pulumi/actions@"):
        found.add(str((step.get("with") or {}).get("command")))
    return found


def _stacks_of(job: dict[str, Any], fleet_stacks: list[str]) -> list[str]:
    """The stacks a job runs for: its matrix's, or (a dynamic matrix: the stacks `pdp fleet
    affected` picks) any of the fleet's, or the literal stack its steps name."""
    matrix = (job.get("strategy") or {}).get("matrix")
    if isinstance(matrix, dict):
        return [entry["stack"] for entry in matrix["include"]]
    if isinstance(matrix, str):
        assert "needs.affected.outputs" in matrix, matrix
        return list(fleet_stacks)
    named = set()
    for step in job["steps"]:
        named.add((step.get("with") or {}).get("stack-name"))
        named.add((step.get("env") or {}).get("STACK"))
    return sorted(n for n in named if n and "${{" not in n)


def workflow_coverage(folder: Path, fleet_stacks: list[str]) -> Coverage:
    found: Coverage = defaultdict(lambda: defaultdict(list))
    for path in sorted(folder.glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        events = workflow.get("on") or workflow.get(True)
        for name, job in workflow["jobs"].items():
            commands = set().union(*(_commands(s) for s in job["steps"]))
            roles = []
            if "up" in commands:
                roles.append("apply")
            elif "pull_request" in events and commands & {"preview", "plan"}:
                roles.append("preview")
            elif "schedule" in events and commands & {"refresh", "preview"}:
                roles.append("drift")
            for stack in _stacks_of(job, fleet_stacks):
                for role in roles:
                    where = path.name if role == "preview" else f"{path.name}/{name}"
                    if where not in found[stack][role]:
                        found[stack][role].append(where)
    return found


def operator_coverage(objects: list[Any], found: Coverage) -> Coverage:
    for obj in objects:
        if obj["kind"] != "Stack":
            continue
        stack = obj["spec"]["stack"].split("/")[-1]
        role = "drift" if obj["spec"].get("preview") else "apply"
        found[stack][role].append(
            f"operator/{obj['metadata']['namespace']}/{obj['metadata']['name']}"
        )
    return found


def assert_exactly_one_engine(found: Coverage) -> None:
    assert sorted(found) == EXAMPLE_STACKS
    for stack in EXAMPLE_STACKS:
        for role in ("apply", "preview", "drift"):
            assert len(found[stack][role]) == 1, (stack, role, dict(found[stack]))


def _generate(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(root)
    assert main(["ci", "generate"]) == 0
    if (root / "fleet.yaml").is_file():
        assert main(["fleet", "ci", "generate"]) == 0
    return root / ".github" / "workflows"


def _operator_objects(root: Path) -> list[Any]:
    try:
        files = render_operator(load_fleet(root), REVISION)
    except SpecError as refused:
        assert refused.problems[0].path == "engine"  # the workflows are the fleet's engine
        return []
    return [obj for objects in files.values() for obj in objects]


def test_the_repositorys_workflows_and_fleet_apply_each_stack_once() -> None:
    fleet = load_fleet(ROOT)
    found = workflow_coverage(ROOT / ".github" / "workflows", sorted(fleet.stacks))
    found = operator_coverage(_operator_objects(ROOT), found)
    assert_exactly_one_engine(found)
    for stack in EXAMPLE_STACKS:  # the fleet's engine: the workflows
        assert found[stack]["apply"][0].startswith("fleet-up.yml/wave-")
        assert found[stack]["preview"] == ["fleet-preview.yml"]
        assert found[stack]["drift"] == ["fleet-drift.yml/drift"]
    # a ledger pull request (opened by the promote, release and build workflows) deploys on
    # merge: its push to the default branch starts the rollout
    shipped = ROOT / ".github" / "workflows"
    up = yaml.safe_load((shipped / "fleet-up.yml").read_text(encoding="utf-8"))
    assert (up.get("on") or up[True])["push"] == {"branches": ["main"]}
    assert sorted(p.name for p in shipped.glob("pdp-promote-*.yml")) == [
        "pdp-promote-acme-lab.yml",
        "pdp-promote-acme.yml",
    ]


@pytest.mark.parametrize("engine", ["githubActions", "operator"])
def test_a_scratch_fleet_on_either_engine_applies_each_stack_once(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = fleet_project(tmp_path)
    if engine == "operator":
        use_operator(root)
    out = _generate(root, monkeypatch)
    found = workflow_coverage(out, EXAMPLE_STACKS)
    found = operator_coverage(_operator_objects(root), found)
    assert_exactly_one_engine(found)
    for stack in EXAMPLE_STACKS:
        assert found[stack]["preview"] == ["fleet-preview.yml"]  # both engines: one comment
        applied = found[stack]["apply"][0]
        checked = found[stack]["drift"][0]
        if engine == "operator":
            assert applied == f"operator/pdp-{load_fleet(root).owner[stack]}/{stack}"
            assert checked == f"{applied}-drift"
        else:
            assert applied.startswith("fleet-up.yml/") and checked.startswith("fleet-drift.yml/")
    generated = {p.name for p in out.iterdir()}
    assert ("fleet-up.yml" in generated) is ("fleet-drift.yml" in generated)
    assert ("fleet-up.yml" in generated) is (engine == "githubActions")
    assert not {"pdp-preview.yml", "pdp-up.yml", "pdp-drift.yml"} & generated
    capsys.readouterr()


def test_without_fleet_yaml_the_per_stack_workflows_apply_each_stack_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _generate(scratch_project(tmp_path), monkeypatch)
    found = workflow_coverage(out, [])
    assert_exactly_one_engine(found)
    for stack in EXAMPLE_STACKS:
        assert found[stack] == {
            "apply": [f"pdp-up.yml/up-{stack}"],
            "preview": ["pdp-preview.yml"],
            "drift": [f"pdp-drift.yml/drift-{stack}"],
        }
    capsys.readouterr()


def test_the_reading_would_see_a_second_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What this file guards against: the per-stack workflows of a project without a fleet
    next to the fleet's own apply every stack twice (the state before issue 19's fix)."""
    out = _generate(scratch_project(tmp_path), monkeypatch)
    (tmp_path / "fleet.yaml").write_text(
        (ROOT / "fleet.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert main(["fleet", "ci", "generate"]) == 0
    found = workflow_coverage(out, EXAMPLE_STACKS)
    with pytest.raises(AssertionError, match="'apply'"):
        assert_exactly_one_engine(found)
    # `pdp ci generate` then removes the per-stack preview, up and drift workflows
    assert main(["ci", "generate", "--check"]) == 1
    assert "pdp-up.yml is no longer generated" in capsys.readouterr().err
    assert main(["ci", "generate"]) == 0
    assert_exactly_one_engine(workflow_coverage(out, EXAMPLE_STACKS))
    capsys.readouterr()


def test_moving_a_fleet_to_the_operator_removes_the_rollout_and_drift_workflows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = fleet_project(tmp_path)
    out = _generate(root, monkeypatch)
    assert {"fleet-up.yml", "fleet-drift.yml"} <= {p.name for p in out.iterdir()}
    assert main(["fleet", "ci", "generate", "--check"]) == 0
    use_operator(root)
    capsys.readouterr()
    assert main(["fleet", "ci", "generate", "--check"]) == 1
    err = capsys.readouterr().err
    assert "fleet-up.yml is no longer generated" in err
    assert "fleet-drift.yml is no longer generated" in err
    assert "fleet-preview.yml" not in err  # the preview stays as it was
    assert main(["fleet", "ci", "generate"]) == 0
    assert sorted(p.name for p in out.glob("fleet-*.yml")) == ["fleet-preview.yml"]
    assert "removed" in capsys.readouterr().out
    assert main(["fleet", "ci", "generate", "--check"]) == 0


def test_a_broken_fleet_yaml_stops_pdp_ci_generate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Which stacks the per-stack workflows may apply is never guessed from a broken file."""
    root = fleet_project(tmp_path)
    fleet = root / "fleet.yaml"
    fleet.write_text(
        fleet.read_text(encoding="utf-8").replace("engine: githubActions", "engine: jenkins"),
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    assert main(["ci", "generate"]) == 1
    err = capsys.readouterr().err
    assert "fleet.yaml:" in err and "engine" in err and "nothing written" in err
    assert not (root / ".github").exists()
