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

from typing import Any

from pdpkit.spec.platform import PlatformSpec
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.approvals import approvals_workflow
from pdpkit.workflows.ledger import build_workflow, promote_workflow, release_workflow
from pdpkit.workflows.steps import (
    TOKEN_ENV,
    Stacks,
    checkout,
    cloud_login,
    dump,
    install_pulumi,
    pulumi_step,
    setup_pdpkit,
    stack_job,
)


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
            promote_workflow(platform, members, pulumi_version)
        )
        files[f"pdp-release-{platform.name}.yml"] = dump(
            release_workflow(platform, members, pulumi_version)
        )
        files[f"pdp-approvals-{platform.name}.yml"] = dump(approvals_workflow(platform, members))
        for integration in platform.integrations:
            if integration.track.branch and integration.image:
                name = f"pdp-build-{platform.name}-{integration.name}.yml"
                files[name] = dump(
                    build_workflow(platform, integration.name, members, pulumi_version)
                )
    return dict(sorted(files.items()))


def _platforms(stacks: Stacks) -> list[tuple[PlatformSpec, list[tuple[str, StackSpec]]]]:
    """Each platform with the stacks that deploy it (a platform may span several stacks)."""
    found: dict[str, tuple[PlatformSpec, list[tuple[str, StackSpec]]]] = {}
    for name, spec in stacks:
        if spec.platform is not None:
            found.setdefault(spec.platform.name, (spec.platform, []))[1].append((name, spec))
    return [found[name] for name in sorted(found)]


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
            steps += cloud_login(spec, name, pulumi_version)
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
            steps += cloud_login(spec, name, pulumi_version)
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
            steps += cloud_login(spec, name, pulumi_version)
            steps.append(install_pulumi(pulumi_version))
            steps.append(
                {
                    "name": f"Drift check ({name})",
                    "run": f"pulumi refresh --stack {name} --preview-only --expect-no-changes "
                    "--non-interactive\n",
                }
            )
        jobs[f"{kind}-{name}"] = stack_job(name, spec, steps, **extra)
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
