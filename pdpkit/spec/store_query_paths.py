"""The stores' HTTP APIs as the observability API sees them: the read paths it routes, the write
and admin paths it never does (docs/observability.md).

Pure data, read by the route builder (`pdpkit.platform.observability_api_routes`), the policy
rule (`pdpkit.policy.observability_api`) and the tests. Each path is cited from the store's own
HTTP API reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class QueryStore(StrEnum):
    """A store behind the observability API."""

    LOKI = "loki"
    MIMIR = "mimir"
    CORTEX = "cortex"
    TEMPO = "tempo"


class PathMatchType(StrEnum):
    """Gateway API path match types the routes use (gateway-api v1.6.1 apis/v1/
    httproute_types.go:498-515): Exact is the whole path, case-sensitive; PathPrefix matches
    element by element (``/abc`` matches ``/abc``, ``/abc/`` and ``/abc/def``, not ``/abcd``)."""

    EXACT = "Exact"
    PATH_PREFIX = "PathPrefix"


@dataclass(frozen=True)
class StorePath:
    """One read endpoint (or family of endpoints under a prefix) of a store."""

    path: str
    match: PathMatchType
    source: str
    """Where the store documents it."""


_LOKI = "grafana/loki v3.5.0 docs/sources/reference/loki-http-api.md"
_MIMIR = "grafana/mimir @096dc67 docs/sources/mimir/references/http-api/index.md"
_TEMPO = "grafana/tempo v2.9.0 docs/sources/tempo/api_docs/_index.md"
_CORTEX = "cortexproject/cortex v1.21.1 docs/api/_index.md"
CORTEX_PROMETHEUS_PREFIX = "/prometheus"
"""Cortex's ``-http.prometheus-http-prefix`` default (docs/api/_index.md:93)."""

MIMIR_PROMETHEUS_PREFIX = "/prometheus"
"""Mimir's ``-http.prometheus-http-prefix`` default (the doc's "Path prefixes" table)."""

