"""Approvals the forge can prove: the approvers a ledger change records must have approved
its pull request (issue 16 #6).

`pdp promote --approved-by NAME` is typed by whoever runs it. When ledger changes reach
the default branch only through pull requests (branch protection), and CI runs
`pdp approvals` on each, every name a changed entry records in ``approvedBy`` must be a
reviewer whose latest review of the pull request approves its head commit — and not the
pull request's author. Pure: the CLI fetches the reviews.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pdpkit.platform.ledger import Ledger
from pdpkit.platform.pipeline import approvers_of
from pdpkit.platform.promotion_identity import IdentityError, canonical, skeleton
from pdpkit.spec.platform import PlatformSpec


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
    """Why the approvals recorded by the ledger changes of a pull request are not proven."""
    approved = approving_reviewers(reviews, head_commit)
    problems = []
    for key, slot in sorted(head.slots.items()):
        before = base.slots.get(key)
        if before is not None and before.current == slot.current:
            continue
        where = f"releases.{key[0]}.{key[1]}"
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


def codeowners(platform: PlatformSpec) -> str:
    """A CODEOWNERS line giving the ledger to the approvers of every gate that requires
    approvals (GitHub logins, groups expanded), so branch protection asks them to review."""
    owners: set[str] = set()
    for pipeline in platform.pipelines:
        for gate in pipeline.gates:
            users = approvers_of(platform, gate) if gate.required_approvals else None
            owners.update(users or ())
    if not owners:
        return ""
    return f"/{platform.ledger.path} {' '.join(f'@{o}' for o in sorted(owners))}\n"
