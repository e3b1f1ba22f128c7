"""`pdp ci generate`: deterministic, equal to what the repository ships, schema-valid."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pdpkit.cli.ci import discover, fleet_stacks, pulumi_cli_version
from pdpkit.cli.main import main
from pdpkit.spec.ci import aws_cli_profile
from pdpkit.workflows.generate import generate
from pdpkit.workflows.steps import ACTIONS
from tests.examples import EXAMPLE_STACKS, ROOT, scratch_project

SHIPPED = ROOT / ".github" / "workflows"
LOGIN_ACTIONS = {
    ACTIONS[a][0].split("@")[0] for a in ("azure-login", "aws-credentials", "gcp-auth")
}


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    """The workflows of the example stacks in a project without fleet.yaml (every stack
    previewed, applied and drift-checked by the per-stack workflows)."""
    return generate(discover(ROOT), pulumi_cli_version())


def load(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def rendered(step: dict[str, Any]) -> str:
    """The step's script with its own ``$VAR`` / ``"$VAR"`` references replaced by the
    values its ``env:`` gives them (what the shell would run)."""
    script: str = step.get("run", "")
    for name, value in sorted((step.get("env") or {}).items(), key=lambda kv: -len(kv[0])):
        script = script.replace(f'"${name}"', str(value)).replace(f"${name}", str(value))
    return script


def test_generating_twice_gives_identical_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scratch_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / ".github" / "workflows"
    out.mkdir(parents=True)
    (out / "pdp-stale.yml").write_text("name: old\n")
    (out / "own.yml").write_text("name: mine\n")
    assert main(["ci", "generate"]) == 0
    first = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert main(["ci", "generate", "--out", str(out)]) == 0
    second = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert first == second
    assert "pdp-stale.yml" not in first and "own.yml" in first  # own workflows are kept
    capsys.readouterr()


def test_the_repository_ships_the_generated_workflows() -> None:
    """The repository's fleet.yaml groups every stack: its engine previews, applies and
    checks them, so the per-stack preview, up and drift workflows are not shipped."""
    files = generate(discover(ROOT), pulumi_cli_version(), fleet_stacks(ROOT))
    shipped = {p.name: p.read_text() for p in SHIPPED.glob("pdp-*.yml")}
    assert shipped == files, "run `pdp ci generate` and commit .github/workflows"
    assert fleet_stacks(ROOT) == set(EXAMPLE_STACKS)
    assert not {"pdp-preview.yml", "pdp-up.yml", "pdp-drift.yml"} & set(shipped)


@pytest.mark.slow
def test_workflows_pass_the_github_workflow_schema(files: dict[str, str], tmp_path: Path) -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    assert checker.exists(), (
        f"check-jsonschema is not installed next to {sys.executable}: "
        "run the README's setup command (pip install -e '.[dev]')"
    )
    for name, text in files.items():  # those of a project without fleet.yaml
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = sorted(str(p) for p in [*SHIPPED.glob("pdp-*.yml"), *tmp_path.glob("pdp-*.yml")])
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_schema_violation_would_be_caught(tmp_path: Path) -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    assert checker.exists(), (
        f"check-jsonschema is not installed next to {sys.executable}: "
        "run the README's setup command (pip install -e '.[dev]')"
    )
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


def test_one_job_per_stack_for_preview_up_and_drift(files: dict[str, str]) -> None:
    preview = load(files["pdp-preview.yml"])
    assert sorted(j for j in preview["jobs"] if j.startswith("plan-")) == [
        f"plan-{s}" for s in EXAMPLE_STACKS
    ]
    # a live preview only where a read-only identity is declared
    assert sorted(j for j in preview["jobs"] if j.startswith("preview-")) == [
        "preview-acme-azure-dev",
        "preview-acme-gcp-staging",
    ]
    assert "pull_request" in preview["on"]
    step = preview["jobs"]["preview-acme-gcp-staging"]["steps"][-1]
    assert step["uses"] == ACTIONS["pulumi"][0]
    assert step["with"]["command"] == "preview" and step["with"]["policyPacks"] == "policy"
    assert step["with"]["comment-on-pr"] is True
    up = load(files["pdp-up.yml"])
    assert up["on"]["push"]["branches"] == ["main"]
    assert {name: job["environment"] for name, job in up["jobs"].items()} == {
        f"up-{s}": f"stack-{s}" for s in EXAMPLE_STACKS
    }
    drift = load(files["pdp-drift.yml"])
    assert "schedule" in drift["on"]
    runs = [rendered(s) for job in drift["jobs"].values() for s in job["steps"]]
    assert sum(
        "pulumi refresh" in r and "--preview-only --expect-no-changes" in r for r in runs
    ) == len(EXAMPLE_STACKS)
    onprem = up["jobs"]["up-acme-onprem-local"]
    assert onprem["runs-on"] == ["self-hosted", "acme-onprem-local"]


def test_promote_workflow_opens_a_pull_request_asking_the_named_approvers(
    files: dict[str, str],
) -> None:
    workflow = load(files["pdp-promote-acme.yml"])
    inputs = workflow["on"]["workflow_dispatch"]["inputs"]
    assert inputs["environment"]["options"] == ["staging", "prod"]
    assert inputs["approvers"]["type"] == "string"
    assert list(workflow["jobs"]) == ["promote"]  # no rollout: the merge deploys (pdp-up)
    job = workflow["jobs"]["promote"]
    assert "environment" not in job  # deployment reviews are no approval source any more
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    promote, opened = job["steps"][-2:]
    assert promote["env"]["APPROVERS"] == opened["env"]["REVIEWERS"] == "${{ inputs.approvers }}"
    assert '--approved-by "$name"' in promote["run"] and "pdp promote" in promote["run"]
    script = rendered(opened)
    assert "git add releases/acme.yaml" in script
    assert 'branch="pdp/ledger/acme/$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT"' in script
    assert "gh pr create --base ${{ github.event.repository.default_branch }} " in script
    assert 'gh pr edit "$url" --add-reviewer "$name"' in script


def test_build_workflow_records_the_pushed_digest(files: dict[str, str]) -> None:
    workflow = load(files["pdp-build-acme-order-api.yml"])
    assert workflow["on"]["push"]["branches"] == ["release/1.2"]  # the integration's track
    record = workflow["jobs"]["record"]
    script = "\n".join(rendered(s) for s in record["steps"])
    assert "pdp release order-api --stack acme-aws-prod --image " in script
    assert "acmecr.azurecr.io/orders/order-api@${{ needs.build.outputs.digest }}" in script
    assert "gh pr create" in script
    assert sorted(workflow["jobs"]) == ["build", "record"]  # the merge deploys, not this


def test_actions_are_pinned(files: dict[str, str]) -> None:
    for name, text in files.items():
        for ref in re.findall(r"uses: (\S+)", text):
            action, _, version = ref.partition("@")
            assert version, f"{name}: {action} not pinned"
            assert re.fullmatch(r"[0-9a-f]{40}", version), ref


def test_no_expression_is_interpolated_into_scripts(files: dict[str, str]) -> None:
    for name, text in files.items():
        for job in load(text)["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), f"{name}: {step['name']}"


def test_no_yaml_anchors_or_escapes(files: dict[str, str]) -> None:
    # older GitHub runners reject anchors; escaped unicode makes reviews unreadable
    for name, text in files.items():
        assert "&id0" not in text and "*id0" not in text, name
        assert "\\u" not in text, name


def _stack_jobs(files: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(workflow, stack, job) for every job that runs pulumi against one stack."""
    found = []
    for name, text in files.items():
        for job in load(text)["jobs"].values():
            for step in job["steps"]:
                stack = (step.get("with") or {}).get("stack-name")
                run = rendered(step)
                if stack is None and "pulumi refresh --stack " in run:
                    stack = run.split("--stack ")[1].split()[0]
                if stack is not None:
                    found.append((name, stack, job))
                    break
    return found


