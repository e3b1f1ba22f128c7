"""The collection layer: OpenTelemetry Collectors on every node and one OTLP/events gateway.

- **node collector** (DaemonSet, privileged namespace of its own): tails the kubelet's
  container log files (``/var/log/pods``); the namespace comes from the file path, written
  by the kubelet, never by the workload.
- **gateway collector** (Deployment, in the stores' restricted namespace): the OTLP endpoint
  integrations send traces and logs to, and the Kubernetes events watcher. An OTLP record's
  namespace is what the Kubernetes API says about the sending pod's IP (``k8s_attributes``
  associating by connection only), after the record's own claims are deleted: a workload
  cannot write into another tenant by setting ``k8s.namespace.name`` or ``k8s.pod.ip``.

Both route each record to its tenant (`telemetry_routing`). The Fluent Bit log agent is not
replaced: it keeps shipping to the cloud's log service for the customer's SIEM.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.flux_reconciler import RBAC_OBJECTS
from pdpkit.components.k8s.log_agent import PRIORITY_CLASS, critical_pods_quota
from pdpkit.components.k8s.objects import namespace, namespace_level
from pdpkit.components.k8s.observability_sizes import SIZES
from pdpkit.components.k8s.telemetry_routing import (
    StoreExport,
    routing_connector,
    tenant_pipelines,
    tenant_routes,
)
from pdpkit.spec.observability import SYSTEM_TENANT, ObservabilitySize
from pdpkit.versions import chart

# open-telemetry/opentelemetry-collector-releases distributions/otelcol-k8s/manifest.yaml
# (stored copy at 00dc9449, v0.96.0; not re-read at 0.158.0): the Kubernetes distribution
# holds every component used here (file_log/filelog, k8sobjects and otlp receivers;
# k8sattributes, resource, batch, memory_limiter processors; otlp and otlphttp exporters;
# the routing connector; the file_storage extension; for metrics the kubeletstats and
# prometheus receivers, manifest.yaml receivers list). The chart leaves image.repository
# empty (opentelemetry-collector-0.170.0 values.yaml:326-331); the tag defaults to appVersion.
IMAGE = "otel/opentelemetry-collector-k8s"
NODE_RELEASE = "otel-node"
GATEWAY_RELEASE = "otel-gateway"
OTLP_GRPC_PORT = 4317
OTLP_HTTP_PORT = 4318
"""The chart's OTLP ports (values.yaml, ``ports.otlp`` and ``ports.otlp-http``)."""

UNTRUSTED_ATTRIBUTES = (
    "k8s.namespace.name",
    "k8s.pod.name",
    "k8s.pod.uid",
    "k8s.pod.ip",
    "container.id",
)
"""Resource attributes an OTLP sender could set to pass for another pod: deleted before
``k8s_attributes`` sets them from the connection, so only the API server's answer remains."""

# The chart's ClusterRole takes clusterRole.rules (templates/clusterrole.yaml:26-28).
GATEWAY_RULES: tuple[dict[str, Any], ...] = (
    # k8s_attributes: the rules the chart's kubernetesAttributes preset grants
    # (templates/clusterrole.yaml:29-38)
    {"apiGroups": [""], "resources": ["pods", "namespaces"], "verbs": ["get", "watch", "list"]},
    {"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": ["get", "list", "watch"]},
    # k8sobjects watching events: the kubernetesEvents preset's rule (clusterrole.yaml:62-71)
    {"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": ["watch", "list"]},
)

# The node collector's ClusterRole: what the kubeletMetrics preset grants (templates/
# clusterrole.yaml:57-61) and what kubernetes_sd needs to discover pods (clusterRole.rules,
# :26-28); nothing else: it reads no Secret, ConfigMap or Event.
NODE_RULES: tuple[dict[str, Any], ...] = (
    {"apiGroups": [""], "resources": ["nodes/stats"], "verbs": ["get", "watch", "list"]},
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]},
)
NODE_POD_LABELS = {
    "app.kubernetes.io/name": "opentelemetry-collector",
    "app.kubernetes.io/instance": NODE_RELEASE,
}
"""The node collectors' selector labels (templates/_helpers.tpl:4-5,80-82): what a project
namespace lets scrape its pods."""

