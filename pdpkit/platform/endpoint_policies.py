"""Envoy Gateway policy objects that enforce an endpoint's auth and limits at the gateway.

Per HTTPRoute: a `SecurityPolicy` (JWT with authorization rules on scopes and claims, or
API keys) and a `BackendTrafficPolicy` (local rate limit, request size, timeouts, retries,
circuit breaking). Pure functions returning specs; `IntegrationEndpoints` creates them.

Every field, enum value and the API version is Envoy Gateway v1.9.0's (the version
pdpkit/versions.py pins), read from envoyproxy/gateway at tag v1.9.0, api/v1alpha1/*.go (the
CRDs in charts/gateway-crds-helm/templates/generated/ are generated from them); each is cited
where it is written. Global rate limiting needs Envoy Gateway's rate limit service and Redis
(`rateLimit` in the EnvoyGateway configuration, api/v1alpha1/envoygateway_types.go), which
pdpkit does not install: limits are *local*, counted by each Envoy replica.
"""

from __future__ import annotations

from typing import Any

from pdpkit.spec.endpoint_security import (
    EndpointAuth,
    EndpointLimits,
    JwtAuth,
    JwtClaim,
    RateLimit,
)

API_VERSION = "gateway.envoyproxy.io/v1alpha1"
"""api/v1alpha1/groupversion_info.go (group gateway.envoyproxy.io, version v1alpha1)."""

SECURITY_POLICY = "SecurityPolicy"
"""api/v1alpha1/securitypolicy_types.go:15 (`KindSecurityPolicy`)."""
BACKEND_TRAFFIC_POLICY = "BackendTrafficPolicy"
"""api/v1alpha1/backendtrafficpolicy_types.go (`KindBackendTrafficPolicy`)."""

BEARER_HEADER = "Authorization"
"""Tokens are read from ``Authorization: Bearer …`` only (not the ``access_token`` query
parameter Envoy also reads by default, jwt_types.go:104-109, which ends up in access logs)."""

SAFE_RETRY_TRIGGERS = ("connect-failure", "refused-stream", "reset-before-request")
"""Retry only what never reached the integration, so a POST is never applied twice:
retry_types.go:54 (`TriggerEnum`) and :67-76 (what each means)."""

EVERY_IPV4, EVERY_IPV6 = "0.0.0.0/0", "::/0"


