"""`pdp release / promote / rollback / releases` in a scratch copy of the repository.

The issue's "Done when": a build released, promoted step by step, refused when skipping an
environment or lacking approvals (nothing written), promoted with approvals, a newer build
released, promoted and rolled back; then the program deploys exactly the ledger's digests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pdpkit.cli import releases
from pdpkit.cli.main import build_parser, main
from pdpkit.platform.ledger import deployed_images, load_ledger, parse_time
from pdpkit.spec.loader import load_stack
from tests.examples import scratch_project

LAB = "acme-onprem-local"
LEDGER = "releases/acme-lab.yaml"
REPO = "harbor.lab.acme.example/orders/order-api"
B1 = f"{REPO}@sha256:{'1' * 64}"
B2 = f"{REPO}@sha256:{'2' * 64}"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of the repository's stacks, platform, ledgers and project file."""
    scratch_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTOR", raising=False)
    return tmp_path


class Pdp:
    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, at: str, *args: str) -> tuple[int, str]:
        """Run `pdp ARGS` with the clock at `at` (passed in code: nothing reads the env)."""
        code = releases.run(build_parser().parse_args(list(args)), clock=lambda: parse_time(at))
        captured = self.capsys.readouterr()
        output = captured.out + captured.err
        assert "Traceback" not in output
        return code, output

    def refused(self, project: Path, at: str, *args: str) -> str:
        """Run a command that must be refused; the ledger must not change (bytes, mtime)."""
        path = project / LEDGER
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        code, output = self(at, *args)
        assert code == 1, output
        assert "refused" in output
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
        assert sorted(p.name for p in path.parent.iterdir()) == ["acme-lab.yaml", "acme.yaml"]
        return output


