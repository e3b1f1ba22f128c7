"""`pdp approvals`: check in CI that a pull request's ledger changes record only approvals
its reviews prove (issue 16 #6), or print the ledger's CODEOWNERS line.

Reads the pull request, its reviews and the ledger at its base and head commits through
the GitHub REST API with the workflow's token (``GITHUB_TOKEN`` or ``GH_TOKEN``; API at
``GITHUB_API_URL``, repository ``GITHUB_REPOSITORY``, both set by GitHub Actions).
Exit 0 when every changed entry verifies and every recorded approver approved, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any

from pdpkit.cli.main import EXIT_INVALID, EXIT_OK
from pdpkit.platform.ledger import Ledger, parse_ledger
from pdpkit.platform.ledger_verify import verify_ledger
from pdpkit.platform.promotion_reviews import (
    Review,
    codeowners,
    other_ledger_problems,
    review_problems,
)
from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import find_project_root, load_stack
from pdpkit.spec.platform import PlatformSpec

API_VERSION = "2022-11-28"
"""``X-GitHub-Api-Version`` sent (docs.github.com/rest/about-the-rest-api/api-versions)."""


MAX_LISTED_FILES = 3000
"""Files GitHub's "List pull requests files" returns at most (docs.github.com/en/rest/pulls/
pulls#list-pull-requests-files)."""


class GitHubError(Exception):
    """The API could not be read; the message says what and how to fix it."""


class GitHub:
    """The few REST calls `pdp approvals` needs (urllib: no client library)."""

    def __init__(self, api: str, repository: str, token: str) -> None:
        self.api = api.rstrip("/")
        self.repository = repository
        self.token = token

    def _get(self, path: str, accept: str = "application/vnd.github+json") -> bytes:
        request = urllib.request.Request(  # noqa: S310 (an https API URL from the runner)
            f"{self.api}/repos/{self.repository}/{path}",
            headers={
                "Accept": accept,
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "pdpkit",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as error:
            error.close()
            if error.code == 404:
                raise FileNotFoundError(path) from None
            raise GitHubError(
                f"GET {path}: HTTP {error.code}; the token needs `pull-requests: read` and "
                "`contents: read` (workflow permissions)"
            ) from None
        except urllib.error.URLError as error:
            raise GitHubError(f"GET {path}: {error.reason}") from None

    def pull(self, number: int) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self._get(f"pulls/{number}"))
        return found

    def reviews(self, number: int) -> list[Review]:
        """Every review, oldest first (pages of 100, the API's maximum)."""
        found: list[Review] = []
        page = 1
        while True:
            batch = json.loads(self._get(f"pulls/{number}/reviews?per_page=100&page={page}"))
            found += [
                Review(str((r.get("user") or {}).get("login") or ""), r["state"], r["commit_id"])
                for r in batch
            ]
            if len(batch) < 100:
                return found
            page += 1

    def changed_files(self, number: int) -> list[tuple[str, str]]:
        """(filename, status) of every file the pull request changes (REST "List pull
        requests files", pages of 100; GitHub lists at most 3000 files)."""
        found: list[tuple[str, str]] = []
        page = 1
        while True:
            batch = json.loads(self._get(f"pulls/{number}/files?per_page=100&page={page}"))
            found += [(str(f["filename"]), str(f["status"])) for f in batch]
            if len(batch) < 100:
                return found
            page += 1

    def file(self, path: str, ref: str) -> bytes | None:
        """The file at `ref` (raw media type), or None where it does not exist."""
        quoted = urllib.parse.quote(path)
        try:
            return self._get(f"contents/{quoted}?ref={ref}", "application/vnd.github.raw+json")
        except FileNotFoundError:
            return None


def run(args: argparse.Namespace) -> int:
    try:
        root = find_project_root()
        spec = load_stack(root, args.stack)
        if spec.platform is None:
            print(f"pdp approvals: stack {args.stack} has no platform", file=sys.stderr)
            return EXIT_INVALID
        if args.codeowners:
            print(codeowners(spec.platform), end="")
            return EXIT_OK
        if args.pr is None:
            print("pdp approvals: give --pr NUMBER (or --codeowners)", file=sys.stderr)
            return EXIT_INVALID
        problems = check_pull_request(spec.platform, _github(args), args.pr)
    except SpecError as error:
        for located in error.problems:
            print(located.render(), file=sys.stderr)
        return EXIT_INVALID
    except GitHubError as error:
        print(f"pdp approvals: {error}", file=sys.stderr)
        return EXIT_INVALID
    for problem in problems:
        print(f"pdp approvals: {problem}", file=sys.stderr)
    if not problems:
        print(f"pdp approvals: every approval the ledger changes of #{args.pr} record is proven")
    return EXIT_INVALID if problems else EXIT_OK


def _github(args: argparse.Namespace) -> GitHub:
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    repository = args.repo or os.environ.get("GITHUB_REPOSITORY")
    if not token or not repository:
        raise GitHubError(
            "needs GITHUB_TOKEN (or GH_TOKEN) and GITHUB_REPOSITORY (or --repo OWNER/NAME); "
            "in a workflow pass `env: {GITHUB_TOKEN: ${{ github.token }}}`"
        )
    return GitHub(os.environ.get("GITHUB_API_URL") or "https://api.github.com", repository, token)


def check_pull_request(platform: PlatformSpec, github: GitHub, number: int) -> list[str]:
    """Problems of pull request `number`: entries the pipeline did not produce, and
    recorded approvers whose reviews do not approve its head commit."""
    pull = github.pull(number)
    author = str(pull["user"]["login"])
    head_commit = str(pull["head"]["sha"])
    base_raw = github.file(platform.ledger.path, str(pull["base"]["sha"]))
    base = _ledger(platform, base_raw)
    head = _ledger(platform, github.file(platform.ledger.path, head_commit))
    problems = [str(p) for p in verify_ledger(platform, head, now=datetime.now(UTC))]
    problems += review_problems(
        base, head, github.reviews(number), author=author, head_commit=head_commit
    )
    files = github.changed_files(number)
    if len(files) >= MAX_LISTED_FILES:
        problems.append(
            f"the pull request changes {len(files)} files or more, GitHub lists at most "
            f"{MAX_LISTED_FILES}: split it so that every file can be checked"
        )
    changed = {
        name: raw
        for name, status in files
        if status != "removed"
        and name.endswith((".yaml", ".yml"))
        and (raw := github.file(name, head_commit)) is not None
    }
    return problems + other_ledger_problems(platform, base_raw, changed)


def _ledger(platform: PlatformSpec, raw: bytes | None) -> Ledger:
    return Ledger(platform.name) if raw is None else parse_ledger(raw, platform)
