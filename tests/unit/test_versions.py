"""The versions table is the only place a chart version is written, and every pin is exact."""

from __future__ import annotations

import re

import pulumi
import pytest

from pdpkit.versions import (
    CHARTS,
    CLOUD_KUBERNETES,
    DOC_BEGIN,
    DOC_END,
    TARGET_CHARTS,
    CrdInstall,
    PodSecurity,
    chart,
    component_problems,
    render_doc,
)
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

EXACT = re.compile(r"^v?\d+\.\d+\.\d+$")


def test_every_chart_is_pinned_to_an_exact_version():
    assert len({c.name for c in CHARTS}) == len(CHARTS)
    for entry in CHARTS:
        assert EXACT.match(entry.version), f"{entry.name}: {entry.version} is not an exact version"
        assert entry.repository.startswith(("https://", "oci://")), entry.name
        if entry.is_oci:
            assert entry.repository.endswith("/" + entry.chart), entry.name


def test_unknown_chart_names_the_known_ones():
    with pytest.raises(KeyError, match=r"known charts: .*cilium"):
        chart("nginx")


def test_no_other_module_writes_a_chart_version():
    pins = {entry.version for entry in CHARTS}
    offenders = [
        f"{path.relative_to(ROOT)}: {pin}"
        for path in (ROOT / "pdpkit").rglob("*.py")
        if path.name != "versions.py"
        for pin in pins
        if re.search(rf"[\"']{re.escape(pin)}[\"']", path.read_text(encoding="utf-8"))
    ]
    assert not offenders


@pytest.mark.slow
def test_the_onprem_plan_installs_exactly_the_pinned_versions():
    releases = plan_of("acme-onprem-local").helm_releases()
    by_chart = {entry.chart: entry for entry in CHARTS}
    for release in releases:
        pinned = by_chart[release["chart"]]
        if release["installedBy"] in {"pulumi", "pulumi-rendered"}:
            assert release["version"] == pinned.version, release["name"]
            assert release["repository"] == pinned.repository, release["name"]
        else:  # Flux: the stack's channel or the pin
            assert release["version"] in {pinned.version, "~0.48.0"}, release["name"]


def test_every_chart_carries_its_upstream_facts_with_sources():
    for entry in CHARTS:
        assert entry.component and entry.app_version, entry.name
        assert entry.app_version_source and entry.pod_security_source, entry.name
        assert entry.crds_source, entry.name
        if entry.kubernetes is not None:
            assert entry.kubernetes.source, entry.name
            high = entry.kubernetes.max_minor
            assert high is None or high >= entry.kubernetes.min_minor, entry.name


def test_the_documented_pins_the_issue_named():
    # the facts that make Kubernetes 1.31 fail: Flux's `flux check --pre` (2.8: >= 1.33, its
    # release announcement: 1.33-1.35) and Envoy Gateway's matrix (1.9: 1.33-1.36)
    flux = chart("flux").kubernetes
    assert flux is not None and not flux.allows(32) and flux.allows(33) and not flux.allows(36)
    envoy = chart("envoyGateway").kubernetes
    assert envoy is not None and envoy.describe() == "1.33-1.36"
    assert chart("gatewayApiCrds").release_record_near_limit
    assert chart("gatewayApiCrds").crds is CrdInstall.RENDERED_SERVER_SIDE


def test_every_example_stack_is_inside_its_targets_range():
    from pdpkit.spec.loader import load_stack

    for stack in EXAMPLE_STACKS:
        dp = load_stack(ROOT, stack).dataplane
        minor = int(dp.cluster.kubernetes_version.split(".")[1])
        assert not component_problems(minor, TARGET_CHARTS[dp.target.value]), stack
        offer = CLOUD_KUBERNETES.get(dp.target.value)
        assert offer is None or minor in offer.minors, stack


def test_the_system_layer_doc_is_generated_from_the_table():
    doc = ROOT / "docs" / "system-layer.md"
    current = doc.read_text(encoding="utf-8")
    assert DOC_BEGIN in current and DOC_END in current
    assert render_doc(current) == current, (
        "docs/system-layer.md is stale: run `python -m pdpkit.versions` and commit the result"
    )
    for entry in CHARTS:
        assert f"| {entry.name} | {entry.chart} |" in current


