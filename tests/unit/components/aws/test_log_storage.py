from __future__ import annotations

from pdpkit.components.aws.log_storage import LogStorage, LogStorageArgs
from pdpkit.plan.recorder import Recording
from tests.unit.components.aws.recorded import (
    ACCOUNT,
    ISSUER,
    KEY_ARN,
    OIDC_ARN,
    of_type,
    one,
    policy,
    run,
)


def storage(archive: bool = True, production: bool = True) -> Recording:
    args = LogStorageArgs(
        account=ACCOUNT,
        store_name="dp",
        kms_key_arn=KEY_ARN,
        retention_days=90,
        oidc_provider_arn=OIDC_ARN,
        oidc_issuer=ISSUER,
        namespace="logging",
        service_account="fluent-bit",
        archive=archive,
        archive_retention_days=2555,
        production=production,
    )

    def program() -> dict[str, object]:
        logs = LogStorage("logs", args)
        return {
            "group": logs.log_group_name,
            "bucket": logs.archive_bucket,
            "role": logs.agent_role_arn,
        }

    return run(program)


def test_log_group_with_retention_kms_and_protection() -> None:
    group = one(storage(), "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["name"] == "/pdp/dp/workloads"
    assert group.inputs["retentionInDays"] == 90 and group.inputs["kmsKeyId"] == KEY_ARN
    assert group.inputs["deletionProtectionEnabled"] is True
    assert group.protect and group.retain_on_delete


def test_archive_bucket_blocks_public_access_entirely() -> None:
    block = one(storage(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(
        block[k] is True
        for k in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    ownership = one(storage(), "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def test_archive_bucket_is_versioned_and_kms_encrypted() -> None:
    recording = storage()
    assert (
        one(recording, "aws:s3/bucketVersioning:BucketVersioning").inputs[
            "versioningConfiguration"
        ]["status"]
        == "Enabled"
    )
    rule = one(
        recording,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": KEY_ARN,
    }


def test_archive_lifecycle_expires_after_the_archive_retention() -> None:
    rule = one(
        storage(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    ).inputs["rules"][0]
    assert rule["expiration"] == {"days": 2555}
    assert rule["status"] == "Enabled"
    assert [t["storageClass"] for t in rule["transitions"]] == ["STANDARD_IA", "GLACIER_IR"]


def test_archive_bucket_denies_requests_without_tls() -> None:
    statements = policy(one(storage(), "aws:s3/bucketPolicy:BucketPolicy"))["Statement"]
    insecure = next(s for s in statements if s["Sid"] == "DenyInsecureTransport")
    assert insecure["Effect"] == "Deny" and insecure["Principal"] == "*"
    assert insecure["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert insecure["Resource"] == [
        "arn:aws:s3:::dp-logs-210987654321",
        "arn:aws:s3:::dp-logs-210987654321/*",
    ]


def test_bucket_protected_in_production_only() -> None:
    assert one(storage(), "aws:s3/bucket:Bucket").protect
    assert not one(storage(production=False), "aws:s3/bucket:Bucket").protect


def test_firehose_archives_every_event_of_the_group() -> None:
    recording = storage()
    subscription = one(
        recording, "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
    ).inputs
    assert subscription["logGroup"] == "/pdp/dp/workloads" and subscription["filterPattern"] == ""
    stream = one(recording, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").inputs
    assert stream["extendedS3Configuration"]["bucketArn"] == "arn:aws:s3:::dp-logs-210987654321"
    assert stream["extendedS3Configuration"]["kmsKeyArn"] == KEY_ARN


def test_log_agent_role_writes_to_its_group_only() -> None:
    recording = storage()
    agent = next(
        r
        for r in of_type(recording, "aws:iam/rolePolicy:RolePolicy")
        if r.name == "logs-agent-policy"
    )
    statement = policy(agent)["Statement"][0]
    assert set(statement["Action"]) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
    }
    assert all(
        r.startswith("arn:aws:logs:eu-west-1:210987654321:log-group:/pdp/dp/workloads")
        for r in statement["Resource"]
    )
    trust = policy(one(recording, "aws:iam/role:Role", "logs-agent-role"), "assumeRolePolicy")[
        "Statement"
    ][0]
    assert (
        trust["Condition"]["StringEquals"][f"{ISSUER.removeprefix('https://')}:sub"]
        == "system:serviceaccount:logging:fluent-bit"
    )


def test_no_archive_no_bucket() -> None:
    recording = storage(archive=False)
    assert not of_type(recording, "aws:s3/bucket:Bucket")
    assert recording.outputs["bucket"] == ""
