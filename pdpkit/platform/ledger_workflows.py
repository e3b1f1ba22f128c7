"""Workflows that write the release ledger: promote, release (record), build.

Each runs its ledger-writing job alone per platform (a concurrency group), commits the
ledger to main, then runs ``pulumi up`` of the stacks hosting the environments that
changed: ledger commits made with the workflow's token start no other workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pdpkit.platform.pipeline import Pipeline, pipeline_for, pipeline_of, promotion_order
from pdpkit.platform.workflow_steps import (
    TOKEN_ENV,
    Stacks,
    checkout,
    cloud_login,
    commit_ledger,
    pulumi_step,
    setup_pdpkit,
    stack_job,
    uses,
)
from pdpkit.spec.platform import PlatformSpec
from pdpkit.spec.stack import StackSpec


def _affected(pipeline: Pipeline, env: str) -> list[str]:
    """`env` and what auto-promotes from it without a soak time."""
    found = [env]
    for successor in pipeline.successors.get(env, ()):
        gate = pipeline.gate(successor)
        if gate.auto_promote and not gate.soak_time:
            found += [e for e in _affected(pipeline, successor) if e not in found]
    return found


def _hosts(
    platform: PlatformSpec, members: Stacks, envs: Iterable[str]
) -> list[tuple[str, StackSpec]]:
    wanted = set(envs)
    planes = {dp for e in platform.environments if e.name in wanted for dp in e.data_planes}
    return [(name, spec) for name, spec in members if spec.dataplane.name in planes]


def _up_jobs(
    platform: PlatformSpec,
    members: Stacks,
    envs_by_trigger: Mapping[str, list[str]],
    *,
    needs: str,
    condition: str,
    pulumi_version: str,
) -> dict[str, Any]:
    """``pulumi up`` of each stack hosting an environment the run changed."""
    jobs: dict[str, Any] = {}
    for name, spec in members:
        triggers = sorted(
            t
            for t, envs in envs_by_trigger.items()
            if any(h[0] == name for h in _hosts(platform, members, envs))
        )
        if not triggers:
            continue
        steps = [
            checkout(f"${{{{ needs.{needs}.outputs.commit }}}}"),
            *setup_pdpkit(),
            *cloud_login(spec),
            pulumi_step(
                name, spec, "up", **{"pulumi-version": pulumi_version, "policyPacks": "policy"}
            ),
        ]
        extra: dict[str, Any] = {"needs": needs}
        if condition:
            extra["if"] = " || ".join(f"{condition} == '{t}'" for t in triggers)
        jobs[f"up-{name}"] = stack_job(
            name,
            spec,
            steps,
            title=f"pulumi up {name}",
            **extra,
            permissions={"contents": "read", "id-token": "write"},
            concurrency={"group": f"pdp-stack-{name}", "cancel-in-progress": False},
        )
    return jobs


def _ledger_job_base(platform: PlatformSpec) -> dict[str, Any]:
    return {
        "runs-on": "ubuntu-latest",
        "concurrency": {"group": f"pdp-ledger-{platform.name}", "cancel-in-progress": False},
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
        env: sorted({a for p in pipelines if env in p.order for a in _affected(p, env)})
        for env in targets
    }
    jobs = {
        "promote": promote_job,
        **_up_jobs(
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


def _entry_affected(platform: PlatformSpec, integration: str | None) -> list[str]:
    found: list[str] = []
    for spec in platform.integrations:
        if integration is None or spec.name == integration:
            pipeline = pipeline_for(platform, spec)
            for entry in pipeline.entries:
                found += [e for e in _affected(pipeline, entry) if e not in found]
    return found


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
        **_up_jobs(
            platform,
            members,
            {"all": _entry_affected(platform, None)},
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
        **_up_jobs(
            platform,
            members,
            {"all": _entry_affected(platform, integration)},
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