KSM_RELEASE = "kube-state-metrics"
"""Release name of kube-state-metrics; its fullname is then ``kube-state-metrics``
(prometheus-community/helm-charts kube-state-metrics-8.4.0 templates/_helpers.tpl:14-25)."""
KSM_PORT = 8080
"""kube-state-metrics' metrics port (values.yaml:64, service.port)."""
SCRAPE_INTERVAL = "30s"

_NO_LEGACY_PORTS = {
    name: {"enabled": False}
    for name in ("jaeger-compact", "jaeger-thrift", "jaeger-grpc", "zipkin")
}


@dataclass(frozen=True)
class TelemetryCollectorsArgs:
    """Inputs of `TelemetryCollectors`."""

    provider: k8s.Provider
    node_namespace: str
    """Namespace of the node collector (Pod Security `privileged`: host paths); created here."""
    gateway_namespace: str
    """Namespace of the gateway collector (the stores' namespace, created by the caller)."""
    tenants: Mapping[str, str]
    """Namespace -> tenant of every project namespace; everything else is `SYSTEM_TENANT`."""
    logs_endpoint: str
    """Loki's OTLP/HTTP base URL."""
    traces_endpoint: str
    """Tempo's OTLP/gRPC ``host:port``."""
    size: ObservabilitySize
    metrics_endpoint: str | None = None
    """Cortex's OTLP/HTTP metrics URL; None: no metrics are collected."""
    ksm_namespace: str | None = None
    """Namespace of kube-state-metrics (scraped by the node collector on its node)."""
    node_channel: str | None = None
    gateway_channel: str | None = None
    flux_namespace: str = "flux-system"
    depends_on: tuple[pulumi.Resource, ...] = ()