@pytest.fixture
def pdp(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Pdp:
    return Pdp(capsys, monkeypatch)


def images(project: Path) -> dict[tuple[str, str], str]:
    platform = load_stack(project, LAB).platform
    assert platform is not None
    return dict(deployed_images(platform, project))


def test_done_when_scenario(project: Path, pdp: Pdp) -> None:
    bootstrap = images(project)[("order-api", "prod")]
    t0 = "2026-11-21T09:00:00Z"
    code, out = pdp(t0, "release", "order-api", "--stack", LAB, "--image", B1, "--by", "ci")
    assert code == 0 and "dev now runs" in out

    # skipping test: prod runs what test runs; the new build has not reached test
    out = pdp.refused(
        project,
        t0,
        "promote",
        "order-api",
        "--stack",
        LAB,
        "--to",
        "prod",
        "--by",
        "alice",
        "--approved-by",
        "bob",
    )
    assert "has not reached test" in out and "cannot be skipped" in out

    code, out = pdp(t0, "promote", "order-api", "--stack", LAB, "--to", "test", "--by", "alice")
    assert code == 0 and "test now runs" in out

    # prod: 1 approval from group:release-managers (bob, carol) or alice; 1h soak in test
    out = pdp.refused(
        project,
        "2026-11-21T11:00:00Z",
        "promote",
        "order-api",
        "--stack",
        LAB,
        "--to",
        "prod",
        "--by",
        "alice",
        "--approved-by",
        "alice",
        "--approved-by",
        "mallory",
    )
    assert "needs 1 approval(s)" in out and "mallory (not an approver of prod)" in out
    out = pdp.refused(
        project,
        "2026-11-21T09:30:00Z",
        "promote",
        "order-api",
        "--stack",
        LAB,
        "--to",
        "prod",
        "--by",
        "alice",
        "--approved-by",
        "bob",
    )
    assert "soak time of 1h" in out and "after 2026-11-21T10:00:00Z" in out
    code, out = pdp(
        "2026-11-21T11:00:00Z",
        "promote",
        "order-api",
        "--stack",
        LAB,
        "--to",
        "prod",
        "--by",
        "alice",
        "--approved-by",
        "bob",
    )
    assert code == 0 and "approved by bob" in out
    assert images(project)[("order-api", "prod")] == B1

    # a newer build all the way to prod, then prod rolled back to the previous one
    pdp("2026-11-22T09:00:00Z", "release", "order-api", "--stack", LAB, "--image", B2)
    pdp("2026-11-22T09:05:00Z", "promote", "order-api", "--stack", LAB, "--to", "test")
    code, _ = pdp(
        "2026-11-22T12:00:00Z",
        "promote",
        "order-api",
        "--stack",
        LAB,
        "--to",
        "prod",
        "--by",
        "alice",
        "--approved-by",
        "carol",
    )
    assert code == 0 and images(project)[("order-api", "prod")] == B2
    code, out = pdp(
        "2026-11-22T13:00:00Z",
        "rollback",
        "order-api",
        "--stack",
        LAB,
        "--env",
        "prod",
        "--by",
        "alice",
    )
    assert code == 0 and "prod now runs" in out

    deployed = images(project)
    assert deployed[("order-api", "dev")] == B2
    assert deployed[("order-api", "test")] == B2
    assert deployed[("order-api", "prod")] == B1
    ledger = load_ledger(load_stack(project, LAB).platform, project)  # type: ignore[arg-type]
    prod = ledger.get("order-api", "prod")
    assert prod is not None
    assert [r.image for r in prod.history] == [bootstrap]  # B2 was rolled back, B1 restored
    assert deployed == {k: s.current.image for k, s in ledger.slots.items()}
    _assert_plan_deploys(project, deployed)


def _assert_plan_deploys(project: Path, deployed: dict[tuple[str, str], str]) -> None:
    """`pdp plan` of the scratch copy: order-api's Deployments carry the ledger's digests."""
    from pdpkit.plan.run import plan_stack

    plan = plan_stack(project, LAB)
    found: dict[str, set[str]] = {}
    for resource in plan.resources:
        if resource.type != "kubernetes:apps/v1:Deployment":
            continue
        meta: dict[str, Any] = resource.inputs.get("metadata") or {}
        containers = resource.inputs["spec"]["template"]["spec"]["containers"]
        for container in containers:
            if container["image"].startswith(REPO + "@"):
                found.setdefault(str(meta.get("namespace")), set()).add(container["image"])
    by_env = {
        env: images_
        for namespace, images_ in found.items()
        for env in ("dev", "test", "prod")
        if namespace.split("-")[-1] == env or namespace == env
    }
    assert by_env == {env: {deployed[("order-api", env)]} for env in ("dev", "test", "prod")}


def test_cloud_platform_needs_two_release_managers(project: Path, pdp: Pdp) -> None:
    image = f"acmecr.azurecr.io/orders/order-api@sha256:{'3' * 64}"
    stack = "acme-azure-dev"
    pdp("2026-11-21T09:00:00Z", "release", "order-api", "--stack", stack, "--image", image)
    pdp("2026-11-21T09:00:00Z", "promote", "order-api", "--stack", stack, "--to", "staging")
    path = project / "releases/acme.yaml"
    before = path.read_bytes()
    code, out = pdp(
        "2026-11-22T10:00:00Z",
        "promote",
        "order-api",
        "--stack",
        "acme-aws-prod",
        "--to",
        "prod",
        "--by",
        "maria-acme",
        "--approved-by",
        "tom-acme",
    )
    assert code == 1 and "needs 2 approval(s) from group:acme-release-managers" in out
    assert path.read_bytes() == before
    code, out = pdp(
        "2026-11-22T10:00:00Z",
        "promote",
        "order-api",
        "--stack",
        "acme-aws-prod",
        "--to",
        "prod",
        "--by",
        "maria-acme",
        "--approved-by",
        "tom-acme",
        "--approved-by",
        "li-acme",
    )
    assert code == 0, out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["release", "order-api", "--stack", LAB, "--image", f"{REPO}:1.2.0"],
            "not pinned by digest",
        ),
        (["promote", "order-apy", "--stack", LAB, "--to", "test"], "did you mean 'order-api'?"),
        (["promote", "order-api", "--stack", LAB, "--to", "tset"], "did you mean 'test'?"),
        (["promote", "order-api", "--stack", LAB, "--to", "dev"], "first environment"),
        (["rollback", "order-api", "--stack", LAB, "--env", "prod"], "no earlier release"),
    ],
)
def test_refusals_write_nothing(project: Path, pdp: Pdp, args: list[str], expected: str) -> None:
    assert expected in pdp.refused(project, "2026-11-21T09:00:00Z", *args)


def test_unknown_stack_suggests_the_closest(project: Path, pdp: Pdp) -> None:
    code, out = pdp("2026-11-21T09:00:00Z", "releases", "--stack", "acme-onprem-lokal")
    assert code == 1 and "did you mean 'acme-onprem-local'?" in out


