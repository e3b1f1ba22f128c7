"""The observability API over the example platforms: a token reaches its own tenants only,
no write or admin path of any store is routable, the tenant header always comes from the
gateway. Judged by `gateway_evaluator` (Envoy Gateway's documented semantics)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cache
from typing import Any

import pulumi
import pytest

from pdpkit.dataplane.contract import (
    CORTEX_QUERY,
    LOKI_QUERY,
    OBSERVABILITY_NAMESPACE,
    TEMPO_QUERY,
    ObservabilityQueryBackends,
    Signal,
)
from pdpkit.plan.document import Plan, to_yaml_documents
from pdpkit.plan.recorder import record
from pdpkit.platform.deploy import deploy_platform
from pdpkit.platform.observability_api_routes import STORE_OF, tenant_prefix
from pdpkit.spec.loader import load_stack
from pdpkit.spec.observability import ObservabilityApiSpec
from pdpkit.spec.store_query_paths import READ_PATHS, WRITE_PATHS, PathMatchType
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of
from tests.golden_switch import HINT, rewrite_requested
from tests.unit.platform.gateway_evaluator import Gateway, Request, normalize, path_matches
from tests.unit.platform.recorded import synthetic_dataplane

BACKENDS = ObservabilityQueryBackends(logs=LOKI_QUERY, metrics=CORTEX_QUERY, traces=TEMPO_QUERY)
"""What the data plane publishes (pdpkit.dataplane.observability)."""


@cache
def example(stack: str) -> tuple[ObservabilityApiSpec, tuple[str, ...], list[dict[str, Any]]]:
    """(the stack's API spec, the tenants its platform created, the API's manifests)."""
    spec = load_stack(ROOT, stack)
    api = spec.dataplane.observability.api
    assert spec.platform is not None and api is not None, stack
    platform = spec.platform
    returned: dict[str, Any] = {}

    def program() -> Mapping[str, Any]:
        dataplane = synthetic_dataplane(spec.dataplane.name)
        dataplane = type(dataplane)(
            **{**dataplane.__dict__, "observability_query": BACKENDS}  # frozen: rebuild
        )
        returned.update(deploy_platform(platform, dataplane, {}, observability_api=api))
        return returned

    recording = record(program, "pdp", "t")
    manifests = Plan(recording, []).manifests()
    tenants = tuple(
        m["metadata"]["name"]
        for m in manifests
        if m["kind"] == "Namespace" and "pdpkit.io/environment" in m["metadata"]["labels"]
    )
    kinds = {"HTTPRoute", "SecurityPolicy", "BackendTrafficPolicy"}
    api_objects = [
        m
        for m in manifests
        if m["kind"] in kinds and m["metadata"]["namespace"] == OBSERVABILITY_NAMESPACE
    ]
    return api, tenants, api_objects


ISSUED: dict[str, dict[str, Any]] = {}


def token(api: ObservabilityApiSpec, tenants: Any, **claims: Any) -> str:
    """A token the identity provider issued (the evaluator's JWKS verifies it)."""
    name = f"t{len(ISSUED)}"
    ISSUED[name] = {
        "iss": api.issuer,
        "aud": [api.audiences[0]],
        "sub": f"user-{name}",
        api.tenants_claim: tenants,
        **claims,
    }
    return name


def gateway_of(stack: str) -> tuple[Gateway, ObservabilityApiSpec, tuple[str, ...]]:
    api, tenants, objects = example(stack)
    return Gateway(api.gateway, objects, ISSUED), api, tenants


def read_paths() -> list[str]:
    """One concrete request path per read endpoint."""
    paths = []
    for store_paths in READ_PATHS.values():
        for p in store_paths:
            paths.append(p.path if p.match is PathMatchType.EXACT else f"{p.path}/x/values")
    return paths


def get(api: ObservabilityApiSpec, path: str, bearer: str | None, **headers: str) -> Request:
    if bearer is not None:
        headers = {"Authorization": f"Bearer {bearer}", **headers}
    return Request("GET", api.hostname, path, headers)


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_tenant_has_one_route_and_both_policies(stack: str) -> None:
    _, tenants, objects = example(stack)
    assert tenants, f"{stack}: the platform created no namespace here"
    for kind in ("HTTPRoute", "SecurityPolicy", "BackendTrafficPolicy"):
        names = sorted(o["metadata"]["name"] for o in objects if o["kind"] == kind)
        assert names == sorted(f"observability-api-{t}" for t in tenants), kind


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_a_token_reads_its_tenants_and_no_other(stack: str) -> None:
    gateway, api, tenants = gateway_of(stack)
    for mine in tenants:
        bearer = token(api, [mine])
        for tenant in tenants:
            for path in read_paths():
                response = gateway.serve(get(api, f"{tenant_prefix(tenant)}{path}", bearer))
                if tenant == mine:
                    assert response.status == 200, (tenant, path)
                    assert response.headers["x-scope-orgid"] == mine
                    assert response.path == path
                else:
                    assert response.status == 403, (mine, tenant, path, response)


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_tenant_header_comes_from_the_route_never_the_caller(stack: str) -> None:
    gateway, api, tenants = gateway_of(stack)
    mine, other = tenants[0], tenants[-1]
    bearer = token(api, [mine])
    path = f"{tenant_prefix(mine)}/loki/api/v1/query_range"
    for spoof in (other, f"{mine}|{other}", ""):
        response = gateway.serve(get(api, path, bearer, **{"X-Scope-OrgID": spoof}))
        assert response.status == 200
        assert response.headers["x-scope-orgid"] == mine
        assert "authorization" not in response.headers  # the stores never see the token


def test_a_tenant_claim_that_is_not_a_list_admits_nothing() -> None:
    gateway, api, tenants = gateway_of("acme-aws-prod")
    bearer = token(api, tenants[0])  # a string, not a list
    response = gateway.serve(get(api, f"{tenant_prefix(tenants[0])}/api/search", bearer))
    assert response.status == 403


@pytest.mark.parametrize(
    ("case", "status"),
    [("none", 401), ("audience", 401), ("issuer", 401), ("unknown", 401), ("query", 401)],
)
def test_unauthenticated_requests_get_401(case: str, status: int) -> None:
    gateway, api, tenants = gateway_of("acme-azure-dev")
    path = f"{tenant_prefix(tenants[0])}/prometheus/api/v1/query"
    bearer: str | None = {
        "none": None,
        "audience": token(api, list(tenants), aud="someone-else"),
        "issuer": token(api, list(tenants), iss="https://evil.example"),
        "unknown": "forged",
        "query": None,
    }[case]
    if case == "query":
        path += f"?access_token={token(api, list(tenants))}"
    assert gateway.serve(get(api, path, bearer)).status == status


def test_only_get_and_post() -> None:
    gateway, api, tenants = gateway_of("acme-gcp-staging")
    bearer = token(api, list(tenants))
    path = f"{tenant_prefix(tenants[0])}/prometheus/api/v1/query"
    headers = {"Authorization": f"Bearer {bearer}"}
    for method, status in (("GET", 200), ("POST", 200), ("DELETE", 403), ("PUT", 403)):
        assert gateway.serve(Request(method, api.hostname, path, headers)).status == status


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_no_write_or_admin_path_is_routable(stack: str) -> None:
    gateway, api, tenants = gateway_of(stack)
    routes = [o for o in example(stack)[2] if o["kind"] == "HTTPRoute"]
    bearer = token(api, list(tenants))
    for tenant in tenants:
        for store, paths in WRITE_PATHS.items():
            for write in paths:
                public = f"{tenant_prefix(tenant)}{write}"
                matched = [
                    (r["metadata"]["name"], m["path"])
                    for r in routes
                    for rule in r["spec"]["rules"]
                    for m in rule["matches"]
                    if path_matches(m["path"], public)
                ]
                assert not matched, (store, write, matched)
                for method in ("GET", "POST"):
                    request = Request(
                        method, api.hostname, public, {"Authorization": f"Bearer {bearer}"}
                    )
                    assert gateway.serve(request).status == 404, (store, write, method)


@pytest.mark.parametrize(
    "trick",
    [
        "/loki/api/v1/label/../push",
        "/loki/api/v1/label/..%2Fpush",
        "/loki/api/v1/label/%2E%2E/push",
        "//loki/api/v1/label/../../v1/push",
        "/api/search/../overrides",
        "/api/traces/..%5C..%5Coverrides",
        "/prometheus/api/v1/label/../../config/v1/rules/ns",
        "/loki/api/v1/query/../delete",
    ],
)
def test_path_tricks_do_not_reach_write_paths(trick: str) -> None:
    gateway, api, tenants = gateway_of("acme-onprem-local")
    bearer = token(api, list(tenants))
    response = gateway.serve(get(api, f"{tenant_prefix(tenants[0])}{trick}", bearer))
    writes = {w for paths in WRITE_PATHS.values() for w in paths}
    assert response.status == 404 or response.path not in writes, (trick, response)


def test_normalize_models_envoy() -> None:
    assert normalize("/a//b/./c/../d?x=1") == "/a/b/d"
    assert normalize("/a/%2e%2e/b") == "/b"
    assert normalize("/a%2Fb") == "/a/b"


def test_one_tenants_route_never_serves_another_tenants_path() -> None:
    _, tenants, objects = example("acme-onprem-local")
    for route in (o for o in objects if o["kind"] == "HTTPRoute"):
        tenant = route["metadata"]["labels"]["pdpkit.io/tenant"]
        for rule in route["spec"]["rules"]:
            (match,) = rule["matches"]
            assert match["path"]["value"].startswith(f"{tenant_prefix(tenant)}/")
            (modifier,) = [f for f in rule["filters"] if f["type"] == "RequestHeaderModifier"]
            assert modifier["requestHeaderModifier"]["set"] == [
                {"name": "X-Scope-OrgID", "value": tenant}
            ]
    assert len(tenants) >= 2


def test_cors_answers_the_console_only() -> None:
    gateway, api, tenants = gateway_of("acme-aws-prod")
    path = f"{tenant_prefix(tenants[0])}/loki/api/v1/query_range"
    console = api.console_origins[0].rstrip("/")
    preflight = {"Origin": console, "Access-Control-Request-Method": "POST"}
    answered = gateway.serve(Request("OPTIONS", api.hostname, path, preflight))
    assert answered.status == 200
    assert answered.headers["access-control-allow-origin"] == console
    evil = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    assert gateway.serve(Request("OPTIONS", api.hostname, path, evil)).status == 401
    delete = {"Origin": console, "Access-Control-Request-Method": "DELETE"}
    assert gateway.serve(Request("OPTIONS", api.hostname, path, delete)).status == 401


def test_each_caller_has_its_own_budget() -> None:
    _, _, objects = example("acme-aws-prod")
    api, tenants, _ = example("acme-aws-prod")
    gateway = Gateway(api.gateway, objects, ISSUED)  # fresh counters
    path = f"{tenant_prefix(tenants[0])}/api/search"
    first, second = token(api, [tenants[0]]), token(api, [tenants[0]])
    for _ in range(api.requests_per_minute):
        assert gateway.serve(get(api, path, first)).status == 200
    assert gateway.serve(get(api, path, first)).status == 429
    assert gateway.serve(get(api, path, second)).status == 200


def test_routes_stay_within_the_stores_read_prefixes() -> None:
    """The data plane publishes each store's read prefixes (string prefixes); every path the
    API exposes lies under one of them, so both lists agree on what is a read."""
    for signal, backend in BACKENDS.by_signal().items():
        for p in READ_PATHS[STORE_OF[signal]]:
            exposed = p.path if p.match is PathMatchType.EXACT else f"{p.path}/"
            assert any(exposed.startswith(prefix) for prefix in backend.path_prefixes), (
                signal,
                p.path,
            )


def test_no_api_without_the_stores() -> None:
    spec = load_stack(ROOT, "acme-aws-prod")
    assert spec.platform is not None and spec.dataplane.observability.api is not None
    platform, api = spec.platform, spec.dataplane.observability.api
    returned: dict[str, Any] = {}

    def program() -> Mapping[str, Any]:
        dataplane = synthetic_dataplane(spec.dataplane.name)  # observability_query None
        returned.update(deploy_platform(platform, dataplane, {}, observability_api=api))
        return returned

    recording = record(program, "pdp", "t")
    assert "observabilityApi" not in returned
    assert not [
        m
        for m in Plan(recording, []).manifests()
        if m["metadata"].get("namespace") == OBSERVABILITY_NAMESPACE
    ]


def test_the_chosen_gateway_and_hostname() -> None:
    for stack in EXAMPLE_STACKS:
        api, _, objects = example(stack)
        for route in (o for o in objects if o["kind"] == "HTTPRoute"):
            assert route["spec"]["hostnames"] == [api.hostname]
            assert [p["name"] for p in route["spec"]["parentRefs"]] == [api.gateway]
    assert example("acme-onprem-local")[0].gateway == "internal"


def test_only_the_stores_the_plane_keeps_are_routed() -> None:
    """With metrics in the cloud's managed Prometheus (no in-plane store), no /prometheus
    path is routed at all."""
    spec = load_stack(ROOT, "acme-gcp-staging")
    assert spec.platform is not None and spec.dataplane.observability.api is not None
    platform, api = spec.platform, spec.dataplane.observability.api
    logs_and_traces = ObservabilityQueryBackends(logs=LOKI_QUERY, metrics=None, traces=TEMPO_QUERY)

    def program() -> Mapping[str, Any]:
        dataplane = synthetic_dataplane(spec.dataplane.name)
        dataplane = type(dataplane)(
            **{**dataplane.__dict__, "observability_query": logs_and_traces}
        )
        return deploy_platform(platform, dataplane, {}, observability_api=api)

    routes = [
        m
        for m in Plan(record(program, "pdp", "t"), []).manifests()
        if m["kind"] == "HTTPRoute" and m["metadata"]["namespace"] == OBSERVABILITY_NAMESPACE
    ]
    assert routes
    for route in routes:
        values = [r["matches"][0]["path"]["value"] for r in route["spec"]["rules"]]
        assert len(values) == len(READ_PATHS[STORE_OF[Signal.LOGS]]) + len(
            READ_PATHS[STORE_OF[Signal.TRACES]]
        )
        assert not [v for v in values if "/prometheus/" in v]


GOLDEN = ROOT / "tests/golden/platform/observability-api/acme-onprem-local-finance-dev.yaml"


def test_golden_manifests() -> None:
    """One tenant's API objects (every tenant's come from the same functions), reviewable."""
    _, _, objects = example("acme-onprem-local")
    mine = [o for o in objects if o["metadata"]["labels"]["pdpkit.io/tenant"] == "finance-dev"]
    rendered = to_yaml_documents(sorted(mine, key=lambda o: o["kind"]))
    if rewrite_requested():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == GOLDEN.read_text(encoding="utf-8"), f"differs from {GOLDEN}; {HINT}"


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_planned_stacks_keep_tenants_apart(stack: str) -> None:
    """The same judgement over `pdp plan`'s own manifests of each example stack. The API is
    planned exactly when the plane keeps stores (`DataPlane.observability_query`: the target
    provides their storage); a plane without them routes nothing to them."""
    api = load_stack(ROOT, stack).dataplane.observability.api
    assert api is not None
    plan = plan_of(stack)
    manifests = plan.manifests()
    objects = [
        m
        for m in manifests
        if m["kind"] in ("HTTPRoute", "SecurityPolicy", "BackendTrafficPolicy")
        and m["metadata"]["namespace"] == OBSERVABILITY_NAMESPACE
    ]
    stores = [r for r in plan.helm_releases() if r["namespace"] == OBSERVABILITY_NAMESPACE]
    tenants = sorted(
        m["metadata"]["name"]
        for m in manifests
        if m["kind"] == "Namespace" and "pdpkit.io/environment" in m["metadata"]["labels"]
    )
    assert tenants
    assert len(objects) == (3 * len(tenants) if stores else 0), [r["name"] for r in stores]
    gateway = Gateway(api.gateway, objects, ISSUED)
    routed = [
        p for p in read_paths() if gateway.match(api.hostname, f"{tenant_prefix(tenants[0])}{p}")
    ]
    assert bool(routed) == bool(stores)
    for mine in tenants:
        bearer = token(api, [mine])
        for tenant in tenants:
            for path in routed:
                response = gateway.serve(get(api, f"{tenant_prefix(tenant)}{path}", bearer))
                assert response.status == (200 if tenant == mine else 403), (mine, tenant, path)
                if tenant == mine:
                    assert response.headers["x-scope-orgid"] == mine
        for paths in WRITE_PATHS.values():
            for write in paths:
                response = gateway.serve(get(api, f"{tenant_prefix(mine)}{write}", bearer))
                assert response.status == 404, write


def test_routes_and_policies_wait_for_the_stores() -> None:
    """Created in the stores' namespace: they wait for what creates it (and the Services);
    the route also for its policies, so it is never served unguarded."""
    spec = load_stack(ROOT, "acme-onprem-local")
    assert spec.platform is not None and spec.dataplane.observability.api is not None
    platform, api = spec.platform, spec.dataplane.observability.api

    def program() -> Mapping[str, Any]:
        dataplane = synthetic_dataplane(spec.dataplane.name)
        stores = pulumi.CustomResource("test:index:Stores", "stores", {})
        backends = dataclasses.replace(BACKENDS, ready=(stores,))
        dataplane = dataclasses.replace(dataplane, observability_query=backends)
        return deploy_platform(platform, dataplane, {}, observability_api=api)

    resources = Plan(record(program, "pdp", "t"), []).resources
    mine = [
        r for r in resources if r.parent.endswith("ObservabilityApi::acme-lab-observability-api")
    ]
    assert len(mine) == 3 * len(example("acme-onprem-local")[1])
    for r in mine:
        assert any(d.endswith("test:index:Stores::stores") for d in r.dependencies), r.name
    for route in (r for r in mine if r.name.endswith("-route")):
        tenant = route.name.removeprefix("acme-lab-observability-api-").removesuffix("-route")
        policies = {d.rsplit("::", 1)[1] for d in route.dependencies}
        assert {
            f"acme-lab-observability-api-{tenant}-security",
            f"acme-lab-observability-api-{tenant}-rate-limit",
        } <= policies
