"""Data protection: in production, everything that holds data survives `pulumi destroy`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pdpkit.policy.model import MANDATORY, PolicyContext, plan_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import dig

DATA_HOLDING = frozenset(
    {
        # the cluster (etcd), the registry, the key vault and its keys, log and archive storage
        "azure-native:containerservice:ManagedCluster",
        "azure-native:containerregistry:Registry",
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Key",
        "azure-native:operationalinsights:Workspace",
        "azure-native:storage:StorageAccount",
        "aws:eks/cluster:Cluster",
        "aws:ecr/repository:Repository",
        "aws:kms/key:Key",
        "aws:secretsmanager/secret:Secret",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "gcp:container/cluster:Cluster",
        "gcp:artifactregistry/repository:Repository",
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:secretmanager/secret:Secret",
        "gcp:logging/projectBucketConfig:ProjectBucketConfig",
        "gcp:storage/bucket:Bucket",
        "kubernetes:core/v1:PersistentVolumeClaim",
    }
)
"""Resource types whose deletion loses data (or makes data unreadable, for keys)."""
DATA_HOLDING_CHARTS = frozenset(
    {"harbor", "loki", "opensearch", "vault", "minio", "tempo-distributed"}
)
"""Helm charts that store data in the cluster (on-prem registry, log and trace stores, vault,
storage)."""
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
FLUX_HELM_RELEASE = ("kubernetes:helm.toolkit.fluxcd.io/", ":HelmRelease")
"""A Flux HelmRelease (any API version): Flux uninstalls the chart when it is deleted."""


def holds_data(resource: Resource) -> bool:
    """Whether deleting `resource` would lose data."""
    if resource.type == HELM_RELEASE:
        chart = dig(resource.inputs, "chart")
    elif resource.type.startswith(FLUX_HELM_RELEASE[0]) and resource.type.endswith(
        FLUX_HELM_RELEASE[1]
    ):
        chart = dig(resource.inputs, "spec", "chart", "spec", "chart")
    else:
        return resource.type in DATA_HOLDING
    return str(chart or "").rsplit("/", 1)[-1] in DATA_HOLDING_CHARTS


@plan_rule(
    "PDP-DATA-PROTECTED",
    MANDATORY,
    "In a production stack (dataplane.production), everything that holds data (cluster, "
    "registry, key vault / KMS keys, log workspace / group / bucket, archive storage, "
    "data-holding charts) is protected and retained on delete, so that no `pulumi destroy` "
    "or replacement loses it.",
    "Pass protect=True and retain_on_delete=True in the resource's options when spec.production.",
)
def data_protected(
    resources: Sequence[Resource], ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    if not ctx.production:
        return
    for resource in filter(holds_data, resources):
        missing = [
            flag
            for flag, on in (
                ("protect", resource.protect),
                ("retainOnDelete", resource.retain_on_delete),
            )
            if on is False
        ]
        if missing:
            yield (
                resource,
                f"{resource.type.rsplit(':', 1)[-1]} holds data but lacks {' and '.join(missing)}",
            )
