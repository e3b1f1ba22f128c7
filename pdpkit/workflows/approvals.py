"""`pdp-approvals-<platform>.yml`: the required status check that ledger approvals are real.

On every pull request and every review of one, `pdp approvals` reads the pull request, its
reviews and its ledger at base and head through the REST API, and fails when a changed
entry records an approver whose latest review does not approve the head commit (or who
authored the pull request), when an entry the pipeline could not have produced is in it,
when an entry is removed or history added, or when another changed file is a second
ledger of the platform. Make the job a required status check of the
default branch (docs/promotion.md, "Repository setup").

It runs on ``pull_request`` and ``pull_request_review`` — never ``pull_request_target``
— with a read-only token, and it never checks out or runs the pull request's code: `pdp`
and the gates it applies come from the default branch's checkout, the pull request's
ledger is read through the API as data. (The workflow file itself is taken from the pull
request's merge commit, GitHub's rule for these events; CODEOWNERS on ``.github/`` makes
a change to it need its owners' review.) It has no ``paths:`` filter on purpose: a
required check whose workflow a path filter skips stays pending and blocks every other
pull request (docs.github.com, "Troubleshooting required status checks", "Handling
skipped but required checks"); without ledger changes the check passes at once.
Pull requests opened by the ledger workflows' token start no ``pull_request`` run (GitHub's
rule for ``GITHUB_TOKEN`` events); their check runs on the first review.
"""

from __future__ import annotations

from typing import Any

from pdpkit.spec.platform import PlatformSpec
from pdpkit.workflows.steps import DEFAULT_BRANCH, Stacks, checkout, setup_pdpkit
from pdpkit.workflows.values import checked


def check_name(platform: PlatformSpec) -> str:
    """The job name: the status check branch protection requires."""
    return f"ledger approvals ({checked('name', platform.name)})"


def approvals_workflow(platform: PlatformSpec, members: Stacks) -> dict[str, Any]:
    stack = checked("stack", members[0][0])
    return {
        "name": f"pdp approvals ({platform.name})",
        "on": {
            "pull_request": {"types": ["opened", "synchronize", "reopened", "edited"]},
            "pull_request_review": {"types": ["submitted", "edited", "dismissed"]},
        },
        "permissions": {"contents": "read", "pull-requests": "read"},
        "jobs": {
            "approvals": {
                "name": check_name(platform),
                "runs-on": "ubuntu-latest",
                "permissions": {"contents": "read", "pull-requests": "read"},
                "steps": [
                    # the default branch's pdpkit and gates, never the pull request's code
                    checkout(DEFAULT_BRANCH, keep_token=False),
                    *setup_pdpkit(),
                    {
                        "name": "pdp approvals",
                        "env": {
                            "GITHUB_TOKEN": "${{ github.token }}",
                            "PR": "${{ github.event.pull_request.number }}",
                            "STACK": stack,
                        },
                        "run": '.venv/bin/pdp approvals --stack "$STACK" --pr "$PR"\n',
                    },
                ],
            }
        },
    }
