"""`pdp approvals` against a fake GitHub API (recorded JSON shapes, never the network):
a ledger change may record only approvers whose reviews approve the pull request."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from pdpkit.cli import approvals
from pdpkit.cli.main import build_parser
from pdpkit.platform.ledger import load_ledger, parse_time
from pdpkit.platform.promotion import promote, release
from pdpkit.spec.loader import load_stack
from tests.examples import scratch_project

LAB = "acme-onprem-local"
LEDGER = "releases/acme-lab.yaml"
IMAGE = f"harbor.lab.acme.example/orders/order-api@sha256:{'1' * 64}"
BASE, HEAD, OLD = "b" * 40, "h" * 40, "0" * 40
TOKEN = "ghs_fake_token_for_tests"
REVIEW_IDS = itertools.count(80000001)


class FakeGitHub:
    """Answers the endpoints `pdp approvals` reads, as the REST API shapes them: the pull
    request, its reviews, its files (docs.github.com/en/rest/pulls/pulls#list-pull-requests-
    files: ``filename``, ``status``…) and file contents at a commit."""

    def __init__(
        self,
        files: dict[str, bytes],
        reviews: list[dict[str, Any]],
        others: dict[str, bytes] | None = None,
    ) -> None:
        self.files = files
        self.reviews = reviews
        self.others = others or {}
        """Other files the pull request adds, by path (their content at the head)."""
        self.pull = {"user": {"login": "alice"}, "head": {"sha": HEAD}, "base": {"sha": BASE}}
        self.seen: list[tuple[str, str | None]] = []

    def changed(self) -> list[dict[str, Any]]:
        found = [{"filename": name, "status": "added"} for name in sorted(self.others)]
        if self.files.get(BASE) != self.files.get(HEAD):
            found.append({"filename": LEDGER, "status": "modified"})
        return [{"sha": "f" * 40, "additions": 1, "deletions": 0, **f} for f in found]

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if path == "/repos/acme/platform/pulls/7":
            return 200, json.dumps(self.pull).encode()
        if path in ("/repos/acme/platform/pulls/7/reviews", "/repos/acme/platform/pulls/7/files"):
            page, size = int(query["page"][0]), int(query["per_page"][0])
            items = self.reviews if path.endswith("reviews") else self.changed()
            return 200, json.dumps(items[(page - 1) * size : page * size]).encode()
        if path == f"/repos/acme/platform/contents/{LEDGER}":
            found = self.files.get(query["ref"][0])
            return (200, found) if found is not None else (404, b'{"message": "Not Found"}')
        prefix = "/repos/acme/platform/contents/"
        if path.startswith(prefix) and query["ref"][0] == HEAD:
            other = self.others.get(path[len(prefix) :])
            if other is not None:
                return 200, other
        return 404, b'{"message": "Not Found"}'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scratch_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def promoted(project: Path, approved_by: list[str]) -> bytes:
    """The ledger after alice promoted a new build to prod with `approved_by`."""
    from pdpkit.platform.ledger_write import save_ledger
    from pdpkit.platform.pipeline import promotion_order

    spec = load_stack(project, LAB).platform
    assert spec is not None
    ledger = load_ledger(spec, project)
    at = parse_time("2026-11-21T09:00:00Z")
    ledger = release(spec, ledger, "order-api", IMAGE, actor="ci", now=at).ledger
    ledger = promote(spec, ledger, "order-api", "test", approved_by=[], actor="ci", now=at).ledger
    ledger = promote(
        spec,
        ledger,
        "order-api",
        "prod",
        approved_by=approved_by,
        actor="alice",
        now=datetime(2026, 11, 21, 11, tzinfo=at.tzinfo),
    ).ledger
    base = (project / LEDGER).read_bytes()
    save_ledger(ledger, spec, project, promotion_order(spec))
    head = (project / LEDGER).read_bytes()
    (project / LEDGER).write_bytes(base)
    return head


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(fake: FakeGitHub) -> FakeGitHub:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                fake.seen.append((url.path, self.headers.get("Authorization")))
                status, body = fake.answer(url.path, parse_qs(url.query))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{server.server_address[1]}")
        monkeypatch.setenv("GITHUB_REPOSITORY", "acme/platform")
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        return fake

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def review(login: str, state: str = "APPROVED", commit: str = HEAD) -> dict[str, Any]:
    """One element of GitHub's REST "List reviews for a pull request" response, in the
    documented shape (docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request:
    ``id``, ``node_id``, ``user``, ``body``, ``state``, ``html_url``, ``pull_request_url``,
    ``_links``, ``submitted_at``, ``commit_id``, ``author_association``)."""
    number = next(REVIEW_IDS)
    return {
        "id": number,
        "node_id": f"PRR_kwDO{number}",
        "user": {
            "login": login,
            "id": number + 1,
            "node_id": f"U_kgDO{number}",
            "type": "User",
            "site_admin": False,
        },
        "body": "",
        "state": state,
        "html_url": f"https://github.com/acme/platform/pull/7#pullrequestreview-{number}",
        "pull_request_url": "https://api.github.com/repos/acme/platform/pulls/7",
        "author_association": "COLLABORATOR",
        "_links": {
            "html": {"href": f"https://github.com/acme/platform/pull/7#pullrequestreview-{number}"},
            "pull_request": {"href": "https://api.github.com/repos/acme/platform/pulls/7"},
        },
        "submitted_at": "2026-11-21T12:00:00Z",
        "commit_id": commit,
    }


def check(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    args = build_parser().parse_args(["approvals", "--stack", LAB, "--pr", "7"])
    code = approvals.run(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_recorded_approver_who_approved_the_head_commit_passes(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base = (project / LEDGER).read_bytes()
    fake = serve(FakeGitHub({BASE: base, HEAD: promoted(project, ["bob"])}, [review("Bob")]))
    code, out = check(capsys)
    assert code == 0, out
    assert all(auth == f"Bearer {TOKEN}" for _, auth in fake.seen)


@pytest.mark.parametrize(
    ("reviews", "expected"),
    [
        ([], "approvedBy names bob, who has not approved this pull request"),
        ([review("bob", commit=OLD)], "who has not approved this pull request at its head"),
        ([review("bob"), review("bob", "CHANGES_REQUESTED")], "who has not approved"),
        ([review("bob"), review("bob", "DISMISSED")], "who has not approved"),
        ([review("carol")], "approvedBy names bob, who has not approved"),
    ],
)
def test_a_typed_approval_nobody_gave_fails(
    project: Path,
    serve: Any,
    capsys: pytest.CaptureFixture[str],
    reviews: list[dict[str, Any]],
    expected: str,
) -> None:
    """Issue 16 #6: `pdp promote --approved-by bob` and push, without bob's review."""
    base = (project / LEDGER).read_bytes()
    serve(FakeGitHub({BASE: base, HEAD: promoted(project, ["bob"])}, reviews))
    code, out = check(capsys)
    assert code == 1 and "releases.order-api.prod: approvedBy names bob" in out
    assert expected in out