class TelemetryCollectors(pulumi.ComponentResource):
    """The node and gateway collectors, each a Flux HelmRelease of opentelemetry-collector."""

    node: FluxHelmRelease
    gateway: FluxHelmRelease
    otlp_endpoint: str
    """OTLP/HTTP endpoint integrations get as ``OTEL_EXPORTER_OTLP_ENDPOINT``."""

    def __init__(
        self, name: str, args: TelemetryCollectorsArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:k8s:TelemetryCollectors", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        node_chart = chart("otelNodeCollector")
        ns = namespace(
            f"{name}-node-namespace", args.node_namespace, namespace_level(node_chart), child
        )
        # a node agent of class system-node-critical: GKE admits it only under a quota
        quota = critical_pods_quota(
            f"{name}-critical-pods",
            args.node_namespace,
            PRIORITY_CLASS,
            pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[ns]),
        )
        self.node = FluxHelmRelease(
            f"{name}-node",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=node_chart,
                release_name=NODE_RELEASE,
                target_namespace=args.node_namespace,
                values=node_values(args),
                channel=args.node_channel,
                flux_namespace=args.flux_namespace,
                depends_on=(ns, quota, *args.depends_on),
                # logs need no API access (the file path names the namespace); metrics read
                # the kubelet's stats and discover this node's pods
                cluster_rules=(RBAC_OBJECTS, *NODE_RULES) if args.metrics_endpoint else (),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.gateway = FluxHelmRelease(
            f"{name}-gateway",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("otelClusterCollector"),
                release_name=GATEWAY_RELEASE,
                target_namespace=args.gateway_namespace,
                values=gateway_values(args),
                channel=args.gateway_channel,
                flux_namespace=args.flux_namespace,
                depends_on=args.depends_on,
                cluster_rules=(RBAC_OBJECTS, *GATEWAY_RULES),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.otlp_endpoint = gateway_otlp_endpoint(args.gateway_namespace)
        self.register_outputs(
            {"node": self.node, "gateway": self.gateway, "otlp_endpoint": self.otlp_endpoint}
        )


def gateway_otlp_endpoint(namespace: str) -> str:
    """The gateway's OTLP/HTTP URL: its Service is named by fullnameOverride
    (templates/service.yaml:5, _helpers.tpl:32-34)."""
    return f"http://{GATEWAY_RELEASE}.{namespace}.svc.cluster.local:{OTLP_HTTP_PORT}"


GATEWAY_POD_LABELS = {
    "app.kubernetes.io/name": "opentelemetry-collector",
    "app.kubernetes.io/instance": GATEWAY_RELEASE,
}
"""The gateway pods' selector labels (templates/_helpers.tpl:4-5,80-82): what a project
namespace's egress policy allows OTLP to."""


def _hardened(run_as_user: int) -> dict[str, Any]:
    return {
        "runAsUser": run_as_user,
        "runAsGroup": run_as_user,
        "runAsNonRoot": run_as_user != 0,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _logs_export(args: TelemetryCollectorsArgs) -> StoreExport:
    return StoreExport("logs", "otlphttp", args.logs_endpoint, "loki")


def _pods_scrape(tenant: str, namespaces: tuple[str, ...]) -> dict[str, Any]:
    """A prometheus receiver scraping the annotated pods of one tenant's namespaces on this
    node: what it discovers can only be that tenant's, so it feeds that tenant's pipeline.

    Prometheus' ``kubernetes_sd_configs`` (role pod, ``namespaces.names``, ``selectors``
    with a field selector) and the ``prometheus.io/{scrape,port,path}`` annotation convention
    (``__meta_kubernetes_pod_annotation_<name>``): prometheus/prometheus docs/configuration/
    configuration.md, kubernetes_sd_config (not re-read at the version the collector
    vendors). ``$$`` is the collector's escape for a literal ``$`` in its configuration.
    """
    annotation = "__meta_kubernetes_pod_annotation_prometheus_io_"
    return {
        "config": {
            "scrape_configs": [
                {
                    "job_name": f"pods/{tenant}",
                    "scrape_interval": SCRAPE_INTERVAL,
                    "kubernetes_sd_configs": [
                        {
                            "role": "pod",
                            "namespaces": {"names": list(namespaces)},
                            "selectors": [
                                {"role": "pod", "field": "spec.nodeName=${env:K8S_NODE_NAME}"}
                            ],
                        }
                    ],
                    "relabel_configs": [
                        {
                            "source_labels": [f"{annotation}scrape"],
                            "action": "keep",
                            "regex": "true",
                        },
                        {
                            "source_labels": [f"{annotation}path"],
                            "action": "replace",
                            "regex": "(.+)",
                            "target_label": "__metrics_path__",
                        },
                        {
                            "source_labels": ["__address__", f"{annotation}port"],
                            "action": "replace",
                            "regex": "([^:]+)(?::\\d+)?;(\\d+)",
                            "replacement": "$$1:$$2",
                            "target_label": "__address__",
                        },
                        {
                            "source_labels": ["__meta_kubernetes_namespace"],
                            "target_label": "namespace",
                        },
                        {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
                    ],
                }
            ]
        }
    }


def _ksm_scrape(
    name: str, ksm_namespace: str, keep: tuple[str, ...] | None, drop: tuple[str, ...]
) -> dict[str, Any]:
    """A prometheus receiver scraping kube-state-metrics when it runs on this node, keeping
    the series of `keep`'s namespaces (a tenant) or, for the system tenant (`keep` None),
    dropping those of every tenant namespace (`drop`)."""
    series: dict[str, Any]
    if keep is not None:
        series = {"source_labels": ["namespace"], "action": "keep", "regex": "|".join(keep)}
    else:
        series = {"source_labels": ["namespace"], "action": "drop", "regex": "|".join(drop)}
    return {
        "config": {
            "scrape_configs": [
                {
                    "job_name": f"kube-state-metrics/{name}",
                    "scrape_interval": SCRAPE_INTERVAL,
                    # the chart's selector label app.kubernetes.io/name (prometheus-community/
                    # helm-charts kube-state-metrics-8.4.0 templates/_helpers.tpl:79-85) and
                    # its metrics containerPort (templates/deployment.yaml:171-172)
                    "kubernetes_sd_configs": [
                        {
                            "role": "pod",
                            "namespaces": {"names": [ksm_namespace]},
                            "selectors": [
                                {
                                    "role": "pod",
                                    "label": f"app.kubernetes.io/name={KSM_RELEASE}",
                                    "field": "spec.nodeName=${env:K8S_NODE_NAME}",
                                }
                            ],
                        }
                    ],
                    "relabel_configs": [
                        {
                            "source_labels": ["__meta_kubernetes_pod_container_port_number"],
                            "action": "keep",
                            "regex": str(KSM_PORT),
                        }
                    ],
                    "metric_relabel_configs": [series] if drop or keep else [],
                }
            ]
        }
    }


def _metrics_config(args: TelemetryCollectorsArgs) -> dict[str, Any]:
    """The node collector's metrics: the kubelet's stats (kubeletstats, routed by the
    namespace the kubelet reports), this node's annotated pods and kube-state-metrics, each
    scraped per tenant; all to Cortex's OTLP receiver with the tenant's header."""
    assert args.metrics_endpoint is not None
    routes = tenant_routes(args.tenants)
    export = StoreExport(
        "metrics", "otlphttp", args.metrics_endpoint, "cortex", endpoint_key="metrics_endpoint"
    )
    exporters, pipelines = tenant_pipelines(args.tenants, export, ("routing/metrics",))
    receivers: dict[str, Any] = {
        # the kubeletMetrics preset's receiver (templates/_config.tpl:242-248), plus: the
        # kubelet's serving certificate is self-signed on most clusters; the request still
        # carries the service account's token
        "kubeletstats": {"insecure_skip_verify": True},
    }
    every_namespace = tuple(ns for namespaces in routes.values() for ns in namespaces)
    for tenant, namespaces in routes.items():
        receivers[f"prometheus/{tenant}"] = _pods_scrape(tenant, namespaces)
        extra = [f"prometheus/{tenant}"]
        if args.ksm_namespace is not None:
            receivers[f"prometheus/ksm-{tenant}"] = _ksm_scrape(
                tenant, args.ksm_namespace, namespaces, ()
            )
            extra.append(f"prometheus/ksm-{tenant}")
        pipelines[f"metrics/{tenant}"]["receivers"] += extra
    if args.ksm_namespace is not None:
        receivers[f"prometheus/ksm-{SYSTEM_TENANT}"] = _ksm_scrape(
            SYSTEM_TENANT, args.ksm_namespace, None, every_namespace
        )
        pipelines[f"metrics/{SYSTEM_TENANT}"]["receivers"].append(f"prometheus/ksm-{SYSTEM_TENANT}")
    for pipeline in pipelines.values():
        pipeline["processors"] = ["memory_limiter", "batch"]
    return {
        "receivers": receivers,
        # kubeletstats sets k8s.namespace.name on pod, container and volume metrics (a
        # resource attribute, enabled by default: open-telemetry/opentelemetry-collector-
        # contrib receiver/kubeletstatsreceiver/metadata.yaml, stored copy, not re-read at
        # v0.158.0), from the kubelet's summary; node metrics have none: the system tenant
        "connectors": {
            "routing/metrics": routing_connector(
                args.tenants, "metrics", unattributed_to_system=True
            )
        },
        "exporters": exporters,
        "pipelines": {
            # presets.kubeletMetrics appends kubeletstats to this pipeline (_config.tpl:236-239)
            "metrics": {
                "receivers": [],
                "processors": ["memory_limiter", "batch"],
                "exporters": ["routing/metrics"],
            },
            **pipelines,
        },
    }


def node_values(args: TelemetryCollectorsArgs) -> dict[str, Any]:
    """The node collector: container log files to Loki, metrics to Cortex, per tenant."""
    sizing = SIZES[args.size]
    exporters, pipelines = tenant_pipelines(args.tenants, _logs_export(args), ("routing/logs",))
    metrics: dict[str, Any] = {"pipelines": {"metrics": None}}
    if args.metrics_endpoint is not None:
        metrics = _metrics_config(args)
    config: dict[str, Any] = {
        "receivers": metrics.get("receivers", {}),
        "connectors": {
            "routing/logs": routing_connector(args.tenants, "logs", unattributed_to_system=True),
            **metrics.get("connectors", {}),
        },
        "exporters": {**exporters, **metrics.get("exporters", {})},
        "service": {
            "pipelines": {
                # presets.logsCollection appends the file_log receiver to this pipeline
                # (templates/_config.tpl:250-252); its container operator sets
                # k8s.namespace.name from the file path (_config.tpl:283-287)
                "logs": {
                    "receivers": [],
                    "processors": ["memory_limiter", "batch"],
                    "exporters": ["routing/logs"],
                },
                "traces": None,
                **pipelines,
                **metrics["pipelines"],
            }
        },
    }
    values: dict[str, Any] = {
        "mode": "daemonset",
        "fullnameOverride": NODE_RELEASE,
        "image": {"repository": IMAGE},
        "presets": {
            # checkpoints in /var/lib/otelcol on the host: a restart resumes where it stopped
            "logsCollection": {"enabled": True, "storeCheckpoints": True},
        },
        "config": config,
        # user 0 reads the kubelet's root-owned log files as their owner; no capability
        "securityContext": _hardened(0),
        "podSecurityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "ports": {**_NO_LEGACY_PORTS, "otlp": {"enabled": False}, "otlp-http": {"enabled": False}},
        "service": {"enabled": False},
        "tolerations": [{"operator": "Exists"}],
        "priorityClassName": PRIORITY_CLASS,
        "resources": sizing.collector_pod.values(),
    }
    if args.metrics_endpoint is not None:
        values["presets"]["kubeletMetrics"] = {"enabled": True}
        values["clusterRole"] = {"create": True, "rules": [NODE_RULES[1]]}
    return values


def gateway_values(args: TelemetryCollectorsArgs) -> dict[str, Any]:
    """The gateway collector: OTLP traces and logs, Kubernetes events, per tenant."""
    sizing = SIZES[args.size]
    logs_exporters, logs_pipelines = tenant_pipelines(
        args.tenants, _logs_export(args), ("routing/otlp-logs", "routing/events")
    )
    traces_exporters, traces_pipelines = tenant_pipelines(
        args.tenants,
        StoreExport("traces", "otlp", args.traces_endpoint, "tempo"),
        ("routing/otlp-traces",),
    )
    attributed = ["memory_limiter", "resource/untrusted", "k8s_attributes", "batch"]
    config: dict[str, Any] = {
        "receivers": {
            # open-telemetry/opentelemetry-collector-contrib receiver/k8sobjectsreceiver
            # unstructured_to_logdata.go (stored copy at 109b7b10): k8s.namespace.name is the
            # object's namespace; the settings are the chart's kubernetesEvents preset's
            # (templates/_config.tpl:498-512)
            "k8sobjects": {
                "objects": [
                    {
                        "name": "events",
                        "mode": "watch",
                        "group": "events.k8s.io",
                        "exclude_watch_type": ["DELETED"],
                    }
                ]
            },
            "jaeger": None,
            "zipkin": None,
        },
        "processors": {
            "resource/untrusted": {
                "attributes": [{"key": key, "action": "delete"} for key in UNTRUSTED_ATTRIBUTES]
            },
            # association by the connection's source address only (the chart's preset would
            # also trust k8s.pod.ip, k8s.pod.uid and container.id from the record:
            # templates/_config.tpl:376-413, so it stays off)
            "k8s_attributes": {
                "passthrough": False,
                "pod_association": [{"sources": [{"from": "connection"}]}],
                "extract": {
                    "metadata": [
                        "k8s.namespace.name",
                        "k8s.pod.name",
                        "k8s.pod.uid",
                        "k8s.deployment.name",
                        "k8s.node.name",
                    ]
                },
            },
        },
        "connectors": {
            "routing/otlp-logs": routing_connector(
                args.tenants, "logs", unattributed_to_system=False
            ),
            "routing/otlp-traces": routing_connector(
                args.tenants, "traces", unattributed_to_system=False
            ),
            "routing/events": routing_connector(args.tenants, "logs", unattributed_to_system=True),
        },
        "exporters": {**logs_exporters, **traces_exporters},
        "service": {
            "pipelines": {
                "logs": {
                    "receivers": ["otlp"],
                    "processors": attributed,
                    "exporters": ["routing/otlp-logs"],
                },
                "logs/events": {
                    "receivers": ["k8sobjects"],
                    "processors": ["memory_limiter", "batch"],
                    "exporters": ["routing/events"],
                },
                "traces": {
                    "receivers": ["otlp"],
                    "processors": attributed,
                    "exporters": ["routing/otlp-traces"],
                },
                "metrics": None,
                **logs_pipelines,
                **traces_pipelines,
            }
        },
    }
    return {
        "mode": "deployment",
        "fullnameOverride": GATEWAY_RELEASE,
        "replicaCount": sizing.gateway_collectors,
        "image": {"repository": IMAGE},
        "config": config,
        "clusterRole": {"create": True, "rules": list(GATEWAY_RULES)},
        "securityContext": _hardened(10001),
        "podSecurityContext": {
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "ports": _NO_LEGACY_PORTS,
        "resources": sizing.collector_pod.values(),
    }
