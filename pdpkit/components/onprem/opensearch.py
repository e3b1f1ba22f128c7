"""OpenSearch with snapshots on S3-compatible storage: the alternative on-prem log store."""

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
STORAGE_SECRET = "opensearch-s3"  # noqa: S105 (a Secret name)


@dataclass(frozen=True)
class OpenSearchArgs:
    """Inputs of `OpenSearch`."""

    provider: k8s.Provider
    storage: S3Bucket
    secret_store: str
    replicas: int = 3
    production: bool = False
    """Protect and retain the release."""
    channel: str | None = None
    flux_namespace: str = "flux-system"
    flux_ready: tuple[pulumi.Resource, ...] = ()
    secrets_ready: tuple[pulumi.Resource, ...] = ()


class OpenSearch(pulumi.ComponentResource):
    """OpenSearch as a Flux HelmRelease; indices on volumes, snapshots to the bucket through
    the ``repository-s3`` plugin, whose keys enter the keystore from an ExternalSecret."""

    release: FluxHelmRelease
    push_host: str
    push_port: int

    def __init__(self, name: str, args: OpenSearchArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:onprem:OpenSearch", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        # baseline: the chart's init container raises vm.max_map_count
        ns = namespace(f"{name}-namespace", NAMESPACE, PodSecurity.BASELINE, child)
        storage = external_secret(
            f"{name}-storage",
            STORAGE_SECRET,
            NAMESPACE,
            args.secret_store,
            {
                "s3.client.default.access_key": (args.storage.credentials_key, "accessKeyId"),
                "s3.client.default.secret_key": (args.storage.credentials_key, "secretAccessKey"),
            },
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[ns, *args.secrets_ready])
            ),
        )
        self.release = FluxHelmRelease(
            f"{name}-release",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("opensearch"),
                release_name="opensearch",
                target_namespace=NAMESPACE,
                values=self.values(args),
                channel=args.channel,
                flux_namespace=args.flux_namespace,
                depends_on=(ns, storage, *args.flux_ready),
                holds_data=args.production,
            ),
            pulumi.ResourceOptions(parent=self),
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
