"""Workflows that change the release ledger: promote, release (record), build.

Each runs its ledger job alone per platform (a concurrency group that queues), writes the
ledger with `pdp`, commits it to a new branch ``pdp/ledger/<platform>/<run>`` and opens a
pull request into the default branch — it never pushes to the default branch. The pull
request merges once its approvals are proven (`pdp-approvals-<platform>.yml`, branch
protection, CODEOWNERS), and that merge's push runs ``pulumi up`` (`pdp-up.yml`; for a fleet's
stacks ``fleet-up.yml``, or the operator once rendered at the merge commit): these
workflows deploy nothing themselves. Only the default branch's workflow writes (a job
condition); a build releases only from its track branch, and only where that branch is
the default branch or protected (``github.ref_protected``).
"""

from __future__ import annotations

from typing import Any

from pdpkit.platform.pipeline import pipeline_of, promotion_order
from pdpkit.spec.platform import PlatformSpec
from pdpkit.workflows.steps import (
    DEFAULT_BRANCH,
    ON_DEFAULT_BRANCH,
    Stacks,
    checkout,
    ledger_pull_request,
    setup_pdpkit,
    uses,
)
from pdpkit.workflows.values import checked

LEDGER_PERMISSIONS = {"contents": "write", "pull-requests": "write"}
"""A ledger job pushes its branch and opens a pull request; nothing else."""


def _ledger_job_base(platform: PlatformSpec, condition: str = ON_DEFAULT_BRANCH) -> dict[str, Any]:
    return {
        "runs-on": "ubuntu-latest",
        "if": condition,
        # queue every ledger job: by default a group keeps one pending run and cancels the
        # one before it, losing a release; `queue: max` keeps up to 100 pending, in order
        # (GitHub changelog 2026-05-07 "concurrency groups now allow larger queues"; the
        # key is in check-jsonschema 0.39.0's vendored github-workflows schema)
        "concurrency": {
            "group": f"pdp-ledger-{checked('name', platform.name)}",
            "cancel-in-progress": False,
            "queue": "max",
        },
        "permissions": dict(LEDGER_PERMISSIONS),
    }


def promote_workflow(platform: PlatformSpec, members: Stacks) -> dict[str, Any]:
    order = promotion_order(platform)
    pipelines = [pipeline_of(platform, p) for p in platform.pipelines]
    targets = [e for e in order if any(p.predecessors.get(e) for p in pipelines)]
    stack = checked("stack", members[0][0])
    inputs_env = {
        "INTEGRATION": "${{ inputs.integration }}",
        "TARGET": "${{ inputs.environment }}",
    }
    # The approvers are named by whoever dispatches: `pdp promote` checks them against the
    # gate (members, count, not the promoter) and records them; the pull request asks each
    # of them to review, and `pdp approvals` fails it until each one has approved it.
    script = (
        "approvals=()\n"
        'read -r -a names <<< "${APPROVERS//,/ }"\n'
        'for name in "${names[@]}"; do approvals+=(--approved-by "$name"); done\n'
        '.venv/bin/pdp promote "$INTEGRATION" --stack "$STACK" --to "$TARGET" '
        '--by "$GITHUB_ACTOR" "${approvals[@]}"\n'
    )
    promote_job = {
        "name": "promote ${{ inputs.integration }} to ${{ inputs.environment }}",
        **_ledger_job_base(platform),
        "steps": [
            checkout(DEFAULT_BRANCH),
            *setup_pdpkit(),
            {
                "name": "pdp promote (the approvers named: claims their reviews must prove)",
                "env": {**inputs_env, "APPROVERS": "${{ inputs.approvers }}", "STACK": stack},
                "run": script,
            },
            ledger_pull_request(
                platform.name,
                platform.ledger.path,
                "pdp: promote $INTEGRATION to $TARGET",
                inputs_env,
                reviewers="${{ inputs.approvers }}",
            ),
        ],
    }
    inputs = {
        "integration": {
            "description": "integration to promote",
            "required": True,
            "type": "choice",
            "options": sorted(checked("name", i.name) for i in platform.integrations),
        },
        "environment": {
            "description": "environment to promote into (from its predecessor)",
            "required": True,
            "type": "choice",
            "options": [checked("name", t) for t in targets],
        },
        "approvers": {
            "description": "GitHub logins of the gate's approvers who will approve the pull "
            "request (space- or comma-separated); empty where the gate needs none",
            "required": False,
            "type": "string",
            "default": "",
        },
    }
    return {
        "name": f"pdp promote ({platform.name})",
        "on": {"workflow_dispatch": {"inputs": inputs}},
        "permissions": {"contents": "read"},
        "jobs": {"promote": promote_job},
    }


