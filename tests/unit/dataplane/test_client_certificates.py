"""Mutual TLS on the external gateway (acme-onprem-local declares it): a listener of its own
per hostname, client certificates required and verified there by a ClientTrafficPolicy
against the CA bundle from the secret store, the WAF still in front, and the routes of
``auth.mtls`` endpoints attached to those listeners only."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec.loader import load_stack
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
CLIENT_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy"
EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret"
ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate"
EXTENSION_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyExtensionPolicy"
STACK = "acme-onprem-local"


def inputs(stack: str, type_: str) -> list[dict[str, Any]]:
    return [r.inputs for r in plan_of(stack).resources if r.type == type_]


def named(stack: str, type_: str, name: str) -> dict[str, Any]:
    [found] = [i for i in inputs(stack, type_) if i["metadata"]["name"] == name]
    return found


def test_the_mtls_listener_requires_a_certificate_from_the_stacks_ca() -> None:
    mtls = load_stack(ROOT, STACK).dataplane.gateways.external.mtls
    assert mtls is not None
    gateway = named(STACK, GATEWAY, "external")
    listeners = {item["name"]: item for item in gateway["spec"]["listeners"]}
    assert [listeners["mtls-0"]["hostname"]] == list(mtls.hostnames)
    assert listeners["mtls-0"]["protocol"] == "HTTPS" and listeners["mtls-0"]["port"] == 443
    assert listeners["mtls-0"]["tls"] == listeners["https-0"]["tls"]  # same certificate
    certificate = named(STACK, CERTIFICATE, "external-gateway-tls")
    assert set(mtls.hostnames) <= set(certificate["spec"]["dnsNames"])

    policy = named(STACK, CLIENT_POLICY, "external-mtls")
    assert policy["metadata"]["namespace"] == gateway["metadata"]["namespace"]
    assert policy["spec"]["targetRefs"] == [
        {
            "group": "gateway.networking.k8s.io",
            "kind": "Gateway",
            "name": "external",
            "sectionName": "mtls-0",
        }
    ]
    validation = policy["spec"]["tls"]["clientValidation"]
    assert validation["mode"] == "RequireAndVerify"
    assert validation["caCertificateRefs"] == [
        {"group": "", "kind": "Secret", "name": "external-client-ca"}
    ]
    assert policy["spec"]["headers"]["xForwardedClientCert"]["mode"] == "SanitizeSet"

    ca = named(STACK, EXTERNAL_SECRET, "external-client-ca")
    assert ca["metadata"]["namespace"] == gateway["metadata"]["namespace"]
    [data] = ca["spec"]["data"]
    assert data["secretKey"] == "ca.crt"  # the key Envoy Gateway reads
    assert data["remoteRef"] == {"key": "pdp/acme-onprem-local/gateway/partner-client-ca"}

    # the WAF targets the whole Gateway (no sectionName): the new listener is inspected too
    [waf] = inputs(STACK, EXTENSION_POLICY)
    assert all(
        ref["kind"] == "Gateway" and ref["name"] == "external" and "sectionName" not in ref
        for ref in waf["spec"]["targetRefs"]
    )


def test_mtls_routes_attach_to_the_mtls_listeners_only_and_serve_their_hostnames() -> None:
    routes = [r for r in inputs(STACK, ROUTE) if r["metadata"]["name"] == "order-api-shipments"]
    assert len(routes) == 3  # dev, test, prod
    for route in routes:
        assert [p.get("sectionName") for p in route["spec"]["parentRefs"]] == ["mtls-0"]
        assert route["spec"]["hostnames"] == ["partners-mtls.apps.lab.acme.example"]
    # K8S-ROUTE-AUTHN accepting them, and its insecure variants (the policy dropped, a route
    # on every listener): tests/unit/policy/test_insecure_variants.py


@pytest.mark.parametrize("stack", [s for s in EXAMPLE_STACKS if s != STACK])
def test_stacks_without_mtls_have_no_mtls_listener(stack: str) -> None:
    gateway = named(stack, GATEWAY, "external")
    assert not [item for item in gateway["spec"]["listeners"] if item["name"].startswith("mtls")]
    assert inputs(stack, CLIENT_POLICY) == []
