"""The fleet workflows (issue 19, item 5): waves, halt, max-parallel, shards past 256, windows,
one summary comment, least privilege, no injection, the GitHub workflow schema."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from pdpkit.cli.ci import pulumi_cli_version
from pdpkit.cli.main import main
from pdpkit.fleet.loader import Fleet, load_fleet
from pdpkit.fleet.model import FleetSpec
from pdpkit.workflows.fleet import ARTIFACT_ACTIONS, generate_fleet
from pdpkit.workflows.fleet_matrix import MATRIX_LIMIT, shard_caps, shards
from pdpkit.workflows.steps import ACTIONS, SAME_REPOSITORY
from tests.examples import ROOT
from tests.unit.workflows.test_injection import leaks

SHIPPED = ROOT / ".github" / "workflows"
FILES = ("fleet-drift.yml", "fleet-preview.yml", "fleet-up.yml")


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return _example_fleet()


@pytest.fixture(scope="module")
def texts(fleet: Fleet) -> dict[str, str]:
    return generate_fleet(fleet, pulumi_cli_version())


@pytest.fixture(scope="module")
def workflows(texts: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {name: yaml.safe_load(text) for name, text in texts.items()}


@cache
def _example_fleet() -> Fleet:
    return load_fleet(ROOT)


def big_fleet(stacks: int, waves: list[tuple[str, int, int]]) -> Fleet:
    """`stacks` on-prem customers (one stack each) over `waves`: (name, maxParallel, how
    many customers; the last wave takes the rest). Every stack reuses the example on-prem
    stack's spec: the workflows read its runner and target only."""
    spec = _example_fleet().stacks["acme-onprem-local"]
    customers: list[dict[str, Any]] = []
    start = 0
    for index, (wave, _cap, count) in enumerate(waves):
        end = stacks if index == len(waves) - 1 else start + count
        for i in range(start, end):
            customers.append(
                {
                    "name": f"c{i:04d}",
                    "management": "customerSelfManaged",
                    "stacks": [f"c{i:04d}-onprem"],
                    "wave": wave,
                    "backend": f"s3://c{i:04d}-state?region=eu-west-1",
                    "secretsProvider": f"hashivault://c{i:04d}",
                    "identity": {"onprem": {"kubeconfigSecret": f"c{i:04d}-kubeconfig"}},
                }
            )
        start = end
    model = FleetSpec.model_validate(
        {
            "customers": customers,
            "waves": [{"name": w, "maxParallel": cap} for w, cap, _ in waves],
        }
    )
    names = [c["stacks"][0] for c in customers]
    return Fleet(
        root=ROOT,
        spec=model,
        stacks=dict.fromkeys(names, spec),
        owner={c["stacks"][0]: c["name"] for c in customers},
    )


def up_jobs(fleet: Fleet) -> dict[str, Any]:
    jobs: dict[str, Any] = yaml.safe_load(generate_fleet(fleet, "3.272.0")["fleet-up.yml"])["jobs"]
    return jobs


# --- shipped, deterministic, schema-valid -----------------------------------------------


def test_the_repository_ships_the_generated_fleet_workflows(texts: dict[str, str]) -> None:
    shipped = {name: (SHIPPED / name).read_text() for name in FILES}
    assert shipped == texts, "run `pdp fleet ci generate` and commit .github/workflows"


def test_generating_twice_gives_identical_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    (tmp_path / "fleet-old.yml").write_text("name: old\n")
    (tmp_path / "mine.yml").write_text("name: mine\n")
    assert main(["fleet", "ci", "generate", "--out", str(tmp_path)]) == 0
    first = {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())}
    assert main(["fleet", "ci", "generate", "--out", str(tmp_path)]) == 0
    assert first == {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())}
    assert sorted(first) == sorted([*FILES, "mine.yml"])  # stale fleet-*.yml removed
    capsys.readouterr()


@pytest.mark.slow
def test_fleet_workflows_pass_the_github_workflow_schema(tmp_path: Path) -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    assert checker.exists(), f"check-jsonschema is not installed next to {sys.executable}"
    paths = [str(SHIPPED / name) for name in FILES]
    for name, text in generate_fleet(
        big_fleet(600, [("canary", 2, 3), ("rest", 2, 0)]), "3.272.0"
    ).items():
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- waves, halt, max-parallel, shards --------------------------------------------------


