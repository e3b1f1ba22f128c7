"""Cross-field rules of the platform: references resolve, promotion paths are acyclic,
configuration keys exist, quotas leave room for zero-downtime rollouts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pdpkit.spec.findings import Finding, choices, unique_names
from pdpkit.spec.platform import IntegrationSpec, PlatformSpec
from pdpkit.spec.platform_keys import duplicate_keys, production_gates
from pdpkit.spec.quantity import value as quantity_value


def platform_problems(platform: PlatformSpec, own_data_plane: str) -> Iterator[Finding]:
    envs = [e.name for e in platform.environments]
    yield from unique_names("platform.environments", envs)
    yield from unique_names("platform.projects", [p.name for p in platform.projects])
    yield from unique_names("platform.integrations", [i.name for i in platform.integrations])
    yield from unique_names("platform.pipelines", [p.name for p in platform.pipelines])
    yield from duplicate_keys(platform)
    yield from production_gates(platform)

    data_planes = {own_data_plane, *platform.data_planes}
    for i, env in enumerate(platform.environments):
        for j, dp in enumerate(env.data_planes):
            if dp not in data_planes:
                yield (
                    f"platform.environments[{i}].dataPlanes[{j}]",
                    f"unknown data plane {dp!r}; {choices(dp, data_planes)} "
                    "(list data planes of other stacks under platform.dataPlanes)",
                )

    pipelines = {p.name for p in platform.pipelines}
    for i, project in enumerate(platform.projects):
        if project.pipeline not in pipelines:
            yield (
                f"platform.projects[{i}].pipeline",
                f"unknown pipeline {project.pipeline!r}; {choices(project.pipeline, pipelines)}",
            )

    projects = {p.name for p in platform.projects}
    env_set = set(envs)
    for i, integration in enumerate(platform.integrations):
        if integration.project not in projects:
            yield (
                f"platform.integrations[{i}].project",
                f"unknown project {integration.project!r}; "
                + choices(integration.project, projects),
            )
        for env_name in integration.overrides:
            if env_name not in env_set:
                yield (
                    f"platform.integrations[{i}].overrides.{env_name}",
                    f"unknown environment {env_name!r}; {choices(env_name, env_set)}",
                )
        yield from unique_names(
            f"platform.integrations[{i}].endpoints", [e.name for e in integration.endpoints]
        )
        yield from _config_keys(f"platform.integrations[{i}]", integration, platform)

    yield from _quota_headroom(platform)

    for i, pipeline in enumerate(platform.pipelines):
        yield from _pipeline(f"platform.pipelines[{i}]", pipeline.paths, pipeline.gates, env_set)
        for j, gate in enumerate(pipeline.gates):
            for k, approver in enumerate(gate.approvers):
                group = approver.removeprefix("group:")
                if approver.startswith("group:") and group not in platform.groups:
                    yield (
                        f"platform.pipelines[{i}].gates[{j}].approvers[{k}]",
                        f"unknown approver group {group!r}; {choices(group, platform.groups)} "
                        "(declare its members under platform.groups)",
                    )


def _pipeline(path: str, paths: Iterable, gates: Iterable, envs: set[str]) -> Iterator[Finding]:  # type: ignore[type-arg]
    edges: dict[str, list[str]] = {}
    for i, step in enumerate(paths):
        for name, where in [(step.from_, f"{path}.paths[{i}].from")] + [
            (to, f"{path}.paths[{i}].to[{j}]") for j, to in enumerate(step.to)
        ]:
            if name not in envs:
                yield where, f"unknown environment {name!r}; {choices(name, envs)}"
        edges.setdefault(step.from_, []).extend(step.to)
    for i, gate in enumerate(gates):
        if gate.environment not in envs:
            yield (
                f"{path}.gates[{i}].environment",
                f"unknown environment {gate.environment!r}; {choices(gate.environment, envs)}",
            )
    cycle = find_cycle(edges)
    if cycle:
        yield (
            f"{path}.paths",
            f"promotion paths form a cycle ({' -> '.join(cycle)}); remove one edge",
        )


def find_cycle(edges: dict[str, list[str]]) -> list[str]:
    """A cycle in a directed graph as a list of nodes (first repeated last), or []."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for start in sorted(edges):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return []


def _config_keys(
    path: str, integration: IntegrationSpec, platform: PlatformSpec
) -> Iterator[Finding]:
    """Every `env[].config` key must resolve in each environment the integration runs in."""
    for env in platform.environments:
        override = integration.overrides.get(env.name)
        config = {**integration.config, **env.config, **(override.config if override else {})}
        replaced = {v.name for v in override.env} if override else set()
        variables = [
            (f"{path}.env[{j}]", v) for j, v in enumerate(integration.env) if v.name not in replaced
        ]
        if override:
            variables += [
                (f"{path}.overrides.{env.name}.env[{j}]", v) for j, v in enumerate(override.env)
            ]
        for where, variable in variables:
            key = variable.config
            if key is None or key in config or key in env.secrets:
                continue
            yield (
                f"{where}.config",
                f"key {key!r} is neither configuration nor a secret of environment {env.name!r}; "
                f"{choices(key, {*config, *env.secrets})} (add it to environments[].config, "
                "to the integration's config or to environments[].secrets)",
            )


def _quantity(amount: str) -> float:
    """A Kubernetes quantity as a number (cores or bytes)."""
    return float(quantity_value(amount))


def _quota_headroom(platform: PlatformSpec) -> Iterator[Finding]:
    """Each namespace's quota must hold its integrations at their base size plus a rollout.

    A service rolls with one surge pod (maxUnavailable 0), so it needs replicas + 1 pods;
    a task runs one pod. A quota below that blocks every rollout of the namespace.
    """
    for i, env in enumerate(platform.environments):
        for project in platform.projects:
            pods = cpu = memory = 0.0
            names = []
            for integration in platform.integrations:
                if integration.project != project.name:
                    continue
                override = integration.overrides.get(env.name)
                resources = (
                    override.resources if override and override.resources else integration.resources
                )
                replicas = integration.replicas
                if override and override.replicas is not None:
                    replicas = override.replicas
                count = replicas + 1 if integration.kind.value == "service" else 1
                pods += count
                cpu += count * _quantity(resources.limits.cpu)
                memory += count * _quantity(resources.limits.memory)
                names.append(f"{integration.name} x{count}")
            quota = env.quota
            if (
                pods > quota.pods
                or cpu > _quantity(quota.cpu) + 1e-9
                or memory > _quantity(quota.memory)
            ):
                yield (
                    f"platform.environments[{i}].quota",
                    f"project {project.name} needs up to {pods:g} pods, {cpu:g} CPU and "
                    f"{memory / 2**30:g}Gi of limits during a rollout ({', '.join(names)}); "
                    f"the quota is {quota.pods} pods, {quota.cpu} CPU, {quota.memory}: "
                    "raise the quota or lower replicas/resources",
                )
