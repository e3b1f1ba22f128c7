"""Rules that span fields: ranges that must not overlap, names that must resolve.

Each check yields ``(key path, message)``; the loader turns them into located problems.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterable, Iterator
from itertools import combinations

from pdpkit.spec.azure_rules import azure_problems
from pdpkit.spec.enums import Target
from pdpkit.spec.gateway_checks import gateway_problems
from pdpkit.spec.platform import IntegrationSpec, PlatformSpec
from pdpkit.spec.stack import StackSpec

Finding = tuple[str, str]


def cross_field_problems(stack: StackSpec) -> list[Finding]:
    """Every cross-field problem of a structurally valid stack."""
    findings = list(_network(stack))
    findings += gateway_problems(stack.dataplane.gateways)
    if stack.dataplane.target is Target.AWS:
        findings += _aws_network(stack)
    findings += _unique(
        "dataplane.cluster.nodePools", [p.name for p in stack.dataplane.cluster.node_pools]
    )
    findings += azure_problems(stack)
    if stack.dataplane.target is Target.GCP:
        findings += _gcp(stack)
    if stack.platform is not None:
        findings += _platform(stack.platform, stack.dataplane.name)
    return findings


def _network(stack: StackSpec) -> Iterator[Finding]:
    if stack.dataplane.target is Target.ONPREM:
        return
    net = stack.dataplane.network
    space = ipaddress.ip_network(net.address_space)
    ranges = {
        "dataplane.network.addressSpace": space,
        "dataplane.network.podCidr": ipaddress.ip_network(net.pod_cidr),
        "dataplane.network.serviceCidr": ipaddress.ip_network(net.service_cidr),
    }
    for (a, net_a), (b, net_b) in combinations(ranges.items(), 2):
        if net_a.overlaps(net_b):
            yield b, f"{net_b} overlaps {a} {net_a}; choose a range outside it"
    for i, subnet in enumerate(net.subnets):
        cidr = ipaddress.ip_network(subnet.cidr)
        if cidr.version != space.version or not cidr.subnet_of(space):  # type: ignore[arg-type]
            yield (
                f"dataplane.network.subnets[{i}].cidr",
                f"{cidr} is not inside addressSpace {space}; pick a range within it",
            )
    for (i, first), (j, second) in combinations(enumerate(net.subnets), 2):
        if ipaddress.ip_network(first.cidr).overlaps(ipaddress.ip_network(second.cidr)):
            yield (
                f"dataplane.network.subnets[{j}].cidr",
                f"{second.cidr} overlaps subnets[{i}] ({first.name} {first.cidr}); "
                "subnets must be disjoint",
            )
    yield from _unique("dataplane.network.subnets", [s.name for s in net.subnets])


GKE_NAME_MAX = 40
"""GKE cluster names have at most 40 characters."""


def _gcp(stack: StackSpec) -> Iterator[Finding]:
    """What only GCP rejects: long cluster names, zones of another region, Secret Manager ids,
    a control-plane range inside the cluster's own ranges."""
    dp = stack.dataplane
    if len(dp.name) > GKE_NAME_MAX:
        yield (
            "dataplane.name",
            (
                f"{dp.name!r} has {len(dp.name)} characters; GKE cluster names have at most "
                f"{GKE_NAME_MAX}, shorten it"
            ),
        )
    zones = [
        (f"dataplane.network.availabilityZones[{i}]", z)
        for i, z in enumerate(dp.network.availability_zones)
    ]
    zones += [
        (f"dataplane.cluster.nodePools[{i}].zones[{j}]", z)
        for i, pool in enumerate(dp.cluster.node_pools)
        for j, z in enumerate(pool.zones)
    ]
    for path, zone in zones:
        if not zone.isdigit() and not zone.startswith(f"{dp.region}-"):
            yield (
                path,
                (
                    f"zone {zone!r} is not in region {dp.region}; use zones like {dp.region}-b "
                    "(or leave availabilityZones out and let GKE choose)"
                ),
            )
    prefix = dp.secret_store.secret_prefix
    if not re.fullmatch(r"[A-Za-z0-9_-]+", prefix):
        suggestion = re.sub(r"[^A-Za-z0-9_-]", "-", prefix)
        yield (
            "dataplane.secretStore.secretPrefix",
            (
                f"{prefix!r} cannot start a Secret Manager secret id (letters, digits, '_' and '-' "
                f"only); use {suggestion!r}"
            ),
        )
    if dp.gcp is not None:
        master = ipaddress.ip_network(dp.gcp.master_ipv4_cidr)
        for key, value in (
            ("addressSpace", dp.network.address_space),
            ("podCidr", dp.network.pod_cidr),
            ("serviceCidr", dp.network.service_cidr),
        ):
            if master.overlaps(ipaddress.ip_network(value)):
                yield (
                    "dataplane.gcp.masterIpv4Cidr",
                    (
                        f"{master} overlaps network.{key} {value}; pick a /28 outside the "
                        "cluster's ranges (e.g. 172.16.0.0/28)"
                    ),
                )


def _unique(path: str, names: Iterable[str]) -> list[Finding]:
    seen: dict[str, int] = {}
    findings = []
    for i, name in enumerate(names):
        if name in seen:
            findings.append(
                (
                    f"{path}[{i}].name",
                    f"duplicate name {name!r} (also at [{seen[name]}]); names must be unique",
                )
            )
        seen.setdefault(name, i)
    return findings