def test_every_stack_job_runs_on_the_stacks_runner_never_a_github_hosted_one(
    files: dict[str, str],
) -> None:
    specs = dict(discover(ROOT))
    jobs = _stack_jobs(files)
    assert {stack for _, stack, _ in jobs} == set(EXAMPLE_STACKS)
    for workflow, stack, job in jobs:
        ci = specs[stack].dataplane.ci
        assert job["runs-on"] == list(ci.runs_on or ("self-hosted", stack)), (workflow, stack)
        assert not any(label.startswith("ubuntu-") for label in job["runs-on"])


def test_each_job_logs_in_as_the_stacks_ci_identity(files: dict[str, str]) -> None:
    specs = dict(discover(ROOT))
    for workflow, stack, job in _stack_jobs(files):
        dp = specs[stack].dataplane
        logins = [s for s in job["steps"] if s.get("uses", "").split("@")[0] in LOGIN_ACTIONS]
        # pull requests log in as the read-only preview identity, everything else deploys
        identity = dp.ci.preview_identity if workflow == "pdp-preview.yml" else dp.ci.identity
        if identity is None:
            assert dp.target.value == "onprem" and not logins
            continue
        (login,) = logins
        expected = {
            "azure": {"client-id": identity.client_id},
            "aws": {"role-to-assume": identity.role_arn},
            "gcp": {
                "workload_identity_provider": identity.workload_identity_provider,
                "service_account": identity.service_account,
            },
        }[dp.target.value]
        assert expected.items() <= login["with"].items(), (workflow, stack)
        pulumi = [s for s in job["steps"] if (s.get("with") or {}).get("stack-name") == stack]
        if dp.target.value == "azure" and pulumi:
            assert pulumi[0]["env"]["ARM_CLIENT_ID"] == identity.client_id
    for text in files.values():
        assert "${{ vars." not in text  # no identity the stack files do not declare


