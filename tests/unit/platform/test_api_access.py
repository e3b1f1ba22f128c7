"""Only integrations that mount a service account token may reach the Kubernetes API."""

from __future__ import annotations

from typing import Any

from pdpkit.platform.names import API_ACCESS_LABEL
from tests.examples import plan_of
from tests.unit.platform.recorded import manifests, record_platform, stack_platform


def _objects(kind: str) -> list[dict[str, Any]]:
    return [m for m in plan_of("acme-onprem-local").manifests() if m.get("kind") == kind]


def test_every_environment_namespace_allows_the_api_server_to_labelled_pods_only() -> None:
    # on-prem, pdpkit installs Cilium, which enforces policy after translating the kubernetes
    # Service's ClusterIP (cilium/cilium#33525): the API server is allowed by Cilium's
    # kube-apiserver entity, and no ipBlock of a Service address is written
    namespaces = {n["metadata"]["name"] for n in _objects("Namespace")}
    policies = {
        p["metadata"]["namespace"]: p["spec"]
        for p in _objects("CiliumNetworkPolicy")
        if p["metadata"]["name"] == "allow-api-server"
    }
    environment_namespaces = {ns for ns in namespaces if ns.endswith(("-dev", "-test", "-prod"))}
    assert environment_namespaces and environment_namespaces <= set(policies)
    for spec in policies.values():
        assert spec["endpointSelector"] == {"matchLabels": {API_ACCESS_LABEL: "true"}}
        (rule,) = spec["egress"]
        assert rule["toEntities"] == ["kube-apiserver"]
        assert {p["port"] for p in rule["toPorts"][0]["ports"]} == {"443", "6443"}
    assert not [p for p in _objects("NetworkPolicy") if p["metadata"]["name"] == "allow-api-server"]


def test_no_example_workload_carries_the_api_access_label() -> None:
    for deployment in _objects("Deployment"):
        labels = deployment["spec"]["template"]["metadata"].get("labels", {})
        assert API_ACCESS_LABEL not in labels


def test_an_integration_with_a_token_gets_the_label() -> None:
    platform = stack_platform("acme-onprem-local")
    integrations = tuple(
        i.model_copy(update={"service_account_token": True}) if i.name == "order-api" else i
        for i in platform.integrations
    )
    recording = record_platform(
        platform.model_copy(update={"integrations": integrations}), "acme-onprem-local"
    )
    templates = {
        d["metadata"]["namespace"]: d["spec"]["template"]
        for d in manifests(recording)
        if d["kind"] == "Deployment" and d["metadata"]["name"].startswith("order-api")
    }
    assert templates
    for template in templates.values():
        assert template["metadata"]["labels"][API_ACCESS_LABEL] == "true"
        assert template["spec"]["automountServiceAccountToken"] is True
