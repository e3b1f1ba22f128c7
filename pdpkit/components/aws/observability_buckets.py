"""`ObservabilityBuckets`: the S3 buckets Loki, Cortex and Tempo keep their data in, and the
IRSA role they reach them with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from pdpkit.components.aws.archive_bucket import ArchiveBucket, ArchiveBucketArgs
from pdpkit.components.aws.arn import Account
from pdpkit.components.aws.irsa_role import IrsaRole, IrsaRoleArgs

PURPOSE_TAG = "pdp-purpose"
"""Tag naming what a bucket is for; ``observability`` here."""
SIGNAL_TAG = "pdp-signal"
"""Tag naming the signal a bucket holds (``logs``, ``metrics``, ``traces``)."""
NONCURRENT_DAYS = 7
"""Days an overwritten or deleted object stays recoverable. The stores rewrite and delete
objects all day (compaction), so old versions are kept a week, not the archive's month."""
OBJECT_ACTIONS = (
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:GetObjectTagging",
    "s3:PutObjectTagging",
)
"""What the stores do to objects: Grafana Tempo's minimal S3 policy (grafana/tempo
docs/sources/tempo/configuration/hosted-storage/s3.md; Loki's S3 client needs a subset of it;
Cortex's, thanos-io/objstore over minio-go, was not checked call by call against it)."""
BUCKET_ACTIONS = ("s3:ListBucket",)
"""What the stores do to a bucket: list it (the same Tempo policy)."""
KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
"""SSE-KMS: writing an object needs ``kms:GenerateDataKey``, reading it ``kms:Decrypt``, on the
bucket's key (Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys (SSE-KMS)",
permissions)."""


@dataclass(frozen=True)
class ObservabilityBucketsArgs:
    """Inputs of `ObservabilityBuckets`."""

    account: Account
    buckets: Mapping[str, str]
    """Signal -> globally unique bucket name."""
    expiration_days: Mapping[str, int]
    """Signal -> days after its last write an object is deleted."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key of the buckets (SSE-KMS); the role may use it, nothing else."""
    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer: pulumi.Input[str]
    namespace: str
    """Namespace of the stores."""
    service_accounts: tuple[str, ...]
    """The stores' service accounts: exactly these may assume the role."""
    production: bool = False
    """Protect and retain the buckets."""


def store_policy(account: Account, buckets: tuple[str, ...], key_arn: str) -> dict[str, Any]:
    """List, read, write and delete objects of these buckets, with their key; nothing else."""
    arns = [f"arn:{account.partition}:s3:::{bucket}" for bucket in buckets]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ListTheObservabilityBuckets",
                "Effect": "Allow",
                "Action": list(BUCKET_ACTIONS),
                "Resource": arns,
            },
            {
                "Sid": "ReadWriteTheirObjects",
                "Effect": "Allow",
                "Action": list(OBJECT_ACTIONS),
                "Resource": [f"{arn}/*" for arn in arns],
            },
            {
                "Sid": "EncryptWithTheirKey",
                "Effect": "Allow",
                "Action": list(KEY_ACTIONS),
                "Resource": [key_arn],
            },
        ],
    }


class ObservabilityBuckets(pulumi.ComponentResource):
    """One bucket per signal, each private (public access block, ACLs disabled), SSE-KMS with
    the data plane's observability key and a bucket key, TLS-only by bucket policy, versioned
    (old versions kept `NONCURRENT_DAYS`) and expiring objects after the signal's retention;
    and one IRSA role that exactly the stores' service accounts assume, allowed to list, read,
    write and delete objects of these buckets only and to use their key."""

    bucket_names: dict[str, pulumi.Output[str]]
    role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: ObservabilityBucketsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:ObservabilityBuckets", name, None, opts)
        names: dict[str, pulumi.Output[str]] = {}
        for signal, bucket_name in args.buckets.items():
            bucket = ArchiveBucket(
                f"{name}-{signal}",
                ArchiveBucketArgs(
                    bucket_name=bucket_name,
                    kms_key_arn=args.kms_key_arn,
                    expiration_days=args.expiration_days[signal],
                    production=args.production,
                    tiering=False,  # queried data stays in Standard (no retrieval fees)
                    noncurrent_days=NONCURRENT_DAYS,
                    tags={PURPOSE_TAG: "observability", SIGNAL_TAG: signal},
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            names[signal] = bucket.bucket_name
        buckets = tuple(args.buckets.values())
        role = IrsaRole(
            f"{name}-stores",
            IrsaRoleArgs(
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_issuer=args.oidc_issuer,
                namespace=args.namespace,
                service_account=args.service_accounts,
                policy=pulumi.Output.from_input(args.kms_key_arn).apply(
                    lambda key: store_policy(args.account, buckets, key)
                ),
                description=f"Observability stores: read and write {', '.join(buckets)}",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.bucket_names = names
        self.role_arn = role.arn
        self.register_outputs({"bucket_names": self.bucket_names, "role_arn": self.role_arn})
