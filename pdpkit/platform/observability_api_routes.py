"""The observability API's objects per tenant, as plain manifests: an HTTPRoute exposing the
stores' read paths under ``/tenants/<tenant>``, the Envoy Gateway SecurityPolicy that admits
only tokens naming the tenant, and the BackendTrafficPolicy that rate-limits each caller.

Pure (no Pulumi): `ObservabilityApi` declares them, the tests evaluate them.
Envoy Gateway fields are cited from envoyproxy/gateway v1.9.0 ``api/v1alpha1/*.go``;
Gateway API fields from kubernetes-sigs/gateway-api v1.6.1 ``apis/v1/httproute_types.go``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pdpkit.dataplane.contract import QueryBackend, Signal
from pdpkit.spec.observability import ObservabilityApiSpec
from pdpkit.spec.store_query_paths import READ_PATHS, TENANT_HEADER, PathMatchType, QueryStore

TENANTS_PREFIX = "/tenants"
"""Every route's paths start ``/tenants/<tenant>``; the gateway strips it on the way in."""
JWT_PROVIDER = "control-plane"
"""Name of the JWT provider in each SecurityPolicy (jwt_types.go:54-59)."""
METHODS = ("GET", "POST")
"""What the API admits: reads are GET, and POST for Prometheus/Loki queries too long for a URL
(Cortex's query, query_range, series and labels take GET,POST; Loki's series takes POST)."""
REMOVED_HEADERS = ("Authorization",)
"""Request headers the stores never see. Envoy Gateway forwards the verified token upstream
(internal/xds/translator/jwt.go:190 ``Forward: true``); the stores have no use for it and it
would sit in their request logs. The route filter runs in the router, after the JWT,
authorization and rate limit filters have read it (internal/xds/translator/httpfilters.go:
100-160 filter order)."""
CORS_MAX_AGE = "600s"


STORE_OF = {
    Signal.LOGS: QueryStore.LOKI,
    Signal.METRICS: QueryStore.CORTEX,
    Signal.TRACES: QueryStore.TEMPO,
}
"""Which store keeps each signal in the plane (`ObservabilityQueryBackends`)."""


def tenant_prefix(tenant: str) -> str:
    """``/tenants/<tenant>``: the path every request for the tenant starts with."""
    return f"{TENANTS_PREFIX}/{tenant}"


def route_name(tenant: str) -> str:
    """Name of the tenant's HTTPRoute (and of its policies)."""
    return f"observability-api-{tenant}"


def _rule(tenant: str, path: str, match: PathMatchType, backend: QueryBackend) -> dict[str, Any]:
    public = f"{tenant_prefix(tenant)}{path}"
    # ReplacePrefixMatch needs exactly one PathPrefix match in its rule (httproute_types.go:144);
    # an Exact match is rewritten to its full path instead.
    rewrite = (
        {"type": "ReplaceFullPath", "replaceFullPath": path}
        if match is PathMatchType.EXACT
        else {"type": "ReplacePrefixMatch", "replacePrefixMatch": path}
    )
    return {
        "matches": [{"path": {"type": match.value, "value": public}}],
        "filters": [
            {
                # `set` overwrites whatever the caller sent (httproute_types.go:1054-1075): the
                # tenant comes from the route the token was authorized for, never the caller.
                "type": "RequestHeaderModifier",
                "requestHeaderModifier": {
                    "set": [{"name": TENANT_HEADER, "value": tenant}],
                    "remove": list(REMOVED_HEADERS),
                },
            },
            {"type": "URLRewrite", "urlRewrite": {"path": rewrite}},
        ],
        "backendRefs": [
            {"name": backend.service, "namespace": backend.namespace, "port": backend.port}
        ],
    }


def http_route_spec(
    tenant: str,
    gateway_name: str,
    gateway_namespace: str,
    hostname: str,
    backends: Mapping[Signal, QueryBackend],
) -> dict[str, Any]:
    """The tenant's HTTPRoute: one rule per read path of each store the plane keeps (at most
    16, what an HTTPRoute holds: httproute_types.go:127); nothing else of the stores is
    reachable."""
    return {
        "parentRefs": [
            {
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "name": gateway_name,
                "namespace": gateway_namespace,
            }
        ],
        "hostnames": [hostname],
        "rules": [
            _rule(tenant, p.path, p.match, backend)
            for signal, backend in sorted(backends.items())
            for p in READ_PATHS[STORE_OF[signal]]
        ],
    }


