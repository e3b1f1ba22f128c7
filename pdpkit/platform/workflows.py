"""The GitHub workflows `pdp ci generate` writes: pure, deterministic, from the stacks.

- ``pdp-preview.yml``: on pull requests, per stack, the offline plan and ``pulumi preview``
  with the policy pack, commented on the pull request.
- ``pdp-up.yml``: on push to main, ``pulumi up`` per stack.
- ``pdp-promote-<platform>.yml``: manual promotion; the job runs in the GitHub Environment
  ``<platform>-<env>`` whose required reviewers are the approval source, then
  ``pdp promote``, a ledger commit and ``pulumi up`` of the stacks that host the changes.
- ``pdp-build-<platform>-<integration>.yml``: on push to a track branch, build and push the
  image, ``pdp release`` its digest, commit, ``pulumi up`` of the entry environment.
- ``pdp-release-<platform>.yml``: record a build made elsewhere (registry-track integrations).
- ``pdp-drift.yml``: nightly ``pulumi refresh --preview-only --expect-no-changes`` per stack.

Ledger commits made with the workflow's token start no other workflow (GitHub's rule),
which is why the promote and build workflows run ``pulumi up`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pdpkit.platform.pipeline import Pipeline, pipeline_for, pipeline_of, promotion_order
from pdpkit.platform.workflow_steps import (
    checkout,
    cloud_login,
    commit_ledger,
    dump,
    install_pulumi,
    pulumi_step,
    runner,
    setup_pdpkit,
    uses,
)
from pdpkit.spec.platform import PlatformSpec
from pdpkit.spec.stack import StackSpec

Stacks = Sequence[tuple[str, StackSpec]]
TOKEN_ENV = {"PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}"}


def generate(stacks: Stacks, pulumi_version: str) -> dict[str, str]:
    """File name → text of every workflow for `stacks` (sorted by name)."""
    stacks = sorted(stacks, key=lambda s: s[0])
    files = {
        "pdp-preview.yml": dump(_per_stack_workflow("preview", stacks, pulumi_version)),
        "pdp-up.yml": dump(_per_stack_workflow("up", stacks, pulumi_version)),
        "pdp-drift.yml": dump(_per_stack_workflow("drift", stacks, pulumi_version)),
    }
    for platform, members in _platforms(stacks):
        files[f"pdp-promote-{platform.name}.yml"] = dump(
            _promote(platform, members, pulumi_version)
        )
        files[f"pdp-release-{platform.name}.yml"] = dump(
            _release(platform, members, pulumi_version)
        )
        for integration in platform.integrations:
            if integration.track.branch and integration.image:
                name = f"pdp-build-{platform.name}-{integration.name}.yml"
                files[name] = dump(_build(platform, integration.name, members, pulumi_version))
    return dict(sorted(files.items()))


def _platforms(stacks: Stacks) -> list[tuple[PlatformSpec, list[tuple[str, StackSpec]]]]:
    """Each platform with the stacks that deploy it (a platform may span several stacks)."""
    found: dict[str, tuple[PlatformSpec, list[tuple[str, StackSpec]]]] = {}
    for name, spec in stacks:
        if spec.platform is not None:
            found.setdefault(spec.platform.name, (spec.platform, []))[1].append((name, spec))
    return [found[name] for name in sorted(found)]


def _stack_job(
    name: str, spec: StackSpec, steps: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    job: dict[str, Any] = {"name": extra.pop("title", name), "runs-on": runner(spec), **extra}
    job["steps"] = steps
    return job


def _per_stack_workflow(kind: str, stacks: Stacks, pulumi_version: str) -> dict[str, Any]:
    jobs: dict[str, Any] = {}
    for name, spec in stacks:
        steps = [checkout(), *setup_pdpkit()]
        permissions = {"contents": "read", "id-token": "write"}
        extra: dict[str, Any] = {"permissions": permissions}
        if kind == "preview":
            permissions["pull-requests"] = "write"
            steps.append(
                {
                    "name": "Offline plan and policy verdicts",
                    "run": f".venv/bin/pdp plan --stack {name}",
                }
            )
            steps += cloud_login(spec)
            steps.append(
                pulumi_step(
                    name,
                    spec,
                    "preview",
                    **{
                        "pulumi-version": pulumi_version,
                        "policyPacks": "policy",
                        "comment-on-pr": True,
                        "diff": True,
                    },
                )
            )
        elif kind == "up":
            steps += cloud_login(spec)
            steps.append(
                pulumi_step(
                    name,
                    spec,
                    "up",
                    **{
                        "pulumi-version": pulumi_version,
                        "policyPacks": "policy",
                    },
                )
            )
            extra["concurrency"] = {"group": f"pdp-stack-{name}", "cancel-in-progress": False}
            if spec.dataplane.production:
                extra["environment"] = f"stack-{name}"
        else:
            steps += cloud_login(spec)
            steps.append(install_pulumi(pulumi_version))
            steps.append(
                {
                    "name": f"Drift check ({name})",
                    "run": f"pulumi refresh --stack {name} --preview-only --expect-no-changes "
                    "--non-interactive\n",
                }
            )
        jobs[f"{kind}-{name}"] = _stack_job(name, spec, steps, **extra)
    every: dict[str, dict[str, Any]] = {
        "preview": {"pull_request": {"branches": ["main"]}},
        "up": {"push": {"branches": ["main"]}, "workflow_dispatch": {}},
        "drift": {"schedule": [{"cron": "17 5 * * *"}], "workflow_dispatch": {}},
    }
    triggers = every[kind]
    title = {"preview": "pdp preview", "up": "pdp up", "drift": "pdp drift check"}[kind]
    return {
        "name": title,
        "on": triggers,
        "permissions": {"contents": "read"},
        "env": dict(TOKEN_ENV),
        "jobs": jobs,
    }


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
        jobs[f"up-{name}"] = _stack_job(
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


def _promote(platform: PlatformSpec, members: Stacks, pulumi_version: str) -> dict[str, Any]:
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


def _release(platform: PlatformSpec, members: Stacks, pulumi_version: str) -> dict[str, Any]:
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


def _build(
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
