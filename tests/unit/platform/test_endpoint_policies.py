"""Envoy Gateway policies per route: SecurityPolicy (JWT + authorization, API keys),
BackendTrafficPolicy (limits), and the gateways routes attach to.

The field names and enum values asserted here are Envoy Gateway v1.9.0's (cited in
`pdpkit.platform.endpoint_policies`); the generated objects of the four example stacks were
validated once against the v1.9.0 CRDs' openAPIV3Schema (docs/ingress-security.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.platform.endpoint_policies import (
    backend_traffic_policy_spec,
    security_policy_spec,
)
from pdpkit.spec.endpoint_security import EndpointAuth, EndpointLimits, RateLimit
from tests.examples import EXAMPLE_STACKS, plan_of
from tests.unit.platform.recorded import cloud, objects, one, onprem

JWT = {
    "issuer": "https://login.example/realms/prod",
    "jwksUrl": "https://login.example/realms/prod/certs",
}


def _security(auth: dict[str, Any], secret: str | None = None) -> dict[str, Any] | None:
    return security_policy_spec(
        "api-orders", "orders", "/orders/v1.2", EndpointAuth.model_validate(auth), secret
    )


def test_jwt_provider_reads_bearer_tokens_from_the_header_only() -> None:
    spec = _security({"jwt": {**JWT, "audiences": ["apis"]}})
    assert spec is not None
    assert spec["targetRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "api-orders"}
    ]
    [provider] = spec["jwt"]["providers"]
    assert provider == {
        "name": "orders",
        "issuer": JWT["issuer"],
        "remoteJWKS": {"uri": JWT["jwksUrl"]},
        "extractFrom": {"headers": [{"name": "Authorization", "valuePrefix": "Bearer "}]},
        "audiences": ["apis"],
    }
    assert "authorization" not in spec  # any valid token: nothing more to check


def test_scopes_and_claims_are_required_with_deny_by_default() -> None:
    spec = _security(
        {
            "jwt": {
                **JWT,
                "requiredScopes": ["orders:read"],
                "requiredClaims": [{"name": "groups", "values": ["buyers"], "array": True}],
            }
        }
    )
    assert spec is not None
    assert spec["authorization"] == {
        "rules": [
            {
                "name": "endpoint",
                "action": "Allow",
                "principal": {
                    "jwt": {
                        "provider": "orders",
                        "scopes": ["orders:read"],
                        "claims": [
                            {"name": "groups", "valueType": "StringArray", "values": ["buyers"]}
                        ],
                    }
                },
            }
        ],
        "defaultAction": "Deny",
    }


def test_a_path_rule_cannot_be_bypassed_by_the_endpoint_rule() -> None:
    spec = _security(
        {
            "jwt": {
                **JWT,
                "requiredScopes": ["orders:read"],
                "rules": [{"path": "/admin/", "methods": ["POST"], "scopes": ["orders:admin"]}],
            }
        }
    )
    assert spec is not None
    allow, deny, endpoint = spec["authorization"]["rules"]
    operation = {"path": {"type": "PathPrefix", "value": "/orders/v1.2/admin"}, "methods": ["POST"]}
    assert allow["operation"] == deny["operation"] == operation
    assert allow["principal"]["jwt"]["scopes"] == ["orders:read", "orders:admin"]
    # without admin scope the first match is the Deny, not the endpoint-wide Allow
    assert (deny["action"], deny["cel"]) == ("Deny", "true")
    assert endpoint["name"] == "endpoint" and spec["authorization"]["defaultAction"] == "Deny"


def test_path_rules_alone_allow_the_rest() -> None:
    spec = _security({"jwt": {**JWT, "rules": [{"path": "/", "scopes": ["w"]}]}})
    assert spec is not None
    assert spec["authorization"]["defaultAction"] == "Allow"
    assert spec["authorization"]["rules"][0]["operation"] == {
        "path": {"type": "PathPrefix", "value": "/orders/v1.2"}
    }


def test_api_keys_come_from_the_secret() -> None:
    spec = _security({"apiKey": {"keys": {"key": "k"}, "header": "x-key"}}, "api-orders-keys")
    assert spec is not None and "jwt" not in spec
    assert spec["apiKeyAuth"] == {
        "credentialRefs": [{"group": "", "kind": "Secret", "name": "api-orders-keys"}],
        "extractFrom": [{"headers": ["x-key"]}],
    }


def test_a_public_endpoint_has_no_security_policy() -> None:
    assert _security({"public": {"reason": "a webhook whose sender cannot authenticate"}}) is None


def test_limits_have_safe_defaults() -> None:
    spec = backend_traffic_policy_spec("r", EndpointLimits(), None, None)
    assert "rateLimit" not in spec
    assert spec["requestBuffer"] == {"limit": "1Mi"}
    assert spec["timeout"] == {"tcp": {"connectTimeout": "5s"}, "http": {"requestTimeout": "30s"}}
    # only what never reached the integration is retried: a POST is never applied twice
    assert spec["retry"]["retryOn"] == {
        "triggers": ["connect-failure", "refused-stream", "reset-before-request"]
    }
    assert spec["circuitBreaker"] == {
        "maxConnections": 1024,
        "maxPendingRequests": 1024,
        "maxParallelRequests": 1024,
    }


@pytest.mark.parametrize(
    ("header", "selectors"),
    [
        ("Authorization", [[{"headers": [{"type": "Distinct", "name": "Authorization"}]}]]),
        (
            None,
            [
                [{"sourceCIDR": {"type": "Distinct", "value": "0.0.0.0/0"}}],
                [{"sourceCIDR": {"type": "Distinct", "value": "::/0"}}],
            ],
        ),
    ],
    ids=["by-credential", "by-client-ip"],
)
def test_rate_limit_per_endpoint_and_per_client(
    header: str | None, selectors: list[list[dict[str, Any]]]
) -> None:
    rate = RateLimit.model_validate(
        {"requests": 600, "unit": "Minute", "perClient": {"requests": 60}}
    )
    rules = backend_traffic_policy_spec("r", EndpointLimits(), rate, header)["rateLimit"]
    assert list(rules) == ["local"]  # no rate limit service: counted per Envoy replica
    endpoint, *clients = rules["local"]["rules"]
    assert endpoint == {"limit": {"requests": 600, "unit": "Minute"}}
    assert [c["clientSelectors"] for c in clients] == selectors
    assert all(c["limit"] == {"requests": 60, "unit": "Minute"} for c in clients)


def test_the_example_routes_get_their_policies() -> None:
    recording = onprem()
    orders = one(recording, "SecurityPolicy", "orders-dev", "order-api-orders")["spec"]
    assert orders["jwt"]["providers"][0]["issuer"] == "https://keycloak.lab.acme.example/realms/dev"
    assert orders["authorization"]["defaultAction"] == "Deny"
    policies = {p["metadata"]["name"] for p in objects(recording, "SecurityPolicy", "orders-dev")}
    # the internal admin endpoint and the public webhook have none
    assert policies == {"order-api-orders"}
    webhook = one(recording, "HTTPRoute", "orders-dev", "order-api-payment-events")
    assert "HMAC" in webhook["metadata"]["annotations"]["pdpkit.io/public-reason"]
    assert webhook["spec"]["parentRefs"][0]["name"] == "external"
    traffic = one(recording, "BackendTrafficPolicy", "orders-dev", "order-api-payment-events")
    assert traffic["spec"]["requestBuffer"] == {"limit": "64Ki"}
    assert {
        s[0]["sourceCIDR"]["value"]
        for r in traffic["spec"]["rateLimit"]["local"]["rules"]
        for s in [r.get("clientSelectors", [{"sourceCIDR": {"value": "-"}}])]
    } == {"-", "0.0.0.0/0", "::/0"}
    routes = {r["metadata"]["name"] for r in objects(recording, "HTTPRoute", "orders-dev")}
    traffic_names = {
        p["metadata"]["name"] for p in objects(recording, "BackendTrafficPolicy", "orders-dev")
    }
    assert traffic_names == routes  # every route has its limits


def test_api_keys_are_read_from_the_secret_store() -> None:
    recording = cloud("acme-aws-prod")
    secret = one(recording, "ExternalSecret", "partners-prod", "partner-gateway-events-api-keys")
    assert secret["spec"]["dataFrom"] == [
        {"extract": {"key": "pdp/acme-aws-prod/partner-event-keys"}}
    ]
    policy = one(recording, "SecurityPolicy", "partners-prod", "partner-gateway-events")
    assert policy["spec"]["apiKeyAuth"]["credentialRefs"][0]["name"] == (
        "partner-gateway-events-api-keys"
    )


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_internal_routes_stay_on_the_internal_gateway(stack: str) -> None:
    """Every route attaches to the gateway of its visibility, and only to it."""
    routes = [
        r.inputs
        for r in plan_of(stack).resources
        if r.type == "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
    ]
    # the data plane's own routes (Harbor's) carry no visibility: they are internal
    visibility_of = {
        r["metadata"]["name"]: r["metadata"]["labels"].get("pdpkit.io/visibility", "internal")
        for r in routes
    }
    assert set(visibility_of.values()) == {"external", "internal"}, stack
    for route in routes:
        visibility = visibility_of[route["metadata"]["name"]]
        gateways = {(p["name"], p.get("namespace")) for p in route["spec"]["parentRefs"]}
        assert {name for name, _ in gateways} == {visibility}, route["metadata"]["name"]
