"""kube-state-metrics: the state of the cluster's objects as Prometheus series, scraped by the
node collector on its node and split per tenant by the series' ``namespace`` label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.flux_reconciler import RBAC_OBJECTS
from pdpkit.components.k8s.observability_sizes import SIZES
from pdpkit.components.k8s.otel_collectors import KSM_RELEASE
from pdpkit.spec.observability import ObservabilitySize
from pdpkit.versions import chart

_GROUPS: dict[str, tuple[str, ...]] = {
    "": (
        "limitranges",
        "namespaces",
        "nodes",
        "persistentvolumeclaims",
        "persistentvolumes",
        "pods",
        "resourcequotas",
        "services",
    ),
    "apps": ("daemonsets", "deployments", "replicasets", "statefulsets"),
    "autoscaling": ("horizontalpodautoscalers",),
    "batch": ("cronjobs", "jobs"),
    "policy": ("poddisruptionbudgets",),
}
"""The collectors kept (``collectors``, prometheus-community/helm-charts kube-state-metrics-
8.4.0 charts/kube-state-metrics/values.yaml:430-459), by API group: workloads and their
capacity. Left out of the chart's default list: secrets, configmaps,
certificatesigningrequests, leases, webhook configurations, network policies, ingresses,
endpoint slices, storage classes, volume attachments and replication controllers, so its
ClusterRole reads no Secret or ConfigMap."""

COLLECTORS = tuple(sorted(r for resources in _GROUPS.values() for r in resources))

RULES: tuple[dict[str, Any], ...] = tuple(
    {"apiGroups": [group], "resources": list(resources), "verbs": ["list", "watch"]}
    for group, resources in _GROUPS.items()
)
"""The ClusterRole the chart renders for `COLLECTORS` (templates/role.yaml:35-232: list and
watch per collector, in its API group; rbac.useClusterRole true, values.yaml:108), which
the release's reconciler must hold to grant."""


@dataclass(frozen=True)
class KubeStateMetricsArgs:
    """Inputs of `KubeStateMetrics`."""

    provider: k8s.Provider
    namespace: str
    size: ObservabilitySize
    channel: str | None = None
    flux_namespace: str = "flux-system"
    depends_on: tuple[pulumi.Resource, ...] = ()


class KubeStateMetrics(pulumi.ComponentResource):
    """kube-state-metrics as a Flux HelmRelease, one replica, restricted collectors."""

    release: FluxHelmRelease

    def __init__(
        self, name: str, args: KubeStateMetricsArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:k8s:KubeStateMetrics", name, None, opts)
        self.release = FluxHelmRelease(
            f"{name}-release",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("kubeStateMetrics"),
                release_name=KSM_RELEASE,
                target_namespace=args.namespace,
                values=values(args),
                channel=args.channel,
                flux_namespace=args.flux_namespace,
                depends_on=args.depends_on,
                cluster_rules=(RBAC_OBJECTS, *RULES),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"release": self.release})


def values(args: KubeStateMetricsArgs) -> dict[str, Any]:
    """Chart values; every key exists in kube-state-metrics-8.4.0 values.yaml
    (tests/unit/test_chart_values.py). The chart's securityContext defaults already meet
    `restricted` (values.yaml:339-358) and are kept."""
    return {
        "fullnameOverride": KSM_RELEASE,
        "collectors": list(COLLECTORS),
        # the node collector discovers the pod by its labels, not the Service's annotation
        "prometheusScrape": False,
        "resources": SIZES[args.size].collector_pod.values(),
    }