def test_waves_run_in_order_and_a_failed_wave_halts_the_rest(
    fleet: Fleet, workflows: dict[str, dict[str, Any]]
) -> None:
    jobs = workflows["fleet-up.yml"]["jobs"]
    assert list(jobs) == ["wave-canary", "wave-general", "report"]
    assert "needs" not in jobs["wave-canary"]
    assert jobs["wave-general"]["needs"] == ["wave-canary"]
    for name in ("wave-canary", "wave-general"):
        # success(): every job of the previous wave succeeded, else this one is skipped
        assert jobs[name]["if"].startswith("success() && ")
        # a failing stack does not cancel the others of its wave mid-`pulumi up`
        assert jobs[name]["strategy"]["fail-fast"] is False
    caps = {w.name: w.max_parallel for w in fleet.spec.waves}
    assert jobs["wave-canary"]["strategy"]["max-parallel"] == caps["canary"]
    assert jobs["wave-general"]["strategy"]["max-parallel"] == caps["general"]
    members = {
        name: [e["stack"] for e in jobs[name]["strategy"]["matrix"]["include"]]
        for name in ("wave-canary", "wave-general")
    }
    assert members == {
        "wave-canary": ["acme-azure-dev", "acme-gcp-staging", "acme-aws-prod"],
        "wave-general": ["acme-onprem-local"],
    }
    # the report runs whatever happened and lists every stack (halted ones as not reached)
    assert jobs["report"]["needs"] == ["wave-canary", "wave-general"]
    assert jobs["report"]["if"].startswith("always()")


def test_a_wave_beyond_256_stacks_is_sharded_under_its_cap() -> None:
    jobs = up_jobs(big_fleet(600, [("canary", 2, 2), ("general", 10, 0)]))
    assert list(jobs) == [
        "wave-canary",
        "wave-general-1",
        "wave-general-2",
        "wave-general-3",
        "report",
    ]
    sizes = [len(jobs[f"wave-general-{i}"]["strategy"]["matrix"]["include"]) for i in (1, 2, 3)]
    assert sizes == [200, 200, 198] and max(sizes) <= MATRIX_LIMIT
    caps = [jobs[f"wave-general-{i}"]["strategy"]["max-parallel"] for i in (1, 2, 3)]
    assert caps == [4, 3, 3] and sum(caps) == 10  # together never above the wave's cap
    for i in (1, 2, 3):
        assert jobs[f"wave-general-{i}"]["needs"] == ["wave-canary"]  # shards run together
    assert jobs["report"]["needs"] == [j for j in jobs if j != "report"]


def test_shards_of_a_wave_whose_cap_is_below_their_number_run_one_after_another() -> None:
    jobs = up_jobs(big_fleet(600, [("canary", 1, 2), ("rest", 2, 0)]))
    assert [jobs[f"wave-rest-{i}"]["needs"] for i in (1, 2, 3)] == [
        ["wave-canary"],
        ["wave-canary", "wave-rest-1"],
        ["wave-canary", "wave-rest-2"],
    ]
    assert {jobs[f"wave-rest-{i}"]["strategy"]["max-parallel"] for i in (1, 2, 3)} == {2}
    # a later wave needs every shard of the one before
    jobs = up_jobs(big_fleet(700, [("a", 3, 300), ("b", 5, 0)]))
    assert jobs["wave-b-1"]["needs"] == ["wave-a-1", "wave-a-2"]


@pytest.mark.parametrize(
    ("count", "cap", "expected"),
    [(1, 10, [10]), (3, 10, [4, 3, 3]), (4, 4, [1, 1, 1, 1]), (3, 2, [2, 2, 2])],
)
def test_shard_caps(count: int, cap: int, expected: list[int]) -> None:
    assert shard_caps(count, cap) == expected


def test_no_shard_holds_more_than_256() -> None:
    items = [{"stack": f"s{i}"} for i in range(1025)]
    parts = shards("w", items, 10)
    assert len(parts) == 5 and all(len(p.entries) <= MATRIX_LIMIT for p in parts)
    assert [e["stack"] for p in parts for e in p.entries] == [f"s{i}" for i in range(1025)]
    assert shards("w", [], 10) == []


# --- maintenance windows ----------------------------------------------------------------