def test_the_environment_cannot_move_the_clock(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 #2: PDP_NOW=2099… once skipped the soak time; the product has no override."""
    monkeypatch.setenv("PDP_NOW", "2099-01-01T00:00:00Z")
    started = datetime.now(UTC).replace(microsecond=0)  # the ledger keeps seconds
    assert main(["release", "order-api", "--stack", LAB, "--image", B1, "--by", "ci"]) == 0
    assert main(["promote", "order-api", "--stack", LAB, "--to", "test", "--by", "ci"]) == 0
    capsys.readouterr()
    # prod needs 1h in test: refused now, whatever PDP_NOW says
    args = ["promote", "order-api", "--stack", LAB, "--to", "prod", "--by", "alice"]
    assert main([*args, "--approved-by", "bob"]) == 1
    assert "requires a soak time of 1h" in capsys.readouterr().err
    platform = load_stack(project, LAB).platform
    assert platform is not None
    test = load_ledger(platform, project).current("order-api", "test")
    assert test is not None and started <= test.promoted_at <= datetime.now(UTC)
    assert "PDP_NOW" not in Path(releases.__file__).read_text(encoding="utf-8")


def test_releases_json_contract(project: Path, pdp: Pdp) -> None:
    code, out = pdp("2026-11-21T09:00:00Z", "releases", "--stack", LAB, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert [(p["environment"], p["requiredApprovals"]) for p in document["pipeline"]] == [
        ("dev", 0),
        ("test", 0),
        ("prod", 1),
    ]
    keys = {
        "integration",
        "environment",
        "image",
        "revision",
        "promotedBy",
        "approvedBy",
        "promotedAt",
    }
    assert all(set(r) == keys for r in document["releases"])
    assert {(r["integration"], r["environment"]) for r in document["releases"]} == {
        (i, e)
        for i in ("order-api", "invoice-sync", "ledger-export")
        for e in ("dev", "test", "prod")
    }
    code, out = pdp("2026-11-21T09:00:00Z", "releases", "--stack", LAB)
    assert code == 0 and "dev → test → prod" in out


def _changed(pdp: Pdp, stack: str) -> dict[tuple[str, str], bool]:
    code, output = pdp("2026-11-22T10:00:00Z", "releases", "--stack", stack, "--format", "json")
    assert code == 0
    document = json.loads(output)
    drifted = {(d["integration"], d["environment"]) for d in document["configChanged"]}
    return {
        (r["integration"], r["environment"]): (r["integration"], r["environment"]) in drifted
        for r in document["releases"]
    }


@pytest.mark.parametrize("stack", [LAB, "acme-aws-prod"])
def test_the_shipped_ledgers_match_the_configuration(project: Path, pdp: Pdp, stack: str) -> None:
    changed = _changed(pdp, stack)
    assert changed and not any(changed.values())


def test_a_configuration_edit_after_a_release_is_flagged(project: Path, pdp: Pdp) -> None:
    stack_file = project / "stacks" / f"Pulumi.{LAB}.yaml"
    text = stack_file.read_text()
    assert 'PAGE_SIZE: "50"' in text
    stack_file.write_text(text.replace('PAGE_SIZE: "50"', 'PAGE_SIZE: "100"'))
    changed = _changed(pdp, LAB)
    assert changed[("order-api", "dev")] and changed[("order-api", "prod")]
    assert not changed[("invoice-sync", "dev")]
    code, output = pdp("2026-11-22T10:00:00Z", "releases", "--stack", LAB)
    assert code == 0 and "config changed" in output


def test_one_approver_spelt_twice_does_not_pass_a_two_approval_gate(
    project: Path, pdp: Pdp
) -> None:
    """Issue 16 #3 as reported: `--approved-by mallory --approved-by MALLORY` counted twice,
    and `--by "bob "` could approve as bob."""
    image = f"acmecr.azurecr.io/orders/order-api@sha256:{'3' * 64}"
    pdp(
        "2026-11-21T09:00:00Z",
        "release",
        "order-api",
        "--stack",
        "acme-azure-dev",
        "--image",
        image,
    )
    pdp(
        "2026-11-21T09:00:00Z",
        "promote",
        "order-api",
        "--stack",
        "acme-azure-dev",
        "--to",
        "staging",
    )
    prod = ["promote", "order-api", "--stack", "acme-aws-prod", "--to", "prod"]
    path = project / "releases/acme.yaml"
    before = path.read_bytes()
    code, out = pdp(
        "2026-11-22T10:00:00Z",
        *prod,
        "--by",
        "maria-acme",
        "--approved-by",
        "tom-acme",
        "--approved-by",
        "TOM-ACME ",
    )
    assert code == 1 and "got 1 (tom-acme)" in out
    code, out = pdp(
        "2026-11-22T10:00:00Z",
        *prod,
        "--by",
        "tom-acme ",
        "--approved-by",
        "Tom-Acme",
        "--approved-by",
        "li-acme",
    )
    assert code == 1 and "tom-acme (the promoter cannot approve their own promotion)" in out
    assert path.read_bytes() == before