def release_workflow(platform: PlatformSpec, members: Stacks) -> dict[str, Any]:
    env = {
        "INTEGRATION": "${{ inputs.integration || github.event.client_payload.integration }}",
        "IMAGE": "${{ inputs.image || github.event.client_payload.image }}",
        "STACK": checked("stack", members[0][0]),
    }
    record = {
        "name": "record a build in the ledger",
        **_ledger_job_base(platform),
        "steps": [
            checkout(DEFAULT_BRANCH),
            *setup_pdpkit(),
            {
                "name": "pdp release",
                "env": env,
                "run": '.venv/bin/pdp release "$INTEGRATION" --stack "$STACK" --image "$IMAGE" '
                '--by "$GITHUB_ACTOR"\n',
            },
            ledger_pull_request(
                platform.name, platform.ledger.path, "pdp: release $INTEGRATION $IMAGE", env
            ),
        ],
    }
    inputs = {
        "integration": {
            "description": "integration the build belongs to",
            "required": True,
            "type": "choice",
            "options": sorted(checked("name", i.name) for i in platform.integrations),
        },
        "image": {
            "description": "digest-pinned image (repo@sha256:…)",
            "required": True,
            "type": "string",
        },
    }
    return {
        "name": f"pdp release ({platform.name})",
        "on": {
            "workflow_dispatch": {"inputs": inputs},
            "repository_dispatch": {"types": [f"pdp-release-{checked('name', platform.name)}"]},
        },
        "permissions": {"contents": "read"},
        "jobs": {"record": record},
    }


def build_workflow(platform: PlatformSpec, integration: str, members: Stacks) -> dict[str, Any]:
    spec = next(i for i in platform.integrations if i.name == integration)
    name = checked("name", integration)
    repository = checked("image repository", (spec.image or "").rpartition("@")[0])
    registry = checked("registry", repository.split("/", 1)[0])
    branch = checked("branch", spec.track.branch)
    context = f"integrations/{name}"
    # Only the track branch's own commits release, and only where that branch is the
    # default branch or protected: a dispatch on any other branch builds nothing.
    from_track = (
        f"github.ref == 'refs/heads/{branch}' && (github.ref_protected || {ON_DEFAULT_BRANCH})"
    )
    build = {
        "name": f"build {name}",
        "runs-on": "ubuntu-latest",
        "if": from_track,
        "permissions": {"contents": "read"},
        "outputs": {"digest": "${{ steps.image.outputs.digest }}"},
        "steps": [
            checkout(),
            {"name": "Set up Buildx", "uses": uses("buildx")},
            {
                "name": "Log in to the registry",
                "uses": uses("docker-login"),
                "with": {
                    "registry": registry,
                    "username": "${{ secrets.REGISTRY_USERNAME }}",
                    "password": "${{ secrets.REGISTRY_PASSWORD }}",
                },
            },
            {
                "name": "Build and push",
                "id": "image",
                "uses": uses("build-push"),
                "with": {
                    "context": context,
                    "push": True,
                    "tags": f"{repository}:${{{{ github.sha }}}}",
                },
            },
        ],
    }
    release_env = {
        "DIGEST": "${{ needs.build.outputs.digest }}",
        "INTEGRATION": name,
        "REPOSITORY": repository,
        "STACK": checked("stack", members[0][0]),
    }
    record = {
        "name": f"record {name} in the ledger",
        "needs": "build",
        **_ledger_job_base(platform, from_track),
        "steps": [
            checkout(DEFAULT_BRANCH),
            *setup_pdpkit(),
            {
                "name": "pdp release (the pushed digest)",
                "env": release_env,
                "run": '.venv/bin/pdp release "$INTEGRATION" --stack "$STACK" '
                '--image "$REPOSITORY@$DIGEST" --by "$GITHUB_ACTOR"\n',
            },
            ledger_pull_request(
                platform.name,
                platform.ledger.path,
                "pdp: release $INTEGRATION $GITHUB_SHA",
                {"INTEGRATION": name},
            ),
        ],
    }
    return {
        "name": f"pdp build {integration} ({platform.name})",
        "on": {
            "push": {"branches": [spec.track.branch], "paths": [f"{context}/**"]},
            "workflow_dispatch": {},
        },
        "permissions": {"contents": "read"},
        "jobs": {"build": build, "record": record},
    }
