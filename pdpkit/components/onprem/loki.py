"""Loki on S3-compatible storage: the on-prem log store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.objects import PodSecurity, external_secret, namespace
from pdpkit.components.onprem.s3 import S3Bucket
from pdpkit.versions import chart

NAMESPACE = "pdp-logs"
STORAGE_SECRET = "loki-s3"  # noqa: S105 (a Secret name)


@dataclass(frozen=True)
class LokiArgs:
    """Inputs of `Loki`."""

    provider: k8s.Provider
    storage: S3Bucket
    secret_store: str
    retention_days: int = 30
    production: bool = False
    """Protect and retain the release."""
    channel: str | None = None
    flux_namespace: str = "flux-system"
    flux_ready: tuple[pulumi.Resource, ...] = ()
    secrets_ready: tuple[pulumi.Resource, ...] = ()


class Loki(pulumi.ComponentResource):
    """Loki (single binary, TSDB index, chunks on the bucket) as a Flux HelmRelease; the S3
    keys come from the secret store and reach Loki as environment variables only."""

    release: FluxHelmRelease
    push_host: str
    """Service the log agent ships to (the Loki gateway)."""
    push_port: int

    def __init__(self, name: str, args: LokiArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:onprem:Loki", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = namespace(f"{name}-namespace", NAMESPACE, PodSecurity.RESTRICTED, child)
        storage = external_secret(
            f"{name}-storage",
            STORAGE_SECRET,
            NAMESPACE,
            args.secret_store,
            {
                "AWS_ACCESS_KEY_ID": (args.storage.credentials_key, "accessKeyId"),
                "AWS_SECRET_ACCESS_KEY": (args.storage.credentials_key, "secretAccessKey"),
            },
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[ns, *args.secrets_ready])
            ),
        )
        self.release = FluxHelmRelease(
            f"{name}-release",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("loki"),
                release_name="loki",
                target_namespace=NAMESPACE,
                values=self.values(args),
                channel=args.channel,
                flux_namespace=args.flux_namespace,
                depends_on=(ns, storage, *args.flux_ready),
                holds_data=args.production,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.push_host = f"loki-gateway.{NAMESPACE}.svc.cluster.local"
        self.push_port = 80
        self.register_outputs(
            {
                "release": self.release,
                "push_host": self.push_host,
                "push_port": self.push_port,
            }
        )

    @staticmethod
    def values(args: LokiArgs) -> dict[str, Any]:
        """Chart values: single binary, S3 object store, retention by the compactor."""
        bucket = args.storage
        return {
            "deploymentMode": "SingleBinary",
            "loki": {
                "auth_enabled": False,
                "commonConfig": {"replication_factor": 1},
                "schemaConfig": {
                    "configs": [
                        {
                            "from": "2024-04-01",
                            "store": "tsdb",
                            "object_store": "s3",
                            "schema": "v13",
                            "index": {"prefix": "loki_index_", "period": "24h"},
                        }
                    ]
                },
                "storage": {
                    "type": "s3",
                    "bucketNames": {
                        "chunks": bucket.bucket,
                        "ruler": bucket.bucket,
                        "admin": bucket.bucket,
                    },
                    "s3": {
                        "endpoint": bucket.host,
                        "region": bucket.region,
                        "s3ForcePathStyle": True,
                        "insecure": not bucket.secure,
                    },
                },
                "limits_config": {"retention_period": f"{args.retention_days * 24}h"},
                "compactor": {"retention_enabled": True, "delete_request_store": "s3"},
            },
            "singleBinary": {
                "replicas": 1,
                "extraEnvFrom": [{"secretRef": {"name": STORAGE_SECRET}}],
            },
            "read": {"replicas": 0},
            "write": {"replicas": 0},
            "backend": {"replicas": 0},
            "chunksCache": {"enabled": False},
            "resultsCache": {"enabled": False},
            "minio": {"enabled": False},
            "gateway": {"enabled": True},
        }
