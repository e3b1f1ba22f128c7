"""The `pdp:dataplane.observability` section: logs, metrics and traces kept in the plane and
queried from the console through an authenticated API (docs/observability.md)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from pdpkit.spec.base import NonEmptyStr, SpecModel
from pdpkit.spec.formats import Hostname, HttpsUrl

SYSTEM_TENANT = "pdp-system"
"""Tenant of everything outside the platform's project namespaces (system components, the
stores themselves); platform operators read it, no project token does."""


class MetricsStore(StrEnum):
    """Where metrics are kept."""

    IN_CLUSTER = "inCluster"
    """A Prometheus-compatible store in the plane, on the target's object storage."""
    MANAGED = "managed"
    """The cloud's managed Prometheus in the customer's own subscription/account/project."""


class ObservabilitySize(StrEnum):
    """Replicas and resources of the collectors and stores."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class RetentionSpec(SpecModel):
    """Days each signal stays queryable."""

    logs_days: int = Field(30, ge=1, le=3650)
    """Days logs stay queryable."""
    metrics_days: int = Field(30, ge=1, le=3650)
    """Days metrics stay queryable."""
    traces_days: int = Field(7, ge=1, le=365)
    """Days traces stay queryable."""


class ObservabilityApiSpec(SpecModel):
    """The read-only query API the console in the user's browser calls directly."""

    gateway: str = Field("external", pattern="^(external|internal)$")
    """Gateway the API listens on: ``external`` (default) or ``internal``."""
    hostname: Hostname
    """Hostname of the API; one of the gateway's hostnames must cover it."""
    issuer: HttpsUrl
    """Issuer (``iss``) of the control plane's identity provider."""
    jwks_url: HttpsUrl
    """Where the identity provider publishes its signing keys."""
    audiences: tuple[NonEmptyStr, ...] = Field(min_length=1)
    """Audiences (``aud``) a token must carry."""
    tenants_claim: NonEmptyStr = "pdp_tenants"
    """Claim listing the tenants (``<project>-<environment>``) the caller may read."""
    console_origins: tuple[HttpsUrl, ...] = Field(min_length=1)
    """Origins (``https://console.example.com``) allowed by CORS; nothing else is."""
    requests_per_minute: int = Field(600, ge=1, le=1_000_000)
    """Requests per minute per caller before the gateway answers 429."""


class ObservabilitySpec(SpecModel):
    """Collection and storage of logs, metrics and traces in the customer's infrastructure."""

    enabled: bool = True
    """Collect and keep logs, metrics and traces in the plane. Default on."""
    retention: RetentionSpec = RetentionSpec()
    """Days per signal; left out: logs 30, metrics 30, traces 7."""
    metrics_store: MetricsStore = MetricsStore.IN_CLUSTER
    """``inCluster`` (default: Cortex on the plane's metrics bucket) or the cloud's
    ``managed`` Prometheus (not yet supported: `pdp validate` refuses it,
    docs/observability.md)."""
    size: ObservabilitySize = ObservabilitySize.SMALL
    """Replicas and resources of collectors and stores. Default small."""
    api: ObservabilityApiSpec | None = None
    """The console's query API; left out: no API is exposed (stores reachable in-cluster only)."""
