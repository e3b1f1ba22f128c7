"""Rules over what stands in front of the external gateway: the source ranges its load
balancer accepts, and the web application firewall on its listeners (docs/ingress-security.md).

The gateway's own objects carry the label ``pdpkit.io/gateway: <name>``; the external one is
``external``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pdpkit.policy.kubernetes_plan import labels_of, name_of, namespace_of
from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, plan_rule, resource_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import dig, items
from pdpkit.spec.gateway_checks import is_open

GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
ENVOY_PROXY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy"
EXTENSION_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyExtensionPolicy"
HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
ROUTE_KINDS = frozenset({"HTTPRoute", "GRPCRoute", "UDPRoute", "TCPRoute", "TLSRoute"})
GATEWAY_LABEL = "pdpkit.io/gateway"
EXTERNAL = "external"
CORE_RULE_SET = "Include @owasp_crs/"
"""The directive that loads the OWASP Core Rule Set embedded in coraza-proxy-wasm."""


def _external(inputs: Mapping[str, Any]) -> bool:
    return labels_of(inputs).get(GATEWAY_LABEL) == EXTERNAL


@resource_rule(
    "K8S-GW-SOURCE-RANGES",
    MANDATORY,
    [ENVOY_PROXY],
    "In a production data plane the external gateway's load balancer accepts only declared "
    "client ranges (Service loadBalancerSourceRanges, enforced by the cloud's firewall for the "
    "load balancer): none left open to everyone, and none wider than a /8 (0.0.0.0/0, ::/0 "
    "or their halves).",
    "List the client ranges under dataplane.gateways.external.sourceRanges; if the gateway "
    "must serve the whole internet, waive this rule for the external proxy with the reason.",
)
def gateway_source_ranges(
    _type: str, inputs: Mapping[str, Any], ctx: PolicyContext
) -> Iterator[str]:
    if not ctx.production or not _external(inputs):
        return
    service = dig(inputs, "spec", "provider", "kubernetes", "envoyService")
    ranges = [str(r) for r in items(service, "loadBalancerSourceRanges")]
    if not ranges:
        yield f"EnvoyProxy {name_of(inputs)}: the external load balancer accepts every source"
    for cidr in ranges:
        if _open(cidr):
            yield (
                f"EnvoyProxy {name_of(inputs)}: source range {cidr} opens the external load "
                "balancer to the internet"
            )


@plan_rule(
    "K8S-GW-WAF",
    MANDATORY,
    "In a production data plane a web application firewall with the OWASP Core Rule Set "
    "blocks attacks on every listener of the external gateway: an EnvoyExtensionPolicy "
    "targeting the Gateway loads Coraza with the CRS and SecRuleEngine On (not DetectionOnly, "
    "not off), and no EnvoyExtensionPolicy on one of its routes replaces it (without "
    "mergeType only the most specific policy takes effect).",
    "Leave dataplane.gateways.external.waf.mode out (blocking in production) or set it to "
    "blocking; tune false positives in a non-production data plane in detection mode. Give a "
    "route-level EnvoyExtensionPolicy mergeType: StrategicMerge so the gateway's WAF stays.",
)
def gateway_waf(
    resources: Sequence[Resource], ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    if not ctx.production:
        return
    for gateway in (r for r in resources if r.type == GATEWAY and _external(r.inputs)):
        name, namespace = name_of(gateway.inputs), namespace_of(gateway.inputs)
        engines = [
            _engine(wasm)
            for policy in resources
            if policy.type == EXTENSION_POLICY
            and namespace_of(policy.inputs) == namespace
            and _targets(policy.inputs, name)
            for wasm in items(policy.inputs, "spec", "wasm")
            if _loads_core_rule_set(wasm)
        ]
        if not engines:
            yield gateway, f"Gateway {name} has no web application firewall with the OWASP CRS"
        elif "On" not in engines:
            yield (
                gateway,
                (
                    f"Gateway {name}'s web application firewall only detects (SecRuleEngine "
                    f"{engines[-1] or 'unset'}): attacks reach the integrations"
                ),
            )
        yield from _shadowing_policies(resources, name, namespace)


def _shadowing_policies(
    resources: Sequence[Resource], gateway: str, namespace: str
) -> Iterator[tuple[Resource, str]]:
    """Route-level EnvoyExtensionPolicies that replace the gateway's (its WAF) on a route of
    `gateway`: without ``mergeType`` "only the most specific configuration takes effect"
    (envoyproxy/gateway v1.9.0 api/v1alpha1/envoyextensionypolicy_types.go:48-58)."""
    routes = {
        (namespace_of(r.inputs), name_of(r.inputs))
        for r in resources
        if r.type == HTTP_ROUTE and _attached(r.inputs, gateway, namespace)
    }
    for policy in resources:
        if policy.type != EXTENSION_POLICY or dig(policy.inputs, "spec", "mergeType"):
            continue
        where = namespace_of(policy.inputs)
        shadowed = sorted(
            str(dig(ref, "name"))
            for ref in _refs(policy.inputs)
            if dig(ref, "kind") in ROUTE_KINDS and (where, dig(ref, "name")) in routes
        )
        selects_routes = any(
            dig(selector, "kind") in ROUTE_KINDS
            for selector in items(policy.inputs, "spec", "targetSelectors")
        )
        if shadowed or selects_routes:
            what = f"route(s) {', '.join(shadowed)}" if shadowed else "the routes it selects"
            yield (
                policy,
                f"EnvoyExtensionPolicy {name_of(policy.inputs)} replaces Gateway {gateway}'s "
                f"web application firewall on {what}: it has no mergeType, so only it applies",
            )


def _attached(route: Mapping[str, Any], gateway: str, namespace: str) -> bool:
    """Whether the route names `gateway` in `namespace` among its parents (a parentRef's
    namespace defaults to the route's own)."""
    return any(
        dig(ref, "name") == gateway
        and (dig(ref, "namespace") or namespace_of(route)) == namespace
        and (dig(ref, "kind") or "Gateway") == "Gateway"
        for ref in items(route, "spec", "parentRefs")
    )


@resource_rule(
    "K8S-WASM-PINNED",
    ADVISORY,
    [EXTENSION_POLICY],
    "Every Wasm module a gateway loads is verified against a digest (code.image.sha256 / "
    "code.http.sha256): a moved tag cannot swap the code running in front of every call.",
    "Record the module's digest in pdpkit.versions (CORAZA_WASM.digest) or pin a copy with "
    "dataplane.gateways.external.waf.module: registry/path:tag@sha256:<digest>.",
)
def wasm_pinned(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for wasm in items(inputs, "spec", "wasm"):
        code = dig(wasm, "code")
        source = dig(code, "image") or dig(code, "http")
        if not dig(source, "sha256"):
            yield (
                f"EnvoyExtensionPolicy {name_of(inputs)}: Wasm module {dig(wasm, 'name')} "
                f"({dig(source, 'url')}) is loaded unverified"
            )


def _open(cidr: str) -> bool:
    """Wider than a /8 (`pdpkit.spec.gateway_checks.is_open`); what is no CIDR at all
    (``*``) the cloud would reject or read as anything: open."""
    try:
        return is_open(cidr)
    except ValueError:
        return True


def _refs(policy: Mapping[str, Any]) -> list[Any]:
    refs = [*items(policy, "spec", "targetRefs")]
    single = dig(policy, "spec", "targetRef")
    if isinstance(single, Mapping):
        refs.append(single)
    return refs


def _targets(policy: Mapping[str, Any], gateway: str) -> bool:
    return any(
        dig(ref, "kind") == "Gateway" and dig(ref, "name") == gateway for ref in _refs(policy)
    )


def _directives(wasm: Any) -> list[str]:
    config = dig(wasm, "config")
    default = str(dig(config, "default_directives") or "default")
    return [str(line).strip() for line in items(config, "directives_map", default)]


def _loads_core_rule_set(wasm: Any) -> bool:
    return any(line.startswith(CORE_RULE_SET) for line in _directives(wasm))


def _engine(wasm: Any) -> str:
    """The last ``SecRuleEngine`` value (``On``, ``DetectionOnly``, ``Off``; "" when unset)."""
    engines = [
        line.split(None, 1)[1] if " " in line else ""
        for line in _directives(wasm)
        if line.split(None, 1)[:1] == ["SecRuleEngine"]
    ]
    return engines[-1] if engines else ""
