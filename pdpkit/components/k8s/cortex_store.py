"""Cortex in microservices mode on the target's object storage: the in-plane metrics store.

Cortex rather than Mimir: no mimir-distributed release could be read at a tag here (see
`pdpkit.versions`, entry ``cortex``); Cortex has the same tenancy (``X-Scope-OrgID``), blocks
storage on Azure Blob, S3 and GCS, and the Prometheus HTTP API under ``/prometheus``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.object_store import (
    CREDENTIALS_SECRET,
    BucketAccess,
    ResolvedBucket,
    StorageBackend,
)
from pdpkit.components.k8s.observability_sizes import SIZES
from pdpkit.spec.observability import ObservabilitySize
from pdpkit.versions import chart

RELEASE = "cortex"
"""Release name; with the chart also named cortex, the fullname is ``cortex``
(cortexproject/cortex-helm-chart v3.3.4 templates/_helpers.tpl:14-25)."""
HTTP_PORT = 8080
"""``config.server.http_listen_port`` (values.yaml, chart default), every Service's port
(e.g. templates/distributor/distributor-svc.yaml:16-19)."""
DISTRIBUTOR_SERVICE = "cortex-distributor"
"""templates/distributor/_helpers-distributor.tpl:4-6."""
OTLP_METRICS_PATH = "/api/v1/otlp/v1/metrics"
"""The distributor's OTLP receiver (cortexproject/cortex v1.21.1 docs/api/_index.md:29,222-232)."""
USER = 10001

PROMOTED_ATTRIBUTES = ("k8s.namespace.name", "k8s.pod.name", "k8s.container.name", "k8s.node.name")
"""OTLP resource attributes kept as labels (``limits.promote_resource_attributes``,
cortexproject/cortex v1.21.1 docs/configuration/config-file-reference.md:4115-4118): a
tenant can tell its pods apart; the rest stays in ``target_info``."""

COMPONENTS = ("distributor", "ingester", "querier", "query_frontend", "store_gateway", "compactor")
DISABLED = (
    "alertmanager",
    "ruler",
    "nginx",
    "memcached-frontend",
    "memcached-blocks-index",
    "memcached-blocks",
    "memcached-blocks-metadata",
    "memcached-parquet-labels",
)
"""Not installed: alerting and recording rules are not offered (their APIs write); the
chart's nginx gateway (the query API routes to the query-frontend); the memcached caches
(bitnami sub-charts, several GiB each; values.yaml:1696-1800)."""


@dataclass(frozen=True)
class CortexStoreArgs:
    """Inputs of `CortexStore`."""

    provider: k8s.Provider
    namespace: str
    bucket: BucketAccess
    retention_days: int
    size: ObservabilitySize
    channel: str | None = None
    flux_namespace: str = "flux-system"
    depends_on: tuple[pulumi.Resource, ...] = ()
    holds_data: bool = False


