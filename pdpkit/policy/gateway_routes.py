"""Rules over the routes into the data plane: every route on the external gateway
authenticates its callers (or is declared public with a reason) and is rate limited, and no
route meant for the internal gateway is attached to the external one.

Routes, policies and gateways are read from the plan: a route is external when a parentRef
names the external gateway (pdpkit's `Gateway` named ``external``) or its
``pdpkit.io/visibility`` label says so. Envoy Gateway policies attach through
``targetRefs`` (or the deprecated ``targetRef``) in the route's namespace (envoyproxy/gateway
v1.9.0 api/v1alpha1/policy_helpers.go:28-42).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pdpkit.policy.kubernetes_plan import labels_of, name_of, namespace_of
from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, plan_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import dig, items

HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
SECURITY_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy"
BACKEND_TRAFFIC_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy"
EXTERNAL_GATEWAY = "external"
"""Name of the data plane's external Gateway (pdpkit/dataplane/system.py)."""
VISIBILITY_LABEL = "pdpkit.io/visibility"
PUBLIC_REASON = "pdpkit.io/public-reason"
"""Annotation of a route its definition declares public (`auth.public.reason`)."""
AUTHENTICATION = ("jwt", "apiKeyAuth", "basicAuth", "oidc", "extAuth")
"""SecurityPolicy fields that authenticate a caller (securitypolicy_types.go:69-104)."""


def _gateways(route: Mapping[str, Any]) -> set[str]:
    return {
        str(dig(ref, "name"))
        for ref in items(route, "spec", "parentRefs")
        if dig(ref, "kind") in (None, "Gateway")
    }


def _external(route: Resource) -> bool:
    return (
        EXTERNAL_GATEWAY in _gateways(route.inputs)
        or labels_of(route.inputs).get(VISIBILITY_LABEL) == "external"
    )


def _attachments(resources: Sequence[Resource], kind: str) -> dict[tuple[str, ...], list[Resource]]:
    """Policies of `kind` by what they attach to: ``("HTTPRoute", namespace, name)`` (a route in
    the policy's own namespace) or ``("Gateway", name)``. Built once per rule, so a plan of N
    routes and M policies costs N + M lookups, not N x M scans."""
    attached: dict[tuple[str, ...], list[Resource]] = {}
    for policy in (r for r in resources if r.type == kind):
        refs = [*items(policy.inputs, "spec", "targetRefs")]
        single = dig(policy.inputs, "spec", "targetRef")
        if isinstance(single, Mapping):
            refs.append(single)
        for ref in refs:
            kind_, name = dig(ref, "kind"), str(dig(ref, "name"))
            if kind_ == "HTTPRoute":
                key: tuple[str, ...] = ("HTTPRoute", namespace_of(policy.inputs), name)
            elif kind_ == "Gateway":
                key = ("Gateway", name)
            else:
                continue
            attached.setdefault(key, []).append(policy)
    return attached


def _policies(attached: dict[tuple[str, ...], list[Resource]], route: Resource) -> list[Resource]:
    """The policies that attach to `route` directly or through one of its gateways."""
    found = list(attached.get(("HTTPRoute", namespace_of(route.inputs), name_of(route.inputs)), ()))
    for gateway in sorted(_gateways(route.inputs)):
        found += attached.get(("Gateway", gateway), ())
    return found


def _routes(resources: Sequence[Resource]) -> Iterator[Resource]:
    return (r for r in resources if r.type == HTTP_ROUTE)


@plan_rule(
    "K8S-ROUTE-AUTHN",
    MANDATORY,
    "Every route on the external gateway authenticates its callers at the gateway: an Envoy "
    "Gateway SecurityPolicy (JWT, API key, basic auth, OIDC or external auth) targets it or "
    "its gateway, or its definition declares it public with a reason (the route's "
    "pdpkit.io/public-reason annotation). `pdp validate` already refuses an anonymous "
    "external endpoint in a production environment.",
    "Declare endpoints[].auth (jwt or apiKey) or the environment's endpointDefaults.jwt; for "
    "an endpoint that must be anonymous, auth: {public: {reason: ...}}.",
)
def route_authn(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    attached = _attachments(resources, SECURITY_POLICY)
    for route in _routes(resources):
        if not _external(route):
            continue
        if str(dig(route.inputs, "metadata", "annotations", PUBLIC_REASON) or "").strip():
            continue
        policies = _policies(attached, route)
        if not any(dig(p.inputs, "spec", field) for p in policies for field in AUTHENTICATION):
            yield (
                route,
                f"external route {namespace_of(route.inputs)}/{name_of(route.inputs)} "
                "lets anyone call it: no SecurityPolicy authenticates its callers",
            )


@plan_rule(
    "K8S-ROUTE-RATE-LIMIT",
    ADVISORY,
    "Every route on the external gateway is rate limited by an Envoy Gateway "
    "BackendTrafficPolicy (rateLimit) targeting it or its gateway, so one caller cannot "
    "exhaust the integration.",
    "Set endpoints[].limits.rateLimit, or the environment's endpointDefaults.rateLimit.",
)
def route_rate_limit(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    attached = _attachments(resources, BACKEND_TRAFFIC_POLICY)
    for route in _routes(resources):
        if not _external(route):
            continue
        policies = _policies(attached, route)
        if not any(dig(p.inputs, "spec", "rateLimit") for p in policies):
            yield (
                route,
                f"external route {namespace_of(route.inputs)}/{name_of(route.inputs)} has "
                "no rate limit",
            )


@plan_rule(
    "K8S-ROUTE-INTERNAL-STAYS-INTERNAL",
    MANDATORY,
    "A route declared internal (label pdpkit.io/visibility: internal) attaches to the "
    "internal gateway only, never to the external one: an internal endpoint is reachable "
    "from the cloud network alone.",
    "Attach the route to the internal gateway, or declare the endpoint external (and give "
    "it auth and limits).",
    # a waiver would publish an endpoint its owner declared private; declaring it external
    # is the honest change, and brings the external rules with it
    waivable=False,
)
def route_internal(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for route in _routes(resources):
        if labels_of(route.inputs).get(VISIBILITY_LABEL) != "internal":
            continue
        if EXTERNAL_GATEWAY in _gateways(route.inputs):
            yield (
                route,
                f"internal route {namespace_of(route.inputs)}/{name_of(route.inputs)} is "
                "attached to the external gateway",
            )
