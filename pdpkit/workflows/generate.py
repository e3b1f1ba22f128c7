"""The GitHub workflows `pdp ci generate` writes: pure, deterministic, from the stacks.

- ``pdp-preview.yml``: on pull requests, per stack, the offline plan (no credentials, a
  GitHub-hosted runner, forks included) and, for pull requests from this repository only,
  ``pulumi preview`` with the policy pack as the stack's read-only preview identity.
- ``pdp-up.yml``: on push to main (a merged pull request, ledger changes included) or a
  dispatch on the default branch, ``pulumi up`` per stack, each in the GitHub Environment
  ``stack-<name>``: the only per-stack workflow that deploys.
- ``pdp-promote-<platform>.yml``: manual promotion: ``pdp promote`` with the approvers the
  dispatcher names, then a pull request with the ledger change that asks them to review.
- ``pdp-build-<platform>-<integration>.yml``: on push to a track branch, build and push the
  image, ``pdp release`` its digest, a pull request with the ledger change.
- ``pdp-release-<platform>.yml``: record a build made elsewhere (registry-track
  integrations), as a pull request.
- ``pdp-approvals-<platform>.yml``: the required check that the approvals a ledger change
  records are the pull request's approving reviews.
- ``pdp-drift.yml``: nightly ``pulumi refresh --preview-only --expect-no-changes`` per stack.

Preview, up and drift cover only the stacks outside ``fleet.yaml``: a fleet's stacks are
previewed by ``fleet-preview.yml`` and applied and drift-checked by the fleet's one engine
(``fleet-up.yml`` / ``fleet-drift.yml``, or the Pulumi Kubernetes Operator), so that
exactly one engine applies each stack (docs/fleet.md).

No workflow pushes to the default branch: every ledger change is a pull request, and its
merge (a push by the person who merges) is what ``pdp-up.yml`` (``fleet-up.yml`` for a fleet's
stacks, or the operator once the revision is rendered) rolls out. The trust model
(who can move a build to production, and what proves it) is in docs/promotion.md.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from pdpkit.spec.enums import Target
from pdpkit.spec.platform import PlatformSpec
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.approvals import approvals_workflow
from pdpkit.workflows.ledger import build_workflow, promote_workflow, release_workflow
from pdpkit.workflows.steps import (
    ON_DEFAULT_BRANCH,
    SAME_REPOSITORY,
    TOKEN_ENV,
    Stacks,
    checkout,
    cloud_login,
    deploy_gate,
    dump,
    install_pulumi,
    pulumi_step,
    pushes_only_ledger_branches,
    scripts_without_expressions,
    setup_pdpkit,
    stack_job,
)
from pdpkit.workflows.values import checked


def generate(
    stacks: Stacks, pulumi_version: str, fleet_stacks: AbstractSet[str] = frozenset()
) -> dict[str, str]:
    """File name → text of every workflow for `stacks` (sorted by name).

    `fleet_stacks` (the stacks fleet.yaml groups) are left out of the per-stack preview, up
    and drift workflows: the fleet's engine previews, applies and checks them
    (`pdpkit.workflows.fleet`, or the operator), so no stack is applied twice. A per-stack
    workflow with no stack left is not generated. The ledger workflows (promote, release,
    build, approvals) cover every stack: their pull requests' merge is what the engine of
    each stack rolls out.

    Raises `UnsafeWorkflowValueError` when a value does not match its grammar or a script would
    hold an expression (both refused by `pdp validate` first).
    """
    stacks = sorted(stacks, key=lambda s: checked("stack", s[0]))
    alone = [(name, spec) for name, spec in stacks if name not in fleet_stacks]
    workflows: dict[str, dict[str, Any]] = {}
    if alone:
        workflows["pdp-preview.yml"] = _preview_workflow(alone, pulumi_version)
        workflows["pdp-up.yml"] = _up_workflow(alone, pulumi_version)
        workflows["pdp-drift.yml"] = _drift_workflow(alone, pulumi_version)
    for platform, members in platforms(stacks):
        name = checked("name", platform.name)
        workflows[f"pdp-promote-{name}.yml"] = promote_workflow(platform, members)
        workflows[f"pdp-release-{name}.yml"] = release_workflow(platform, members)
        workflows[f"pdp-approvals-{name}.yml"] = approvals_workflow(platform, members)
        for integration in platform.integrations:
            if integration.track.branch and integration.image:
                file = f"pdp-build-{name}-{checked('name', integration.name)}.yml"
                workflows[file] = build_workflow(platform, integration.name, members)
    for workflow in workflows.values():
        scripts_without_expressions(workflow)
        pushes_only_ledger_branches(workflow)
    return {name: dump(workflows[name]) for name in sorted(workflows)}


def platforms(stacks: Stacks) -> list[tuple[PlatformSpec, list[tuple[str, StackSpec]]]]:
    """Each platform with the stacks that deploy it (a platform may span several stacks)."""
    found: dict[str, tuple[PlatformSpec, list[tuple[str, StackSpec]]]] = {}
    for name, spec in stacks:
        if spec.platform is not None:
            found.setdefault(spec.platform.name, (spec.platform, []))[1].append((name, spec))
    return [found[name] for name in sorted(found)]


def live_preview(spec: StackSpec) -> bool:
    """Whether pull requests get ``pulumi preview`` (a read-only identity is declared: the
    cloud's ``ci.previewIdentity``, on-prem a ``ci.previewRunsOn`` read-only runner)."""
    ci = spec.dataplane.ci
    if spec.dataplane.target is Target.ONPREM:
        return bool(ci.preview_runs_on)
    return ci.preview_identity is not None


def _preview_workflow(stacks: Stacks, pulumi_version: str) -> dict[str, Any]:
    jobs: dict[str, Any] = {}
    for name, spec in stacks:
        stack = checked("stack", name)
        # The offline plan needs no credential and no network path to the cluster: a
        # GitHub-hosted runner, for every pull request (forks too), read-only token.
        jobs[f"plan-{stack}"] = {
            "name": f"offline plan {stack}",
            "runs-on": "ubuntu-latest",
            "permissions": {"contents": "read"},
            "steps": [
                checkout(keep_token=False),
                *setup_pdpkit(),
                {
                    "name": "Offline plan and policy verdicts",
                    "env": {"STACK": stack},
                    "run": '.venv/bin/pdp plan --stack "$STACK"\n',
                },
            ],
        }
        if not live_preview(spec):
            continue
        identity = spec.dataplane.ci.preview_identity
        permissions = {"contents": "read", "pull-requests": "write"}
        if spec.dataplane.target is not Target.ONPREM:
            permissions["id-token"] = "write"
        jobs[f"preview-{stack}"] = stack_job(
            stack,
            spec,
            [
                checkout(keep_token=False),
                *setup_pdpkit(),
                *cloud_login(spec, stack, pulumi_version, identity),
                pulumi_step(
                    stack,
                    spec,
                    "preview",
                    {
                        "pulumi-version": pulumi_version,
                        "policyPacks": "policy",
                        "comment-on-pr": True,
                        "diff": True,
                    },
                    identity,
                ),
            ],
            title=f"pulumi preview {stack}",
            preview=True,
            # never a fork's code with a cloud identity, the Pulumi token or a
            # self-hosted runner
            **{"if": SAME_REPOSITORY},
            permissions=permissions,
        )
    return {
        "name": "pdp preview",
        "on": {"pull_request": {"branches": ["main"]}},
        "permissions": {"contents": "read"},
        "jobs": jobs,
    }


def _up_workflow(stacks: Stacks, pulumi_version: str) -> dict[str, Any]:
    jobs: dict[str, Any] = {}
    for name, spec in stacks:
        stack = checked("stack", name)
        steps = [
            checkout(),
            *setup_pdpkit(),
            *cloud_login(spec, stack, pulumi_version),
            pulumi_step(
                stack, spec, "up", {"pulumi-version": pulumi_version, "policyPacks": "policy"}
            ),
        ]
        jobs[f"up-{stack}"] = stack_job(
            stack,
            spec,
            steps,
            **{"if": ON_DEFAULT_BRANCH},
            environment=deploy_gate(stack),
            permissions={"contents": "read", "id-token": "write"},
            concurrency={"group": f"pdp-stack-{stack}", "cancel-in-progress": False},
        )
    return {
        "name": "pdp up",
        "on": {"push": {"branches": ["main"]}, "workflow_dispatch": {}},
        "permissions": {"contents": "read"},
        "jobs": jobs,
    }


def _drift_workflow(stacks: Stacks, pulumi_version: str) -> dict[str, Any]:
    jobs: dict[str, Any] = {}
    for name, spec in stacks:
        stack = checked("stack", name)
        steps = [
            checkout(),
            *setup_pdpkit(),
            *cloud_login(spec, stack, pulumi_version),
            install_pulumi(pulumi_version),
            {
                "name": f"Drift check ({stack})",
                "env": {"STACK": stack, **TOKEN_ENV},
                "run": 'pulumi refresh --stack "$STACK" --preview-only --expect-no-changes '
                "--non-interactive\n",
            },
        ]
        jobs[f"drift-{stack}"] = stack_job(
            stack,
            spec,
            steps,
            # the deploy identity, for the default branch's code only. A scheduled run is
            # always the default branch's latest commit, and its event payload carries no
            # `repository` (github/codeql-action#1211, docker/metadata-action#184), so the
            # default-branch comparison alone would skip every nightly run.
            **{"if": f"github.event_name == 'schedule' || {ON_DEFAULT_BRANCH}"},
            permissions={"contents": "read", "id-token": "write"},
        )
    return {
        "name": "pdp drift check",
        "on": {"schedule": [{"cron": "17 5 * * *"}], "workflow_dispatch": {}},
        "permissions": {"contents": "read"},
        "jobs": jobs,
    }
