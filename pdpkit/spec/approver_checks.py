"""Gate approvers and group members are GitHub logins: approvals are proven by the pull
request reviews of these users (`pdp approvals`), and the ledger's CODEOWNERS lines name
them (``@login``), so a name GitHub cannot resolve would prove nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdpkit.spec.findings import Finding
from pdpkit.spec.platform import PlatformSpec

GITHUB_LOGIN = re.compile(r"(?=.{1,39}$)[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:_[A-Za-z0-9]+)?")
"""A GitHub login: letters, digits and single hyphens, neither first nor last, at most 39
characters (GitHub's sign-up rule); an Enterprise Managed User's ``_shortcode`` suffix is
allowed."""
GITHUB_LOGIN_RULE = (
    "a GitHub login is letters, digits and single hyphens (not first or last), at most 39 "
    "characters"
)


def is_github_login(name: str) -> bool:
    return GITHUB_LOGIN.fullmatch(name) is not None


def approver_problems(platform: PlatformSpec) -> Iterator[Finding]:
    for i, pipeline in enumerate(platform.pipelines):
        for j, gate in enumerate(pipeline.gates):
            for k, approver in enumerate(gate.approvers):
                if not approver.startswith("group:") and not is_github_login(approver):
                    yield (
                        f"platform.pipelines[{i}].gates[{j}].approvers[{k}]",
                        f"{approver!r} is not a GitHub login ({GITHUB_LOGIN_RULE}); approvals "
                        "are proven by this user's pull request reviews: write their login, "
                        "or group:NAME for a group",
                    )
    for group, members in platform.groups.items():
        for k, member in enumerate(members):
            if not is_github_login(member):
                yield (
                    f"platform.groups.{group}[{k}]",
                    f"{member!r} is not a GitHub login ({GITHUB_LOGIN_RULE}); approvals are "
                    "proven by this user's pull request reviews: write their login",
                )
