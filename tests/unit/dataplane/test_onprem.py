"""The on-prem target: golden manifests, upstream schemas, determinism, variants."""

from __future__ import annotations

import filecmp
from functools import cache
from pathlib import Path

import pytest

from pdpkit.dataplane import build_dataplane
from pdpkit.plan.document import Plan
from pdpkit.plan.recorder import Recording, record
from pdpkit.plan.run import plan_stack
from pdpkit.spec.enums import LogStoreKind, RegistryKind
from pdpkit.spec.loader import load_stack
from pdpkit.spec.targets import ExistingRegistrySpec
from tests.examples import ROOT, plan_of
from tests.golden_switch import HINT, rewrite_requested

STACK = "acme-onprem-local"
GOLDEN = ROOT / "tests" / "golden" / STACK


@cache
def dataplane_recording(stack: str = STACK) -> Recording:
    """The data plane alone (no platform layer): what the golden files pin down."""
    spec = load_stack(ROOT, stack).dataplane

    def program() -> None:
        build_dataplane(spec)

    return record(program, "pdp", stack)


@pytest.mark.slow
def test_golden_manifests(tmp_path):
    Plan(dataplane_recording(), []).write(tmp_path)
    produced = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.yaml"))
    if rewrite_requested():
        for stale in GOLDEN.rglob("*.yaml"):
            stale.unlink()
        for relative in produced:
            (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relative).write_bytes((tmp_path / relative).read_bytes())
    expected = sorted(p.relative_to(GOLDEN) for p in GOLDEN.rglob("*.yaml"))
    assert produced == expected, HINT
    for relative in produced:
        assert (tmp_path / relative).read_text() == (GOLDEN / relative).read_text(), (
            f"{relative} differs from the golden file; {HINT}"
        )


@pytest.mark.slow
def test_the_plan_carries_the_whole_system_layer():
    plan = plan_of(STACK)
    charts = {(r["chart"], r["installedBy"]) for r in plan.helm_releases()}
    assert {
        ("cilium", "pulumi"),
        ("gateway-crds-helm", "pulumi-rendered"),
        ("gateway-helm", "pulumi"),
        ("cert-manager", "pulumi"),
        ("external-secrets", "pulumi"),
        ("flux2", "pulumi"),
        ("fluent-bit", "flux"),
        ("loki", "flux"),
        ("harbor", "flux"),
    } <= charts
    kinds = {obj["kind"] for obj in plan.manifests()}
    assert {
        "Gateway",
        "ClusterIssuer",
        "ClusterSecretStore",
        "GitRepository",
        "Kustomization",
    } <= kinds
    (agent,) = [
        o
        for o in plan.manifests()
        if o["kind"] == "Deployment" and o["metadata"]["name"] == "pdp-agent"
    ]
    assert agent["metadata"]["namespace"] == "pdp-system"


@pytest.mark.slow
def test_two_plans_are_byte_identical(tmp_path):
    plan_stack(ROOT, STACK).write(tmp_path / "a")
    plan_stack(ROOT, STACK).write(tmp_path / "b")
    comparison = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    for sub in ("manifests",):
        inner = filecmp.dircmp(tmp_path / "a" / sub, tmp_path / "b" / sub)
        assert not inner.diff_files and not inner.left_only and not inner.right_only
    assert (tmp_path / "a" / "plan.json").read_bytes() == (
        tmp_path / "b" / "plan.json"
    ).read_bytes()


def test_provider_gets_the_kubeconfig_path_and_context_never_the_contents():
    spec = load_stack(ROOT, STACK).dataplane
    spec = spec.model_copy(
        update={"onprem": spec.onprem.model_copy(update={"kubeconfig": "/nonexistent/kubeconfig"})}
    )
    recording = record(lambda: build_dataplane(spec) and None, "pdp", STACK)
    (provider,) = [r for r in recording.resources if r.type == "pulumi:providers:kubernetes"]
    assert provider.inputs["kubeconfig"] == "/nonexistent/kubeconfig"
    assert provider.inputs["context"] == "k3d-acme-lab"