def test_outside_the_window_a_stack_is_recorded_as_deferred_not_applied(
    workflows: dict[str, dict[str, Any]],
) -> None:
    up = workflows["fleet-up.yml"]
    steps = {s["name"]: s for s in up["jobs"]["wave-canary"]["steps"]}
    window = steps["Inside the customer's maintenance window?"]
    assert window["id"] == "window" and "pdp fleet window" in window["run"]
    assert '"$code" -ne 5' in window["run"]  # any other failure fails the job
    up_step = steps["pulumi up"]
    assert up_step["if"] == "steps.window.outputs.open == 'true'"
    login_actions = {ACTIONS[a][0] for a in ("aws-credentials", "azure-login", "gcp-auth")}
    logins = [s for s in steps.values() if s.get("uses") in login_actions]
    assert len(logins) == 3
    assert logins and all(s["if"].startswith("steps.window.outputs.open == 'true'") for s in logins)
    record = steps["Record the outcome (applied, failed or deferred)"]
    assert record["if"] == "always()" and "--deferred" in record["run"]
    upload = steps["Upload the output and the run record"]
    assert upload["if"] == "always()"
    # hourly runs apply what was deferred once the window opens (acme has a window)
    assert up["on"]["schedule"] == [{"cron": "23 * * * *"}]
    assert "ignore-maintenance-windows" in up["on"]["workflow_dispatch"]["inputs"]


def test_without_windows_there_is_no_hourly_run() -> None:
    on = yaml.safe_load(generate_fleet(big_fleet(3, [("all", 2, 0)]), "3.272.0")["fleet-up.yml"])[
        "on"
    ]
    assert "schedule" not in on


# --- pull requests: affected stacks, one comment, no forks ------------------------------


def test_previews_run_for_this_repository_only_and_post_one_comment(
    workflows: dict[str, dict[str, Any]],
) -> None:
    preview = workflows["fleet-preview.yml"]
    jobs = preview["jobs"]
    assert list(jobs) == ["affected", "plan", "preview", "summary"]
    for job in jobs.values():
        assert job["steps"][0]["with"]["persist-credentials"] is False
    for name in ("preview", "summary"):
        assert SAME_REPOSITORY in jobs[name]["if"]  # forks get no credential
    # what forks get: the affected stacks and their offline plans, without any credential
    for name in ("affected", "plan"):
        job = jobs[name]
        assert job["permissions"] == {"contents": "read"} and job["runs-on"] == "ubuntu-latest"
        assert "environment" not in job and "secrets." not in yaml.safe_dump(job)
    plan = jobs["plan"]
    assert plan["strategy"]["matrix"] == "${{ fromJSON(needs.affected.outputs.shard1) }}"
    assert plan["steps"][-1]["run"] == '.venv/bin/pdp plan --stack "$STACK"\n'
    assert plan["steps"][-1]["env"] == {"STACK": "${{ matrix.stack }}"}
    assert jobs["preview"]["strategy"]["matrix"] == "${{ fromJSON(needs.affected.outputs.shard1) }}"
    capture = next(s for s in jobs["preview"]["steps"] if "run" in s and "preview" in s["run"])
    assert "pulumi preview" in capture["run"] and "--json" in capture["run"]
    assert "pdp fleet record --kind preview" in capture["run"]
    summary = jobs["summary"]
    assert summary["needs"] == ["affected", "preview"]
    assert summary["if"].startswith("always()")  # also after a failed preview
    post = summary["steps"][-1]
    assert post["run"].count("gh api") == 3 and "PATCH" in post["run"]


def test_the_preview_matrix_has_a_job_per_256_stacks_of_the_fleet() -> None:
    preview = yaml.safe_load(
        generate_fleet(big_fleet(600, [("all", 10, 0)]), "3.272.0")["fleet-preview.yml"]
    )
    jobs = preview["jobs"]
    assert [j for j in jobs if j.startswith("preview")] == ["preview-1", "preview-2", "preview-3"]
    assert [j for j in jobs if j.startswith("plan")] == ["plan-1", "plan-2", "plan-3"]
    assert set(jobs["affected"]["outputs"]) == {"count", "shard1", "shard2", "shard3"}
    assert jobs["summary"]["needs"] == ["affected", "preview-1", "preview-2", "preview-3"]


