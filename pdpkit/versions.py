"""Every upstream Helm chart pdpkit installs, pinned explicitly, in one table.

Bump a version here and nowhere else; tests check that nothing else names a chart
version. Flux-managed charts float within `spec.flux.channels[<component>]` when a
stack sets a channel; otherwise Flux holds them at the version pinned here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartVersion:
    """One pinned chart."""

    name: str
    """Key used by pdpkit (and by ``spec.flux.channels``) to refer to the chart."""
    repository: str
    """Helm repository URL (``https://…``), or the ``oci://`` reference of the chart."""
    chart: str
    """Chart name inside the repository (for OCI: the last path segment)."""
    version: str
    """The exact chart version: never a range, never "latest"."""

    @property
    def is_oci(self) -> bool:
        """Whether the chart is served from an OCI registry rather than an index."""
        return self.repository.startswith("oci://")

    @property
    def chart_ref(self) -> str:
        """What `helm install` takes: ``oci://…/chart`` for OCI, else the chart name."""
        return self.repository if self.is_oci else self.chart

    @property
    def oci_repository(self) -> str:
        """The OCI repository holding the chart (``oci://docker.io/envoyproxy``), for Flux."""
        return self.repository.rsplit("/", 1)[0]


CHARTS: tuple[ChartVersion, ...] = (
    # Installed by Pulumi (helm.v3.Release): needed before Flux, or CRDs Pulumi's own objects use.
    ChartVersion("cilium", "https://helm.cilium.io", "cilium", "1.19.1"),
    ChartVersion(
        "gatewayApiCrds",
        "oci://docker.io/envoyproxy/gateway-crds-helm",
        "gateway-crds-helm",
        "v1.8.2",
    ),
    ChartVersion(
        "envoyGateway", "oci://docker.io/envoyproxy/gateway-helm", "gateway-helm", "v1.8.2"
    ),
    ChartVersion("certManager", "https://charts.jetstack.io", "cert-manager", "v1.19.4"),
    ChartVersion(
        "externalSecrets", "https://charts.external-secrets.io", "external-secrets", "1.0.0"
    ),
    ChartVersion("flux", "https://fluxcd-community.github.io/helm-charts", "flux2", "2.17.0"),
    # Declared by Pulumi as Flux HelmReleases: Flux applies updates within the stack's channel.
    ChartVersion("logAgent", "https://fluent.github.io/helm-charts", "fluent-bit", "0.48.10"),
    ChartVersion("loki", "https://grafana.github.io/helm-charts", "loki", "6.30.1"),
    ChartVersion(
        "opensearch", "https://opensearch-project.github.io/helm-charts", "opensearch", "2.30.1"
    ),
    ChartVersion("harbor", "https://helm.goharbor.io", "harbor", "1.19.1"),
)

_BY_NAME = {c.name: c for c in CHARTS}


def chart(name: str) -> ChartVersion:
    """The pinned chart called `name` (a key of `CHARTS`)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(_BY_NAME))
        raise KeyError(f"no chart {name!r} in pdpkit.versions; known charts: {known}") from None
