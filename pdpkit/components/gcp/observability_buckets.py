"""`ObservabilityBuckets`: the GCS buckets Loki, Cortex and Tempo keep their data in, and the
Google service account they reach them with through Workload Identity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import serviceaccount, storage

from pdpkit.components.gcp.workload_service_account import (
    WORKLOAD_IDENTITY_USER,
    gke_annotations,
)

OBJECT_ADMIN = "roles/storage.objectAdmin"
"""List, create, read, overwrite and delete objects, nothing on the bucket itself
(cloud.google.com/storage/docs/access-control/iam-roles, "Storage Object Admin"): what the
stores' GCS clients do."""
PURPOSE_LABEL = "pdp-purpose"
SIGNAL_LABEL = "pdp-signal"
"""Labels naming what a bucket is for (``observability``) and the signal it holds."""


@dataclass(frozen=True)
class ObservabilityBucketsArgs:
    """Inputs of `ObservabilityBuckets`."""

    project: str
    region: str
    buckets: Mapping[str, str]
    """Signal -> globally unique bucket name."""
    expiration_days: Mapping[str, int]
    """Signal -> days after its creation an object is deleted."""
    account_id: str
    """Google service account id (6-30 characters)."""
    workload_pool: pulumi.Input[str]
    """``<project>.svc.id.goog``."""
    namespace: str
    service_accounts: tuple[str, ...]
    """The stores' Kubernetes service accounts: exactly these may act as the account."""
    kms_key: pulumi.Input[str] | None = None
    """CMEK key of the buckets; left out: Google-managed encryption."""
    protect: bool = False
    """Protect and retain the buckets (production)."""
    labels: dict[str, str] = field(default_factory=dict)
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist first (the KMS grant of the Cloud Storage service agent)."""


class ObservabilityBuckets(pulumi.ComponentResource):
    """One regional bucket per signal: uniform bucket-level access (IAM only, no ACLs), public
    access prevention enforced, CMEK when a key is given, versioning off (the stores rewrite
    and delete objects all day; soft delete keeps deleted objects 7 days by default), a
    lifecycle rule deleting objects after the signal's retention; and one Google service
    account holding ``roles/storage.objectAdmin`` on these buckets only, which exactly the
    stores' Kubernetes service accounts impersonate through Workload Identity."""

    bucket_names: dict[str, pulumi.Output[str]]
    email: pulumi.Output[str]
    annotations: pulumi.Output[dict[str, str]]

    def __init__(
        self, name: str, args: ObservabilityBucketsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:ObservabilityBuckets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = serviceaccount.Account(
            f"{name}-account",
            account_id=args.account_id,
            project=args.project,
            display_name="Observability stores (pdpkit)",
            description=f"Workload Identity of {args.namespace}/"
            + ", ".join(args.service_accounts),
            opts=child,
        )
        member = account.email.apply(lambda email: f"serviceAccount:{email}")
        for ksa in args.service_accounts:
            serviceaccount.IAMMember(
                f"{name}-{ksa}-workload-identity",
                service_account_id=account.name,
                role=WORKLOAD_IDENTITY_USER,
                member=_workload_member(args.workload_pool, args.namespace, ksa),
                opts=child,
            )
        names: dict[str, pulumi.Output[str]] = {}
        for signal, bucket_name in args.buckets.items():
            # Bucket inputs: pulumi-gcp 10.2.0 storage/bucket.py and storage/_inputs.py
            # (BucketEncryptionArgs.default_kms_key_name, BucketLifecycleRule*Args)
            bucket = storage.Bucket(
                f"{name}-{signal}",
                name=bucket_name,
                project=args.project,
                location=args.region.upper(),
                storage_class="STANDARD",
                uniform_bucket_level_access=True,
                public_access_prevention="enforced",
                lifecycle_rules=[
                    storage.BucketLifecycleRuleArgs(
                        action=storage.BucketLifecycleRuleActionArgs(type="Delete"),
                        condition=storage.BucketLifecycleRuleConditionArgs(
                            age=args.expiration_days[signal]
                        ),
                    )
                ],
                encryption=(
                    storage.BucketEncryptionArgs(default_kms_key_name=args.kms_key)
                    if args.kms_key is not None
                    else None
                ),
                force_destroy=False,
                labels={**args.labels, PURPOSE_LABEL: "observability", SIGNAL_LABEL: signal},
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=args.protect,
                    retain_on_delete=args.protect,
                    depends_on=list(args.depends_on),
                ),
            )
            storage.BucketIAMMember(
                f"{name}-{signal}-stores",
                bucket=bucket.name,
                role=OBJECT_ADMIN,
                member=member,
                opts=child,
            )
            names[signal] = bucket.name
        self.bucket_names = names
        self.email = account.email
        self.annotations = gke_annotations(account)
        self.register_outputs(
            {
                "bucket_names": self.bucket_names,
                "email": self.email,
                "annotations": self.annotations,
            }
        )


def _workload_member(
    pool: pulumi.Input[str], namespace: str, service_account: str
) -> pulumi.Output[str]:
    """The IAM member of one Kubernetes service account of the cluster's workload pool."""
    return pulumi.Output.from_input(pool).apply(
        lambda p: f"serviceAccount:{p}[{namespace}/{service_account}]"
    )
