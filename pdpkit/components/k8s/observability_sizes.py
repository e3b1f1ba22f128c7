"""Replicas and resources of the collectors and stores per `ObservabilitySize` (the spec's
``dataplane.observability.size``); docs/observability.md, "Sizing", explains the figures."""

from __future__ import annotations

from dataclasses import dataclass

from pdpkit.spec.observability import ObservabilitySize


@dataclass(frozen=True)
class Resources:
    """Requests (and the memory limit; CPU is left unlimited, so bursts are not throttled)."""

    cpu: str
    memory: str
    memory_limit: str

    def values(self) -> dict[str, dict[str, str]]:
        """The chart's ``resources`` block."""
        return {
            "requests": {"cpu": self.cpu, "memory": self.memory},
            "limits": {"memory": self.memory_limit},
        }


@dataclass(frozen=True)
class StoreSizing:
    """One size: replicas per component, and the resources of each pod."""

    replication_factor: int
    """Copies each write is acknowledged by (Loki ``commonConfig.replication_factor``,
    Tempo ingester ``replication_factor``, Cortex's ingester ring): 1 on small, 3 from
    medium up."""
    loki_read: int
    loki_write: int
    loki_backend: int
    tempo_distributor: int
    tempo_ingester: int
    tempo_querier: int
    tempo_query_frontend: int
    cortex_distributor: int
    cortex_ingester: int
    cortex_querier: int
    cortex_query_frontend: int
    gateway_collectors: int
    """Replicas of the OTLP/events collector Deployment."""
    store_pod: Resources
    collector_pod: Resources


SIZES: dict[ObservabilitySize, StoreSizing] = {
    ObservabilitySize.SMALL: StoreSizing(
        replication_factor=1,
        loki_read=1,
        loki_write=1,
        loki_backend=1,
        tempo_distributor=1,
        tempo_ingester=1,
        tempo_querier=1,
        tempo_query_frontend=1,
        cortex_distributor=1,
        cortex_ingester=1,
        cortex_querier=1,
        cortex_query_frontend=1,
        gateway_collectors=1,
        store_pod=Resources("100m", "256Mi", "1Gi"),
        collector_pod=Resources("50m", "128Mi", "512Mi"),
    ),
    ObservabilitySize.MEDIUM: StoreSizing(
        replication_factor=3,
        loki_read=2,
        loki_write=3,
        loki_backend=2,
        tempo_distributor=2,
        tempo_ingester=3,
        tempo_querier=2,
        tempo_query_frontend=2,
        cortex_distributor=2,
        cortex_ingester=3,
        cortex_querier=2,
        cortex_query_frontend=2,
        gateway_collectors=2,
        store_pod=Resources("250m", "1Gi", "4Gi"),
        collector_pod=Resources("100m", "256Mi", "1Gi"),
    ),
    ObservabilitySize.LARGE: StoreSizing(
        replication_factor=3,
        loki_read=4,
        loki_write=6,
        loki_backend=3,
        tempo_distributor=3,
        tempo_ingester=6,
        tempo_querier=4,
        tempo_query_frontend=2,
        cortex_distributor=3,
        cortex_ingester=6,
        cortex_querier=4,
        cortex_query_frontend=2,
        gateway_collectors=3,
        store_pod=Resources("500m", "2Gi", "8Gi"),
        collector_pod=Resources("250m", "512Mi", "2Gi"),
    ),
}
"""Figures per size: replicas scale the write path (Loki write, Tempo ingesters) first."""
