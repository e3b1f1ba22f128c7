"""Every Helm values key pdpkit sets exists in that chart version's values.yaml.

The key paths of each pinned chart's values.yaml live in tests/data/chart-values/
<chart>-<version>.txt (extracted by scripts/chart_values_keys.py from the upstream tag named
in each file's header). A key a chart does not have is silently ignored by Helm: the setting
never takes effect. Keys under a free-form map (``path.*``: annotations, labels, config
maps) are the chart's to pass through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pdpkit.versions import CHARTS
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

DATA = ROOT / "tests" / "data" / "chart-values"

UNVERIFIED = {
    "cilium": "cilium/cilium is too large to fetch here and no stored copy of "
    "install/kubernetes/cilium/values.yaml at v1.19.1 was found: its keys are not checked",
}
"""Charts whose values.yaml could not be read at the pinned version (named in the report)."""

COLLECTOR_CONFIG = {
    "opentelemetry-collector": "config",
}
"""Values subtrees that are a program's own configuration, rendered whole: the collector's
``config`` (open-telemetry/opentelemetry-helm-charts opentelemetry-collector-0.170.0
templates/_config.tpl:47,146: deep-copied, merged with the presets, ``toYaml``'d into the
ConfigMap). Its keys are the collector's, not the chart's: receivers, processors,
connectors, exporters and pipelines pdpkit names (tests/unit/dataplane/test_observability)."""


PASS_THROUGH = {
    "cortex": tuple(
        (component, "containerSecurityContext")
        for component in (
            "distributor",
            "ingester",
            "querier",
            "query_frontend",
            "store_gateway",
            "compactor",
        )
    ),
}
"""Maps a chart renders whole but whose values.yaml spells out some keys (so the extractor
does not mark them ``.*``): cortexproject/cortex-helm-chart v3.3.4 renders each component's
containerSecurityContext with ``omit ... "enabled" | toYaml`` (templates/distributor/
distributor-dep.yaml:90, ingester/ingester-statefulset.yaml:152-153, querier/querier-dep.yaml:89,
query-frontend/query-frontend-dep.yaml:84, store-gateway/store-gateway-statefulset.yaml:151,
compactor/compactor-statefulset.yaml:147)."""


def split(path: str) -> tuple[str, ...]:
    return tuple(part.replace("\\.", ".") for part in re.split(r"(?<!\\)\.", path))


def set_paths(values: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Leaf key paths of values pdpkit sets (lists are leaves: set as a whole)."""
    if isinstance(values, dict) and values:
        for key, child in values.items():
            yield from set_paths(child, (*prefix, str(key)))
    else:
        yield prefix


def chart_paths(chart: str, version: str) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """(key paths, free-form map paths) of the chart's values.yaml."""
    lines = (DATA / f"{chart}-{version}.txt").read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    assert any(" tag " in line for line in header), f"{chart}: header must cite repo and tag"
    keys = {split(line) for line in lines if line and not line.startswith("#")}
    free = {path[:-1] for path in keys if path[-1] == "*"}
    return keys, free


def unknown_keys(chart: str, version: str, values: dict[str, Any]) -> list[str]:
    keys, free = chart_paths(chart, version)
    if chart in COLLECTOR_CONFIG:
        free = free | {(COLLECTOR_CONFIG[chart],)}
    free = free | set(PASS_THROUGH.get(chart, ()))
    return [
        ".".join(path)
        for path in set_paths(values)
        if path not in keys and not any(path[:n] in free for n in range(1, len(path)))
    ]


def releases() -> Iterator[tuple[str, dict[str, Any]]]:
    from tests.unit.dataplane.observability_plans import plan_with_storage

    for stack in EXAMPLE_STACKS:
        for release in plan_of(stack).helm_releases():
            yield stack, release
        # the observability chain, planned with the storage its target will provide
        for release in plan_with_storage(stack).helm_releases():
            yield f"{stack} (with observability storage)", release


def test_every_pinned_chart_has_a_key_list_or_a_reason():
    for entry in CHARTS:
        listed = (DATA / f"{entry.chart}-{entry.version}.txt").exists()
        assert listed != (entry.chart in UNVERIFIED), entry.chart


def test_the_check_catches_a_key_the_chart_does_not_have():
    assert unknown_keys("loki", "6.30.1", {"loki": {"podSecurityContext": {"x": 1}}}) == []
    assert unknown_keys("loki", "6.30.1", {"singleBinary": {"replicaCount": 1}}) == [
        "singleBinary.replicaCount"
    ]
    # a free-form map takes any key
    assert unknown_keys("cert-manager", "v1.21.1", {"podLabels": {"any/label": "x"}}) == []
    # the collector's own configuration is free-form, the chart's values around it are not
    collector = "opentelemetry-collector"
    assert unknown_keys(collector, "0.170.0", {"config": {"connectors": {"routing": {}}}}) == []
    assert unknown_keys(collector, "0.170.0", {"presets": {"logCollection": {}}}) == [
        "presets.logCollection"
    ]


@pytest.mark.slow
def test_every_key_pdpkit_sets_exists_in_the_charts_values():
    problems = []
    checked = 0
    for stack, release in releases():
        chart = release["chart"]
        if chart in UNVERIFIED:
            continue
        pinned = next(c for c in CHARTS if c.chart == chart)
        checked += 1
        # a Flux channel (~0.48.0) resolves at run time: check against the pin it starts from
        for key in unknown_keys(chart, pinned.version, release["values"]):
            problems.append(f"{stack}: {chart} {pinned.version}: {key}")
    assert checked >= 20
    assert not problems, "keys the charts do not have:\n" + "\n".join(sorted(set(problems)))


def test_the_key_lists_hold_key_paths_only():
    for path in Path(DATA).glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert line.startswith("#") or ": " not in line, (path.name, line)


def test_opensearch_values_exist_in_the_chart():
    # no example stack uses OpenSearch: check the component's values directly
    from unittest.mock import MagicMock

    from pdpkit.components.onprem.opensearch import OpenSearch, OpenSearchArgs
    from pdpkit.components.onprem.s3 import S3Bucket

    args = OpenSearchArgs(
        provider=MagicMock(),
        storage=S3Bucket("https://minio.lab:9000", "lab", "logs", "minio/logs"),
        secret_store="pdp-secret-store",
    )
    pinned = next(c for c in CHARTS if c.name == "opensearch")
    assert unknown_keys(pinned.chart, pinned.version, OpenSearch.values(args)) == []
