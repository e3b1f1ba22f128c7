"""Keyed entries of the platform are unique, and production environments are gated by people.

A list keyed by a name (environments, gates by environment, env vars by name…) is read
into a mapping somewhere downstream, where a second entry silently replaces the first:
a second ``{environment: prod, autoPromote: true}`` gate would open the real prod gate.
Every such duplicate is a located error here, so `pdp validate` reports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pdpkit.spec.findings import Finding
from pdpkit.spec.platform import PlatformSpec


def duplicates(path: str, keys: Iterable[str], field: str, what: str) -> Iterator[Finding]:
    """A finding at `path[i].field` for each entry whose key an earlier entry already has."""
    seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in seen:
            yield (
                f"{path}[{i}].{field}" if field else f"{path}[{i}]",
                f"duplicate {what} {key!r} (also at [{seen[key]}]); each {what} may appear "
                "once: merge the two entries or remove one",
            )
        seen.setdefault(key, i)


def duplicate_keys(platform: PlatformSpec) -> Iterator[Finding]:
    """Every duplicate keyed entry of the platform (names, gates, paths, variables…)."""
    yield from duplicates("platform.dataPlanes", platform.data_planes, "", "data plane")
    for i, env in enumerate(platform.environments):
        where = f"platform.environments[{i}]"
        yield from duplicates(f"{where}.dataPlanes", env.data_planes, "", "data plane")
        yield from duplicates(
            f"{where}.egress",
            (f"{rule.cidr} ports {sorted(rule.ports)}" for rule in env.egress),
            "cidr",
            "egress rule",
        )
    for name, members in platform.groups.items():
        yield from duplicates(f"platform.groups.{name}", members, "", "member")
    for i, pipeline in enumerate(platform.pipelines):
        where = f"platform.pipelines[{i}]"
        gates = [gate.environment for gate in pipeline.gates]
        yield from duplicates(f"{where}.gates", gates, "environment", "gate for environment")
        for j, gate in enumerate(pipeline.gates):
            yield from duplicates(f"{where}.gates[{j}].approvers", gate.approvers, "", "approver")
        seen: set[tuple[str, str]] = set()
        for j, path in enumerate(pipeline.paths):
            for k, to in enumerate(path.to):
                if (path.from_, to) in seen:
                    yield (
                        f"{where}.paths[{j}].to[{k}]",
                        f"duplicate promotion path {path.from_} -> {to}; each path may "
                        "appear once: remove the repeated one",
                    )
                seen.add((path.from_, to))
    tracks: dict[str, int] = {}
    for i, it in enumerate(platform.integrations):
        where = f"platform.integrations[{i}]"
        yield from duplicates(f"{where}.endpoints", (e.name for e in it.endpoints), "name", "name")
        yield from duplicates(
            f"{where}.endpoints",
            (f"{e.visibility.value} {e.base_path}" for e in it.endpoints),
            "basePath",
            "gateway path",
        )
        yield from duplicates(f"{where}.env", (v.name for v in it.env), "name", "variable")
        yield from duplicates(
            f"{where}.envFromSecrets",
            (f"{s.key}#{s.property or ''}" for s in it.env_from_secrets),
            "key",
            "secret",
        )
        yield from duplicates(
            f"{where}.configFiles", (f.mount_path for f in it.config_files), "mountPath", "file"
        )
        for env_name, override in it.overrides.items():
            yield from duplicates(
                f"{where}.overrides.{env_name}.env",
                (v.name for v in override.env),
                "name",
                "variable",
            )
        source = it.track.branch or it.track.registry_repository or ""
        if it.track.branch is not None:
            continue  # a branch may carry several integrations (one build each)
        if source in tracks:
            yield (
                f"{where}.track.registryRepository",
                f"duplicate track {source!r} (also integrations[{tracks[source]}]): a new "
                "digest there would be released as two integrations; give each its own "
                "repository",
            )
        tracks.setdefault(source, i)


def production_gates(platform: PlatformSpec) -> Iterator[Finding]:
    """A production environment on a pipeline needs a gate with at least one approval.

    Without one, every build reaches production by automation alone (a release, an
    auto-promotion, or a promotion nobody approved). This is a validation error rather
    than a policy verdict: it is a property of the spec, so no waiver can talk it away.
    """
    production = {env.name for env in platform.environments if env.production}
    for i, pipeline in enumerate(platform.pipelines):
        where = f"platform.pipelines[{i}]"
        targets = {to for path in pipeline.paths for to in path.to}
        nodes = targets | {path.from_ for path in pipeline.paths}
        gates = {gate.environment: j for j, gate in enumerate(pipeline.gates)}
        for env in sorted(production & nodes):
            if env not in targets:
                yield (
                    f"{where}.paths",
                    f"production environment {env!r} is an entry of pipeline "
                    f"{pipeline.name}: builds would enter it with `pdp release`, unapproved; "
                    "promote into it from a non-production environment through a gate "
                    "with requiredApprovals >= 1",
                )
                continue
            j = gates.get(env)
            if j is None:
                yield (
                    f"{where}.gates",
                    f"production environment {env!r} has no gate in pipeline "
                    f"{pipeline.name}, so anyone could promote into it unapproved; add "
                    f"`{{environment: {env}, requiredApprovals: 1, approvers: [group:…]}}`",
                )
            elif pipeline.gates[j].required_approvals < 1:
                auto = ", autoPromote" if pipeline.gates[j].auto_promote else ""
                yield (
                    f"{where}.gates[{j}].requiredApprovals",
                    f"production environment {env!r} is gated by automation alone "
                    f"(requiredApprovals 0{auto}); "
                    "production needs requiredApprovals >= 1 (and no autoPromote)",
                )
