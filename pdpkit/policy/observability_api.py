"""K8S-OBSERVABILITY-API: a route to the observability stores is authenticated, authorized
per tenant, sets the tenant header itself, and exposes no write or admin path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pdpkit.policy.kubernetes_plan import name_of, namespace_of
from pdpkit.policy.model import MANDATORY, PolicyContext, plan_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import dig, is_true, items
from pdpkit.spec.store_query_paths import TENANT_HEADER, WRITE_PATHS

HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
SECURITY_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy"
OBSERVABILITY_NAMESPACE = "pdp-observability"
"""pdpkit.dataplane.contract.OBSERVABILITY_NAMESPACE (the policy layer cannot import it; a test
keeps the two equal)."""
WRITES = tuple(sorted({w for paths in WRITE_PATHS.values() for w in paths}))


def _under(path: str, prefix: str) -> bool:
    """Gateway API PathPrefix semantics (gateway-api v1.6.1 httproute_types.go:505-515)."""
    prefix = prefix.rstrip("/")
    return path == prefix or path.startswith(prefix + "/") or not prefix


def upstream_reaches(match: Mapping[str, Any], filters: Sequence[Any], write: str) -> bool:
    """Whether some request matching `match` arrives at the store as `write`, after the
    rule's URL rewrite (ReplaceFullPath: one fixed path; ReplacePrefixMatch: the replacement
    plus whatever followed the prefix; none: the request path itself)."""
    kind, value = dig(match, "type") or "PathPrefix", str(dig(match, "value") or "/")
    rewrite = next(
        (dig(f, "urlRewrite", "path") for f in filters if dig(f, "type") == "URLRewrite"), None
    )
    if kind not in ("Exact", "PathPrefix"):
        return True  # a regular expression: cannot be bounded here, so refused
    if rewrite is None:
        return write == value if kind == "Exact" else _under(write, value)
    if dig(rewrite, "type") == "ReplaceFullPath":
        return write == str(dig(rewrite, "replaceFullPath"))
    replacement = str(dig(rewrite, "replacePrefixMatch") or "/")
    return _under(write, replacement) if kind == "PathPrefix" else write == replacement


def _to_observability(route: Mapping[str, Any]) -> bool:
    namespace = namespace_of(route)
    return any(
        (dig(ref, "namespace") or namespace) == OBSERVABILITY_NAMESPACE
        for rule in items(route, "spec", "rules")
        for ref in items(rule, "backendRefs")
    )


def _security_policy(resources: Sequence[Resource], route: Mapping[str, Any]) -> Any:
    for policy in resources:
        if policy.type != SECURITY_POLICY or namespace_of(policy.inputs) != namespace_of(route):
            continue
        for ref in items(policy.inputs, "spec", "targetRefs"):
            if dig(ref, "kind") == "HTTPRoute" and dig(ref, "name") == name_of(route):
                return dig(policy.inputs, "spec")
    return None


def _tenants(rule: Mapping[str, Any]) -> set[str]:
    """The X-Scope-OrgID values the rule sets (not adds: a caller's value would survive)."""
    return {
        str(dig(header, "value"))
        for f in items(rule, "filters")
        if dig(f, "type") == "RequestHeaderModifier"
        for header in items(f, "requestHeaderModifier", "set")
        if str(dig(header, "name")).lower() == TENANT_HEADER.lower()
    }


def _authorized_tenants(spec: Any) -> set[str] | None:
    """Tenants the SecurityPolicy admits, or None when it admits callers it did not check
    (no JWT, optional or fail-open JWT, an Allow default, an Allow rule without a claim)."""
    jwt = dig(spec, "jwt")
    if (
        not items(jwt, "providers")
        or is_true(dig(jwt, "optional"))
        or is_true(dig(jwt, "failOpen"))
    ):
        return None
    authorization = dig(spec, "authorization")
    if authorization is None or dig(authorization, "defaultAction") == "Allow":
        return None
    admitted: set[str] = set()
    for rule in items(authorization, "rules"):
        if dig(rule, "action") != "Allow":
            continue
        claims = items(rule, "principal", "jwt", "claims")
        if not claims:
            return None
        for claim in claims:
            admitted |= {str(v) for v in items(claim, "values")}
    return admitted


@plan_rule(
    "K8S-OBSERVABILITY-API",
    MANDATORY,
    "Every HTTPRoute to the observability stores (namespace pdp-observability) has a "
    "SecurityPolicy that requires a JWT and allows only callers whose token claims the route's "
    "tenant (default deny); every rule sets X-Scope-OrgID itself to that tenant; and no match "
    "reaches a write, delete, admin, ruler or compactor path of Loki, Cortex (or Mimir) or "
    "Tempo. Without it, anyone reaching the gateway reads (or deletes) every tenant's logs.",
    "Declare the query API through dataplane.observability.api (pdpkit generates the route "
    "and its policies); never hand-write a route to the stores.",
)
def observability_api(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for route in resources:
        if route.type != HTTP_ROUTE or not _to_observability(route.inputs):
            continue
        name = f"{namespace_of(route.inputs)}/{name_of(route.inputs)}"
        spec = _security_policy(resources, route.inputs)
        admitted = None if spec is None else _authorized_tenants(spec)
        if admitted is None:
            yield (
                route,
                (
                    f"HTTPRoute {name} reaches the observability stores without a SecurityPolicy "
                    "that requires a JWT and a tenant claim (default deny)"
                ),
            )
        for i, rule in enumerate(items(route.inputs, "spec", "rules")):
            tenants = _tenants(rule)
            if len(tenants) != 1:
                yield (
                    route,
                    (
                        f"HTTPRoute {name} rule {i} does not set {TENANT_HEADER} to one "
                        "tenant: the caller's header would pick the tenant"
                    ),
                )
            elif admitted is not None and not tenants <= admitted:
                yield (
                    route,
                    (
                        f"HTTPRoute {name} rule {i} sets tenant {next(iter(tenants))} that its "
                        "SecurityPolicy does not require in the token"
                    ),
                )
            for match in items(rule, "matches") or [{"path": {"type": "PathPrefix", "value": "/"}}]:
                reached = [
                    w
                    for w in WRITES
                    if upstream_reaches(dig(match, "path") or {}, items(rule, "filters"), w)
                ]
                if reached:
                    yield (
                        route,
                        (
                            f"HTTPRoute {name} rule {i} exposes write/admin paths of the stores: "
                            f"{', '.join(reached[:5])}"
                        ),
                    )
