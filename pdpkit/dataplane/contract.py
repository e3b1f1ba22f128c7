"""What a data plane offers the platform layer, whatever the target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.spec.enums import Target

OBSERVABILITY_NAMESPACE = "pdp-observability"
"""Namespace of the in-plane observability collectors and stores (docs/observability.md)."""

OBSERVABILITY_STORE_SERVICE_ACCOUNTS = ("loki", "cortex", "tempo")
"""Service accounts (in `OBSERVABILITY_NAMESPACE`) of the stores that read and write the
observability buckets; the target's workload identity is bound to exactly these."""


class Signal(StrEnum):
    """A kind of telemetry, each kept in its own bucket/container."""

    LOGS = "logs"
    METRICS = "metrics"
    TRACES = "traces"


@dataclass(frozen=True)
class ObservabilityStorage:
    """Object storage the target provides for the in-plane stores (Loki, Cortex, Tempo).

    The target creates one private, encrypted bucket (or container) per signal and an
    identity the stores' service accounts assume through the cluster's workload identity;
    on-prem, where there is none, an S3 access key read from the secret store.
    """

    backend: str
    """Storage client the stores use: ``azure``, ``s3`` or ``gcs``."""
    buckets: Mapping[Signal, pulumi.Input[str]]
    """Bucket (Azure: container) per signal."""
    service_account_annotations: Mapping[str, pulumi.Input[str]]
    """Annotations on the stores' service accounts (IRSA role, GCP service account, Azure
    client id)."""
    pod_labels: Mapping[str, str]
    """Labels the stores' pods need (Azure: ``azure.workload.identity/use``)."""
    endpoint: pulumi.Input[str] | None = None
    """S3 endpoint (``s3.eu-west-1.amazonaws.com``, the on-prem store's URL)."""
    region: str | None = None
    """S3 region."""
    account_name: pulumi.Input[str] | None = None
    """Azure storage account holding the containers."""
    credentials_secret: str | None = None
    """On-prem only: key in the secret store (under the prefix) of an S3 access key
    (``accessKeyId``, ``secretAccessKey``); None: workload identity."""


@dataclass(frozen=True)
class QueryBackend:
    """One store's read path inside the cluster: the Service its query API answers on."""

    service: str
    namespace: str
    port: int
    path_prefixes: tuple[str, ...]
    """Path prefixes of the store's read APIs (matched as prefixes); nothing else of the
    store (push, delete, rules, admin) is among them."""
    tenant_header: str = "X-Scope-OrgID"
    """Header the store reads the tenant (``<project>-<environment>``) from."""


@dataclass(frozen=True)
class ObservabilityQueryBackends:
    """The in-plane stores' query Services, per signal, for the read-only query API.

    Each Service is the store's query front end, which serves reads only: Loki's ``read``
    target, Cortex's and Tempo's ``query-frontend``. A signal kept nowhere in the plane is
    None.
    """

    logs: QueryBackend | None
    metrics: QueryBackend | None
    traces: QueryBackend | None
    ready: tuple[pulumi.Resource, ...] = ()
    """What creates the Services and their namespace: objects routed to them wait for it."""

    def by_signal(self) -> dict[Signal, QueryBackend]:
        """The signals that have a store, with their backend."""
        pairs = {Signal.LOGS: self.logs, Signal.METRICS: self.metrics, Signal.TRACES: self.traces}
        return {signal: backend for signal, backend in pairs.items() if backend is not None}


LOKI_QUERY = QueryBackend(
    # Simple scalable mode: the read Service is "<chart name>-read" whatever the release name
    # (grafana/loki helm-loki-6.30.1 production/helm/loki/templates/read/_helpers-read.tpl:4,
    # read/service-read.yaml:7,27-28, port loki.server.http_listen_port = 3100, values.yaml:338)
    service="loki-read",
    namespace=OBSERVABILITY_NAMESPACE,
    port=3100,
    # the query-frontend's routes (grafana/loki v3.5.0 pkg/loki/modules.go:1359-1372); push
    # (:407), tail (:1382), rules (:1492-1495) and delete (:1680-1683) are left out
    path_prefixes=(
        "/loki/api/v1/query",  # also matches query_range
        "/loki/api/v1/label",  # label, labels, label/{name}/values
        "/loki/api/v1/series",
        "/loki/api/v1/index/",
        "/loki/api/v1/patterns",
        "/loki/api/v1/detected_",
    ),
)
"""Loki's read path as pdpkit installs it (docs/observability.md)."""

