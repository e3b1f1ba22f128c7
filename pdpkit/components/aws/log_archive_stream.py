"""`LogArchiveStream`: CloudWatch Logs → Kinesis Data Firehose → the S3 archive bucket."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import cloudwatch, iam, kinesis

from pdpkit.components.aws.arn import Account


@dataclass(frozen=True)
class LogArchiveStreamArgs:
    """Inputs of `LogArchiveStream`."""

    account: Account
    stream_name: str
    log_group_name: pulumi.Input[str]
    """The log group whose every event is archived."""
    bucket_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    """Key the archived objects are encrypted with."""


def _trust(service: str, condition: dict[str, Any]) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def delivery_policy(account: Account, bucket_arn: str, key_arn: str) -> str:
    """What Firehose needs to write objects into the archive bucket, and nothing else."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:AbortMultipartUpload",
                        "s3:GetBucketLocation",
                        "s3:GetObject",
                        "s3:ListBucket",
                        "s3:ListBucketMultipartUploads",
                        "s3:PutObject",
                    ],
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                },
                {
                    "Effect": "Allow",
                    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                    "Resource": key_arn,
                    "Condition": {
                        "StringEquals": {"kms:ViaService": account.service_principal("s3")}
                    },
                },
            ],
        },
        sort_keys=True,
    )


class LogArchiveStream(pulumi.ComponentResource):
    """Archives a log group without touching the cluster: a subscription filter feeds a Firehose
    stream that batches records (5 MiB / 5 min) into the bucket under ``cloudwatch/``."""

    stream_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: LogArchiveStreamArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:LogArchiveStream", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = args.account
        # Confused-deputy guard: Firehose assumes the role only on behalf of this account.
        delivery_role = iam.Role(
            f"{name}-delivery-role",
            assume_role_policy=_trust(
                "firehose.amazonaws.com", {"StringEquals": {"sts:ExternalId": account.account_id}}
            ),
            opts=child,
        )
        delivery_grant = iam.RolePolicy(
            f"{name}-delivery",
            role=delivery_role.id,
            policy=pulumi.Output.all(args.bucket_arn, args.kms_key_arn).apply(
                lambda v: delivery_policy(account, v[0], v[1])
            ),
            opts=child,
        )
        stream = kinesis.FirehoseDeliveryStream(
            f"{name}-stream",
            name=args.stream_name,
            destination="extended_s3",
            server_side_encryption={"enabled": True, "key_type": "AWS_OWNED_CMK"},
            extended_s3_configuration={
                "role_arn": delivery_role.arn,
                "bucket_arn": args.bucket_arn,
                "kms_key_arn": args.kms_key_arn,
                "prefix": "cloudwatch/",
                "error_output_prefix": "errors/!{firehose:error-output-type}/",
                "buffering_size": 5,
                "buffering_interval": 300,
                "compression_format": "UNCOMPRESSED",  # CloudWatch Logs already gzips each record
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[delivery_grant]),
        )
        logs_role = iam.Role(
            f"{name}-logs-role",
            assume_role_policy=_trust(
                account.service_principal("logs"),
                {"ArnLike": {"aws:SourceArn": account.arn("logs", "*")}},
            ),
            opts=child,
        )
        logs_grant = iam.RolePolicy(
            f"{name}-logs",
            role=logs_role.id,
            policy=stream.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                                "Resource": arn,
                            }
                        ],
                    },
                    sort_keys=True,
                )
            ),
            opts=child,
        )
        cloudwatch.LogSubscriptionFilter(
            f"{name}-subscription",
            name="archive",
            log_group=args.log_group_name,
            filter_pattern="",  # every event
            destination_arn=stream.arn,
            role_arn=logs_role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs_grant]),
        )
        self.stream_arn = stream.arn
        self.register_outputs({"stream_arn": self.stream_arn})