def test_the_aws_profile_the_kubeconfig_names_is_defined_before_pulumi_runs(
    files: dict[str, str],
) -> None:
    specs = dict(discover(ROOT))
    checked = 0
    for workflow, stack, job in _stack_jobs(files):
        dp = specs[stack].dataplane
        if dp.aws is None or dp.aws.assume_role_arn is None:
            continue
        names = [s["name"] for s in job["steps"]]
        define = next(s for s in job["steps"] if s["name"].startswith("Define the AWS CLI profile"))
        script = rendered(define)
        assert f"[profile {aws_cli_profile(dp.name)}]" in script
        assert f"role_arn = {dp.aws.assume_role_arn}" in script
        assert "credential_source = Environment" in script  # the OIDC login's credentials
        assert "external_id = $external_id" in script and "::add-mask::" in script
        assert f"--stack {stack})" in script
        assert define["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
        login = names.index("Assume the CI role in AWS (OIDC)")
        pulumi = next(
            i
            for i, s in enumerate(job["steps"])
            if (s.get("with") or {}).get("stack-name") == stack
            or "pulumi refresh" in s.get("run", "")
        )
        assert login < names.index(define["name"]) < pulumi, workflow
        checked += 1
    assert checked >= 2  # up and drift of acme-aws-prod (its previews are offline)


def test_every_bad_stack_is_reported_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scratch_project(tmp_path)
    (tmp_path / "stacks" / "Pulumi.a-bad.yaml").write_bytes("config: 1\n".encode("utf-16"))
    (tmp_path / "stacks" / "Pulumi.z-bad.yaml").write_text("a: &a [*a]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["ci", "generate", "--out", "wf"]) == 1
    err = capsys.readouterr().err
    assert "Pulumi.a-bad.yaml:1: the file is UTF-16" in err
    assert "Pulumi.z-bad.yaml:1 a[0]: recursive alias" in err
    assert "nothing written" in err and not (tmp_path / "wf").exists()


# --- CODEOWNERS: the ledgers belong to their gates' approvers ------------------------------

BLOCK = (
    "# BEGIN pdp ci generate: release ledgers owned by their gates' approvers\n"
    "# Written by `pdp ci generate` from the promotion gates; edit the gates, not\n"
    "# these lines. Lines above this block are yours and kept.\n"
    "/releases/acme.yaml @li-acme @maria-acme @tom-acme\n"
    "/releases/acme-lab.yaml @alice @bob @carol\n"
    "# END pdp ci generate\n"
)


def test_the_repository_ships_the_generated_codeowners_block() -> None:
    assert (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").endswith(BLOCK)


def test_codeowners_keeps_the_users_lines_and_ends_with_the_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scratch_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    owners = tmp_path / ".github" / "CODEOWNERS"
    owners.parent.mkdir()
    mine = "# ours\n*       @acme/platform-team\n/stacks/ @acme/platform-team\n"
    owners.write_text(mine)
    assert main(["ci", "generate"]) == 0
    assert owners.read_text() == mine + "\n" + BLOCK
    # a line the user adds after the block is kept, and the block moves back to the end
    owners.write_text(owners.read_text() + "/releases/ @mallory\n")
    assert main(["ci", "generate", "--check"]) == 1
    assert main(["ci", "generate"]) == 0
    assert owners.read_text() == mine + "/releases/ @mallory\n\n" + BLOCK
    assert main(["ci", "generate", "--check"]) == 0
    capsys.readouterr()


def test_codeowners_goes_into_the_file_github_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub reads the first of .github/, the root and docs/: a root CODEOWNERS of the
    user's must not be shadowed by a new .github/CODEOWNERS."""
    scratch_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "CODEOWNERS").write_text("* @acme/platform-team\n")
    assert main(["ci", "generate"]) == 0
    assert not (tmp_path / ".github" / "CODEOWNERS").exists()
    assert (tmp_path / "CODEOWNERS").read_text() == "* @acme/platform-team\n\n" + BLOCK
    capsys.readouterr()


def test_a_damaged_block_is_refused_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scratch_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    owners = tmp_path / ".github" / "CODEOWNERS"
    owners.parent.mkdir()
    owners.write_text(BLOCK.replace("# END pdp ci generate\n", ""))
    assert main(["ci", "generate"]) == 1
    err = capsys.readouterr().err
    assert "the generated block is damaged" in err and "nothing written" in err
    assert not (tmp_path / ".github" / "workflows").exists()


@pytest.mark.parametrize(
    "case",
    [
        (
            "release-managers: [bob, carol]",
            "release-managers: [bob, 'carol@acme.example']",
            "pdp:platform.groups.release-managers[1]",
            "'carol@acme.example'",
        ),
        (
            "approvers: [group:release-managers, alice]",
            "approvers: [group:release-managers, '@acme/release']",
            "pdp:platform.pipelines[0].gates[1].approvers[1]",
            "'@acme/release'",
        ),
    ],
)
def test_an_approver_that_is_no_github_login_is_a_located_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, str, str, str],
) -> None:
    old, new, key, value = case
    scratch_project(tmp_path)
    stack = tmp_path / "stacks" / "Pulumi.acme-onprem-local.yaml"
    text = stack.read_text()
    assert text.count(old) == 1
    line = text[: text.index(old)].count("\n") + 1
    where = f"stacks/Pulumi.acme-onprem-local.yaml:{line} {key}"
    stack.write_text(text.replace(old, new))
    monkeypatch.chdir(tmp_path)
    assert main(["ci", "generate"]) == 1
    err = capsys.readouterr().err
    assert f"{where}: {value} is not a GitHub login" in err and "nothing written" in err
    assert not (tmp_path / ".github").exists()


def test_owner_names_follow_githubs_login_grammar() -> None:
    from pdpkit.spec.approver_checks import is_github_login

    assert all(map(is_github_login, ["bob", "maria-acme", "a1", "x" * 39, "octo_acme"]))
    for bad in ["-bob", "bob-", "bo--b", "x" * 40, "bob smith", "@bob", "acme/team", "b\u00f6b"]:
        assert not is_github_login(bad), bad
