"""What the on-prem log stores (Loki, OpenSearch) share: inputs and how each is released."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.objects import external_secret, namespace, namespace_level
from pdpkit.components.onprem.s3 import S3Bucket
from pdpkit.versions import chart


@dataclass(frozen=True)
class LogStoreArgs:
    """Inputs every on-prem log store takes."""

    provider: k8s.Provider
    storage: S3Bucket
    secret_store: str
    production: bool = False
    """Protect and retain the release."""
    channel: str | None = None
    flux_namespace: str = "flux-system"
    flux_ready: tuple[pulumi.Resource, ...] = ()
    secrets_ready: tuple[pulumi.Resource, ...] = ()


@dataclass(frozen=True)
class LogStoreRelease:
    """How one log store's chart is released into its own namespace."""

    chart: str
    """Key of the chart in `pdpkit.versions`; also the release name."""
    namespace: str
    storage_secret: str
    """Secret the bucket's keys land in."""
    storage_keys: tuple[str, str]
    """Names the access key id and the secret access key take in that Secret."""
    values: dict[str, Any]


def release_log_store(
    name: str, owner: pulumi.Resource, args: LogStoreArgs, release: LogStoreRelease
) -> FluxHelmRelease:
    """The namespace, the bucket's keys from the secret store, and the Flux HelmRelease."""
    child = pulumi.ResourceOptions(parent=owner, provider=args.provider)
    # the namespace enforces what the chart's pods meet (pdpkit.versions)
    level = namespace_level(chart(release.chart))
    ns = namespace(f"{name}-namespace", release.namespace, level, child)
    access_key, secret_key = release.storage_keys
    storage = external_secret(
        f"{name}-storage",
        release.storage_secret,
        release.namespace,
        args.secret_store,
        {
            access_key: (args.storage.credentials_key, "accessKeyId"),
            secret_key: (args.storage.credentials_key, "secretAccessKey"),
        },
        pulumi.ResourceOptions.merge(
            child, pulumi.ResourceOptions(depends_on=[ns, *args.secrets_ready])
        ),
    )
    return FluxHelmRelease(
        f"{name}-release",
        FluxHelmReleaseArgs(
            provider=args.provider,
            chart=chart(release.chart),
            release_name=release.chart,
            target_namespace=release.namespace,
            values=release.values,
            channel=args.channel,
            flux_namespace=args.flux_namespace,
            depends_on=(ns, storage, *args.flux_ready),
            holds_data=args.production,
        ),
        pulumi.ResourceOptions(parent=owner),
    )
