"""Tempo in microservices mode on the target's object storage: the in-plane trace store."""

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

RELEASE = "tempo"
"""Release name; the chart's fullname is then ``tempo`` (grafana/helm-charts
tempo-distributed-1.61.3 charts/tempo-distributed/templates/_helpers.tpl:14-25)."""
DISTRIBUTOR_SERVICE = "tempo-distributor"
OTLP_GRPC_PORT = 4317
"""The distributor Service's OTLP gRPC port with traces.otlp.grpc.enabled
(templates/distributor/service-distributor.yaml:71-75)."""


@dataclass(frozen=True)
class TempoStoreArgs:
    """Inputs of `TempoStore`."""

    provider: k8s.Provider
    namespace: str
    bucket: BucketAccess
    retention_days: int
    size: ObservabilitySize
    channel: str | None = None
    flux_namespace: str = "flux-system"
    depends_on: tuple[pulumi.Resource, ...] = ()
    holds_data: bool = False


class TempoStore(pulumi.ComponentResource):
    """Tempo (distributor, ingesters, queriers, query-frontend, compactor) as a Flux
    HelmRelease, multi-tenant, blocks on the bucket, retention by the compactor."""

    release: FluxHelmRelease
    push_endpoint: str
    """OTLP/gRPC endpoint (``host:port``) the collectors export traces to."""

    def __init__(self, name: str, args: TempoStoreArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:k8s:TempoStore", name, None, opts)
        values = args.bucket.resolved().apply(lambda resolved: self.values(args, resolved))
        self.release = FluxHelmRelease(
            f"{name}-release",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("tempo"),
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
        self.push_endpoint = (
            f"{DISTRIBUTOR_SERVICE}.{args.namespace}.svc.cluster.local:{OTLP_GRPC_PORT}"
        )
        self.register_outputs({"release": self.release, "push_endpoint": self.push_endpoint})

    @staticmethod
    def values(args: TempoStoreArgs, resolved: ResolvedBucket) -> dict[str, Any]:
        """Chart values; every key exists in grafana/helm-charts tempo-distributed-1.61.3
        charts/tempo-distributed/values.yaml (tests/unit/test_chart_values.py)."""
        bucket, endpoint = resolved.bucket, resolved.endpoint
        account_name, annotations = resolved.account_name, resolved.annotations
        access = args.bucket
        sizing = SIZES[args.size]
        # storage.trace.<backend> is rendered whole into Tempo's storage.trace block
        # (values.yaml:1649-1661); field names from grafana/tempo v2.9.0
        # tempodb/backend/{azure,gcs,s3}/config.go
        backend: dict[str, Any]
        if access.backend is StorageBackend.AZURE:
            backend = {
                "container_name": bucket,
                "storage_account_name": account_name,
                "use_federated_token": True,  # azure/config.go:16 (workload identity)
            }
        elif access.backend is StorageBackend.GCS:
            backend = {"bucket_name": bucket}
        else:
            # no keys: the S3 client's chain reads AWS_* from the environment (on-prem) or
            # the web identity token (IRSA) (tempodb/backend/s3/s3.go:630-642)
            s3 = {
                "bucket": bucket,
                "endpoint": endpoint,
                "region": access.region,
                "insecure": access.insecure,
                "forcepathstyle": access.credentials_key is not None,
            }
            backend = {key: value for key, value in s3.items() if value is not None}

        def component(replicas: int) -> dict[str, Any]:
            return {"replicas": replicas, "resources": sizing.store_pod.values()}

        return {
            "multitenancyEnabled": True,  # tenants from X-Scope-OrgID
            "reportingEnabled": False,
            "serviceAccount": {
                "create": True,
                "name": access.service_account,
                "annotations": dict(annotations),
            },
            "tempo": {
                # tempo.podSecurityContext has only fsGroup (values.yaml:105-106)
                "podSecurityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                "podLabels": dict(access.pod_labels),
            },
            "global": {"extraEnvFrom": access.env_from},
            "storage": {"trace": {"backend": access.backend.value, access.backend.value: backend}},
            "traces": {"otlp": {"grpc": {"enabled": True}}},
            "distributor": component(sizing.tempo_distributor),
            "ingester": {
                **component(sizing.tempo_ingester),
                "config": {"replication_factor": sizing.replication_factor},
            },
            "querier": component(sizing.tempo_querier),
            "queryFrontend": component(sizing.tempo_query_frontend),
            "compactor": {
                **component(1),
                "config": {"compaction": {"block_retention": f"{args.retention_days * 24}h"}},
            },
        }
