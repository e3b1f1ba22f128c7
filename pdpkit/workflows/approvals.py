"""`pdp-approvals-<platform>.yml`: the required status check that ledger approvals are real.

On every pull request (and every review of one), `pdp approvals` reads the pull request's
reviews and its ledger at base and head through the API, and fails when a changed entry
records an approver whose review does not approve the head commit, or an entry the
pipeline could not have produced. Make it a required status check of the default branch
(docs/promotion.md, "Repository setup").

It runs as ``pull_request_target``: the workflow and `pdp` come from the default branch,
never from the pull request (whose code could otherwise make the check pass), and the
pull request's files are read as data through the API, never checked out or run. The
token can only read.
"""

from __future__ import annotations

from typing import Any

from pdpkit.spec.platform import PlatformSpec
from pdpkit.workflows.steps import DEFAULT_BRANCH, Stacks, checkout, setup_pdpkit
from pdpkit.workflows.values import checked


def approvals_workflow(platform: PlatformSpec, members: Stacks) -> dict[str, Any]:
    stack = checked("stack", members[0][0])
    return {
        "name": f"pdp approvals ({platform.name})",
        "on": {
            "pull_request_target": {"types": ["opened", "synchronize", "reopened"]},
            "pull_request_review": {"types": ["submitted", "dismissed"]},
        },
        "permissions": {"contents": "read", "pull-requests": "read"},
        "jobs": {
            "approvals": {
                "name": f"ledger approvals ({platform.name})",
                "runs-on": "ubuntu-latest",
                "steps": [
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
