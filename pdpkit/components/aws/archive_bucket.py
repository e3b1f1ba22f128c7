"""`ArchiveBucket`: an S3 bucket for log archives: private, versioned, KMS-encrypted, TLS only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_aws import s3


@dataclass(frozen=True)
class ArchiveBucketArgs:
    """Inputs of `ArchiveBucket`."""

    bucket_name: str
    """Globally unique name (derive it from the data plane and the account id)."""
    kms_key_arn: pulumi.Input[str]
    expiration_days: int
    """Objects (and their old versions, `noncurrent_days` later) are deleted after this many
    days."""
    production: bool = False
    tiering: bool = True
    """Move objects to cheaper classes as they age (30 days: Standard-IA, 90: Glacier Instant
    Retrieval); False: they stay in Standard (objects a store reads back while queried)."""
    noncurrent_days: int = 30
    """Days an overwritten or deleted object's old version is kept."""
    tags: dict[str, str] = field(default_factory=dict)


def lifecycle_rules(
    expiration_days: int, *, tiering: bool = True, noncurrent_days: int = 30
) -> list[dict[str, Any]]:
    """Cheaper storage classes as logs age, then expiry; old versions and failed uploads go too."""
    transitions = [
        {"days": days, "storage_class": storage}
        for days, storage in ((30, "STANDARD_IA"), (90, "GLACIER_IR"))
        if tiering and days < expiration_days
    ]
    return [
        {
            "id": "archive",
            "status": "Enabled",
            "filter": {"prefix": ""},
            "transitions": transitions,
            "expiration": {"days": expiration_days},
            "noncurrent_version_expiration": {"noncurrent_days": noncurrent_days},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
        }
    ]


def tls_only_policy(bucket_arn: str) -> str:
    """Deny every request not made over TLS 1.2+ (CIS S3.5)."""
    resources = [bucket_arn, f"{bucket_arn}/*"]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": resources,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {
                    "Sid": "DenyOutdatedTls",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": resources,
                    "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
                },
            ],
        },
        sort_keys=True,
    )


class ArchiveBucket(pulumi.ComponentResource):
    """Public access blocked, ACLs disabled, versioning on, SSE-KMS with a bucket key, lifecycle."""

    bucket_name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: ArchiveBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:ArchiveBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket = s3.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            force_destroy=False,
            tags=args.tags or None,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.production, retain_on_delete=args.production
            ),
        )
        block = s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child,
        )
        versioning = s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": args.kms_key_arn,
                    },
                    "bucket_key_enabled": True,  # fewer KMS calls for many small log objects
                }
            ],
            opts=child,
        )
        s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=lifecycle_rules(
                args.expiration_days, tiering=args.tiering, noncurrent_days=args.noncurrent_days
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket.id,
            policy=bucket.arn.apply(tls_only_policy),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[block]),
        )
        self.bucket_name = bucket.bucket
        self.arn = bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name, "arn": self.arn})