def test_the_affected_command_writes_the_shards_the_workflow_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    changes = tmp_path / "changes.txt"
    changes.write_text(
        "M\tstacks/Pulumi.acme-aws-prod.yaml\nM\tdocs/fleet.md\nD\tstacks/Pulumi.old-one.yaml\n"
    )
    output = tmp_path / "github-output"
    assert (
        main(["fleet", "affected", "--changes", str(changes), "--github-output", str(output)]) == 0
    )
    out = capsys.readouterr().out
    assert "1 of 4 stack(s) affected" in out and "old-one: its stack file is deleted" in out
    values = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert values["count"] == "1"
    matrix = json.loads(values["shard1"])
    (item,) = matrix["include"]
    assert item["stack"] == "acme-aws-prod" and item["environment"] == "fleet-acme-read"
    assert item["aws_hop_role"] == "arn:aws:iam::210987654321:role/pdpkit-deployer"
    # fleet.yaml changed in acme-lab's entry only: acme-lab's stack, not acme's
    base = tmp_path / "base-fleet.yaml"
    base.write_text((ROOT / "fleet.yaml").read_text().replace("wave: general", "wave: canary"))
    changes.write_text("M\tfleet.yaml\n")
    output.write_text("")
    argv = ["fleet", "affected", "--changes", str(changes), "--github-output", str(output)]
    assert main([*argv, "--base-fleet", str(base)]) == 0
    assert "1 of 4 stack(s) affected" in capsys.readouterr().out
    (item,) = json.loads(output.read_text().splitlines()[1].split("=", 1)[1])["include"]
    assert item["stack"] == "acme-onprem-local"
    changes.write_text("M\tREADME.md\n")
    output.write_text("")
    assert (
        main(["fleet", "affected", "--changes", str(changes), "--github-output", str(output)]) == 0
    )
    assert output.read_text() == "count=0\nshard1=\n"  # no preview job, no comment
    capsys.readouterr()


# --- identity, privilege, pins, injection ------------------------------------------------


def test_each_job_runs_as_its_customer_in_its_customers_environment(
    fleet: Fleet, workflows: dict[str, dict[str, Any]]
) -> None:
    up = workflows["fleet-up.yml"]["jobs"]
    entries = [
        e for j in ("wave-canary", "wave-general") for e in up[j]["strategy"]["matrix"]["include"]
    ]
    for item in entries:
        customer = fleet.customer_of(item["stack"])
        assert item["customer"] == customer.name
        assert item["environment"] == f"fleet-{customer.name}"
        assert item["backend"] == customer.backend
        identity = customer.identity
        if identity.aws is not None and item["aws_role"]:
            assert item["aws_role"] in (identity.aws.source_role_arn, identity.aws.role_arn)
        if item["azure_client_id"]:
            assert identity.azure is not None
            assert item["azure_client_id"] == identity.azure.client_id
    assert up["wave-canary"]["environment"] == "${{ matrix.environment }}"
    drift = workflows["fleet-drift.yml"]["jobs"]["drift"]["strategy"]["matrix"]["include"]
    assert {e["environment"] for e in drift} == {"fleet-acme-read", "fleet-acme-lab-read"}


def test_least_privilege_per_job(workflows: dict[str, dict[str, Any]]) -> None:
    for name, workflow in workflows.items():
        assert workflow["permissions"] == {"contents": "read"}, name
        for job_name, job in workflow["jobs"].items():
            permissions = job["permissions"]
            assert permissions.get("contents") == "read", (name, job_name)
            allowed = {"contents", "id-token", "pull-requests"}
            assert set(permissions) <= allowed, (name, job_name)
            if permissions.get("id-token"):
                assert job["environment"] == "${{ matrix.environment }}", (name, job_name)
            if permissions.get("pull-requests"):
                assert (name, job_name) == ("fleet-preview.yml", "summary")
                assert "id-token" not in permissions


def test_every_action_is_pinned_by_sha(texts: dict[str, str]) -> None:
    pinned = {ref for ref, _ in [*ACTIONS.values(), *ARTIFACT_ACTIONS.values()]}
    for text in texts.values():
        for line in text.splitlines():
            if line.strip().startswith(("uses:", "- uses:")):
                ref = line.split("uses:", 1)[1].split("#")[0].strip()
                assert ref in pinned and len(ref.split("@")[1]) == 40, ref


