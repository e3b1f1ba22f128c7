"""The in-plane observability chain: collectors, Loki, Cortex and Tempo on the target's
storage.

Installed by `with_observability` once the target provides `DataPlane.observability_storage`
(the buckets and the stores' workload identity); docs/observability.md describes the flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.cortex_store import CortexStore, CortexStoreArgs
from pdpkit.components.k8s.kube_state_metrics import KubeStateMetrics, KubeStateMetricsArgs
from pdpkit.components.k8s.loki_store import LokiStore, LokiStoreArgs
from pdpkit.components.k8s.object_store import BucketAccess, StorageBackend, credentials_secret
from pdpkit.components.k8s.objects import namespace, namespace_level
from pdpkit.components.k8s.otel_collectors import (
    GATEWAY_POD_LABELS,
    NODE_POD_LABELS,
    OTLP_GRPC_PORT,
    OTLP_HTTP_PORT,
    TelemetryCollectors,
    TelemetryCollectorsArgs,
)
from pdpkit.components.k8s.tempo_store import TempoStore, TempoStoreArgs
from pdpkit.dataplane.contract import (
    CORTEX_QUERY,
    LOKI_QUERY,
    OBSERVABILITY_NAMESPACE,
    TEMPO_QUERY,
    DataPlane,
    ObservabilityQueryBackends,
    ObservabilityStorage,
    Signal,
    TelemetryEndpoint,
)
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.observability import ObservabilitySpec
from pdpkit.spec.secret_keys import secret_key
from pdpkit.versions import chart

NODE_NAMESPACE = "pdp-observability-node"
"""Namespace of the node collector: Pod Security `privileged` (host paths), nothing else."""


@dataclass(frozen=True)
class ObservabilityArgs:
    """Inputs of `Observability`."""

    spec: ObservabilitySpec
    provider: k8s.Provider
    storage: ObservabilityStorage
    tenants: Mapping[str, str]
    """Namespace -> tenant of every project namespace on this data plane."""
    secret_store: str
    secret_prefix: str
    flux_ready: tuple[pulumi.Resource, ...] = ()
    """The Flux release (HelmRelease CRDs)."""
    secrets_ready: tuple[pulumi.Resource, ...] = ()
    """The ESO release and store (on-prem access key)."""
    channels: Mapping[str, str] = field(default_factory=dict)
    """``spec.flux.channels``: semver ranges per chart key."""
    production: bool = False


class Observability(pulumi.ComponentResource):
    """Namespaces, the stores (one bucket each) and the collectors routing to them."""

    query_backends: ObservabilityQueryBackends
    telemetry: TelemetryEndpoint

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:dataplane:Observability", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        level = namespace_level(
            chart("loki"),
            chart("tempo"),
            chart("cortex"),
            chart("kubeStateMetrics"),
            chart("otelClusterCollector"),
        )
        ns = namespace(f"{name}-namespace", OBSERVABILITY_NAMESPACE, level, child)
        ready: list[pulumi.Resource] = [ns, *args.flux_ready]
        credentials_key = None
        if args.storage.credentials_secret is not None:
            credentials_key = secret_key(args.secret_prefix, args.storage.credentials_secret)
            ready.append(
                credentials_secret(
                    f"{name}-storage-credentials",
                    OBSERVABILITY_NAMESPACE,
                    args.secret_store,
                    credentials_key,
                    pulumi.ResourceOptions.merge(
                        child, pulumi.ResourceOptions(depends_on=[ns, *args.secrets_ready])
                    ),
                )
            )
        spec = args.spec
        loki = LokiStore(
            f"{name}-loki",
            LokiStoreArgs(
                provider=args.provider,
                namespace=OBSERVABILITY_NAMESPACE,
                bucket=bucket_access(args.storage, Signal.LOGS, "loki", credentials_key),
                retention_days=spec.retention.logs_days,
                size=spec.size,
                channel=args.channels.get("loki"),
                depends_on=tuple(ready),
                holds_data=args.production,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        tempo = TempoStore(
            f"{name}-tempo",
            TempoStoreArgs(
                provider=args.provider,
                namespace=OBSERVABILITY_NAMESPACE,
                bucket=bucket_access(args.storage, Signal.TRACES, "tempo", credentials_key),
                retention_days=spec.retention.traces_days,
                size=spec.size,
                channel=args.channels.get("tempo"),
                depends_on=tuple(ready),
                holds_data=args.production,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        cortex = CortexStore(
            f"{name}-cortex",
            CortexStoreArgs(
                provider=args.provider,
                namespace=OBSERVABILITY_NAMESPACE,
                bucket=bucket_access(args.storage, Signal.METRICS, "cortex", credentials_key),
                retention_days=spec.retention.metrics_days,
                size=spec.size,
                channel=args.channels.get("cortex"),
                depends_on=tuple(ready),
                holds_data=args.production,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        KubeStateMetrics(
            f"{name}-kube-state-metrics",
            KubeStateMetricsArgs(
                provider=args.provider,
                namespace=OBSERVABILITY_NAMESPACE,
                size=spec.size,
                channel=args.channels.get("kubeStateMetrics"),
                depends_on=(ns, *args.flux_ready),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        collectors = TelemetryCollectors(
            f"{name}-collectors",
            TelemetryCollectorsArgs(
                provider=args.provider,
                node_namespace=NODE_NAMESPACE,
                gateway_namespace=OBSERVABILITY_NAMESPACE,
                tenants=args.tenants,
                logs_endpoint=loki.push_endpoint,
                metrics_endpoint=cortex.push_endpoint,
                ksm_namespace=OBSERVABILITY_NAMESPACE,
                traces_endpoint=tempo.push_endpoint,
                size=spec.size,
                node_channel=args.channels.get("otelNodeCollector"),
                gateway_channel=args.channels.get("otelClusterCollector"),
                depends_on=(ns, *args.flux_ready),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.query_backends = ObservabilityQueryBackends(
            logs=LOKI_QUERY,
            metrics=CORTEX_QUERY,
            traces=TEMPO_QUERY,
            ready=(ns, loki, cortex, tempo),
        )
        self.telemetry = TelemetryEndpoint(
            otlp_endpoint=collectors.otlp_endpoint,
            namespace=OBSERVABILITY_NAMESPACE,
            pod_labels=dict(GATEWAY_POD_LABELS),
            ports=(OTLP_GRPC_PORT, OTLP_HTTP_PORT),
            scraper_namespace=NODE_NAMESPACE,
            scraper_pod_labels=dict(NODE_POD_LABELS),
        )
        self.register_outputs(
            {
                "otlp_endpoint": self.telemetry.otlp_endpoint,
                "query_services": {
                    signal.value: f"{b.service}.{b.namespace}:{b.port}"
                    for signal, b in self.query_backends.by_signal().items()
                },
            }
        )


def bucket_access(
    storage: ObservabilityStorage, signal: Signal, service_account: str, credentials: str | None
) -> BucketAccess:
    """One store's view of the target's storage."""
    return BucketAccess(
        backend=StorageBackend(storage.backend),
        bucket=storage.buckets[signal],
        service_account=service_account,
        service_account_annotations=storage.service_account_annotations,
        pod_labels=storage.pod_labels,
        endpoint=storage.endpoint,
        region=storage.region,
        account_name=storage.account_name,
        credentials_key=credentials,
    )


def with_observability(
    spec: DataPlaneSpec, dataplane: DataPlane, tenants: Mapping[str, str]
) -> DataPlane:
    """`dataplane` with the observability chain installed, when the spec enables it and the
    target provides its storage; otherwise `dataplane` unchanged (nothing is installed and
    integrations get no OTLP endpoint)."""
    if not spec.observability.enabled or dataplane.observability_storage is None:
        return dataplane
    observability = Observability(
        f"{spec.name}-observability",
        ObservabilityArgs(
            spec=spec.observability,
            provider=dataplane.kubernetes,
            storage=dataplane.observability_storage,
            tenants=tenants,
            secret_store=dataplane.secret_store,
            secret_prefix=dataplane.secret_prefix,
            flux_ready=dataplane.flux_ready,
            secrets_ready=dataplane.ready,
            channels=dict(spec.flux.channels),
            production=spec.production,
        ),
    )
    return replace(
        dataplane,
        telemetry=observability.telemetry,
        observability_query=observability.query_backends,
    )
