"""Loki on S3-compatible storage: the on-prem log store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease
from pdpkit.components.onprem.log_store import LogStoreArgs, LogStoreRelease, release_log_store

NAMESPACE = "pdp-logs"
STORAGE_SECRET = "loki-s3"  # noqa: S105 (a Secret name)


@dataclass(frozen=True)
class LokiArgs(LogStoreArgs):
    """Inputs of `Loki`."""

    retention_days: int = 30


class Loki(pulumi.ComponentResource):
    """Loki (single binary, TSDB index, chunks on the bucket) as a Flux HelmRelease; the S3
    keys come from the secret store and reach Loki as environment variables only."""

    release: FluxHelmRelease
    push_host: str
    """Service the log agent ships to (the Loki gateway)."""
    push_port: int

    def __init__(self, name: str, args: LokiArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:onprem:Loki", name, None, opts)
        self.release = release_log_store(
            name,
            self,
            args,
            LogStoreRelease(
                chart="loki",
                namespace=NAMESPACE,
                storage_secret=STORAGE_SECRET,
                storage_keys=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
                values=self.values(args),
            ),
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
        """Chart values: single binary, S3 object store, retention by the compactor; every
        pod meets Pod Security `restricted` (see `pdpkit.versions`, chart ``loki``)."""
        bucket = args.storage
        # The chart's pod security contexts have no seccompProfile (grafana/loki
        # helm-loki-6.30.1 production/helm/loki/values.yaml:96-100, 1056-1060); Helm merges
        # this key into them. loki.* also covers the canary DaemonSet and the rules sidecar.
        runtime_default = {"seccompProfile": {"type": "RuntimeDefault"}}
        return {
            "deploymentMode": "SingleBinary",
            "loki": {
                "podSecurityContext": runtime_default,
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
            "gateway": {"enabled": True, "podSecurityContext": runtime_default},
            # a helm-test hook pod without any security context (templates/tests/test-canary.yaml)
            "test": {"enabled": False},
        }