def test_the_author_cannot_be_a_recorded_approver(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base = (project / LEDGER).read_bytes()
    head = promoted(project, ["bob"])
    fake = FakeGitHub({BASE: base, HEAD: head}, [review("bob")])
    fake.pull["user"]["login"] = "BOB"
    serve(fake)
    code, out = check(capsys)
    assert code == 1 and "the author of this pull request" in out


def test_reviews_are_read_across_pages(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base = (project / LEDGER).read_bytes()
    comments = [review("someone", "COMMENTED") for _ in range(100)]
    serve(FakeGitHub({BASE: base, HEAD: promoted(project, ["bob"])}, [*comments, review("bob")]))
    assert check(capsys)[0] == 0


def test_a_hand_edited_ledger_in_the_pull_request_fails(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base = (project / LEDGER).read_bytes()
    document = yaml.safe_load(base)
    document["releases"]["order-api"]["prod"]["source"] = "release"
    forged = yaml.safe_dump(document, sort_keys=False).encode()
    serve(FakeGitHub({BASE: base, HEAD: forged}, []))
    code, out = check(capsys)
    assert (
        code == 1
        and "releases.order-api.prod: source release, but builds enter pipeline default" in out
    )


def test_without_a_token_it_says_what_to_set(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    code, out = check(capsys)
    assert code == 1 and "needs GITHUB_TOKEN" in out


def test_codeowners_gives_the_ledger_to_the_gate_approvers(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(["approvals", "--stack", LAB, "--codeowners"])
    assert approvals.run(args) == 0
    assert capsys.readouterr().out == f"/{LEDGER} @alice @bob @carol\n"


# --- the attacks of issue 16 #6, as pull requests ------------------------------------------


def _edited(raw: bytes, edit: Any) -> bytes:
    document = yaml.safe_load(raw)
    edit(document["releases"])
    return yaml.safe_dump(document, sort_keys=False).encode()


def test_a_promotion_without_any_approval_fails(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """An entry changed into a gated environment with nobody's approval recorded."""
    base = (project / LEDGER).read_bytes()

    def drop(releases: dict[str, Any]) -> None:
        releases["order-api"]["prod"]["approvedBy"] = []

    head = _edited(promoted(project, ["bob"]), drop)
    serve(FakeGitHub({BASE: base, HEAD: head}, [review("bob")]))
    code, out = check(capsys)
    assert code == 1 and "releases.order-api.prod: " in out and "needs 1 approval" in out


def test_an_approval_from_someone_the_gate_does_not_name_fails(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """dave really approved the pull request, but the prod gate counts bob, carol, alice."""
    base = (project / LEDGER).read_bytes()

    def dave(releases: dict[str, Any]) -> None:
        releases["order-api"]["prod"]["approvedBy"] = ["dave"]

    head = _edited(promoted(project, ["bob"]), dave)
    serve(FakeGitHub({BASE: base, HEAD: head}, [review("dave")]))
    code, out = check(capsys)
    assert code == 1 and "releases.order-api.prod: " in out and "needs 1 approval" in out


def test_the_promoter_approving_the_bots_pull_request_does_not_count(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workflow's pull request is authored by the bot; alice dispatched it (promotedBy)
    and approves it on GitHub — her approval is not an approval of her own promotion."""
    base = (project / LEDGER).read_bytes()

    def self_approved(releases: dict[str, Any]) -> None:
        releases["order-api"]["prod"]["approvedBy"] = ["alice"]

    head = _edited(promoted(project, ["bob"]), self_approved)
    fake = FakeGitHub({BASE: base, HEAD: head}, [review("alice")])
    fake.pull["user"]["login"] = "github-actions[bot]"
    serve(fake)
    code, out = check(capsys)
    assert code == 1 and "other than the promoter alice" in out


def test_the_bots_pull_request_passes_once_the_recorded_approver_approves(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base = (project / LEDGER).read_bytes()
    fake = FakeGitHub({BASE: base, HEAD: promoted(project, ["bob"])}, [])
    fake.pull["user"]["login"] = "github-actions[bot]"
    serve(fake)
    assert check(capsys)[0] == 1  # opened, nobody reviewed yet
    fake.reviews.append(review("bob"))
    code, out = check(capsys)
    assert code == 0, out


def test_removing_what_an_environment_runs_fails(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without its entry, prod would fall back to the bootstrap image, unreviewed."""
    base = (project / LEDGER).read_bytes()
    head = _edited(base, lambda releases: releases["order-api"].pop("prod"))
    serve(FakeGitHub({BASE: base, HEAD: head}, []))
    code, out = check(capsys)
    assert code == 1 and "releases.order-api.prod: the pull request removes this release" in out


def test_history_a_pull_request_makes_up_fails(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build "ran in test since last year": evidence for a later soak-free promotion."""
    base = (project / LEDGER).read_bytes()

    def backdate(releases: dict[str, Any]) -> None:
        forged = dict(releases["order-api"]["test"], image=IMAGE)
        forged.pop("history")
        forged["promotedAt"] = "2025-01-01T00:00:00Z"
        releases["order-api"]["test"]["history"] = [forged]

    serve(FakeGitHub({BASE: base, HEAD: _edited(base, backdate)}, []))
    code, out = check(capsys)
    assert code == 1 and "releases.order-api.test.history[0]: " in out
    assert "is not in the base branch's ledger" in out


def test_a_pull_request_without_ledger_changes_passes(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The check is required on every pull request: others must not wait on it."""
    base = (project / LEDGER).read_bytes()
    serve(FakeGitHub({BASE: base, HEAD: base}, []))
    code, out = check(capsys)
    assert code == 0, out


def test_a_second_ledger_slipped_in_with_a_new_ledger_path_fails(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The check reads the default branch's `ledger.path`; a pull request that also points
    it at a new file must not carry unverified entries there."""
    base = (project / LEDGER).read_bytes()
    forged = _edited(base, lambda r: r["order-api"]["prod"].update(image=IMAGE))
    moved = {"releases/acme-lab-v2.yaml": forged, "docs/notes.yaml": b"releases: [x]\n"}
    serve(FakeGitHub({BASE: base, HEAD: base}, [], moved))
    code, out = check(capsys)
    assert code == 1
    assert "releases/acme-lab-v2.yaml: a second release ledger of platform acme-lab" in out
    assert "docs/notes.yaml" not in out  # YAML, but no ledger of this platform


def test_moving_the_ledger_unchanged_passes(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base = (project / LEDGER).read_bytes()
    serve(FakeGitHub({BASE: base, HEAD: base}, [], {"releases/lab.yaml": base}))
    code, out = check(capsys)
    assert code == 0, out