def test_a_chart_with_a_release_record_near_the_limit_is_never_a_helm_release(run):
    from pdpkit.components.k8s.objects import helm_release

    def build(provider):
        helm_release(
            "crds",
            chart("gatewayApiCrds"),
            "gateway-crds",
            "envoy-gateway-system",
            {},
            pulumi.ResourceOptions(provider=provider),
        )

    with pytest.raises(Exception, match=r"must not be a Helm release.*1 MiB.*helm/helm#12277"):
        run(build)


@pytest.mark.slow
@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_no_plan_installs_a_near_limit_chart_as_a_helm_release(stack):
    near_limit = {c.chart for c in CHARTS if c.release_record_near_limit}
    for release in plan_of(stack).helm_releases():
        if release["chart"] in near_limit:
            assert release["installedBy"] == "pulumi-rendered", (stack, release["name"])


RELEASE_ENTRIES = {"otel-node": "otelNodeCollector", "otel-gateway": "otelClusterCollector"}
"""Releases of a chart pinned under two keys (one per role, each its own Pod Security fact)."""


@pytest.mark.slow
@pytest.mark.parametrize("storage", [False, True], ids=["as-is", "with-observability-storage"])
@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_no_namespace_is_labelled_stricter_than_its_charts_meet(stack, storage):
    from tests.unit.dataplane.observability_plans import plan_with_storage

    plan = plan_with_storage(stack) if storage else plan_of(stack)
    levels = {
        (ns.inputs.get("metadata") or {}).get("name"): PodSecurity(
            ns.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        )
        for ns in plan.resources
        if ns.type == "kubernetes:core/v1:Namespace"
    }
    by_chart = {c.chart: c for c in CHARTS}
    checked = 0
    for release in plan.helm_releases():
        label = levels.get(release["namespace"])
        if label is None:  # kube-system (Cilium): not a namespace pdpkit declares
            continue
        entry = RELEASE_ENTRIES.get(release["name"])
        meets = (chart(entry) if entry else by_chart[release["chart"]]).pod_security
        for mode in ("enforce", "audit", "warn"):
            ns = next(
                r
                for r in plan.resources
                if r.type == "kubernetes:core/v1:Namespace"
                and r.inputs["metadata"]["name"] == release["namespace"]
            )
            assert ns.inputs["metadata"]["labels"][f"pod-security.kubernetes.io/{mode}"] == label
        assert label.strictness <= meets.strictness, (
            f"{stack}: namespace {release['namespace']} enforces {label.value} but "
            f"{release['chart']} pods meet only {meets.value}"
        )
        checked += 1
    assert checked >= 5  # AKS ships logs with Container insights: no Fluent Bit there


@pytest.mark.slow
def test_lokis_restricted_level_rests_on_the_values_pdpkit_sets():
    # grafana/loki helm-loki-6.30.1 values.yaml:96-100, 1056-1060: no seccompProfile by default
    # the on-prem log store (pdp-logs); the observability chain's own Loki is checked in
    # tests/unit/dataplane/test_observability.py
    (loki,) = [r for r in plan_of("acme-onprem-local").helm_releases() if r["name"] == "loki"]
    assert chart("loki").pod_security is PodSecurity.RESTRICTED
    runtime_default = {"seccompProfile": {"type": "RuntimeDefault"}}
    assert loki["values"]["loki"]["podSecurityContext"] == runtime_default
    assert loki["values"]["gateway"]["podSecurityContext"] == runtime_default
    assert loki["values"]["test"] == {"enabled": False}


@pytest.mark.slow
def test_the_collectors_levels_rest_on_the_values_pdpkit_sets():
    from tests.unit.dataplane.observability_plans import plan_with_storage

    found = {r["name"]: r for r in plan_with_storage("acme-gcp-staging").helm_releases()}
    assert chart("otelClusterCollector").pod_security is PodSecurity.RESTRICTED
    gateway = found["otel-gateway"]["values"]
    # no host path: the presets that mount them stay off (templates/_pod.tpl:247-265)
    assert "presets" not in gateway
    assert gateway["securityContext"]["runAsNonRoot"] is True
    assert gateway["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert gateway["podSecurityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    # the node collector needs host paths: privileged, the only release in its namespace
    assert chart("otelNodeCollector").pod_security is PodSecurity.PRIVILEGED
    assert found["otel-node"]["values"]["presets"]["logsCollection"]["enabled"] is True
    tempo = found["tempo"]["values"]["tempo"]
    assert tempo["podSecurityContext"] == {"seccompProfile": {"type": "RuntimeDefault"}}