def fleet_values(fleet: Fleet) -> set[str]:
    values: set[str] = set()
    for customer in fleet.spec.customers:
        values |= {customer.name, customer.backend, customer.secrets_provider, *customer.stacks}
        identity = customer.identity
        if identity.aws:
            values |= {identity.aws.role_arn, identity.aws.source_role_arn or ""}
        if identity.azure:
            values |= {identity.azure.client_id, identity.azure.tenant_id}
        if identity.gcp:
            values |= {identity.gcp.workload_identity_provider, identity.gcp.service_account}
    for spec in fleet.stacks.values():
        values.add(spec.dataplane.name)
    return {v for v in values if len(v) >= 3}


def test_no_script_holds_an_expression_or_a_fleet_value(
    fleet: Fleet, workflows: dict[str, dict[str, Any]]
) -> None:
    values = fleet_values(fleet)
    assert {"acme", "acme-aws-prod", "s3://acme-pdp-state?region=eu-west-1"} <= values
    scripts = 0
    for name, workflow in workflows.items():
        assert leaks(workflow, values) == [], name
        scripts += sum("run" in s for j in workflow["jobs"].values() for s in j["steps"])
    assert scripts > 15


def test_a_hostile_customer_value_never_reaches_a_workflow(fleet: Fleet) -> None:
    from pdpkit.workflows.values import UnsafeWorkflowValueError

    acme = fleet.spec.customers[0]
    hostile = acme.model_copy(update={"backend": "s3://x?region=eu-west-1&a=$(curl${IFS}e.sh)"})
    spec = fleet.spec.model_copy(update={"customers": (hostile, *fleet.spec.customers[1:])})
    bad = Fleet(root=fleet.root, spec=spec, stacks=fleet.stacks, owner=fleet.owner)
    with pytest.raises(UnsafeWorkflowValueError, match="refusing to write"):
        generate_fleet(bad, "3.272.0")


def test_a_pulumi_cloud_organization_is_part_of_the_stack_name(fleet: Fleet) -> None:
    from pdpkit.workflows.fleet_matrix import entry

    acme = fleet.spec.customers[0]
    cloud = acme.model_copy(update={"backend": "https://api.pulumi.com/acme-org"})
    spec = fleet.spec.model_copy(update={"customers": (cloud, *fleet.spec.customers[1:])})
    item = entry(
        Fleet(root=fleet.root, spec=spec, stacks=fleet.stacks, owner=fleet.owner), "acme-aws-prod"
    )
    assert (item["backend"], item["stack_ref"], item["pulumi_cloud"]) == (
        "https://api.pulumi.com",
        "acme-org/acme-aws-prod",
        "true",
    )
    plain = entry(fleet, "acme-aws-prod")
    assert (plain["stack_ref"], plain["pulumi_cloud"]) == ("acme-aws-prod", "")


def test_the_docs_describe_what_is_generated(texts: dict[str, str]) -> None:
    doc = (ROOT / "docs" / "fleet.md").read_text(encoding="utf-8")
    assert "fleet-{preview,up,drift}.yml" in doc and sorted(texts) == sorted(FILES)
    assert "(10 over three jobs: 4, 3, 3)" in doc and shard_caps(3, 10) == [4, 3, 3]
    assert "exit 0 inside the window or without one, 5 outside" in doc
    up = yaml.safe_load(texts["fleet-up.yml"])
    assert up["concurrency"] == {"group": "pdp-fleet-up", "cancel-in-progress": False}
    assert "`concurrency: pdp-fleet-up`, never cancelled" in doc


# --- the generated scripts, run -----------------------------------------------------------