READ_PATHS: dict[QueryStore, tuple[StorePath, ...]] = {
    QueryStore.LOKI: (
        StorePath("/loki/api/v1/query", PathMatchType.EXACT, f"{_LOKI}:39,282-285"),
        StorePath("/loki/api/v1/query_range", PathMatchType.EXACT, f"{_LOKI}:40,458-461"),
        StorePath("/loki/api/v1/labels", PathMatchType.EXACT, f"{_LOKI}:41,662-665"),
        # GET /loki/api/v1/label/<name>/values; nothing else lives under /label
        StorePath("/loki/api/v1/label", PathMatchType.PATH_PREFIX, f"{_LOKI}:42,712-715"),
        StorePath("/loki/api/v1/series", PathMatchType.EXACT, f"{_LOKI}:43,762-768"),
        # Not routed: /loki/api/v1/tail is a WebSocket stream (:48,1010-1014): one request,
        # unbounded duration, which a per-request rate limit cannot bound.
    ),
    QueryStore.MIMIR: (
        StorePath(
            f"{MIMIR_PROMETHEUS_PREFIX}/api/v1/query", PathMatchType.EXACT, f"{_MIMIR} (table)"
        ),
        StorePath(
            f"{MIMIR_PROMETHEUS_PREFIX}/api/v1/query_range",
            PathMatchType.EXACT,
            f"{_MIMIR} (table)",
        ),
        StorePath(
            f"{MIMIR_PROMETHEUS_PREFIX}/api/v1/series", PathMatchType.EXACT, f"{_MIMIR} (table)"
        ),
        StorePath(
            f"{MIMIR_PROMETHEUS_PREFIX}/api/v1/labels", PathMatchType.EXACT, f"{_MIMIR} (table)"
        ),
        # GET <prefix>/api/v1/label/{name}/values
        StorePath(
            f"{MIMIR_PROMETHEUS_PREFIX}/api/v1/label",
            PathMatchType.PATH_PREFIX,
            f"{_MIMIR} (table)",
        ),
        StorePath(
            f"{MIMIR_PROMETHEUS_PREFIX}/api/v1/metadata",
            PathMatchType.EXACT,
            f"{_MIMIR} (table)",
        ),
        StorePath(
            f"{MIMIR_PROMETHEUS_PREFIX}/api/v1/query_exemplars",
            PathMatchType.EXACT,
            f"{_MIMIR} (table)",
        ),
    ),
    QueryStore.CORTEX: tuple(
        StorePath(f"{CORTEX_PROMETHEUS_PREFIX}/api/v1/{path}", match, f"{_CORTEX}:{line}")
        for path, match, line in (
            ("query", PathMatchType.EXACT, 37),
            ("query_range", PathMatchType.EXACT, 38),
            ("query_exemplars", PathMatchType.EXACT, 39),
            ("series", PathMatchType.EXACT, 42),
            ("labels", PathMatchType.EXACT, 43),
            # GET <prefix>/api/v1/label/{name}/values; nothing else lives under /label
            ("label", PathMatchType.PATH_PREFIX, 44),
            ("metadata", PathMatchType.EXACT, 45),
        )
    ),
    QueryStore.TEMPO: (
        # GET /api/traces/<traceID>, /api/v2/traces/<traceID>
        StorePath("/api/traces", PathMatchType.PATH_PREFIX, f"{_TEMPO}:35"),
        StorePath("/api/v2/traces", PathMatchType.PATH_PREFIX, f"{_TEMPO}:36"),
        # GET /api/search, /api/search/tags, /api/search/tag/<tag>/values
        StorePath("/api/search", PathMatchType.PATH_PREFIX, f"{_TEMPO}:37,38,40"),
        # GET /api/v2/search/tags, /api/v2/search/tag/<tag>/values
        StorePath("/api/v2/search", PathMatchType.PATH_PREFIX, f"{_TEMPO}:39,41"),
    ),
}
"""What the API routes, per store. The methods are bounded separately (GET and POST, by the
SecurityPolicy's authorization rule)."""

