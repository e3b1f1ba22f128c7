"""What a ledger commit rolls out: the environments it changed (automatic promotions
included) and a ``pulumi up`` job for each stack hosting one of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pdpkit.platform.pipeline import Pipeline, pipeline_for
from pdpkit.spec.platform import PlatformSpec
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.steps import (
    Stacks,
    checkout,
    cloud_login,
    deploy_gate,
    pulumi_step,
    setup_pdpkit,
    stack_job,
)
from pdpkit.workflows.values import checked


def affected_environments(pipeline: Pipeline, env: str) -> list[str]:
    """`env` and what auto-promotes from it without a soak time."""
    found = [env]
    for successor in pipeline.successors.get(env, ()):
        gate = pipeline.gate(successor)
        if gate.auto_promote and not gate.soak_time:
            found += [e for e in affected_environments(pipeline, successor) if e not in found]
    return found


def _hosts(
    platform: PlatformSpec, members: Stacks, envs: Iterable[str]
) -> list[tuple[str, StackSpec]]:
    wanted = set(envs)
    planes = {dp for e in platform.environments if e.name in wanted for dp in e.data_planes}
    return [(name, spec) for name, spec in members if spec.dataplane.name in planes]


def up_jobs(
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
            *cloud_login(spec, name, pulumi_version),
            pulumi_step(
                name, spec, "up", {"pulumi-version": pulumi_version, "policyPacks": "policy"}
            ),
        ]
        extra: dict[str, Any] = {"needs": needs}
        if condition:
            extra["if"] = " || ".join(f"{condition} == '{checked('name', t)}'" for t in triggers)
        jobs[f"up-{checked('stack', name)}"] = stack_job(
            name,
            spec,
            steps,
            title=f"pulumi up {name}",
            environment=deploy_gate(name),
            **extra,
            permissions={"contents": "read", "id-token": "write"},
            concurrency={"group": f"pdp-stack-{name}", "cancel-in-progress": False},
        )
    return jobs


def entry_environments(platform: PlatformSpec, integration: str | None) -> list[str]:
    """The environments a new build of `integration` (None: of any) lands in, with what
    auto-promotes from them."""
    found: list[str] = []
    for spec in platform.integrations:
        if integration is None or spec.name == integration:
            pipeline = pipeline_for(platform, spec)
            for entry in pipeline.entries:
                found += [e for e in affected_environments(pipeline, entry) if e not in found]
    return found
