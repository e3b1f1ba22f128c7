"""A promotion pipeline as a graph: entry environments, predecessors, gates, promotion order.

Pure (no Pulumi, no files): the release commands and the workflow generator share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pdpkit.platform.promotion_identity import canonical
from pdpkit.spec.platform import IntegrationSpec, PipelineSpec, PlatformSpec, PromotionGate


@dataclass(frozen=True)
class Pipeline:
    """The environments of one pipeline, in promotion order, with their edges and gates."""

    name: str
    order: tuple[str, ...]
    """Every environment of the pipeline, predecessors before successors (ties: the
    platform's environment order)."""
    predecessors: dict[str, tuple[str, ...]]
    successors: dict[str, tuple[str, ...]]
    gates: dict[str, PromotionGate]

    @property
    def entries(self) -> tuple[str, ...]:
        """Environments without a predecessor: where `pdp release` records new builds."""
        return tuple(env for env in self.order if not self.predecessors.get(env))

    def gate(self, environment: str) -> PromotionGate:
        """The gate into `environment` (an open gate when the pipeline declares none)."""
        return self.gates.get(environment) or PromotionGate(environment=environment)


def pipeline_of(platform: PlatformSpec, pipeline: PipelineSpec) -> Pipeline:
    """The graph of `pipeline` (its paths are acyclic: the spec checks reject cycles)."""
    rank = {env.name: i for i, env in enumerate(platform.environments)}
    predecessors: dict[str, list[str]] = {}
    successors: dict[str, list[str]] = {}
    nodes: set[str] = set()
    for path in pipeline.paths:
        nodes.add(path.from_)
        for target in path.to:
            nodes.add(target)
            if target not in successors.setdefault(path.from_, []):
                successors[path.from_].append(target)
            if path.from_ not in predecessors.setdefault(target, []):
                predecessors[target].append(path.from_)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(nodes):
        ready = sorted(
            (n for n in nodes - done if all(p in done for p in predecessors.get(n, []))),
            key=lambda n: (rank.get(n, len(rank)), n),
        )
        if not ready:  # a cycle; the spec checks report it, never loop here
            ready = sorted(nodes - done)
        order.append(ready[0])
        done.add(ready[0])
    return Pipeline(
        name=pipeline.name,
        order=tuple(order),
        predecessors={k: tuple(sorted(v, key=order.index)) for k, v in predecessors.items()},
        successors={k: tuple(sorted(v, key=order.index)) for k, v in successors.items()},
        gates={gate.environment: gate for gate in pipeline.gates},
    )


def pipeline_for(platform: PlatformSpec, integration: IntegrationSpec) -> Pipeline:
    """The pipeline of `integration`'s project."""
    project = next(p for p in platform.projects if p.name == integration.project)
    spec = next(p for p in platform.pipelines if p.name == project.pipeline)
    return pipeline_of(platform, spec)


def promotion_order(platform: PlatformSpec) -> tuple[str, ...]:
    """Every environment that some pipeline of `platform` uses, in promotion order."""
    rank = {env.name: i for i, env in enumerate(platform.environments)}
    pipelines = [pipeline_of(platform, p) for p in platform.pipelines]
    seen: dict[str, tuple[int, int]] = {}
    for pipeline in pipelines:
        for depth, env in enumerate(pipeline.order):
            seen[env] = max(seen.get(env, (0, 0)), (depth, rank.get(env, len(rank))))
    return tuple(sorted(seen, key=lambda env: (seen[env], env)))


def approvers_of(platform: PlatformSpec, gate: PromotionGate) -> frozenset[str] | None:
    """The users whose approval counts for `gate` (canonical identities); None when anyone
    but the promoter counts.

    Raises `KeyError` naming a ``group:NAME`` the platform does not declare, and
    `IdentityError` for a name that is no identity.
    """
    if not gate.approvers:
        return None
    users: set[str] = set()
    for approver in gate.approvers:
        if approver.startswith("group:"):
            users.update(canonical(m) for m in platform.groups[approver.removeprefix("group:")])
        else:
            users.add(canonical(approver))
    return frozenset(users)


def hosting_stacks(
    environment: str, platform: PlatformSpec, data_plane_stacks: dict[str, str]
) -> tuple[str, ...]:
    """Stacks (by data plane name → stack name) whose data plane runs `environment`."""
    env = next(e for e in platform.environments if e.name == environment)
    return tuple(
        sorted({data_plane_stacks[dp] for dp in env.data_planes if dp in data_plane_stacks})
    )
