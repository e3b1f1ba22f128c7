"""Workflows that write the release ledger: promote, release (record), build.

Each runs its ledger-writing job alone per platform (a concurrency group), commits the
ledger to main, then runs ``pulumi up`` of the stacks hosting the environments that
changed: ledger commits made with the workflow's token start no other workflow.
"""

from __future__ import annotations

from typing import Any

from pdpkit.platform.pipeline import pipeline_of, promotion_order
from pdpkit.spec.platform import PlatformSpec
from pdpkit.workflows.rollout import affected_environments, entry_environments, up_jobs
from pdpkit.workflows.steps import (
    TOKEN_ENV,
    Stacks,
    checkout,
    commit_ledger,
    setup_pdpkit,
    uses,
)


def _ledger_job_base(platform: PlatformSpec) -> dict[str, Any]:
    return {
        "runs-on": "ubuntu-latest",
        # queue every ledger job: by default a group keeps one pending run and cancels the
        # one before it, losing a release; `queue: max` keeps up to 100 pending, in order
        # (GitHub changelog 2026-05-07 "concurrency groups now allow larger queues"; the
        # key is in check-jsonschema 0.39.0's vendored github-workflows schema)
        "concurrency": {
            "group": f"pdp-ledger-{platform.name}",
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
    stack = members[0][0]
    script = (
        "approvals=()\n"
        "while read -r login; do\n"
        '  if [ -n "$login" ]; then approvals+=(--approved-by "$login"); fi\n'
        'done < <(gh api "repos/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/approvals" \\\n'
        "  --jq '.[] | select(.state == \"approved\") | .user.login')\n"
        f'.venv/bin/pdp promote "$INTEGRATION" --stack {stack} --to "$TARGET" '
        '--by "$GITHUB_ACTOR" "${approvals[@]}"\n'
    )
    promote_job = {
        "name": "promote ${{ inputs.integration }} to ${{ inputs.environment }}",
        "environment": f"{platform.name}-${{{{ inputs.environment }}}}",
        **_ledger_job_base(platform),
        "permissions": {"contents": "write", "actions": "read"},
        "steps": [
            checkout("main"),
            *setup_pdpkit(),
            {
                "name": "pdp promote (approvals: this run's deployment reviews)",
                "env": {
                    "GH_TOKEN": "${{ github.token }}",
                    "INTEGRATION": "${{ inputs.integration }}",
                    "TARGET": "${{ inputs.environment }}",
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
            "options": sorted(i.name for i in platform.integrations),
        },
        "environment": {
            "description": "environment to promote into (from its predecessor)",
            "required": True,
            "type": "choice",
            "options": targets,
        },
    }
    return {
        "name": f"pdp promote ({platform.name})",
        "on": {"workflow_dispatch": {"inputs": inputs}},
        "permissions": {"contents": "read"},
        "env": dict(TOKEN_ENV),
        "jobs": jobs,
    }


def release_workflow(
    platform: PlatformSpec, members: Stacks, pulumi_version: str
) -> dict[str, Any]:
    stack = members[0][0]
    env = {
        "INTEGRATION": "${{ inputs.integration || github.event.client_payload.integration }}",
        "IMAGE": "${{ inputs.image || github.event.client_payload.image }}",
    }
    record = {
        "name": "record a build in the ledger",
        **_ledger_job_base(platform),
        "permissions": {"contents": "write"},
        "steps": [
            checkout("main"),
            *setup_pdpkit(),
            {
                "name": "pdp release",
                "env": env,
                "run": f'.venv/bin/pdp release "$INTEGRATION" --stack {stack} --image "$IMAGE" '
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
            "options": sorted(i.name for i in platform.integrations),
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
            "repository_dispatch": {"types": [f"pdp-release-{platform.name}"]},
        },
        "permissions": {"contents": "read"},
        "env": dict(TOKEN_ENV),
        "jobs": jobs,
    }


def build_workflow(
    platform: PlatformSpec, integration: str, members: Stacks, pulumi_version: str
) -> dict[str, Any]:
    spec = next(i for i in platform.integrations if i.name == integration)
    repository = (spec.image or "").rpartition("@")[0]
    registry = repository.split("/", 1)[0]
    context = f"integrations/{integration}"
    stack = members[0][0]
    build = {
        "name": f"build {integration}",
        "runs-on": "ubuntu-latest",
        "permissions": {"contents": "read"},
        "outputs": {"digest": "${{ steps.image.outputs.digest }}"},
        "steps": [
            checkout(),
            {"name": "Set up Buildx", "uses": uses("buildx")},
            {
                "name": f"Log in to {registry}",
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
    record = {
        "name": f"record {integration} in the ledger",
        "needs": "build",
        **_ledger_job_base(platform),
        "permissions": {"contents": "write"},
        "steps": [
            checkout("main"),
            *setup_pdpkit(),
            {
                "name": "pdp release (the pushed digest)",
                "env": {"DIGEST": "${{ needs.build.outputs.digest }}"},
                "run": f".venv/bin/pdp release {integration} --stack {stack} "
                f'--image "{repository}@$DIGEST" --by "$GITHUB_ACTOR"\n',
            },
            commit_ledger(platform.ledger.path, f"release {integration} $GITHUB_SHA"),
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
        "env": dict(TOKEN_ENV),
        "jobs": jobs,
    }