def test_harbor_admin_password_is_a_secret_and_storage_keys_come_from_vault():
    recording = dataplane_recording()
    plan = Plan(recording, [])
    (admin,) = [o for o in plan.manifests() if o["kind"] == "Secret"]
    assert admin["stringData"] == {"HARBOR_ADMIN_PASSWORD": "[secret]"}
    stores = [o for o in plan.manifests() if o["kind"] == "ClusterSecretStore"]
    vault = stores[0]["spec"]["provider"]["vault"]
    assert vault["auth"]["kubernetes"]["mountPath"] == "kubernetes-acme-lab"
    assert vault["server"] == "https://vault.lab.acme.example:8200"
    storage = [
        o
        for o in plan.manifests()
        if o["kind"] == "ExternalSecret" and o["metadata"]["name"] == "harbor-s3"
    ]
    (remote,) = {d["remoteRef"]["key"] for d in storage[0]["spec"]["data"]}
    assert remote == "pdp/acme-onprem-local/storage/minio"


def test_existing_registry_and_opensearch_variant():
    spec = load_stack(ROOT, STACK).dataplane
    onprem = spec.onprem.model_copy(
        update={
            "registry_kind": RegistryKind.EXISTING,
            "harbor": None,
            "existing_registry": ExistingRegistrySpec(
                server="registry.acme.internal", pull_secret_key="registry/pull"
            ),
            "log_store": LogStoreKind.OPENSEARCH,
        }
    )
    spec = spec.model_copy(update={"onprem": onprem})
    plan = Plan(record(lambda: build_dataplane(spec) and None, "pdp", STACK), [])
    releases = {r["chart"] for r in plan.helm_releases()}
    assert "opensearch" in releases and "harbor" not in releases and "loki" not in releases
    (pull,) = [o for o in plan.manifests() if o["kind"] == "ClusterExternalSecret"]
    target = pull["spec"]["externalSecretSpec"]["target"]
    assert target["template"]["type"] == "kubernetes.io/dockerconfigjson"
    assert pull["spec"]["externalSecretSpec"]["data"][0]["remoteRef"]["key"] == (
        "pdp/acme-onprem-local/registry/pull"
    )
    (fluent_bit,) = [r for r in plan.helm_releases() if r["chart"] == "fluent-bit"]
    assert "Name opensearch" in fluent_bit["values"]["config"]["outputs"]


def test_production_protects_what_holds_data():
    spec = load_stack(ROOT, STACK).dataplane.model_copy(update={"production": True})
    recording = record(lambda: build_dataplane(spec) and None, "pdp", STACK)
    protected = {r.name for r in recording.resources if r.protect and r.retain_on_delete}
    assert protected == {
        "acme-onprem-local-loki-release-release",
        "acme-onprem-local-harbor-release-release",
    }


def test_golden_dir_exists_for_reviewers():
    assert Path(GOLDEN / "helm-releases.yaml").is_file()


def test_harbor_is_published_on_the_internal_gateway_only():
    plan = Plan(dataplane_recording(), [])
    (route,) = [o for o in plan.manifests() if o["kind"] == "HTTPRoute"]
    assert route["spec"]["parentRefs"] == [
        {"name": "internal", "namespace": "envoy-gateway-system", "kind": "Gateway"}
    ]
    assert route["spec"]["hostnames"] == ["harbor.lab.acme.example"]
    gateways = {o["metadata"]["name"]: o for o in plan.manifests() if o["kind"] == "Gateway"}
    internal = [x["hostname"] for x in gateways["internal"]["spec"]["listeners"]]
    external = [x["hostname"] for x in gateways["external"]["spec"]["listeners"]]
    assert "harbor.lab.acme.example" in internal and "harbor.lab.acme.example" not in external
    (harbor,) = [r for r in plan.helm_releases() if r["chart"] == "harbor"]
    assert harbor["values"]["expose"]["type"] == "clusterIP"  # no LoadBalancer of its own


def test_integrations_see_only_the_stacks_hostnames():
    spec = load_stack(ROOT, STACK).dataplane
    holder = {}

    def program() -> None:
        holder["dataplane"] = build_dataplane(spec)

    record(program, "pdp", STACK)
    assert holder["dataplane"].internal_gateway.hostnames == ("*.internal.lab.acme.example",)
    assert holder["dataplane"].registry is not None
