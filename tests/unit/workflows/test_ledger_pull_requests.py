"""Issue 16 #6: every ledger change reaches the default branch through a pull request.

No generated workflow pushes to the default branch: the promote, release and build
workflows commit the ledger to ``pdp/ledger/<platform>/<run>-<attempt>`` and open a pull
request (`gh pr create`); the merge's push is what `pdp-up.yml` deploys. The step that
does it is run here for real (bash, git, a bare remote, a recording stand-in for `gh`).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pdpkit.cli.ci import discover, pulumi_cli_version
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.generate import generate
from pdpkit.workflows.steps import pushes_only_ledger_branches
from pdpkit.workflows.values import UnsafeWorkflowValueError
from tests.examples import ROOT

LEDGER_WORKFLOWS = ("pdp-promote-", "pdp-release-", "pdp-build-")


@pytest.fixture(scope="module")
def stacks() -> list[tuple[str, StackSpec]]:
    return discover(ROOT)


@pytest.fixture(scope="module")
def workflows(stacks: list[tuple[str, StackSpec]]) -> dict[str, dict[str, Any]]:
    return {
        name: yaml.safe_load(text) for name, text in generate(stacks, pulumi_cli_version()).items()
    }


def default_branch_pushes(workflow: dict[str, Any]) -> list[str]:
    """Every `git push` of the workflow's scripts that could reach another branch than a
    freshly named ``pdp/ledger/…`` one (this test's own reading, not the generator's)."""
    found = []
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            script = step.get("run", "")
            branch = re.search(r'^branch="pdp/ledger/\$PLATFORM/[^"\n]*"$', script, re.M)
            for push in re.findall(r"git\s+push\b[^\n]*", script):
                if push != 'git push origin "HEAD:refs/heads/$branch"' or branch is None:
                    found.append(f"{job_name} / {step['name']}: {push}")
    return found


def test_no_generated_workflow_pushes_to_the_default_branch(
    workflows: dict[str, dict[str, Any]],
) -> None:
    opened = 0
    for name, workflow in workflows.items():
        assert default_branch_pushes(workflow) == [], name
        for job in workflow["jobs"].values():
            scripts = "\n".join(s.get("run", "") for s in job["steps"])
            assert "HEAD:$DEFAULT_BRANCH" not in scripts and "--force" not in scripts, name
            if "git push" in scripts:
                assert "gh pr create" in scripts, name  # every push opens a pull request
                opened += 1
    # promote and release per platform, and one build per tracked integration
    assert opened == 2 * 2 + sum(name.startswith("pdp-build-") for name in workflows)


@pytest.mark.parametrize(
    "push",
    [
        'git push origin "HEAD:$DEFAULT_BRANCH"',
        "git push origin HEAD:main",
        'git push --force origin "HEAD:refs/heads/$branch"',
        "git push",
    ],
)
def test_a_workflow_that_would_push_to_main_fails_the_audit(
    workflows: dict[str, dict[str, Any]], push: str
) -> None:
    tampered = yaml.safe_load(yaml.safe_dump(workflows["pdp-promote-acme.yml"]))
    step = tampered["jobs"]["promote"]["steps"][-1]
    step["run"] = step["run"].replace('git push origin "HEAD:refs/heads/$branch"', push)
    assert default_branch_pushes(tampered) != []
    with pytest.raises(UnsafeWorkflowValueError, match="a push other than to its own"):
        pushes_only_ledger_branches(tampered)


def test_each_ledger_job_opens_a_pull_request_with_least_privilege_and_queues(
    workflows: dict[str, dict[str, Any]],
) -> None:
    jobs = 0
    for name, workflow in workflows.items():
        if not name.startswith(LEDGER_WORKFLOWS):
            continue
        for job_name, job in workflow["jobs"].items():
            assert not any((s.get("with") or {}).get("command") for s in job["steps"]), name
            if job_name == "build":
                continue
            jobs += 1
            assert job["permissions"] == {"contents": "write", "pull-requests": "write"}, name
            assert job["concurrency"]["cancel-in-progress"] is False, name
            assert job["concurrency"]["queue"] == "max", name
            last = job["steps"][-1]
            assert last["env"]["GH_TOKEN"] == "${{ github.token }}", name
            assert "secrets." not in yaml.safe_dump(job), name  # the workflow token only
    assert jobs >= 7


def test_only_pdp_up_deploys_and_it_runs_on_the_merge(
    workflows: dict[str, dict[str, Any]],
) -> None:
    deploying = {
        name
        for name, workflow in workflows.items()
        for job in workflow["jobs"].values()
        if any((s.get("with") or {}).get("command") == "up" for s in job["steps"])
    }
    assert deploying == {"pdp-up.yml"}
    assert workflows["pdp-up.yml"]["on"]["push"] == {"branches": ["main"]}


def test_the_approvals_check_runs_on_pull_requests_without_their_code(
    workflows: dict[str, dict[str, Any]],
) -> None:
    for name in ("pdp-approvals-acme.yml", "pdp-approvals-acme-lab.yml"):
        workflow = workflows[name]
        assert set(workflow["on"]) == {"pull_request", "pull_request_review"}
        assert "pull_request_target" not in yaml.safe_dump(workflow)
        # a path filter would leave the required check pending on every other pull request
        assert "paths" not in workflow["on"]["pull_request"]
        (job,) = workflow["jobs"].values()
        assert job["permissions"] == {"contents": "read", "pull-requests": "read"}
        checkout = job["steps"][0]
        assert checkout["with"] == {
            "ref": "${{ github.event.repository.default_branch }}",
            "persist-credentials": False,
        }
        assert job["steps"][-1]["run"] == '.venv/bin/pdp approvals --stack "$STACK" --pr "$PR"\n'


# --- the step, run -----------------------------------------------------------------------

GH = """#!/bin/sh
printf '%s\\n' "$*" >> "$GH_LOG"
if [ "$1 $2" = "pr create" ]; then echo "https://github.com/acme/platform/pull/7"; fi
"""


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A clone of a bare remote whose main holds the ledger, the ledger then changed."""
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    _git("init", "--quiet", "--bare", "--initial-branch=main", str(remote), cwd=tmp_path)
    _git("clone", "--quiet", str(remote), str(work), cwd=tmp_path)
    (work / "releases").mkdir()
    (work / "releases" / "acme.yaml").write_text("platform: acme\nreleases: {}\n")
    for args in (
        ("config", "user.name", "t"),
        ("config", "user.email", "t@example.com"),
        ("checkout", "--quiet", "-b", "main"),
        ("add", "."),
        ("commit", "--quiet", "-m", "ledger"),
        ("push", "--quiet", "origin", "main"),
    ):
        _git(*args, cwd=work)
    (work / "releases" / "acme.yaml").write_text("platform: acme\nreleases: {a: {}}\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(GH)
    (bin_dir / "gh").chmod(stat.S_IRWXU)
    return work


def run_step(step: dict[str, Any], work: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    expressions = {
        "${{ github.event.repository.default_branch }}": "main",
        "${{ github.token }}": "ghs_test",
        "${{ github.repository }}": "acme/platform",
        "${{ inputs.integration }}": "order-api",
        "${{ inputs.environment }}": "prod",
    }
    env = {k: expressions.get(v, v) for k, v in step["env"].items()}
    env.update(
        {
            "PATH": f"{work.parent / 'bin'}:{os.environ['PATH']}",
            "HOME": str(work.parent),
            "GH_LOG": str(work.parent / "gh.log"),
            "GITHUB_RUN_ID": "4242",
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_ACTOR": "maria-acme",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "acme/platform",
            "GITHUB_STEP_SUMMARY": str(work.parent / "summary.md"),
        }
    )
    env.update(extra)
    # a `run:` without `shell:` runs as `bash -e {0}` where bash exists (docs.github.com,
    # "Workflow syntax for GitHub Actions", jobs.<job_id>.steps[*].shell)
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _pr_step(workflows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    step: dict[str, Any] = workflows["pdp-promote-acme.yml"]["jobs"]["promote"]["steps"][-1]
    return step


def test_the_step_pushes_a_ledger_branch_opens_a_pull_request_and_leaves_main_alone(
    workflows: dict[str, dict[str, Any]], checkout: Path
) -> None:
    remote = checkout.parent / "remote.git"
    main_before = _git("rev-parse", "main", cwd=remote)
    step = _pr_step(workflows)
    result = run_step(step, checkout, REVIEWERS="tom-acme, li-acme")
    assert result.returncode == 0, result.stderr
    assert _git("rev-parse", "main", cwd=remote) == main_before
    branch = "pdp/ledger/acme/4242-1"
    changed = _git("diff", "--name-only", "main", branch, cwd=remote)
    assert changed == "releases/acme.yaml"
    assert _git("log", "-1", "--format=%s", branch, cwd=remote) == "pdp: promote order-api to prod"
    calls = (checkout.parent / "gh.log").read_text().splitlines()
    assert calls[0].startswith(
        f"pr create --base main --head {branch} --title pdp: promote order-api to prod --body "
    )
    url = "https://github.com/acme/platform/pull/7"
    assert calls[1:] == [
        f"pr edit {url} --add-reviewer tom-acme",
        f"pr edit {url} --add-reviewer li-acme",
    ]


def test_hostile_reviewer_names_reach_gh_as_data_never_as_shell(
    workflows: dict[str, dict[str, Any]], checkout: Path
) -> None:
    hostile = "bob;touch${IFS}owned $(touch owned2) `touch owned3` --help -x"
    result = run_step(_pr_step(workflows), checkout, REVIEWERS=hostile)
    assert result.returncode == 0, result.stderr
    assert not any((checkout / n).exists() for n in ("owned", "owned2", "owned3"))
    requested = [
        line.rsplit(" ", 1)[1]
        for line in (checkout.parent / "gh.log").read_text().splitlines()
        if "--add-reviewer" in line
    ]
    assert requested == []  # none of these words is a GitHub login
    assert result.stdout.count("is not a GitHub login") == 7  # one per word


def test_an_unexpected_branch_name_stops_the_step_before_any_push(
    workflows: dict[str, dict[str, Any]], checkout: Path
) -> None:
    remote = checkout.parent / "remote.git"
    result = run_step(_pr_step(workflows), checkout, GITHUB_RUN_ID="1/../../main")
    assert result.returncode == 1 and "refusing the branch name" in result.stdout
    assert _git("branch", "--list", cwd=remote).split() == ["*", "main"]
    assert not (checkout.parent / "gh.log").exists()


def test_an_unchanged_ledger_opens_no_pull_request(
    workflows: dict[str, dict[str, Any]], checkout: Path
) -> None:
    _git("checkout", "--quiet", "--", "releases/acme.yaml", cwd=checkout)
    result = run_step(_pr_step(workflows), checkout)
    assert result.returncode == 0 and "no pull request" in result.stdout
    assert not (checkout.parent / "gh.log").exists()
