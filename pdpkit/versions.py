"""Every upstream chart pdpkit installs, pinned explicitly, with what the mock monitor cannot
see about it: one compatibility table.

Bump a version here and nowhere else; tests check that nothing else names a chart version.
Flux-managed charts float within `spec.flux.channels[<component>]` when a stack sets a
channel; otherwise Flux holds them at the version pinned here.

Each entry carries, besides the pin, the facts a real cluster enforces and `pdp plan` cannot
observe: the Kubernetes minors the component supports, the Pod Security level its pods meet
with pdpkit's values, how its CRDs are installed, and whether its Helm release record is
known to approach the 1 MiB limit of the Secret Helm keeps it in. Every fact names where it
was read (repository, tag, path[:line] or a documentation URL). `docs/system-layer.md` is
generated from this table (`python -m pdpkit.versions`); a test keeps it current.

Pure data: no Pulumi import, so `pdpkit.spec` may read it (import-linter keeps it at the
bottom of the layers).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum


class PodSecurity(StrEnum):
    """Pod Security Standards level (enforced on a namespace, or met by a chart's pods)."""

    RESTRICTED = "restricted"
    BASELINE = "baseline"
    PRIVILEGED = "privileged"
    """Only for node agents that need host paths or host networking (log agent, CNI)."""

    @property
    def strictness(self) -> int:
        """0 for privileged, 1 for baseline, 2 for restricted."""
        return (PodSecurity.PRIVILEGED, PodSecurity.BASELINE, PodSecurity.RESTRICTED).index(self)


class CrdInstall(StrEnum):
    """How a component's CustomResourceDefinitions reach the cluster."""

    NONE = "none"
    """The chart ships no CRD."""
    WITH_CHART = "with the chart"
    """Part of the chart's release (`crds/` or templates gated by a value)."""
    RENDERED_SERVER_SIDE = "rendered client-side, applied server-side"
    """Rendered by the program (`helm.v4.Chart`), each object applied with server-side apply;
    never a Helm release (upstream's own recommendation for these CRDs)."""


@dataclass(frozen=True)
class KubernetesRange:
    """Kubernetes minors (1.x) a component supports, inclusive; `max_minor` None: no upper
    bound documented upstream."""

    min_minor: int
    max_minor: int | None
    source: str

    def allows(self, minor: int) -> bool:
        """Whether Kubernetes 1.`minor` is inside the range."""
        return minor >= self.min_minor and (self.max_minor is None or minor <= self.max_minor)

    def describe(self) -> str:
        """``1.32-1.35``, ``1.34`` or ``>= 1.32``."""
        if self.max_minor is None:
            return f">= 1.{self.min_minor}"
        if self.max_minor == self.min_minor:
            return f"1.{self.min_minor}"
        return f"1.{self.min_minor}-1.{self.max_minor}"


@dataclass(frozen=True)
class ChartVersion:
    """One pinned chart and the upstream facts pdpkit relies on."""

    name: str
    """Key used by pdpkit (and by ``spec.flux.channels``) to refer to the chart."""
    repository: str
    """Helm repository URL (``https://…``), or the ``oci://`` reference of the chart."""
    chart: str
    """Chart name inside the repository (for OCI: the last path segment)."""
    version: str
    """The exact chart version: never a range, never "latest"."""
    component: str = field(kw_only=True)
    """What it installs, with the app's minor (``Envoy Gateway 1.8``), for messages."""
    app_version: str = field(kw_only=True)
    """The chart's ``appVersion`` at the pinned version."""
    app_version_source: str = field(kw_only=True)
    kubernetes: KubernetesRange | None = field(kw_only=True)
    """Supported Kubernetes minors; None: upstream documents none (not checked)."""
    pod_security: PodSecurity = field(kw_only=True)
    """The strictest Pod Security level every pod of the release meets with pdpkit's values
    (a namespace holding it may be labelled at most this strict)."""
    pod_security_source: str = field(kw_only=True)
    crds: CrdInstall = field(kw_only=True)
    crds_source: str = field(kw_only=True)
    release_record_near_limit: str | None = field(default=None, kw_only=True)
    """Set (to the source) when the chart's Helm release record is known to approach the
    1 MiB Secret limit: such a chart is never installed as a `helm.v3.Release`."""

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

    @property
    def label(self) -> str:
        """``Flux 2.8 (flux2 chart 2.18.3)``: how messages name the component."""
        return f"{self.component} ({self.chart} chart {self.version})"


_EG = "envoyproxy/gateway"
_OTEL = "open-telemetry/opentelemetry-helm-charts opentelemetry-collector-0.170.0"
_EG_MATRIX = (
    "envoyproxy/gateway main@d32f282 site/content/en/news/releases/matrix.md:11 "
    "(row v1.9: Kubernetes v1.33-v1.36, end of life 2027/02/14; v1.9.0 is the newest tag "
    "there); https://gateway.envoyproxy.io/news/releases/matrix/"
)

CHARTS: tuple[ChartVersion, ...] = (
    # Installed by Pulumi (helm.v3.Release): needed before Flux, or CRDs Pulumi's own objects use.
    ChartVersion(
        "cilium",
        "https://helm.cilium.io",
        "cilium",
        "1.19.1",
        component="Cilium 1.19",
        app_version="1.19.1",
        app_version_source="cilium/cilium v1.19.1 install/kubernetes/cilium/Chart.yaml "
        "(chart and app are versioned together; not re-read here)",
        kubernetes=KubernetesRange(
            32,
            35,
            "cilium/cilium v1.19.x Documentation/network/kubernetes/compatibility.rst "
            "(e2e tested: 1.32, 1.33, 1.34, 1.35; read from the 1.19.3 copy of the page, "
            "https://docs.cilium.io/en/v1.19/network/kubernetes/compatibility/)",
        ),
        pod_security=PodSecurity.PRIVILEGED,
        pod_security_source="the agent DaemonSet is a CNI: host network, host paths, "
        "privileged init containers; installed into kube-system, which pdpkit does not label",
        crds=CrdInstall.NONE,
        crds_source="the cilium-operator registers its CRDs at start-up (not chart objects)",
    ),
    ChartVersion(
        "gatewayApiCrds",
        "oci://docker.io/envoyproxy/gateway-crds-helm",
        "gateway-crds-helm",
        "v1.9.0",
        component="Gateway API 1.6 + Envoy Gateway CRDs 1.9",
        app_version="v1.9.0",
        app_version_source=f"{_EG} v1.9.0 charts/gateway-crds-helm/Chart.yaml:6-7 "
        "(v0.0.0-latest in git, set to the tag at release); Gateway API bundle v1.6.1 "
        "(templates/standard-gatewayapi-crds.yaml, bundle-version annotation)",
        kubernetes=KubernetesRange(33, 36, _EG_MATRIX),
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source="CRDs only, no pod",
        crds=CrdInstall.RENDERED_SERVER_SIDE,
        crds_source=f"{_EG} v1.9.0 charts/gateway-crds-helm/README.md:43-44,57 "
        "(`helm template … | kubectl apply --server-side`, because of helm/helm#12277); its "
        "templates also render the Gateway API safe-upgrades ValidatingAdmissionPolicy and "
        "binding (templates/standard-gatewayapi-crds.yaml:20063-20110), which gateway-helm "
        "skips with crds.enabled=false (charts/gateway-helm/README.md:75-77)",
        release_record_near_limit=(
            "helm/helm#12277 (release Secret over 1 MiB); "
            f"{_EG} v1.9.0 charts/gateway-crds-helm/README.md:57; its templates/ hold 5.1 MB "
            "of CRDs at v1.9.0 (4.7 MB at v1.8.2, `git ls-tree -l`), the release record is "
            "about 2 MB"
        ),
    ),
    ChartVersion(
        "envoyGateway",
        "oci://docker.io/envoyproxy/gateway-helm",
        "gateway-helm",
        "v1.9.0",
        component="Envoy Gateway 1.9",
        app_version="v1.9.0",
        app_version_source=f"{_EG} v1.9.0 charts/gateway-helm/Chart.yaml:6-7 "
        "(v0.0.0-latest in git, set to the tag at release)",
        kubernetes=KubernetesRange(33, 36, _EG_MATRIX),
        pod_security=PodSecurity.BASELINE,
        pod_security_source=f"{_EG} v1.9.0 charts/gateway-helm/README.md:117-124, 140-144 "
        "(controller: non-root, no escalation, ALL dropped, read-only root, RuntimeDefault) "
        "and :93 (certgen job and pod, same); "
        "baseline because the namespace also runs the Envoy proxy Deployments the controller "
        "renders (internal/infrastructure/kubernetes/proxy), not verified against restricted",
        crds=CrdInstall.RENDERED_SERVER_SIDE,
        crds_source="crds.enabled=false and skip_crds: the CRDs and the safe-upgrades "
        "ValidatingAdmissionPolicy come from gateway-crds-helm "
        f"({_EG} v1.9.0 charts/gateway-helm/Chart.yaml:27-30 `crds` sub-chart, condition "
        "crds.enabled; README.md:58-79)",
    ),
    ChartVersion(
        "certManager",
        "https://charts.jetstack.io",
        "cert-manager",
        "v1.21.1",
        component="cert-manager 1.21",
        app_version="v1.21.1",
        app_version_source="cert-manager/cert-manager v1.21.1 "
        "deploy/charts/cert-manager/Chart.yaml:24-26 (set to the tag at release)",
        kubernetes=KubernetesRange(
            33,
            36,
            "cert-manager/website main@776e5db content/docs/releases/README.md:24 (row 1.21: "
            "released Jul 08, 2026, supported Kubernetes 1.33 -> 1.36, end of life at the "
            "release of 1.23; 1.20 ends at the release of 1.22, due ~Nov 2026, :25,31); chart "
            "kubeVersion >= 1.22.0-0 (deploy/charts/cert-manager/Chart.yaml:22)",
        ),
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source="cert-manager/cert-manager v1.21.1 deploy/charts/cert-manager/"
        "values.yaml:424-437, 825-838, 1233-1246, 1541-1554 (controller, webhook, cainjector, "
        "startupapicheck: runAsNonRoot, RuntimeDefault, no escalation, ALL dropped)",
        crds=CrdInstall.WITH_CHART,
        crds_source="values crds.enabled=true (templates/crds.yaml)",
    ),
    ChartVersion(
        "externalSecrets",
        "https://charts.external-secrets.io",
        "external-secrets",
        "2.8.0",
        component="External Secrets 2.8",
        app_version="v2.8.0",
        app_version_source="external-secrets/external-secrets helm-chart-2.8.0 "
        "deploy/charts/external-secrets/Chart.yaml:5-6",
        kubernetes=KubernetesRange(
            35,
            36,
            "external-secrets/external-secrets main@cc5bfbc docs/introduction/"
            "stability-support.md:22 (ESO 2.8: Kubernetes 1.35-1.36, the versions its test "
            "suites run, :17; 1.36 added by 35cb348 after the release, the row read 1.35 at "
            "helm-chart-2.8.0; 2.9 covers 1.36 only, :21); upstream supports only the newest "
            "minor (:10): 2.8 ended Aug 07, 2026, it is the newest release whose tested range "
            "covers 1.35; chart kubeVersion >= 1.19.0-0 (Chart.yaml:7)",
        ),
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source="external-secrets/external-secrets helm-chart-2.8.0 deploy/charts/"
        "external-secrets/values.yaml:271-289, 716-736, 918-938 (controller, webhook, "
        "cert-controller: runAsNonRoot, RuntimeDefault, no escalation, ALL dropped)",
        crds=CrdInstall.WITH_CHART,
        crds_source="values installCRDs=true (chart default, external-secrets/external-secrets "
        "helm-chart-2.8.0 deploy/charts/external-secrets/values.yaml); ExternalSecret, "
        "ClusterExternalSecret, ClusterSecretStore served at v1 only (v1beta1 not served: "
        "config/crds/bases/external-secrets.io_*.yaml)",
    ),
    ChartVersion(
        "flux",
        "https://fluxcd-community.github.io/helm-charts",
        "flux2",
        "2.18.3",
        component="Flux 2.8",
        app_version="2.8.5",
        app_version_source="fluxcd-community/helm-charts flux2-2.18.3 charts/flux2/Chart.yaml:6 "
        "(the newest flux2 chart in the stored copy of the repository, 2026-04-15)",
        kubernetes=KubernetesRange(
            33,
            35,
            "fluxcd/website main@6da0f38 content/en/blog/2026-02-23-announcing-flux-v2.8.0/"
            "index.md:152-156 (Flux v2.8 supports Kubernetes 1.33, 1.34, 1.35; Flux 2.7 "
            "supported 1.32-1.34 only: 2025-09-29-announcing-flux-v2.7.0/index.md:306-310); "
            "fluxcd-community/helm-charts flux2-2.18.3 charts/flux2/templates/"
            "pre-install-job.yaml:12,36 (pre-install hook runs `flux check --pre`), fluxcd/flux2 "
            "v2.8.5 cmd/flux/check.go:62-63 (>=1.33.0-0); Flux supports its last three minors "
            "(content/en/flux/releases/_index.md:77): 2.8 ends with the release of 2.11",
        ),
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source="fluxcd-community/helm-charts flux2-2.18.3 charts/flux2/templates/"
        "source-controller.yaml:88-103 (and the other controllers alike), "
        "pre-install-job.yaml:40-55 (runAsNonRoot, RuntimeDefault, no escalation, ALL dropped)",
        crds=CrdInstall.WITH_CHART,
        crds_source="fluxcd-community/helm-charts flux2-2.18.3 charts/flux2/values.yaml:3 "
        "(installCRDs: true; templates/*.crds.yaml serve only the GA versions pdpkit declares: "
        "source v1, kustomize v1, helm v2; v1beta2/v2beta2 removed in Flux 2.8, fluxcd/website "
        "2026-02-23-announcing-flux-v2.8.0/index.md:164-168)",
    ),
    # Declared by Pulumi as Flux HelmReleases: Flux applies updates within the stack's channel.
    ChartVersion(
        "logAgent",
        "https://fluent.github.io/helm-charts",
        "fluent-bit",
        "0.48.10",
        component="Fluent Bit 3.2",
        app_version="3.2.10",
        app_version_source="fluent/helm-charts fluent-bit-0.48.10 charts/fluent-bit/Chart.yaml:9",
        kubernetes=None,
        pod_security=PodSecurity.PRIVILEGED,
        pod_security_source="a node agent: hostPath mounts of /var/log (fluent/helm-charts "
        "fluent-bit-0.48.10 charts/fluent-bit/values.yaml:469-472 daemonSetVolumes)",
        crds=CrdInstall.NONE,
        crds_source="fluent/helm-charts fluent-bit-0.48.10 charts/fluent-bit (no crds/)",
    ),
    ChartVersion(
        "loki",
        "https://grafana.github.io/helm-charts",
        "loki",
        "6.30.1",
        component="Loki 3.5",
        app_version="3.5.0",
        app_version_source="grafana/loki helm-loki-6.30.1 production/helm/loki/Chart.yaml:5",
        kubernetes=None,
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source="grafana/loki helm-loki-6.30.1 production/helm/loki/values.yaml:"
        "96-107 (loki.podSecurityContext has no seccompProfile: pdpkit sets RuntimeDefault), "
        ":1056-1068 (gateway alike); templates/single-binary/statefulset.yaml:72-73,178-179, "
        "loki-canary/daemonset.yaml:37-38,62-63 and gateway/deployment-gateway-nginx.yaml:"
        "53-54,74-75 use those values; the helm-test pod is disabled (test.enabled=false)",
        crds=CrdInstall.NONE,
        crds_source="grafana/loki helm-loki-6.30.1 production/helm/loki (no crds/)",
    ),
    # The in-plane observability chain (docs/observability.md): collectors and stores.
    ChartVersion(
        "otelNodeCollector",
        "https://open-telemetry.github.io/opentelemetry-helm-charts",
        "opentelemetry-collector",
        "0.170.0",
        component="OpenTelemetry Collector 0.158 (node agent)",
        app_version="0.158.0",
        app_version_source=f"{_OTEL} charts/opentelemetry-collector/Chart.yaml:15",
        kubernetes=None,
        pod_security=PodSecurity.PRIVILEGED,
        pod_security_source=f"{_OTEL} charts/opentelemetry-collector/templates/_pod.tpl:"
        "247-259 (presets.logsCollection mounts the hostPaths /var/log/pods, "
        "/var/lib/docker/containers and, with storeCheckpoints, /var/lib/otelcol: baseline "
        "forbids hostPath volumes); it runs as user 0 to read the kubelet's root-owned log "
        "files, every capability dropped, read-only root (pdpkit's values)",
        crds=CrdInstall.NONE,
        crds_source=f"{_OTEL} charts/opentelemetry-collector (no crds/)",
    ),
    ChartVersion(
        "otelClusterCollector",
        "https://open-telemetry.github.io/opentelemetry-helm-charts",
        "opentelemetry-collector",
        "0.170.0",
        component="OpenTelemetry Collector 0.158 (OTLP and events gateway)",
        app_version="0.158.0",
        app_version_source=f"{_OTEL} charts/opentelemetry-collector/Chart.yaml:15",
        kubernetes=None,
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source=f"{_OTEL} charts/opentelemetry-collector/values.yaml:386-387 "
        "(podSecurityContext and securityContext empty: pdpkit sets non-root, RuntimeDefault, "
        "no escalation, ALL dropped, read-only root; templates/_pod.tpl:8-9,30-52 render them); "
        "no hostPath without presets.logsCollection/hostMetrics (_pod.tpl:247-265)",
        crds=CrdInstall.NONE,
        crds_source=f"{_OTEL} charts/opentelemetry-collector (no crds/)",
    ),
    ChartVersion(
        "tempo",
        "https://grafana.github.io/helm-charts",
        "tempo-distributed",
        "1.61.3",
        component="Tempo 2.9 (distributed)",
        app_version="2.9.0",
        app_version_source="grafana/helm-charts tempo-distributed-1.61.3 "
        "charts/tempo-distributed/Chart.yaml:6; the chart is marked deprecated there (:7, "
        "commit 8ccc51be9 'deprecate chart tempo-distributed (#4106)', 2026-01-30; README.md: "
        "migrated to grafana-community/helm-charts). Kept: the successor there, "
        "tempo-distributed-3.3.0 (Tempo 3.0.3), replaces ingesters and compactor with "
        "Kafka-fed block builders and live stores (its values.yaml:547-1139: backendScheduler, "
        "backendWorker, ingest, blockBuilder, liveStore), a migration of its own",
        kubernetes=None,
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source="grafana/helm-charts tempo-distributed-1.61.3 charts/"
        "tempo-distributed/values.yaml:95-106 (tempo.securityContext: non-root 1000, no "
        "escalation, ALL dropped, read-only root; tempo.podSecurityContext has no "
        "seccompProfile: pdpkit sets RuntimeDefault), used by every component's pod "
        "(templates/*/deployment-*.yaml, statefulset-*.yaml, memcached/statefulset-memcached."
        "yaml:45,105,128); gateway and metaMonitoring stay disabled (values.yaml:2062, 1904)",
        crds=CrdInstall.NONE,
        crds_source="grafana/helm-charts tempo-distributed-1.61.3 charts/tempo-distributed "
        "(no crds/)",
    ),
    ChartVersion(
        "cortex",
        "https://cortexproject.github.io/cortex-helm-chart",
        "cortex",
        "3.3.4",
        component="Cortex 1.21 (microservices)",
        app_version="v1.21.1",
        app_version_source="cortexproject/cortex-helm-chart v3.3.4 Chart.yaml:3. Cortex, not "
        "Mimir: no mimir-distributed release could be read here (grafana/mimir is too large "
        "to fetch; its only stored chart is 6.1.1-weekly.368, not a release), and Cortex "
        "keeps the same X-Scope-OrgID tenancy, blocks storage and /prometheus read API",
        kubernetes=KubernetesRange(
            19, None, "cortexproject/cortex-helm-chart v3.3.4 Chart.yaml:6 (kubeVersion ^1.19.0-0)"
        ),
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source="cortexproject/cortex-helm-chart v3.3.4 values.yaml (every "
        "component's securityContext is {} and containerSecurityContext only read-only root: "
        "pdpkit sets non-root 10001, RuntimeDefault, no escalation, ALL dropped), rendered "
        'with `omit ... "enabled" | toYaml` (templates/*/…-dep.yaml, ingester-statefulset.'
        "yaml:153, store-gateway-statefulset.yaml:70,151, compactor-statefulset.yaml:67,147); "
        "no hostPath; nginx, ruler, alertmanager and the memcached sub-charts are disabled; "
        "cortexproject/cortex v1.21.1 cmd/cortex/Dockerfile sets no USER (pdpkit's values "
        "run it as 10001)",
        crds=CrdInstall.NONE,
        crds_source="cortexproject/cortex-helm-chart v3.3.4 (no crds/)",
    ),
    ChartVersion(
        "kubeStateMetrics",
        "https://prometheus-community.github.io/helm-charts",
        "kube-state-metrics",
        "8.4.0",
        component="kube-state-metrics 2.20",
        app_version="2.20.0",
        app_version_source="prometheus-community/helm-charts kube-state-metrics-8.4.0 "
        "charts/kube-state-metrics/Chart.yaml:12",
        kubernetes=None,
        pod_security=PodSecurity.RESTRICTED,
        pod_security_source="prometheus-community/helm-charts kube-state-metrics-8.4.0 "
        "charts/kube-state-metrics/values.yaml:339-358 (securityContext: non-root 65534, "
        "RuntimeDefault; containerSecurityContext: read-only root, no escalation, ALL "
        "dropped); hostNetwork false (:88); kubeRBACProxy and selfMonitor stay off",
        crds=CrdInstall.NONE,
        crds_source="prometheus-community/helm-charts kube-state-metrics-8.4.0 "
        "charts/kube-state-metrics (no crds/)",
    ),
    ChartVersion(
        "opensearch",
        "https://opensearch-project.github.io/helm-charts",
        "opensearch",
        "2.30.1",
        component="OpenSearch 2.18",
        app_version="2.18.0",
        app_version_source="opensearch-project/helm-charts opensearch-2.30.1 "
        "charts/opensearch/Chart.yaml:24",
        kubernetes=None,
        pod_security=PodSecurity.BASELINE,
        pod_security_source="opensearch-project/helm-charts opensearch-2.30.1 charts/opensearch/"
        "values.yaml:200 (persistence.enableInitChown: the fsgroup-volume init container runs "
        "as user 0, templates/statefulset.yaml:255-258) and :318-328 (no seccompProfile); "
        "sysctlInit (privileged) stays disabled (values.yaml:482-483)",
        crds=CrdInstall.NONE,
        crds_source="opensearch-project/helm-charts opensearch-2.30.1 charts/opensearch (no crds/)",
    ),
    ChartVersion(
        "harbor",
        "https://helm.goharbor.io",
        "harbor",
        "1.19.1",
        component="Harbor 2.15",
        app_version="2.15.1",
        app_version_source="goharbor/harbor-helm v1.19.1 Chart.yaml:4",
        kubernetes=KubernetesRange(
            20, None, "goharbor/harbor-helm v1.19.1 README.md:13 (Kubernetes cluster 1.20+)"
        ),
        pod_security=PodSecurity.BASELINE,
        pod_security_source="goharbor/harbor-helm v1.19.1 values.yaml:490-499 "
        "(containerSecurityContext: RuntimeDefault, non-root, ALL dropped) and no privileged "
        "container, hostPath or host namespace in templates/; the internal database and redis "
        "pod specs were not verified against restricted",
        crds=CrdInstall.NONE,
        crds_source="goharbor/harbor-helm v1.19.1 (no crds/)",
    ),
)


@dataclass(frozen=True)
class WasmModule:
    """A Wasm extension Envoy Gateway loads into the gateways' Envoy (`EnvoyExtensionPolicy`
    ``wasm[].code.type: Image``), pinned like a chart, with the facts pdpkit relies on."""

    name: str
    image: str
    """OCI repository of the module (without tag or digest)."""
    version: str
    """The release tag: never a range, never "latest"."""
    version_source: str
    digest: str | None = field(kw_only=True)
    """``sha256:…`` of the release's image manifest; None while not recorded (Envoy Gateway
    then loads the tag unverified, and policy K8S-WASM-PINNED reports it)."""
    digest_source: str = field(kw_only=True)
    component: str = field(kw_only=True)
    api_source: str = field(kw_only=True)
    """Where the `EnvoyExtensionPolicy` fields pdpkit writes are defined."""

    @property
    def reference(self) -> str:
        """``image:version`` (``@sha256:…`` appended once the digest is recorded)."""
        pinned = f"{self.image}:{self.version}"
        return f"{pinned}@{self.digest}" if self.digest else pinned


CORAZA_WASM = WasmModule(
    "corazaWaf",
    "ghcr.io/corazawaf/coraza-proxy-wasm",
    "0.6.0",
    "corazawaf/coraza-proxy-wasm issue #297 (maintainer, 2025-07-11: release 0.6.0 is out, "
    "the first since 0.5.0 of 2024-01); images are pushed by .github/workflows/ci.yaml "
    "(docker/metadata-action `type=semver,pattern={{version}}` to ghcr.io/${{ github.repository "
    "}}) with the module at /plugin.wasm (Dockerfile); the OWASP CRS is embedded "
    "(wasmplugin/fs.go: @recommended-conf, @crs-setup-conf, @owasp_crs; main@3607c01 embeds "
    "CRS v4.14, #304, and Coraza v3.3.3, go.mod)",
    digest=None,
    digest_source="NOT RECORDED: the registry (ghcr.io) was unreachable where this pin was "
    "written and no upstream file states the manifest digest of the 0.6.0 tag; record it with "
    "`crane digest ghcr.io/corazawaf/coraza-proxy-wasm:0.6.0` and set `digest` here (a stack "
    "can pin its own copy meanwhile: gateways.external.waf.module)",
    component="Coraza WAF (proxy-wasm) 0.6 with the OWASP Core Rule Set 4",
    api_source="envoyproxy/gateway v1.9.0 api/v1alpha1/envoyextensionypolicy_types.go "
    "(targetRefs kind Gateway; wasm, at most 16), api/v1alpha1/wasm_types.go (code.type Image, "
    "image.url `registry/image:tag` or `@sha256:digest`, image.sha256 must match the image "
    "digest; failOpen default false: a failing module answers 5xx)",
)
"""The web application firewall on the external gateway (docs/ingress-security.md)."""

WASM_MODULES: tuple[WasmModule, ...] = (CORAZA_WASM,)

_BY_NAME = {c.name: c for c in CHARTS}


def chart(name: str) -> ChartVersion:
    """The pinned chart called `name` (a key of `CHARTS`)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(_BY_NAME))
        raise KeyError(f"no chart {name!r} in pdpkit.versions; known charts: {known}") from None


EVERY_DATA_PLANE = (
    "envoyGateway",
    "gatewayApiCrds",
    "certManager",
    "externalSecrets",
    "flux",
    "logAgent",
    "otelNodeCollector",
    "otelClusterCollector",
    "kubeStateMetrics",
)
"""Charts every data plane installs, whatever the target."""


TARGET_CHARTS: dict[str, tuple[str, ...]] = {
    "azure": (*EVERY_DATA_PLANE, "loki", "tempo", "cortex"),  # AKS runs its own Cilium
    "gcp": (*EVERY_DATA_PLANE, "loki", "tempo", "cortex"),  # Dataplane V2 is Google's Cilium
    "aws": ("cilium", *EVERY_DATA_PLANE, "loki", "tempo", "cortex"),
    "onprem": ("cilium", *EVERY_DATA_PLANE, "loki", "opensearch", "harbor", "tempo", "cortex"),
}
"""Per target (``Target`` value): the charts whose Kubernetes range applies to it."""


# --- The fleet's in-cluster engine -----------------------------------------------------


@dataclass(frozen=True)
class FleetEngine:
    """The Pulumi Kubernetes Operator a management cluster runs for `pdp fleet render`."""

    operator_version: str
    """The operator release the rendered objects are written for."""
    operator_source: str
    stack_api_version: str
    """apiVersion of the operator's ``Stack``."""
    flux_source_api_version: str
    """apiVersion of the Flux ``GitRepository`` a Stack's ``fluxSource`` refers to."""
    flux_source: str
    workspace_image: str
    """Image of each stack's workspace pod: the Pulumi CLI matching the pinned SDK, non-root."""
    workspace_image_source: str
    workspace_python: str
    """The Python (a pyenv version prefix) the workspace's ``pulumi install`` runs: the one
    the hashed lock requirements-ci.txt was resolved for (its binary wheels' hashes)."""
    workspace_arch: str
    """The node architecture (``kubernetes.io/arch``) of the lock's binary wheels."""
    workspace_python_source: str


PULUMI_KUBERNETES_OPERATOR = FleetEngine(
    operator_version="2.9.0",
    operator_source="pulumi/pulumi-kubernetes-operator v2.9.0 (2026-07-29, CHANGELOG.md:6; the "
    "newest tag of the stored repository): deploy/crds/pulumi.com_stacks.yaml (Stack "
    "pulumi.com/v1, the storage version), operator/api/pulumi/shared/stack_types.go:457-530 "
    "(status.lastUpdate: state succeeded|failed, type preview|up, lastSuccessfulCommit), "
    "examples/preview-demo/stack.yaml (a preview-only Stack on a schedule beside the Stack "
    "that applies), docs/migration.md:46 (the workspace's service account needs "
    "system:auth-delegator)",
    stack_api_version="pulumi.com/v1",
    flux_source_api_version="source.toolkit.fluxcd.io/v1",
    flux_source="fluxcd/source-controller v1.8.2 (Flux 2.8, as the data planes' Flux): "
    "config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml (v1: url and interval "
    "required, ref.commit takes precedence over every other reference)",
    workspace_image="pulumi/pulumi:3.272.0-nonroot",
    workspace_image_source="the CLI release of the pinned SDK (pyproject.toml pulumi==3.272.0) "
    "in the tag scheme of the operator's examples (pulumi/pulumi-kubernetes-operator v2.9.0 "
    "examples/git-source/stack.yaml:42 `pulumi/pulumi:3.202.0-nonroot`); the operator's "
    "default is `latest-nonroot` (operator/internal/webhook/auto/v1alpha1/"
    "workspace_webhook.go:33), never used here. Not checked against Docker Hub from here: pin "
    "its digest when you mirror it",
    workspace_python="3.11",
    workspace_arch="amd64",
    workspace_python_source="requirements-ci.txt holds CPython 3.11 Linux x86_64 wheels' hashes "
    "(scripts/lock-ci-requirements.sh); the image's default Python is 3.13, with 3.10-3.14 "
    "installed by pyenv, whose shims are first on PATH (pulumi/pulumi-docker-containers "
    "3.259.0-nonroot docker/pulumi/Dockerfile:139-147; the newest stored tag, 3.272.0 not "
    "re-read). PYENV_VERSION selects the version before any .python-version file, a prefix "
    "resolving to the newest installed match (pyenv/pyenv libexec/pyenv-version-name, "
    "commit 024e29e), and Pulumi runs the `python3` it finds on PATH unless PULUMI_PYTHON_CMD "
    "is set (pulumi/pulumi v3.259.0 sdk/python/toolchain/pip.go:304-345). On Python 3.13 "
    "pip refuses the lock (charset-normalizer's cp313 wheel does not match its hash: checked "
    "with `pip install --dry-run --only-binary=:all: --python-version 3.13`)",
)
"""The fleet's in-cluster engine, pinned (`pdpkit.fleet.operator`)."""


# --- What each cloud still offers -------------------------------------------------------

KUBERNETES_OFFERS_AS_OF = datetime.date(2026, 11, 25)
"""The date the cloud offers below were recorded for (a constant, never today's date:
validation stays deterministic). Re-read the sources and move it when bumping versions."""


@dataclass(frozen=True)
class CloudKubernetes:
    """Kubernetes minors a managed service offers for new clusters on
    `KUBERNETES_OFFERS_AS_OF` (standard support)."""

    service: str
    minors: tuple[int, ...]
    source: str


CLOUD_KUBERNETES: dict[str, CloudKubernetes] = {
    "azure": CloudKubernetes(
        "AKS",
        (34, 35, 36, 37),
        "Microsoft Learn, Supported Kubernetes versions in AKS (page source "
        "ms.date 2026-08-05), release calendar: 1.34 GA Nov 2025, end of life Nov 2026 (the "
        "last day of the month, per the page's note); 1.35-1.37 GA Mar/Jun/Oct 2026; "
        "https://learn.microsoft.com/azure/aks/supported-kubernetes-versions",
    ),
    "aws": CloudKubernetes(
        "EKS",
        (34, 35),
        "end of standard support 1.33: 2026-07-29, 1.34: 2026-12-02, 1.35: 2027-03-27 per "
        "https://endoflife.date/amazon-eks (snapshot of early 2026, from "
        "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html); 1.36+ was "
        "not listed there and is not assumed; extended support (at extra cost) is not counted",
    ),
    "gcp": CloudKubernetes(
        "GKE",
        (33, 34, 35, 36),
        "GKE release notes, 'Current versions' table: Regular channel available minor "
        "versions 1.33 to 1.36 (https://cloud.google.com/kubernetes-engine/docs/release-notes, "
        "read from an undated mirror at documentation.s3ns.fr); per-minor end dates not read",
    ),
}
"""Per target (``Target`` value): what the managed service offers. On-prem: components only."""


def component_problems(minor: int, charts: tuple[str, ...]) -> list[str]:
    """One phrase per component among `charts` that does not support Kubernetes 1.`minor`."""
    problems = []
    seen: set[str] = set()  # one phrase per upstream fact (the CRD chart shares EG's matrix)
    for entry in (chart(name) for name in charts):
        support = entry.kubernetes
        if support is None or support.allows(minor) or support.source in seen:
            continue
        seen.add(support.source)
        verb = "needs" if support.max_minor is None else "supports"
        problems.append(f"{entry.label} {verb} {support.describe()}")
    return problems


def supported_minors(charts: tuple[str, ...]) -> tuple[int, int | None]:
    """The intersection of the components' ranges, as (lowest, highest or None)."""
    known = [r for r in (chart(name).kubernetes for name in charts) if r is not None]
    lowest = max(r.min_minor for r in known)
    highs = [r.max_minor for r in known if r.max_minor is not None]
    return lowest, (min(highs) if highs else None)


def _minors(low: int, high: int | None) -> str:
    if high is None:
        return f">= 1.{low}"
    return f"1.{low}" if high == low else f"1.{low}-1.{high}"


def render_table() -> str:
    """The compatibility table as Markdown (the generated part of docs/system-layer.md)."""
    lines = [
        "| key | chart | repository | version | app | Kubernetes | Pod Security | CRDs |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in CHARTS:
        k8s = c.kubernetes.describe() if c.kubernetes else "not documented"
        crds = c.crds.value + (
            " (release record near 1 MiB)" if c.release_record_near_limit else ""
        )
        lines.append(
            f"| {c.name} | {c.chart} | {c.repository} | {c.version} | {c.app_version} | "
            f"{k8s} | {c.pod_security.value} | {crds} |"
        )
    lines += ["", "Sources:", ""]
    for c in CHARTS:
        lines.append(f"- **{c.name}**")
        lines.append(f"  - app version: {c.app_version_source}")
        if c.kubernetes:
            lines.append(f"  - Kubernetes: {c.kubernetes.source}")
        lines.append(f"  - Pod Security: {c.pod_security_source}")
        lines.append(f"  - CRDs: {c.crds_source}")
        if c.release_record_near_limit:
            lines.append(f"  - release record: {c.release_record_near_limit}")
    lines += [
        "",
        "Wasm extensions loaded into the gateways' Envoy:",
        "",
        "| key | image | version | digest | what |",
        "| --- | --- | --- | --- | --- |",
    ]
    for m in WASM_MODULES:
        lines.append(
            f"| {m.name} | {m.image} | {m.version} | {m.digest or 'not recorded'} | {m.component} |"
        )
    lines += ["", "Sources:", ""]
    for m in WASM_MODULES:
        lines += [
            f"- **{m.name}**",
            f"  - version: {m.version_source}",
            f"  - digest: {m.digest_source}",
            f"  - API: {m.api_source}",
        ]
    lines += [
        "",
        f"What each target accepts in `pdp validate` (components' intersection; clouds: also "
        f"what the service offers, recorded {KUBERNETES_OFFERS_AS_OF.isoformat()}):",
        "",
        "| target | components allow | service offers | source of the offer |",
        "| --- | --- | --- | --- |",
    ]
    for target, charts in TARGET_CHARTS.items():
        allowed = _minors(*supported_minors(charts))
        offer = CLOUD_KUBERNETES.get(target)
        offered = ", ".join(f"1.{m}" for m in offer.minors) if offer else "(given cluster)"
        lines.append(f"| {target} | {allowed} | {offered} | {offer.source if offer else '-'} |")
    engine = PULUMI_KUBERNETES_OPERATOR
    lines += [
        "",
        "The fleet's in-cluster engine (`pdp fleet render`, docs/fleet.md):",
        "",
        f"- Pulumi Kubernetes Operator {engine.operator_version} "
        f"(`{engine.stack_api_version}` Stack): {engine.operator_source}",
        f"- Flux `{engine.flux_source_api_version}` GitRepository: {engine.flux_source}",
        f"- workspace image `{engine.workspace_image}`: {engine.workspace_image_source}",
        f"- workspace Python {engine.workspace_python} on `{engine.workspace_arch}` nodes "
        f"(`PYENV_VERSION`, `nodeSelector`): {engine.workspace_python_source}",
    ]
    return "\n".join(lines) + "\n"


DOC_BEGIN = "<!-- BEGIN generated by `python -m pdpkit.versions` -->"
DOC_END = "<!-- END generated -->"


def render_doc(current: str) -> str:
    """`current` (docs/system-layer.md) with the generated block replaced by the table."""
    head, _, rest = current.partition(DOC_BEGIN)
    _, _, tail = rest.partition(DOC_END)
    return f"{head}{DOC_BEGIN}\n{render_table()}{DOC_END}{tail}"


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    from pathlib import Path

    doc = Path(__file__).resolve().parent.parent / "docs" / "system-layer.md"
    doc.write_text(render_doc(doc.read_text(encoding="utf-8")), encoding="utf-8")
