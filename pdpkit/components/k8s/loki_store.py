"""Loki in simple scalable mode on the target's object storage: the in-plane log store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.object_store import BucketAccess, ResolvedBucket, StorageBackend
from pdpkit.components.k8s.observability_sizes import SIZES
from pdpkit.spec.observability import ObservabilitySize
from pdpkit.versions import chart

RELEASE = "obs-loki"
"""Release name: not ``loki``, which the on-prem log store (pdp-logs) already takes in
flux-system; the chart's ClusterRole, were it rendered, is named after it too."""
WRITE_SERVICE = "loki-write"
"""The write path's Service: ``<chart name>-write`` whatever the release name (grafana/loki
helm-loki-6.30.1 production/helm/loki/templates/write/_helpers-write.tpl:4-6); Loki's OTLP
logs endpoint is ``/otlp/v1/logs`` on the HTTP port (grafana/loki v3.5.0
pkg/loki/modules.go:408)."""
HTTP_PORT = 3100
"""loki.server.http_listen_port (values.yaml:338)."""


@dataclass(frozen=True)
class LokiStoreArgs:
    """Inputs of `LokiStore`."""

    provider: k8s.Provider
    namespace: str
    """Namespace (created by the caller, Pod Security `restricted`)."""
    bucket: BucketAccess
    retention_days: int
    size: ObservabilitySize
    channel: str | None = None
    flux_namespace: str = "flux-system"
    depends_on: tuple[pulumi.Resource, ...] = ()
    holds_data: bool = False
    """Protect and retain the release (production)."""


class LokiStore(pulumi.ComponentResource):
    """Loki (read, write and backend targets; TSDB index and chunks on the bucket) as a Flux
    HelmRelease, multi-tenant (``auth_enabled``), retention applied by the compactor."""

    release: FluxHelmRelease
    push_endpoint: str
    """OTLP/HTTP base URL the collectors export logs to (``…/otlp``)."""

    def __init__(self, name: str, args: LokiStoreArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:k8s:LokiStore", name, None, opts)
        values = args.bucket.resolved().apply(lambda resolved: self.values(args, resolved))
        self.release = FluxHelmRelease(
            f"{name}-release",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("loki"),
                release_name=RELEASE,
                target_namespace=args.namespace,
                values=values,
                channel=args.channel,
                flux_namespace=args.flux_namespace,
                depends_on=args.depends_on,
                # rbac.namespaced: a Role in the namespace, nothing cluster-scoped
                cluster_rules=(),
                holds_data=args.holds_data,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.push_endpoint = (
            f"http://{WRITE_SERVICE}.{args.namespace}.svc.cluster.local:{HTTP_PORT}/otlp"
        )
        self.register_outputs({"release": self.release, "push_endpoint": self.push_endpoint})

    @staticmethod
    def values(args: LokiStoreArgs, resolved: ResolvedBucket) -> dict[str, Any]:
        """Chart values; every key exists in grafana/loki helm-loki-6.30.1
        production/helm/loki/values.yaml (tests/unit/test_chart_values.py)."""
        bucket, endpoint = resolved.bucket, resolved.endpoint
        account_name, annotations = resolved.account_name, resolved.annotations
        access = args.bucket
        sizing = SIZES[args.size]
        backend = access.backend.value
        # The chart's pod security context has no seccompProfile (values.yaml:96-100): Helm
        # merges this key into it; read, write and backend pods use it
        # (templates/read/deployment-read.yaml:64, write/statefulset-write.yaml:73,
        # backend/statefulset-backend.yaml:69).
        runtime_default = {"seccompProfile": {"type": "RuntimeDefault"}}
        storage: dict[str, Any] = {
            "type": backend,
            "bucketNames": {"chunks": bucket, "ruler": bucket, "admin": bucket},
        }
        if access.backend is StorageBackend.AZURE:
            # workload identity: use_federated_token (templates/_helpers.tpl:280)
            storage["azure"] = {"accountName": account_name, "useFederatedToken": True}
        elif access.backend is StorageBackend.S3:
            s3 = {
                "endpoint": endpoint,
                "region": access.region,
                "insecure": access.insecure,
                "s3ForcePathStyle": access.credentials_key is not None,
            }
            storage["s3"] = {key: value for key, value in s3.items() if value is not None}

        def component(replicas: int) -> dict[str, Any]:
            return {
                "replicas": replicas,
                "resources": sizing.store_pod.values(),
                "extraEnvFrom": access.env_from,
            }

        return {
            "deploymentMode": "SimpleScalable",
            "serviceAccount": {
                "create": True,
                "name": access.service_account,
                "annotations": dict(annotations),
            },
            "rbac": {"namespaced": True},
            "loki": {
                "auth_enabled": True,  # tenants from X-Scope-OrgID
                "podSecurityContext": runtime_default,
                "podLabels": dict(access.pod_labels),
                "commonConfig": {"replication_factor": sizing.replication_factor},
                "schemaConfig": {
                    "configs": [
                        {
                            "from": "2024-04-01",
                            "store": "tsdb",
                            "object_store": backend,
                            "schema": "v13",
                            "index": {"prefix": "loki_index_", "period": "24h"},
                        }
                    ]
                },
                "storage": storage,
                "limits_config": {"retention_period": f"{args.retention_days * 24}h"},
                "compactor": {"retention_enabled": True, "delete_request_store": backend},
            },
            "read": component(sizing.loki_read),
            "write": component(sizing.loki_write),
            "backend": component(sizing.loki_backend),
            "singleBinary": {"replicas": 0},
            "chunksCache": {"enabled": False},
            "resultsCache": {"enabled": False},
            "minio": {"enabled": False},
            # the query API and the collectors reach read and write directly
            "gateway": {"enabled": False},
            # the canary pushes without a tenant; the rules sidecar watches ConfigMaps
            "lokiCanary": {"enabled": False},
            "sidecar": {"rules": {"enabled": False}},
            # a helm-test hook pod without any security context (templates/tests/test-canary.yaml)
            "test": {"enabled": False},
        }
