"""What stands in front of the gateways in every example plan: the external load balancer
accepts only the stack's source ranges, a Coraza WAF with the OWASP CRS inspects every
external listener in the stack's mode, and the internal gateway's load balancer is private."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.components.k8s.web_application_firewall import RULE_SET
from pdpkit.spec.dataplane import WafMode
from pdpkit.spec.loader import load_stack
from pdpkit.versions import CORAZA_WASM
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

ENVOY_PROXY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy"
EXTENSION_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyExtensionPolicy"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"

INTERNAL_LOAD_BALANCER = {
    # cloud-provider-azure: an internal (private frontend IP) load balancer
    "azure": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
    # the in-tree service controller and the AWS Load Balancer Controller, each its own key
    "aws": {
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    },
    # GKE: an internal passthrough Network Load Balancer
    "gcp": {"networking.gke.io/load-balancer-type": "Internal"},
}
"""The annotation(s) that make a cloud's load balancer for a Service private."""


def objects(stack: str, type_: str) -> dict[str, dict[str, Any]]:
    """The plan's objects of `type_`, by metadata.name."""
    return {
        r.inputs["metadata"]["name"]: r.inputs for r in plan_of(stack).resources if r.type == type_
    }


def service_of(proxy: dict[str, Any]) -> dict[str, Any]:
    service: dict[str, Any] = proxy["spec"]["provider"]["kubernetes"]["envoyService"]
    return service


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_external_load_balancer_accepts_only_the_declared_ranges(stack: str) -> None:
    declared = load_stack(ROOT, stack).dataplane.gateways.external.source_ranges
    assert declared, f"{stack} should declare its external gateway's source ranges"
    service = service_of(objects(stack, ENVOY_PROXY)["external-proxy"])
    assert service["type"] == "LoadBalancer"
    assert service["loadBalancerSourceRanges"] == list(declared)
    # the client's address reaches the node unchanged, where AWS and on-prem check it
    assert service["externalTrafficPolicy"] == "Local"


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_external_listener_is_behind_the_waf_in_the_stacks_mode(stack: str) -> None:
    spec = load_stack(ROOT, stack).dataplane
    mode = spec.gateways.external.waf.effective_mode(spec.production)
    assert mode is not WafMode.OFF, f"{stack} should plan the WAF"
    policies = objects(stack, EXTENSION_POLICY)
    assert set(policies) == {"external-waf"}  # the internal gateway has none
    policy = policies["external-waf"]
    gateway = objects(stack, GATEWAY)["external"]
    assert policy["metadata"]["namespace"] == gateway["metadata"]["namespace"]
    # the whole Gateway: every listener, the ACME HTTP-01 one included
    assert policy["spec"]["targetRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "external"}
    ]
    (wasm,) = policy["spec"]["wasm"]
    assert wasm["code"] == {"type": "Image", "image": {"url": CORAZA_WASM.reference}}
    assert wasm["failOpen"] is False
    directives = wasm["config"]["directives_map"][wasm["config"]["default_directives"]]
    engine = "SecRuleEngine On" if mode is WafMode.BLOCKING else "SecRuleEngine DetectionOnly"
    assert directives == [line.format(engine=engine) for line in RULE_SET]
    assert "Include @owasp_crs/*.conf" in directives


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_internal_gateway_is_never_internet_facing(stack: str) -> None:
    target = load_stack(ROOT, stack).dataplane.target.value
    service = service_of(objects(stack, ENVOY_PROXY)["internal-proxy"])
    annotations = service.get("annotations", {})
    assert "internet-facing" not in annotations.values()
    # nothing widens who may reach it beyond the network the load balancer lives in
    assert "loadBalancerSourceRanges" not in service
    if target == "onprem":
        # the cluster's own load balancer (MetalLB, kube-vip…) hands out the address: which
        # pool it draws from is the site's (docs/ingress-security.md); no cloud annotation
        assert annotations == {}
    else:
        assert INTERNAL_LOAD_BALANCER[target].items() <= annotations.items()
