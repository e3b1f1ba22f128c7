"""How an in-plane store reaches its bucket: the inputs Loki and Tempo share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import external_secret

CREDENTIALS_SECRET = "observability-s3"  # noqa: S105 (a Secret name)
"""Secret (in the stores' namespace) holding an S3 access key where there is no workload
identity (on-prem): ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY``, read from the
environment by both stores' S3 clients."""


class StorageBackend(StrEnum):
    """The object storage client a store uses."""

    AZURE = "azure"
    S3 = "s3"
    GCS = "gcs"


@dataclass(frozen=True)
class ResolvedBucket:
    """`BucketAccess`'s outputs, resolved."""

    bucket: str
    endpoint: str | None
    account_name: str | None
    annotations: Mapping[str, str]


@dataclass(frozen=True)
class BucketAccess:
    """One store's bucket (Azure: container) and how it authenticates."""

    backend: StorageBackend
    bucket: pulumi.Input[str]
    service_account: str
    """Service account the store's pods run as; workload identity is bound to it."""
    service_account_annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    pod_labels: Mapping[str, str] = field(default_factory=dict)
    endpoint: pulumi.Input[str] | None = None
    """S3 endpoint host (``s3.eu-west-1.amazonaws.com``, the on-prem store's host)."""
    region: str | None = None
    account_name: pulumi.Input[str] | None = None
    """Azure storage account."""
    insecure: bool = False
    """S3 over plain HTTP (an on-prem store without TLS)."""
    credentials_key: str | None = None
    """Remote key (prefix applied) of an S3 access key in the secret store; None: workload
    identity."""

    def resolved(self) -> pulumi.Output[ResolvedBucket]:
        """The bucket's values once the target's outputs are known (what a store's chart values
        are written from)."""
        return pulumi.Output.all(
            pulumi.Output.from_input(self.bucket),
            pulumi.Output.from_input(self.endpoint),
            pulumi.Output.from_input(self.account_name),
            pulumi.Output.from_input(dict(self.service_account_annotations)),
        ).apply(lambda r: ResolvedBucket(r[0], r[1], r[2], r[3]))

    @property
    def env_from(self) -> list[dict[str, object]]:
        """``extraEnvFrom`` entries: the access key's Secret when there is one."""
        if self.credentials_key is None:
            return []
        return [{"secretRef": {"name": CREDENTIALS_SECRET}}]


def credentials_secret(
    resource_name: str,
    namespace: str,
    secret_store: str,
    credentials_key: str,
    opts: pulumi.ResourceOptions,
) -> k8s.apiextensions.CustomResource:
    """The S3 access key, from the secret store into `CREDENTIALS_SECRET` (on-prem)."""
    return external_secret(
        resource_name,
        CREDENTIALS_SECRET,
        namespace,
        secret_store,
        {
            "AWS_ACCESS_KEY_ID": (credentials_key, "accessKeyId"),
            "AWS_SECRET_ACCESS_KEY": (credentials_key, "secretAccessKey"),
        },
        opts,
    )