def security_policy_spec(tenant: str, api: ObservabilityApiSpec) -> dict[str, Any]:
    """JWT authentication against the control plane's identity provider, and authorization:
    allow GET/POST when the tenants claim lists `tenant`, deny everything else."""
    return {
        # securitypolicy_types.go:55 (PolicyTargetReferences); policy_helpers.go:36-38
        "targetRefs": [
            {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": route_name(tenant)}
        ],
        "jwt": {  # securitypolicy_types.go:91-94
            "providers": [  # jwt_types.go:39-46; no `optional`/`failOpen`: a token is required
                {
                    "name": JWT_PROVIDER,
                    "issuer": api.issuer,  # jwt_types.go:61-68
                    "audiences": list(api.audiences),  # jwt_types.go:70-76
                    "remoteJWKS": {"uri": api.jwks_url},  # jwt_types.go:78-82,124-133
                    # Only the Authorization header: by default a token is also read from the
                    # access_token query parameter (jwt_types.go:104-109), which lands in logs.
                    "extractFrom": {  # jwt_types.go:198-231
                        "headers": [{"name": "Authorization", "valuePrefix": "Bearer "}]
                    },
                }
            ]
        },
        "authorization": {  # securitypolicy_types.go:106-109; authorization_types.go:15-30
            "defaultAction": "Deny",
            "rules": [
                {
                    "name": f"tenant-{tenant}",
                    "action": "Allow",
                    "operation": {"methods": list(METHODS)},  # authorization_types.go:99-112
                    "principal": {
                        "jwt": {  # authorization_types.go:147-151,248-279
                            "provider": JWT_PROVIDER,
                            "claims": [
                                {
                                    # A dot nests (authorization.go:596-602 splits the name);
                                    # StringArray: the claim is a list and one element equals
                                    # the value (authorization_types.go:293-309; translated to
                                    # a ListMatcher oneOf, internal/xds/translator/
                                    # authorization.go:618-633).
                                    "name": api.tenants_claim,
                                    "valueType": "StringArray",
                                    "values": [tenant],
                                }
                            ],
                        }
                    },
                }
            ],
        },
        "cors": {  # securitypolicy_types.go:74-77; cors_types.go:32-73
            "allowOrigins": [o.rstrip("/") for o in api.console_origins],
            "allowMethods": list(METHODS),
            "allowHeaders": ["Authorization", "Content-Type"],
            "maxAge": CORS_MAX_AGE,
        },
    }


RATE_LIMIT_HEADER = "Authorization"
"""What a caller is, for the rate limit: its bearer token. Only verified tokens get there (the
JWT filter runs before the rate limit filter: httpfilters.go:125-146); per `sub` would need
the claim copied into a header, which Envoy appends to a caller-sent one of the same name
(envoy source/extensions/filters/http/jwt_authn/authenticator.cc addJWTClaimToHeader
``addCopy``), so a caller could pick its own bucket."""


def rate_limit_policy_spec(tenant: str, requests_per_minute: int) -> dict[str, Any]:
    """A local rate limit of `requests_per_minute` per caller token on the tenant's route.

    Local, so counted per Envoy replica (ratelimit_types.go:41-43); a Distinct header match
    gives each token its own bucket (ratelimit_types.go:394-398; local support since
    envoyproxy/gateway#5319, v1.4.0: internal/xds/translator/local_ratelimit.go:267-282, up to
    10000 buckets per listener: :60-66). Global limiting would need Redis and the rate limit
    service enabled in the EnvoyGateway configuration (backendtrafficpolicy.go:1895-1897).
    """
    return {
        "targetRefs": [
            {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": route_name(tenant)}
        ],
        "rateLimit": {  # ratelimit_types.go:13-30
            "local": {  # ratelimit_types.go:61-73
                "rules": [
                    {  # ratelimit_types.go:94-117
                        "clientSelectors": [
                            {"headers": [{"name": RATE_LIMIT_HEADER, "type": "Distinct"}]}
                        ],
                        "limit": {"requests": requests_per_minute, "unit": "Minute"},
                    }
                ]
            }
        },
    }