def _choices(name: str, known: Iterable[str]) -> str:
    """'did you mean X? expected one of …' for a name that does not resolve."""
    names = sorted(known)
    if not names:
        return "none are defined"
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}expected one of {', '.join(names)}"


def _platform(platform: PlatformSpec, own_data_plane: str) -> Iterator[Finding]:
    envs = [e.name for e in platform.environments]
    yield from _unique("platform.environments", envs)
    yield from _unique("platform.projects", [p.name for p in platform.projects])
    yield from _unique("platform.integrations", [i.name for i in platform.integrations])
    yield from _unique("platform.pipelines", [p.name for p in platform.pipelines])

    data_planes = {own_data_plane, *platform.data_planes}
    for i, env in enumerate(platform.environments):
        for j, dp in enumerate(env.data_planes):
            if dp not in data_planes:
                yield (
                    f"platform.environments[{i}].dataPlanes[{j}]",
                    f"unknown data plane {dp!r}; {_choices(dp, data_planes)} "
                    "(list data planes of other stacks under platform.dataPlanes)",
                )

    pipelines = {p.name for p in platform.pipelines}
    for i, project in enumerate(platform.projects):
        if project.pipeline not in pipelines:
            yield (
                f"platform.projects[{i}].pipeline",
                f"unknown pipeline {project.pipeline!r}; {_choices(project.pipeline, pipelines)}",
            )

    projects = {p.name for p in platform.projects}
    env_set = set(envs)
    for i, integration in enumerate(platform.integrations):
        if integration.project not in projects:
            yield (
                f"platform.integrations[{i}].project",
                f"unknown project {integration.project!r}; "
                + _choices(integration.project, projects),
            )
        for env_name in integration.overrides:
            if env_name not in env_set:
                yield (
                    f"platform.integrations[{i}].overrides.{env_name}",
                    f"unknown environment {env_name!r}; {_choices(env_name, env_set)}",
                )
        yield from _unique(
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
                        f"unknown approver group {group!r}; {_choices(group, platform.groups)} "
                        "(declare its members under platform.groups)",
                    )


def _pipeline(path: str, paths: Iterable, gates: Iterable, envs: set[str]) -> Iterator[Finding]:  # type: ignore[type-arg]
    edges: dict[str, list[str]] = {}
    for i, step in enumerate(paths):
        for name, where in [(step.from_, f"{path}.paths[{i}].from")] + [
            (to, f"{path}.paths[{i}].to[{j}]") for j, to in enumerate(step.to)
        ]:
            if name not in envs:
                yield where, f"unknown environment {name!r}; {_choices(name, envs)}"
        edges.setdefault(step.from_, []).extend(step.to)
    for i, gate in enumerate(gates):
        if gate.environment not in envs:
            yield (
                f"{path}.gates[{i}].environment",
                f"unknown environment {gate.environment!r}; {_choices(gate.environment, envs)}",
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


def _aws_network(stack: StackSpec) -> Iterator[Finding]:
    """EKS needs zonal subnets in the stack's region, private ones in at least two zones, and a
    public subnet (NAT gateways, internet-facing load balancers); names ``public*`` are public."""
    dp = stack.dataplane
    subnets = dp.network.subnets
    in_region = re.compile(rf"^{re.escape(dp.region)}[a-z]$")
    if not subnets:
        zones = {z for z in dp.network.availability_zones if z.isdigit() or in_region.match(z)}
        if len(set(dp.network.availability_zones)) < 2:
            yield (
                "dataplane.network.availabilityZones",
                "EKS needs at least two availability zones; list two or more",
            )
        for i, zone in enumerate(dp.network.availability_zones):
            if zone not in zones:
                yield (
                    f"dataplane.network.availabilityZones[{i}]",
                    f"{zone!r} is not a zone of region {dp.region}; expected e.g. {dp.region}a",
                )
        return
    for i, subnet in enumerate(subnets):
        if subnet.zone is None:
            yield (
                f"dataplane.network.subnets[{i}].zone",
                f"required on AWS (subnets are zonal); add e.g. zone: {dp.region}a",
            )
        elif not in_region.match(subnet.zone):
            yield (
                f"dataplane.network.subnets[{i}].zone",
                f"{subnet.zone!r} is not a zone of region {dp.region}; expected e.g. {dp.region}a",
            )
    private = {s.zone for s in subnets if s.zone and not s.name.startswith("public")}
    public = {s.zone for s in subnets if s.zone and s.name.startswith("public")}
    if len(private) < 2:
        yield (
            "dataplane.network.subnets",
            f"private subnets span {len(private)} zone(s); EKS needs at least two: "
            "add a private subnet in another zone",
        )
    if not public:
        yield (
            "dataplane.network.subnets",
            "no public subnet (name starting with `public`); NAT gateways need one",
        )
    per_zone = (
        dp.aws.nat_gateway_per_zone
        if dp.aws and dp.aws.nat_gateway_per_zone is not None
        else dp.production
    )
    if public and per_zone and not private <= public:
        yield (
            "dataplane.network.subnets",
            "a NAT gateway per zone needs a public subnet in "
            f"{', '.join(sorted(private - public))}; add one, or set aws.natGatewayPerZone: false",
        )


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
                f"{_choices(key, {*config, *env.secrets})} (add it to environments[].config, "
                "to the integration's config or to environments[].secrets)",
            )


_UNITS = {
    "m": 1e-3,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


def _quantity(value: str) -> float:
    """A Kubernetes quantity as a number (cores or bytes)."""
    number = value.rstrip("mkMGTi")
    return float(number) * _UNITS.get(value[len(number) :], 1.0)


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
