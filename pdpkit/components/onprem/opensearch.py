"""OpenSearch with snapshots on S3-compatible storage: the alternative on-prem log store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease
from pdpkit.components.onprem.log_store import LogStoreArgs, LogStoreRelease, release_log_store

NAMESPACE = "pdp-logs"
STORAGE_SECRET = "opensearch-s3"  # noqa: S105 (a Secret name)


@dataclass(frozen=True)
class OpenSearchArgs(LogStoreArgs):
    """Inputs of `OpenSearch`."""

    replicas: int = 3


class OpenSearch(pulumi.ComponentResource):
    """OpenSearch as a Flux HelmRelease; indices on volumes, snapshots to the bucket through
    the ``repository-s3`` plugin, whose keys enter the keystore from an ExternalSecret."""

    release: FluxHelmRelease
    push_host: str
    push_port: int

    def __init__(self, name: str, args: OpenSearchArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:onprem:OpenSearch", name, None, opts)
        self.release = release_log_store(
            name,
            self,
            args,
            LogStoreRelease(
                chart="opensearch",
                namespace=NAMESPACE,
                storage_secret=STORAGE_SECRET,
                storage_keys=("s3.client.default.access_key", "s3.client.default.secret_key"),
                values=self.values(args),
            ),
        )
        self.push_host = f"opensearch-cluster-master.{NAMESPACE}.svc.cluster.local"
        self.push_port = 9200
        self.register_outputs(
            {
                "release": self.release,
                "push_host": self.push_host,
                "push_port": self.push_port,
            }
        )

    @staticmethod
    def values(args: OpenSearchArgs) -> dict[str, Any]:
        """Chart values: a replicated cluster, S3 snapshot repository settings."""
        bucket = args.storage
        return {
            "replicas": args.replicas,
            "persistence": {"enabled": True, "size": "50Gi"},
            "plugins": {"enabled": True, "installList": ["repository-s3"]},
            "keystore": [{"secretName": STORAGE_SECRET}],
            "config": {
                "opensearch.yml": (
                    f"s3.client.default.endpoint: {bucket.host}\n"
                    f"s3.client.default.region: {bucket.region}\n"
                    f"s3.client.default.protocol: {'https' if bucket.secure else 'http'}\n"
                    "s3.client.default.path_style_access: true\n"
                )
            },
        }
