"""S3 rules. A bucket's public access block, encryption, policy and versioning are separate
resources in pulumi-aws v7, so these rules look at each bucket together with its companions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, plan_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import dig, is_true, is_unknown, items

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCK = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
VERSIONING = (
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
)
BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def companions(
    bucket: Resource, resources: Sequence[Resource], types: Sequence[str]
) -> list[Resource]:
    """Resources of `types` configuring `bucket` (they depend on it or name it)."""
    names = {n for n in (dig(bucket.inputs, "bucket"), bucket.name) if isinstance(n, str)}
    return [
        r
        for r in resources
        if r.type in types and (bucket.urn in r.dependencies or dig(r.inputs, "bucket") in names)
    ]


def buckets(resources: Sequence[Resource]) -> list[Resource]:
    return [r for r in resources if r.type in BUCKETS]


@plan_rule(
    "AWS-S3-PUBLIC-ACCESS",
    MANDATORY,
    "Every bucket has a public access block with all four flags on: nothing in it can be made "
    "public by an ACL or a bucket policy.",
    "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, "
    "blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
)
def s3_public_access(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for bucket in buckets(resources):
        blocks = companions(bucket, resources, PUBLIC_ACCESS_BLOCK)
        if not blocks:
            yield bucket, "no public access block"
            continue
        off = sorted({f for b in blocks for f in BLOCK_FLAGS if not is_true(dig(b.inputs, f))})
        if off:
            yield bucket, f"public access block flags not set: {', '.join(off)}"


@plan_rule(
    "AWS-S3-ENCRYPTION",
    MANDATORY,
    "Every bucket has explicit default encryption (SSE-KMS with the data plane's key, or SSE-S3).",
    "Add an aws.s3.BucketServerSideEncryptionConfiguration (sseAlgorithm aws:kms, kmsMasterKeyId).",
)
def s3_encryption(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for bucket in buckets(resources):
        configs = companions(bucket, resources, ENCRYPTION)
        inline = dig(bucket.inputs, "serverSideEncryptionConfiguration") or items(
            bucket.inputs, "serverSideEncryptionConfigurations"
        )
        algorithms = {
            dig(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
            for c in configs
            for rule in items(c.inputs, "rules")
        }
        if not inline and not (algorithms - {None}):
            yield bucket, "no default encryption configuration"


@plan_rule(
    "AWS-S3-TLS-ONLY",
    MANDATORY,
    "Every bucket's policy denies requests that do not use TLS (aws:SecureTransport false).",
    "Add an aws.s3.BucketPolicy with a Deny statement on Condition Bool aws:SecureTransport false.",
)
def s3_tls_only(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for bucket in buckets(resources):
        policies = [p.inputs.get("policy") for p in companions(bucket, resources, POLICY)]
        policies += [bucket.inputs["policy"]] if bucket.inputs.get("policy") else []
        if any(is_unknown(p) for p in policies):
            continue  # computed by the engine: cannot be judged before deployment
        if not any(denies_insecure_transport(p) for p in policies):
            yield bucket, "no bucket policy denies non-TLS requests"


@plan_rule(
    "AWS-S3-VERSIONING",
    ADVISORY,
    "Buckets keep object versions, so an overwrite or delete of a log archive can be undone.",
    "Add an aws.s3.BucketVersioning with versioningConfiguration.status: Enabled.",
)
def s3_versioning(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for bucket in buckets(resources):
        states = {
            dig(v.inputs, "versioningConfiguration", "status")
            for v in companions(bucket, resources, VERSIONING)
        }
        if "Enabled" not in states and not is_true(dig(bucket.inputs, "versioning", "enabled")):
            yield bucket, "versioning is not enabled"


def denies_insecure_transport(policy: Any) -> bool:
    """Whether an IAM policy document (JSON text or object) denies non-TLS requests."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return False
    statements = dig(policy, "Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        condition = dig(statement, "Condition", "Bool", "aws:SecureTransport")
        values = condition if isinstance(condition, list) else [condition]
        if dig(statement, "Effect") == "Deny" and any(str(v).lower() == "false" for v in values):
            return True
    return False
