"""Approvals the forge can prove: the approvers a ledger change records must have approved
its pull request (issue 16 #6).

`pdp promote --approved-by NAME` is typed by whoever runs it, so a recorded name is a
claim. Ledger changes reach the default branch only through pull requests (the generated
workflows open one per change; branch protection requires this check), and `pdp
approvals` proves each claim: every name a changed entry records in ``approvedBy`` must
be a reviewer whose latest deciding review approves the head commit — and not the pull
request's author. A pull request may not remove what an environment runs, nor add
history `pdp` did not write. `ledger_owners` names the CODEOWNERS of a ledger. Pure: the
CLI fetches the reviews.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import yaml

from pdpkit.platform.ledger import Ledger, Release, Slot, format_time
from pdpkit.platform.pipeline import approvers_of
from pdpkit.platform.promotion import short
from pdpkit.platform.promotion_identity import IdentityError, canonical, skeleton
from pdpkit.spec.approver_checks import GITHUB_LOGIN_RULE, is_github_login
from pdpkit.spec.platform import PlatformSpec


class OwnerError(ValueError):
    """A gate approver that cannot be written into CODEOWNERS (not a GitHub login)."""


@dataclass(frozen=True)
class Review:
    """One review of a pull request, as the GitHub REST API lists it."""

    login: str
    """``user.login`` of the reviewer."""
    state: str
    """``APPROVED``, ``CHANGES_REQUESTED``, ``COMMENTED``, ``DISMISSED`` or ``PENDING``."""
    commit: str
    """``commit_id``: the commit the review was given on."""


def approving_reviewers(reviews: Iterable[Review], head: str) -> frozenset[str]:
    """Canonical logins whose latest deciding review approves commit `head`.

    Reviews come in chronological order (GitHub REST "List reviews for a pull request",
    docs.github.com/rest/pulls/reviews); a comment decides nothing, a later change request
    or dismissal withdraws an approval, and an approval of an older commit does not
    cover commits pushed after it.
    """
    latest: dict[str, Review] = {}
    for review in reviews:
        if review.state in {"APPROVED", "CHANGES_REQUESTED", "DISMISSED"}:
            try:
                latest[canonical(review.login)] = review
            except IdentityError:
                continue
    return frozenset(
        login for login, r in latest.items() if r.state == "APPROVED" and r.commit == head
    )


def review_problems(
    base: Ledger, head: Ledger, reviews: Iterable[Review], *, author: str, head_commit: str
) -> list[str]:
    """Why the ledger changes of a pull request are not proven by its reviews.

    - every name a changed current release records in ``approvedBy`` must be a reviewer
      whose latest deciding review approves `head_commit`, and not the author;
    - no current release may disappear (the environment would fall back to the bootstrap
      image unreviewed): roll back with `pdp rollback` instead;
    - history only loses releases or gains the release it replaced: a release added to
      an environment's history that the base never had is made-up evidence (that a build
      ran there, for how long) for a later promotion.
    """
    approved = approving_reviewers(reviews, head_commit)
    problems = []
    for key in sorted(base.slots.keys() - head.slots.keys()):
        problems.append(
            f"releases.{key[0]}.{key[1]}: the pull request removes this release; a ledger "
            "change never removes what an environment runs (use `pdp rollback`)"
        )
    for key, slot in sorted(head.slots.items()):
        before = base.slots.get(key)
        where = f"releases.{key[0]}.{key[1]}"
        problems += _history_problems(where, before, slot.history)
        if before is not None and before.current == slot.current:
            continue
        for name in slot.current.approved_by:
            try:
                login = canonical(name)
            except IdentityError as error:
                problems.append(f"{where}: approvedBy: {error}")
                continue
            if skeleton(login) == skeleton(author):
                problems.append(
                    f"{where}: approvedBy names {login}, the author of this pull request; "
                    "an author cannot approve their own change"
                )
            elif login not in approved:
                problems.append(
                    f"{where}: approvedBy names {login}, who has not approved this pull "
                    f"request at its head commit {head_commit[:12]}; ask {login} to review "
                    "and approve it, or remove the name"
                )
    return problems


def _history_problems(where: str, before: Slot | None, history: Iterable[Release]) -> list[str]:
    known = set(before.releases) if before is not None else set()
    return [
        f"{where}.history[{i}]: {short(r.image)} ({r.source}, {format_time(r.promoted_at)}) "
        "is not in the base branch's ledger; a pull request may only change what runs "
        "now — history is written by `pdp` (one command per pull request)"
        for i, r in enumerate(history)
        if r not in known
    ]


def other_ledger_problems(
    platform: PlatformSpec, base_ledger: bytes | None, changed: Mapping[str, bytes]
) -> list[str]:
    """Changed files (path → content at the head) that are a ledger of `platform` other
    than its ledger file: the check reads `platform.ledger.path` of the default branch,
    so a pull request that also switched ``ledger.path`` to a new file would carry entries
    nobody verified. A pure move (the same content as the base's ledger) is allowed."""
    problems = []
    for path, raw in sorted(changed.items()):
        if path == platform.ledger.path or raw == base_ledger:
            continue
        try:
            data = yaml.safe_load(raw)
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
            continue  # not YAML: no ledger the program would read
        if isinstance(data, dict) and data.get("platform") == platform.name and "releases" in data:
            problems.append(
                f"{path}: a second release ledger of platform {platform.name} (the ledger is "
                f"{platform.ledger.path}); move the ledger in a pull request of its own, "
                "unchanged, and change its entries with `pdp` afterwards"
            )
    return problems


def ledger_owners(platform: PlatformSpec) -> list[str]:
    """``@login`` of every approver of every gate that requires approvals (groups
    expanded), sorted: the ledger's code owners, so branch protection asks them to review.

    Raises `OwnerError` for a name that is not a GitHub login (`pdp validate` refuses it
    first, located in the file).
    """
    owners: set[str] = set()
    for pipeline in platform.pipelines:
        for gate in pipeline.gates:
            users = approvers_of(platform, gate) if gate.required_approvals else None
            owners.update(users or ())
    for owner in owners:
        if not is_github_login(owner):
            raise OwnerError(
                f"refusing to write {owner!r} into CODEOWNERS: {GITHUB_LOGIN_RULE} "
                "(run `pdp validate`)"
            )
    return [f"@{o}" for o in sorted(owners)]


def codeowners(platform: PlatformSpec, prefix: str = "") -> str:
    """The CODEOWNERS line giving the ledger (at `prefix` + its path from the repository
    root) to `ledger_owners`; "" when no gate requires approvals."""
    owners = ledger_owners(platform)
    return f"/{prefix}{platform.ledger.path} {' '.join(owners)}\n" if owners else ""