def route_target(route: str) -> list[dict[str, str]]:
    """``targetRefs`` naming one HTTPRoute in the policy's namespace: policy_helpers.go:38
    (`TargetRefs []LocalPolicyTargetReferenceWithSectionName`: group, kind, name) and the
    CEL rules at securitypolicy_types.go:50-51 (group gateway.networking.k8s.io, kind
    HTTPRoute allowed)."""
    return [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": route}]


def security_policy_spec(
    route: str, provider: str, path: str, auth: EndpointAuth, api_key_secret: str | None
) -> dict[str, Any] | None:
    """The SecurityPolicy spec of an endpoint, or None for a public one.

    `provider` names the JWT provider, `path` is the route's versioned path (authorization
    rules match below it), `api_key_secret` the Secret holding the endpoint's API keys.
    """
    spec: dict[str, Any] = {"targetRefs": route_target(route)}
    if auth.jwt is not None:
        spec["jwt"] = {"providers": [_jwt_provider(provider, auth.jwt)]}
        authorization = _authorization(provider, path, auth.jwt)
        if authorization is not None:
            spec["authorization"] = authorization
        return spec
    if auth.api_key is not None:
        if api_key_secret is None:
            raise ValueError(f"route {route}: apiKey auth needs the Secret of its keys")
        # api_key_auth_types.go:15-38: credentialRefs (Secrets whose keys are client ids and
        # values the API keys, :16-20), extractFrom (MinItems 1; exactly one of headers,
        # params, cookies, :42). The key stays on the request (sanitize unset): the per-client
        # rate limit counts by it, and that filter runs after API key auth.
        spec["apiKeyAuth"] = {
            "credentialRefs": [{"group": "", "kind": "Secret", "name": api_key_secret}],
            "extractFrom": [{"headers": [auth.api_key.header]}],
        }
        return spec
    return None


def _jwt_provider(name: str, jwt: JwtAuth) -> dict[str, Any]:
    if jwt.issuer is None or jwt.jwks_url is None:
        # endpoint_checks refuses this; reaching here is a bug, not bad input
        raise ValueError(f"JWT provider {name} has no issuer or JWKS URL")
    # jwt_types.go:53-110 `JWTProvider`: name (1-253), issuer (<=253), audiences (<=8),
    # remoteJWKS.uri (https, 1-253, :124-133), extractFrom.headers[].{name, valuePrefix}
    # (:198-231).
    provider: dict[str, Any] = {
        "name": name,
        "issuer": jwt.issuer,
        "remoteJWKS": {"uri": jwt.jwks_url},
        "extractFrom": {"headers": [{"name": BEARER_HEADER, "valuePrefix": "Bearer "}]},
    }
    if jwt.audiences:
        provider["audiences"] = list(jwt.audiences)
    return provider


def _principal(provider: str, scopes: tuple[str, ...], claims: tuple[JwtClaim, ...]) -> Any:
    # authorization_types.go:248-279 `JWTPrincipal`: provider, claims (all must match),
    # scopes (all must be in the scope/scp claim); :282-310 `JWTClaim` name, valueType
    # (Enum String;StringArray), values (one must match).
    principal: dict[str, Any] = {"provider": provider}
    if scopes:
        principal["scopes"] = list(dict.fromkeys(scopes))
    if claims:
        principal["claims"] = [
            {
                "name": claim.name,
                "valueType": "StringArray" if claim.array else "String",
                "values": list(claim.values),
            }
            for claim in claims
        ]
    return {"jwt": principal}


def _authorization(provider: str, path: str, jwt: JwtAuth) -> dict[str, Any] | None:
    """Rules in order, the first match applies (authorization_types.go:16-18); a rule
    matches when its operation and principal both do (:47-59).

    Each access rule becomes an Allow (operation + the scopes) followed by a Deny of the same
    operation: without the Deny, a token lacking the rule's scopes would fall through to the
    endpoint-wide Allow. The Deny's condition is the CEL expression ``true`` (a rule needs a
    principal or CEL, :34; CEL at :61-87). Then the endpoint-wide Allow; the default action
    is Deny (:26-29) when anything is required, Allow when only path rules are.
    """
    rules: list[dict[str, Any]] = []
    for n, access in enumerate(jwt.rules):
        # authorization_types.go:99-113 `Operation`: methods (1-16 HTTPMethod), path
        # (`PathMatch`, ratelimit_types.go:414-432: type PathPrefix, value <=1024).
        operation: dict[str, Any] = {
            "path": {"type": "PathPrefix", "value": _below(path, access.path)}
        }
        if access.methods:
            operation["methods"] = [m.value for m in access.methods]
        rules.append(
            {
                "name": f"rule-{n}-allow",
                "action": "Allow",
                "operation": operation,
                "principal": _principal(
                    provider, (*jwt.required_scopes, *access.scopes), jwt.required_claims
                ),
            }
        )
        rules.append(
            {"name": f"rule-{n}-deny", "action": "Deny", "operation": operation, "cel": "true"}
        )
    if jwt.required_scopes or jwt.required_claims:
        rules.append(
            {
                "name": "endpoint",
                "action": "Allow",
                "principal": _principal(provider, jwt.required_scopes, jwt.required_claims),
            }
        )
        return {"rules": rules, "defaultAction": "Deny"}
    if rules:
        return {"rules": rules, "defaultAction": "Allow"}
    return None


def _below(path: str, sub: str) -> str:
    """``/orders/v1.2`` + ``/admin`` -> ``/orders/v1.2/admin`` (``/`` -> the path itself)."""
    return path.rstrip("/") + sub.rstrip("/") if sub != "/" else path


def backend_traffic_policy_spec(
    route: str, limits: EndpointLimits, rate: RateLimit | None, client_header: str | None
) -> dict[str, Any]:
    """The BackendTrafficPolicy spec: limits of one route.

    `client_header` carries the caller's credential (bearer token, API key): a per-client
    rate limit keeps a bucket per distinct value; None (public endpoints): per client IP.
    """
    # backendtrafficpolicy_types.go:50-68 (targetRefs inline, rateLimit), :142 and :208-217
    # (`requestBuffer.limit`: 413 above it); shared_types.go:658-684 (`ClusterSettings`
    # inline: retry, circuitBreaker, timeout).
    spec: dict[str, Any] = {
        "targetRefs": route_target(route),
        "requestBuffer": {"limit": limits.max_request_body},
        # timeout_types.go:11-47: tcp.connectTimeout, http.requestTimeout (gwapiv1.Duration,
        # pattern ^([0-9]{1,5}(h|m|s|ms)){1,4}$ in the CRD).
        "timeout": {
            "tcp": {"connectTimeout": f"{limits.connect_timeout_seconds}s"},
            "http": {"requestTimeout": f"{limits.request_timeout_seconds}s"},
        },
        # retry_types.go:13-38, 95-119: numRetries (>=0), retryOn.triggers, perRetry.backOff.
        "retry": {
            "numRetries": limits.retries,
            "retryOn": {"triggers": list(SAFE_RETRY_TRIGGERS)},
            "perRetry": {"backOff": {"baseInterval": "100ms", "maxInterval": "1s"}},
        },
        # circuitbreaker_types.go:11-42 (each 0..4294967295, default 1024).
        "circuitBreaker": {
            "maxConnections": limits.circuit_breaker.max_connections,
            "maxPendingRequests": limits.circuit_breaker.max_pending_requests,
            "maxParallelRequests": limits.circuit_breaker.max_parallel_requests,
        },
    }
    if rate is not None:
        spec["rateLimit"] = {"local": {"rules": _rate_rules(rate, client_header)}}
    return spec


def _rate_rules(rate: RateLimit, client_header: str | None) -> list[dict[str, Any]]:
    """Local rate limit rules (ratelimit_types.go:62-73, at most 16).

    The rule without clientSelectors is the route's default bucket
    (internal/gatewayapi/backendtrafficpolicy.go:1823-1840); per-client rules select a
    `Distinct` header (a bucket per value, ratelimit_types.go:383-398) or a `Distinct` source
    range (a bucket per client IP, :313-345). A request matching a per-client rule counts
    against that bucket only (internal/xds/translator/local_ratelimit.go:176-182,
    AlwaysConsumeDefaultTokenBucket false).
    """
    rules: list[dict[str, Any]] = [{"limit": {"requests": rate.requests, "unit": rate.unit.value}}]
    client = rate.per_client
    if client is None:
        return rules
    # ratelimit_types.go:435-447 `RateLimitValue`: requests (0..2^32-1), unit (:479 Enum).
    limit = {"requests": client.requests, "unit": client.unit.value}
    selectors: list[list[dict[str, Any]]]
    if client_header is not None:
        selectors = [[{"headers": [{"type": "Distinct", "name": client_header}]}]]
    else:
        selectors = [
            [{"sourceCIDR": {"type": "Distinct", "value": cidr}}]
            for cidr in (EVERY_IPV4, EVERY_IPV6)
        ]
    rules += [{"clientSelectors": s, "limit": limit} for s in selectors]
    return rules


def client_header(auth: EndpointAuth | None) -> str | None:
    """The request header carrying a caller's credential, if the endpoint has one."""
    if auth is not None and auth.jwt is not None:
        return BEARER_HEADER
    if auth is not None and auth.api_key is not None:
        return auth.api_key.header
    return None
