"""Workflows that write the release ledger: promote, release (record), build.

Each runs its ledger-writing job alone per platform (a concurrency group), commits the
ledger to the default branch, then runs ``pulumi up`` of the stacks hosting the
environments that changed: ledger commits made with the workflow's token start no other
workflow. Only the default branch's workflow writes the ledger (a job condition); a build
releases only from its track branch, and only where that branch is the default branch or
protected (``github.ref_protected``).
"""

from __future__ import annotations

from typing import Any

from pdpkit.platform.pipeline import pipeline_of, promotion_order
from pdpkit.spec.platform import PlatformSpec
from pdpkit.workflows.rollout import affected_environments, entry_environments, up_jobs
from pdpkit.workflows.steps import (
    DEFAULT_BRANCH,
    ON_DEFAULT_BRANCH,
    Stacks,
    checkout,
    commit_ledger,
    setup_pdpkit,
    uses,
)
from pdpkit.workflows.values import checked


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
        "outputs": {"commit": "${{ steps.commit.outputs.sha }}"},
    }


def promote_workflow(
    platform: PlatformSpec, members: Stacks, pulumi_version: str
) -> dict[str, Any]:
    order = promotion_order(platform)
    pipelines = [pipeline_of(platform, p) for p in platform.pipelines]
    targets = [e for e in order if any(p.predecessors.get(e) for p in pipelines)]
    stack = checked("stack", members[0][0])
    script = (
        "approvals=()\n"
        "while read -r login; do\n"
        '  if [ -n "$login" ]; then approvals+=(--approved-by "$login"); fi\n'
        'done < <(gh api "repos/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/approvals" \\\n'
        "  --jq '.[] | select(.state == \"approved\") | .user.login')\n"
        '.venv/bin/pdp promote "$INTEGRATION" --stack "$STACK" --to "$TARGET" '
        '--by "$GITHUB_ACTOR" "${approvals[@]}"\n'
    )
    promote_job = {
        "name": "promote ${{ inputs.integration }} to ${{ inputs.environment }}",
        "environment": f"{checked('name', platform.name)}-${{{{ inputs.environment }}}}",
        **_ledger_job_base(platform),
        "permissions": {"contents": "write", "actions": "read"},
        "steps": [
            checkout(DEFAULT_BRANCH),
            *setup_pdpkit(),
            {
                "name": "pdp promote (approvals: this run's deployment reviews)",
                "env": {
                    "GH_TOKEN": "${{ github.token }}",
                    "INTEGRATION": "${{ inputs.integration }}",
                    "TARGET": "${{ inputs.environment }}",
                    "STACK": stack,
                },
                "run": script,
            },
            commit_ledger(
                platform.ledger.path,
                "promote $INTEGRATION to $TARGET",
                {"INTEGRATION": "${{ inputs.integration }}", "TARGET": "${{ inputs.environment }}"},
            ),
        ],
    }
    affected = {
        env: sorted({a for p in pipelines if env in p.order for a in affected_environments(p, env)})
        for env in targets
    }
    jobs = {
        "promote": promote_job,
        **up_jobs(
            platform,
            members,
            affected,
            needs="promote",
            condition="inputs.environment",
            pulumi_version=pulumi_version,
        ),
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
    }
    return {
        "name": f"pdp promote ({platform.name})",
        "on": {"workflow_dispatch": {"inputs": inputs}},
        "permissions": {"contents": "read"},
        "jobs": jobs,
    }


def release_workflow(
    platform: PlatformSpec, members: Stacks, pulumi_version: str
) -> dict[str, Any]:
    env = {
        "INTEGRATION": "${{ inputs.integration || github.event.client_payload.integration }}",
        "IMAGE": "${{ inputs.image || github.event.client_payload.image }}",
        "STACK": checked("stack", members[0][0]),
    }
    record = {
        "name": "record a build in the ledger",
        **_ledger_job_base(platform),
        "permissions": {"contents": "write"},
        "steps": [
            checkout(DEFAULT_BRANCH),
            *setup_pdpkit(),
            {
                "name": "pdp release",
                "env": env,
                "run": '.venv/bin/pdp release "$INTEGRATION" --stack "$STACK" --image "$IMAGE" '
                '--by "$GITHUB_ACTOR"\n',
            },
            commit_ledger(platform.ledger.path, "release $INTEGRATION $IMAGE", env),
        ],
    }
    jobs = {
        "record": record,
        **up_jobs(
            platform,
            members,
            {"all": entry_environments(platform, None)},
            needs="record",
            condition="",
            pulumi_version=pulumi_version,
        ),
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
        "jobs": jobs,
    }


def build_workflow(
    platform: PlatformSpec, integration: str, members: Stacks, pulumi_version: str
) -> dict[str, Any]:
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
        "permissions": {"contents": "write"},
        "steps": [
            checkout(DEFAULT_BRANCH),
            *setup_pdpkit(),
            {
                "name": "pdp release (the pushed digest)",
                "env": release_env,
                "run": '.venv/bin/pdp release "$INTEGRATION" --stack "$STACK" '
                '--image "$REPOSITORY@$DIGEST" --by "$GITHUB_ACTOR"\n',
            },
            commit_ledger(
                platform.ledger.path, "release $INTEGRATION $GITHUB_SHA", {"INTEGRATION": name}
            ),
        ],
    }
    jobs = {
        "build": build,
        "record": record,
        **up_jobs(
            platform,
            members,
            {"all": entry_environments(platform, integration)},
            needs="record",
            condition="",
            pulumi_version=pulumi_version,
        ),
    }
    return {
        "name": f"pdp build {integration} ({platform.name})",
        "on": {
            "push": {"branches": [spec.track.branch], "paths": [f"{context}/**"]},
            "workflow_dispatch": {},
        },
        "permissions": {"contents": "read"},
        "jobs": jobs,
    }