WRITE_PATHS: dict[QueryStore, tuple[str, ...]] = {
    QueryStore.LOKI: (
        "/loki/api/v1/push",  # :26
        "/otlp/v1/logs",  # :27
        "/api/prom/push",  # :122
        "/loki/api/v1/delete",  # :103-105 (POST, GET, DELETE)
        "/loki/api/v1/rules",  # :82-87
        "/loki/api/v1/rules/ns",
        "/loki/api/v1/rules/ns/group",
        "/api/prom/rules",  # :88-93
        "/api/prom/rules/ns/group",
        "/prometheus/api/v1/rules",  # :94
        "/prometheus/api/v1/alerts",  # :95
        "/loki/api/v1/tail",  # :48 (WebSocket, not routed: see READ_PATHS)
        "/api/prom/tail",  # :123
        "/flush",  # :74
        "/ingester/prepare_shutdown",  # :75
        "/ingester/shutdown",  # :76
        "/distributor/ring",  # :65
        "/indexgateway/ring",  # :66
        "/ruler/ring",  # :67
        "/compactor/ring",  # :68
        "/config",  # :57
        "/services",  # :58
        "/log_level",  # :55
        "/metrics",  # :56
        "/ready",  # :54
    ),
    QueryStore.MIMIR: (
        "/api/v1/push",
        "/otlp/v1/metrics",
        "/api/v1/upload/block/01J/start",
        "/api/v1/upload/block/01J/files",
        "/api/v1/upload/block/01J/finish",
        "/compactor/delete_tenant",
        "/compactor/delete_tenant_status",
        "/ruler/delete_tenant_config",
        "/multitenant_alertmanager/delete_tenant_config",
        "/api/v1/alerts",  # GET/POST/DELETE the Alertmanager configuration
        "/prometheus/config/v1/rules",
        "/prometheus/config/v1/rules/ns",
        "/prometheus/config/v1/rules/ns/group",
        "/prometheus/api/v1/read",  # remote read: bulk export, not a console query
        "/prometheus/api/v1/cardinality/label_names",
        "/ingester/flush",
        "/ingester/shutdown",
        "/ingester/prepare-shutdown",
        "/ingester/prepare-partition-downscale",
        "/store-gateway/prepare-shutdown",
        "/distributor/ha_tracker",
        "/distributor/all_user_stats",
        "/api/v1/user_limits",
        "/runtime_config",
        "/memberlist",
        "/debug/pprof/heap",
        "/config",
        "/services",
        "/metrics",
    ),
    # docs/api/_index.md:20-83 (line of each in the table)
    QueryStore.CORTEX: (
        "/api/v1/push",  # :28
        "/api/prom/push",  # :211 (legacy prefix)
        "/api/v1/otlp/v1/metrics",  # :29
        "/prometheus/api/v1/read",  # :46 remote read: bulk export, not a console query
        "/distributor/all_user_stats",  # :30
        "/distributor/ha_tracker",  # :31
        "/ingester/flush",  # :32
        "/ingester/shutdown",  # :33
        "/ingester/mode",  # :36
        "/api/v1/user_stats",  # :48
        "/prometheus/api/v1/rules",  # :51
        "/prometheus/api/v1/alerts",  # :52
        "/api/v1/rules",  # :53-58 (POST, DELETE)
        "/api/v1/rules/ns",
        "/api/v1/rules/ns/group",
        "/ruler/delete_tenant_config",  # :59
        "/multitenant_alertmanager/delete_tenant_config",  # :64
        "/api/v1/alerts",  # :65-67 (GET, POST, DELETE)
        "/purger/delete_tenant",  # :68
        "/purger/delete_tenant_status",  # :69
        "/api/v1/user-overrides",  # :70-72 (GET, POST, DELETE)
        "/api/prom/configs/rules",  # :75-83 (deprecated configs API)
        "/api/prom/configs/alertmanager",
        "/api/prom/configs/deactivate",
        "/runtime_config",  # :22
        "/config",  # :21
        "/services",  # :23
        "/metrics",  # :25
        "/debug/pprof/heap",  # :26
        "/debug/fgprof",  # :27
        "/compactor/ring",  # :74
        "/store-gateway/ring",  # :73
    ),
    QueryStore.TEMPO: (
        "/v1/traces",  # OTLP/HTTP ingest (:108, :122)
        "/api/overrides",  # :45 GET,POST,PATCH,DELETE
        "/api/mcp",  # :57
        "/flush",  # :47
        "/shutdown",  # :48
        "/ingester/prepare-partition-downscale",  # :49
        "/usage_metrics",  # :50
        "/distributor/ring",  # :51
        "/ingester/ring",  # :52
        "/metrics-generator/ring",  # :53
        "/compactor/ring",  # :54
        "/status",  # :55
        "/memberlist",  # :46
        "/debug/pprof",  # :33
        "/metrics",  # :32
    ),
}
"""Known write, delete, admin, ruler and compactor paths of each store (placeholders filled
in): none may be routable, through any tenant's route (tests and K8S-OBSERVABILITY-API)."""

TENANT_HEADER = "X-Scope-OrgID"
"""The one header each store takes the tenant from in multi-tenant mode: grafana/loki v3.5.0
docs/sources/operations/multi-tenancy.md:9-11 (and :26-31: ``A|B`` in the same header reads
several tenants when multi-tenant queries are on); grafana/tempo v2.9.0 docs/sources/tempo/
operations/manage-advanced-systems/multitenancy.md:14; Mimir's HTTP API reference
("Authentication"). The gateway `set`s it, so neither a caller's tenant nor a ``|`` list
survives."""
