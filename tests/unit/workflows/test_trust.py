"""Issue 16, findings 8-10: who runs what with which credential, from where.

8. Pull requests: the offline plan without credentials for everyone; ``pulumi preview`` only
   for pull requests from this repository, as the read-only preview identity (never the
   deploy one), on-prem only on a read-only runner.
9. Deploys and ledger writes only from the default branch (builds: their protected track
   branch), every deploying job in a GitHub Environment.
10. Actions pinned by SHA, dependencies installed by hash, the Pulumi token only on the
   steps that run Pulumi.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from pdpkit.cli.ci import discover, pulumi_cli_version
from pdpkit.cli.main import main
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.generate import generate
from pdpkit.workflows.steps import ACTIONS, LOCK, ON_DEFAULT_BRANCH, SAME_REPOSITORY
from tests.examples import ROOT
from tests.unit.workflows.test_injection import _edit, _project

TOKEN = "${{ secrets.PULUMI_ACCESS_TOKEN }}"


@pytest.fixture(scope="module")
def stacks() -> list[tuple[str, StackSpec]]:
    return discover(ROOT)


@pytest.fixture(scope="module")
def workflows(stacks: list[tuple[str, StackSpec]]) -> dict[str, dict[str, Any]]:
    return {
        name: yaml.safe_load(text) for name, text in generate(stacks, pulumi_cli_version()).items()
    }


def _runs_pulumi(step: dict[str, Any]) -> bool:
    command = (step.get("with") or {}).get("command")
    return (step.get("uses", "").startswith("pulumi/actions@") and command is not None) or bool(
        re.search(r"(^|\$\()pulumi ", step.get("run", ""), re.M)
    )


# --- 8: pull requests --------------------------------------------------------------------


def test_pull_request_jobs_with_any_credential_never_run_for_forks(
    workflows: dict[str, dict[str, Any]],
) -> None:
    preview = workflows["pdp-preview.yml"]
    for name, job in preview["jobs"].items():
        text = yaml.safe_dump(job)
        credentialed = (
            job["permissions"].get("id-token") == "write"
            or "secrets." in text
            or job["runs-on"] != "ubuntu-latest"
        )
        if name.startswith("plan-"):
            assert not credentialed, name  # the offline plan: no identity, no secret, hosted
            assert job["permissions"] == {"contents": "read"}
        else:
            assert credentialed and job["if"] == SAME_REPOSITORY, name
        checkout = job["steps"][0]
        assert checkout["with"]["persist-credentials"] is False, name


def test_previews_log_in_as_the_read_only_identity_never_the_deploy_one(
    stacks: list[tuple[str, StackSpec]], workflows: dict[str, dict[str, Any]]
) -> None:
    preview = workflows["pdp-preview.yml"]
    checked = 0
    for name, spec in stacks:
        job = preview["jobs"].get(f"preview-{name}")
        deploy = spec.dataplane.ci.identity
        if job is None or deploy is None:
            continue
        inputs = {k: v for s in job["steps"] for k, v in (s.get("with") or {}).items()}
        env = {k: v for s in job["steps"] for k, v in (s.get("env") or {}).items()}
        for value in (deploy.client_id, deploy.role_arn, deploy.service_account):
            if value is not None:
                assert value not in inputs.values() and value not in env.values(), name
        checked += 1
    assert checked == 2


def test_an_onprem_preview_runs_only_on_its_read_only_runner(
    stacks: list[tuple[str, StackSpec]],
) -> None:
    (name, spec), *_ = [(n, s) for n, s in stacks if n == "acme-onprem-local"]
    ci = spec.dataplane.ci.model_copy(update={"preview_runs_on": ("self-hosted", "lab-viewer")})
    live = spec.model_copy(update={"dataplane": spec.dataplane.model_copy(update={"ci": ci})})
    preview = yaml.safe_load(generate([(name, live)], pulumi_cli_version())["pdp-preview.yml"])
    job = preview["jobs"][f"preview-{name}"]
    assert job["runs-on"] == ["self-hosted", "lab-viewer"]
    assert job["if"] == SAME_REPOSITORY and "id-token" not in job["permissions"]
    offline = yaml.safe_load(generate([(name, spec)], pulumi_cli_version())["pdp-preview.yml"])
    assert list(offline["jobs"]) == [f"plan-{name}"]  # no read-only runner: no live preview


@pytest.mark.parametrize(
    "case",
    [
        (
            "stacks/Pulumi.acme-azure-dev.yaml",
            "clientId: 7e1f4a2b-3c5d-4e6f-8a9b-0c1d2e3f4a5b",
            "clientId: 0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
            "pdp:dataplane.ci.previewIdentity: is the deploy identity",
        ),
        (
            "stacks/Pulumi.acme-aws-prod.yaml",
            "roleArn: arn:aws:iam::109876543210:role/pdp-fleet-acme",
            "roleArn: arn:aws:iam::109876543210:role/pdp-fleet-acme\n"
            "      previewIdentity: {roleArn: 'arn:aws:iam::109876543210:role/pdp-preview'}",
            "pdp:dataplane.ci.previewIdentity: cannot be used with aws.assumeRoleArn",
        ),
        (
            "stacks/Pulumi.acme-onprem-local.yaml",
            "runsOn: [self-hosted, acme-onprem-local]",
            "runsOn: [self-hosted, acme-onprem-local]\n"
            "      previewRunsOn: [acme-onprem-local, self-hosted]",
            "pdp:dataplane.ci.previewRunsOn: ['acme-onprem-local', 'self-hosted'] is the "
            "deploy runner",
        ),
    ],
)
def test_pull_requests_never_get_the_deploy_identity_or_runner(
    case: tuple[str, str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file, old, new, message = case
    root = _project(tmp_path)
    _edit(root / file, old, new)
    monkeypatch.chdir(root)
    assert main(["validate", "--stack", Path(file).name[len("Pulumi.") : -len(".yaml")]]) == 1
    assert message in capsys.readouterr().err


# --- 9: from the default branch, through an environment ----------------------------------


def _deploying(job: dict[str, Any]) -> bool:
    return any((s.get("with") or {}).get("command") == "up" for s in job["steps"])


def test_deploys_and_ledger_writes_run_only_from_the_default_branch(
    workflows: dict[str, dict[str, Any]],
) -> None:
    gated = 0
    for file, workflow in workflows.items():
        if file.startswith(("pdp-preview", "pdp-approvals")):
            continue
        jobs = workflow["jobs"]
        for name, job in jobs.items():
            writes = job.get("permissions", {}).get("contents") == "write"
            credentialed = job.get("permissions", {}).get("id-token") == "write"
            if not (writes or credentialed or _deploying(job)):
                continue
            # the job's own condition, or that of the job it needs (skipped: skipped too)
            conditions = [job.get("if", "")]
            if "needs" in job:
                conditions.append(jobs[job["needs"]].get("if", ""))
            assert any(
                ON_DEFAULT_BRANCH in c or "github.ref == 'refs/heads/" in c for c in conditions
            ), (file, name)
            gated += 1
            if _deploying(job):
                assert job["environment"].startswith("stack-"), (file, name)
    assert gated > 15


def test_the_nightly_drift_check_runs_although_a_schedule_payload_has_no_repository(
    workflows: dict[str, dict[str, Any]],
) -> None:
    for job in workflows["pdp-drift.yml"]["jobs"].values():
        assert job["if"] == f"github.event_name == 'schedule' || {ON_DEFAULT_BRANCH}"


def test_a_build_releases_only_from_its_protected_track_branch(
    workflows: dict[str, dict[str, Any]],
) -> None:
    jobs = workflows["pdp-build-acme-order-api.yml"]["jobs"]
    for name in ("build", "record"):
        condition = jobs[name]["if"]
        assert condition.startswith("github.ref == 'refs/heads/release/1.2' && ")
        assert "github.ref_protected" in condition and ON_DEFAULT_BRANCH in condition


def test_ledger_jobs_check_out_the_default_branch_and_never_push_to_it(
    workflows: dict[str, dict[str, Any]],
) -> None:
    for file in ("pdp-promote-acme.yml", "pdp-release-acme.yml", "pdp-build-acme-order-api.yml"):
        job = next(j for n, j in workflows[file]["jobs"].items() if n in ("promote", "record"))
        assert job["steps"][0]["with"]["ref"] == "${{ github.event.repository.default_branch }}"
        opened = job["steps"][-1]
        assert 'git push origin "HEAD:refs/heads/$branch"' in opened["run"], file
        assert "DEFAULT_BRANCH" not in opened["run"].split("gh pr create")[0], file
        assert 'gh pr create --base "$DEFAULT_BRANCH" --head "$branch"' in opened["run"], file


# --- 10: pins, hashes, the token ---------------------------------------------------------


def test_every_action_is_pinned_by_commit_sha(workflows: dict[str, dict[str, Any]]) -> None:
    assert ACTIONS["pulumi"] == (
        "pulumi/actions@8582a9e8cc630786854029b4e09281acd6794b58",
        "v6.6.1",
    )
    for file, workflow in workflows.items():
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), file


def test_the_pulumi_token_only_reaches_steps_that_run_pulumi(
    workflows: dict[str, dict[str, Any]],
) -> None:
    given = 0
    for file, workflow in workflows.items():
        assert TOKEN not in yaml.safe_dump(workflow.get("env", {})), file
        for name, job in workflow["jobs"].items():
            assert TOKEN not in yaml.safe_dump(job.get("env", {})), (file, name)
            for step in job["steps"]:
                if TOKEN in (step.get("env") or {}).values():
                    assert _runs_pulumi(step), (file, name, step["name"])
                    given += 1
                elif _runs_pulumi(step) and step.get("uses", "").startswith("pulumi/actions"):
                    raise AssertionError(f"{file} {name}: pulumi without its token")
    assert given >= 12  # preview, up and drift jobs, and the AWS profile steps


def test_dependencies_are_installed_by_hash_from_a_lock_matching_the_pins(
    workflows: dict[str, dict[str, Any]],
) -> None:
    installs = [
        s["run"]
        for w in workflows.values()
        for j in w["jobs"].values()
        for s in j["steps"]
        if "pip install" in s.get("run", "")
    ]
    assert installs and all(
        f"--require-hashes --no-deps -r {LOCK}" in r and "-e ." in r and "--no-deps" in r
        for r in installs
    )
    lock = (ROOT / LOCK).read_text(encoding="utf-8")
    entries = re.findall(
        r"^([A-Za-z0-9_.-]+)==(\S+) \\\n    --hash=sha256:[0-9a-f]{64}$", lock, re.M
    )
    requirements = [line for line in lock.splitlines() if re.match(r"[A-Za-z0-9]", line)]
    assert len(entries) == len(requirements) > 30  # every requirement carries its hash
    locked = {name.lower().replace("_", "-"): version for name, version in entries}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [
        *project["dependencies"],
        *(d for k in ("azure", "aws", "gcp") for d in project["optional-dependencies"][k]),
    ]
    pins += [
        line
        for line in (ROOT / "policy" / "requirements.txt").read_text().splitlines()
        if "==" in line
    ]
    for pin in pins:
        name, version = pin.split("==")
        assert locked.get(name.lower().replace("_", "-")) == version, pin