TEMPO_QUERY = QueryBackend(
    # release "tempo": fullname "tempo" (grafana/helm-charts tempo-distributed-1.61.3
    # charts/tempo-distributed/templates/_helpers.tpl:14-25, resourceName :182-184),
    # query-frontend/service-query-frontend.yaml:4,20-22 (port 3200, values.yaml:1054)
    service="tempo-query-frontend",
    namespace=OBSERVABILITY_NAMESPACE,
    port=3200,
    # the query-frontend's routes (grafana/tempo v2.9.0 cmd/tempo/app/modules.go:558-571,
    # paths pkg/api/http.go:73-91); overrides (writable, :87), mcp and echo are left out
    path_prefixes=(
        "/api/traces/",
        "/api/v2/traces/",
        "/api/search",  # search, search/tags, search/tag/{name}/values
        "/api/v2/search/",
        "/api/metrics/",
    ),
)
"""Tempo's read path as pdpkit installs it (docs/observability.md)."""

CORTEX_QUERY = QueryBackend(
    # release "cortex": fullname "cortex" (cortexproject/cortex-helm-chart v3.3.4 templates/
    # _helpers.tpl:14-25), query-frontend/_helpers-query-frontend.tpl:4-6 and
    # query-frontend-svc.yaml:16-19 (port config.server.http_listen_port = 8080, values.yaml)
    service="cortex-query-frontend",
    namespace=OBSERVABILITY_NAMESPACE,
    port=8080,
    # the query-frontend's Prometheus read API under the default prometheus_http_prefix
    # (cortexproject/cortex v1.21.1 docs/api/_index.md:37-45,93); remote read (:46), push
    # (:28-29), rules (:51-58), alertmanager (:60-67) and deletes (:68-72) are left out
    path_prefixes=(
        "/prometheus/api/v1/query",  # also matches query_range, query_exemplars
        "/prometheus/api/v1/series",
        "/prometheus/api/v1/label",  # labels, label/{name}/values
        "/prometheus/api/v1/metadata",
    ),
)
"""Cortex's read path as pdpkit installs it (docs/observability.md)."""


@dataclass(frozen=True)
class TelemetryEndpoint:
    """Where integrations send OTLP: the gateway collector, and how policy selects it."""

    otlp_endpoint: str
    """OTLP/HTTP base URL (``OTEL_EXPORTER_OTLP_ENDPOINT``)."""
    namespace: str
    pod_labels: Mapping[str, str]
    """Labels selecting the collector's pods (project namespaces' egress policy)."""
    ports: tuple[int, ...]
    """OTLP gRPC and HTTP ports."""
    scraper_namespace: str | None = None
    """Namespace of the collectors that scrape workloads' Prometheus endpoints (project
    namespaces admit them); None: nothing scrapes."""
    scraper_pod_labels: Mapping[str, str] | None = None


@dataclass(frozen=True)
class GatewayRef:
    """A Gateway API gateway integrations attach HTTPRoutes to."""

    name: str
    namespace: str
    hostnames: tuple[str, ...]


@dataclass(frozen=True)
class DataPlane:
    """A provisioned data plane: its cluster, secret store and gateways."""

    name: str
    target: Target
    kubernetes: k8s.Provider
    """Provider for the data plane's cluster; every Kubernetes object uses it."""
    secret_store: str
    """Name of the `ClusterSecretStore` that resolves the secret store's keys."""
    secret_prefix: str
    """Prefix every remote key is read under."""
    external_gateway: GatewayRef
    internal_gateway: GatewayRef
    registry: pulumi.Output[str]
    """Registry host images are pulled from."""
    zones: tuple[str, ...]
    """Topology zones nodes run in (topology spread)."""
    ready: tuple[pulumi.Resource, ...]
    """What custom resources of the platform need first (CRDs of ESO and Gateway API)."""
    api_server_cidrs: tuple[str, ...] = ()
    """Real addresses of the API server's endpoints (egress of integrations that mount a
    token); never a Service ClusterIP (pdpkit.components.k8s.api_server_egress)."""
    api_server_entity: bool = False
    """Whether a CiliumNetworkPolicy may allow the API server by Cilium's ``kube-apiserver``
    entity (pdpkit installed Cilium, so the CRD exists)."""
    flux_ready: tuple[pulumi.Resource, ...] = ()
    """The Flux release: what a HelmRelease of the data plane's own charts waits for."""
    observability_storage: ObservabilityStorage | None = None
    """The target's buckets and workload identity for the observability stores; None: the
    target provides none yet, and no observability chain is installed."""
    telemetry: TelemetryEndpoint | None = None
    """The OTLP endpoint integrations send to; None: no collector in the plane."""
    observability_query: ObservabilityQueryBackends | None = None
    """The stores' read-only query Services (for the query API); None: no stores."""
    registry_pull_secret: str | None = None
    """A ``kubernetes.io/dockerconfigjson`` Secret for `registry` present in every namespace
    pdpkit creates, which pods name in ``imagePullSecrets``; None: the nodes pull from
    `registry` with the data plane's own identity (AcrPull, ECR pull policy, Artifact
    Registry reader), or, on Harbor, each integration brings its ``imagePullSecret``."""