def _step(workflows: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    steps = workflows["fleet-up.yml"]["jobs"]["wave-canary"]["steps"]
    found: dict[str, Any] = next(s for s in steps if s["name"] == name)
    return found


def _run(step: dict[str, Any], tmp_path: Path, env: dict[str, str], pdp: str) -> int:
    """Run a step's script with bash in `tmp_path`, `.venv/bin/pdp` being `pdp` (a script)."""
    (tmp_path / ".venv" / "bin").mkdir(parents=True, exist_ok=True)
    fake = tmp_path / ".venv" / "bin" / "pdp"
    fake.write_text("#!/bin/sh\n" + pdp)
    fake.chmod(0o755)
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(tmp_path / "out"), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode


@pytest.mark.parametrize(
    "case",
    [
        (0, "false", 0, "open=true"),
        (5, "false", 0, "open=false"),  # closed: deferred, the job goes on to record it
        (1, "false", 1, ""),  # a broken fleet fails the job
        (5, "true", 0, "open=true"),  # a dispatch overriding the windows
    ],
)
def test_the_window_step(
    workflows: dict[str, dict[str, Any]], tmp_path: Path, case: tuple[int, str, int, str]
) -> None:
    pdp_exit, override, expected_exit, expected_output = case
    step = _step(workflows, "Inside the customer's maintenance window?")
    env = {"CUSTOMER": "acme", "OVERRIDE": override}
    assert _run(step, tmp_path, env, f"exit {pdp_exit}\n") == expected_exit
    out = tmp_path / "out"
    assert (out.read_text().strip() if out.exists() else "") == expected_output


@pytest.mark.parametrize(
    "case",
    [
        ("success", "false", "skipped", "--deferred outside the maintenance window"),
        ("success", "true", "success", "--exit-code 0"),
        ("success", "true", "failure", "--exit-code 1"),
        ("failure", "", "skipped", "--exit-code 1"),  # the window check itself failed
    ],
)
def test_the_record_step(
    workflows: dict[str, dict[str, Any]], tmp_path: Path, case: tuple[str, str, str, str]
) -> None:
    window, open_, up, expected = case
    step = _step(workflows, "Record the outcome (applied, failed or deferred)")
    env = {
        "STACK": "acme-aws-prod",
        "CUSTOMER": "acme",
        "WINDOW": window,
        "OPEN": open_,
        "UP": up,
        "OUT": "pdp-out",
    }
    assert _run(step, tmp_path, env, 'echo "$@" > args\n') == 0
    args = (tmp_path / "args").read_text()
    assert args.startswith("fleet record --kind up --stack acme-aws-prod --customer acme")
    assert expected in args and args.rstrip().endswith("--dir pdp-out")


@pytest.mark.parametrize(
    "case",
    [
        ("", "0", []),  # nothing affected, nothing said before: silent
        ("", "2", ["POST repos/o/r/issues/7/comments"]),
        ("991", "0", ["PATCH repos/o/r/issues/comments/991"]),  # now unaffected: updated
        ("991", "3", ["PATCH repos/o/r/issues/comments/991"]),
    ],
)
def test_the_comment_step_posts_once_then_edits(
    workflows: dict[str, dict[str, Any]], tmp_path: Path, case: tuple[str, str, list[str]]
) -> None:
    existing, count, expected = case
    step = workflows["fleet-preview.yml"]["jobs"]["summary"]["steps"][-1]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    # a stand-in for the GitHub CLI: a listing prints the existing comment's id, a write
    # records its method and endpoint
    gh.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = "--paginate" ]; then echo "$EXISTING"; exit 0; fi\n'
        'echo "$3 $4" >> calls\n'
    )
    gh.chmod(0o755)
    (tmp_path / "summary.md").write_text("<!-- pdp-fleet-summary -->\nbody\n")
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=tmp_path,
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "EXISTING": existing,
            "COUNT": count,
            "REPO": "o/r",
            "PR": "7",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []
    assert calls == expected


def test_every_stack_is_checked_for_drift_even_after_a_failed_check() -> None:
    drift = yaml.safe_load(
        generate_fleet(big_fleet(600, [("all", 2, 0)]), "3.272.0")["fleet-drift.yml"]
    )
    jobs = drift["jobs"]
    assert list(jobs) == ["drift-1", "drift-2", "drift-3", "report"]
    assert jobs["drift-2"]["needs"] == ["drift-1"]  # cap 2 < 3 shards: one after another
    for name in ("drift-1", "drift-2", "drift-3"):
        assert jobs[name]["if"].startswith("!cancelled() && ")  # not skipped after a failure
    assert sum(len(jobs[n]["strategy"]["matrix"]["include"]) for n in jobs if n != "report") == 600
    assert jobs["report"]["if"] == "always()"
    steps = jobs["drift-1"]["steps"]
    refresh = next(s for s in steps if "pulumi refresh" in s.get("run", ""))
    assert "--preview-only --json" in refresh["run"] and "--expect-no-changes" not in refresh["run"]