class CortexStore(pulumi.ComponentResource):
    """Cortex (distributor, ingesters, queriers, query-frontend, store-gateway, compactor) as a
    Flux HelmRelease, multi-tenant, blocks on the bucket, retention by the compactor."""

    release: FluxHelmRelease
    push_endpoint: str
    """The distributor's OTLP/HTTP metrics URL the collectors export to."""

    def __init__(
        self, name: str, args: CortexStoreArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:k8s:CortexStore", name, None, opts)
        values = args.bucket.resolved().apply(lambda resolved: self.values(args, resolved))
        self.release = FluxHelmRelease(
            f"{name}-release",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("cortex"),
                release_name=RELEASE,
                target_namespace=args.namespace,
                values=values,
                channel=args.channel,
                flux_namespace=args.flux_namespace,
                depends_on=args.depends_on,
                holds_data=args.holds_data,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.push_endpoint = push_endpoint(args.namespace)
        self.register_outputs({"release": self.release, "push_endpoint": self.push_endpoint})

    @staticmethod
    def values(args: CortexStoreArgs, resolved: ResolvedBucket) -> dict[str, Any]:
        """Chart values; every key exists in cortexproject/cortex-helm-chart v3.3.4
        values.yaml (tests/unit/test_chart_values.py). ``config`` is Cortex's own
        configuration, rendered whole (templates/secret.yaml:10, ``toYaml .Values.config``)
        over the chart's defaults; its keys are cortexproject/cortex v1.21.1
        docs/configuration/config-file-reference.md's."""
        bucket, endpoint = resolved.bucket, resolved.endpoint
        account_name, annotations = resolved.account_name, resolved.annotations
        access = args.bucket
        sizing = SIZES[args.size]
        # blocks_storage.<backend>: pkg/storage/bucket/{azure,gcs,s3}/config.go at v1.21.1
        backend: dict[str, Any]
        if access.backend is StorageBackend.AZURE:
            # no key, no user_assigned_id: DefaultAzureCredential, which takes the workload
            # identity the AKS webhook injects (vendor/github.com/thanos-io/objstore/
            # providers/azure/helpers.go:88-95)
            backend = {"container_name": bucket, "account_name": account_name}
        elif access.backend is StorageBackend.GCS:
            # no service_account: Google's default credentials (GKE Workload Identity)
            # (vendor/github.com/thanos-io/objstore/providers/gcs/gcs.go:101-108)
            backend = {"bucket_name": bucket}
        else:
            # no keys: EnvAWS (on-prem: AWS_* from the Secret), then IAM, which reads the
            # IRSA web identity token (vendor/github.com/thanos-io/objstore/providers/s3/
            # s3.go:234-243)
            s3: dict[str, Any] = {
                "bucket_name": bucket,
                "endpoint": endpoint,
                "region": access.region,
                "insecure": access.insecure,
            }
            if access.credentials_key is not None:
                s3["bucket_lookup_type"] = "path"  # an on-prem S3-compatible store
            backend = {key: value for key, value in s3.items() if value is not None}
        env: list[dict[str, Any]] = []
        if access.credentials_key is not None:
            env = [
                {
                    "name": key,
                    "valueFrom": {"secretKeyRef": {"name": CREDENTIALS_SECRET, "key": key}},
                }
                for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
            ]
        replicas = {
            "distributor": sizing.cortex_distributor,
            "ingester": sizing.cortex_ingester,
            "querier": sizing.cortex_querier,
            "query_frontend": sizing.cortex_query_frontend,
            "store_gateway": 1,
            "compactor": 1,
        }

        def component(key: str) -> dict[str, Any]:
            values: dict[str, Any] = {
                "replicas": replicas[key],
                "resources": sizing.store_pod.values(),
                "podLabels": dict(access.pod_labels),
                # rendered with `omit ... "enabled" | toYaml` (e.g. templates/ingester/
                # ingester-statefulset.yaml:152-153; the pod's alike)
                "securityContext": {
                    "enabled": True,
                    "runAsNonRoot": True,
                    "runAsUser": USER,
                    "runAsGroup": USER,
                    "fsGroup": USER,  # the volumes under /data
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "containerSecurityContext": {
                    "enabled": True,
                    "readOnlyRootFilesystem": True,
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                },
            }
            if env:
                values["env"] = env
            return values

        values: dict[str, Any] = {
            "serviceAccount": {
                "create": True,
                "name": access.service_account,
                "annotations": dict(annotations),
            },
            "config": {
                "auth_enabled": True,  # tenants from X-Scope-OrgID (config-file-reference:65)
                "blocks_storage": {"backend": access.backend.value, access.backend.value: backend},
                "ingester": {
                    "lifecycler": {"ring": {"replication_factor": sizing.replication_factor}}
                },
                "limits": {
                    "compactor_blocks_retention_period": f"{args.retention_days * 24}h",
                    "promote_resource_attributes": list(PROMOTED_ATTRIBUTES),
                },
                "query_range": {"cache_results": False},  # no memcached
            },
            **{key: component(key) for key in COMPONENTS},
            **{key: {"enabled": False} for key in DISABLED},
        }
        # blocks not yet shipped live in the ingesters' TSDB: a volume, not an emptyDir
        values["ingester"]["statefulSet"] = {"enabled": True}
        return values


def push_endpoint(namespace: str) -> str:
    """The distributor's OTLP metrics URL."""
    return (
        f"http://{DISTRIBUTOR_SERVICE}.{namespace}.svc.cluster.local:{HTTP_PORT}{OTLP_METRICS_PATH}"
    )
