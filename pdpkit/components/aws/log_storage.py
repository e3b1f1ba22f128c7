"""`LogStorage`: where the data plane's logs stay, in the customer's account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import cloudwatch

from pdpkit.components.aws.archive_bucket import ArchiveBucket, ArchiveBucketArgs
from pdpkit.components.aws.arn import Account
from pdpkit.components.aws.irsa_role import IrsaRole, IrsaRoleArgs
from pdpkit.components.aws.log_archive_stream import LogArchiveStream, LogArchiveStreamArgs


@dataclass(frozen=True)
class LogStorageArgs:
    """Inputs of `LogStorage`."""

    account: Account
    store_name: str
    """The data plane's name: log group ``/pdp/<name>/workloads``, bucket
    ``<name>-logs-<account>``."""
    kms_key_arn: pulumi.Input[str]
    """Key of the log group and the archive (its policy admits CloudWatch Logs)."""
    retention_days: int
    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer: pulumi.Input[str]
    namespace: str
    """Namespace of the log agent."""
    service_account: str
    """Service account of the log agent."""
    archive: bool = True
    """Archive every event to S3 through Firehose; False: CloudWatch Logs only."""
    archive_retention_days: int = 365
    production: bool = False


def cloudwatch_logs_key_statement(account: Account) -> dict[str, Any]:
    """CloudWatch Logs may use the key, for this account's log groups only."""
    return {
        "Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups",
        "Effect": "Allow",
        "Principal": {"Service": account.service_principal("logs")},
        "Action": [
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:Describe*",
        ],
        "Resource": "*",
        "Condition": {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": account.arn("logs", "log-group:*")}
        },
    }


def agent_policy(log_group_arn: str) -> dict[str, Any]:
    """Write to the one log group (streams are created by the agent), nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ShipToTheDataPlaneLogGroup",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [log_group_arn, f"{log_group_arn}:log-stream:*"],
            }
        ],
    }


class LogStorage(pulumi.ComponentResource):
    """A KMS-encrypted CloudWatch log group with the spec's retention, an S3 archive fed by
    Firehose, and an IRSA role the log agent (Fluent Bit) ships with."""

    log_group_name: pulumi.Output[str]
    log_group_arn: pulumi.Output[str]
    archive_bucket: pulumi.Output[str]
    """Bucket name; empty when archiving is off."""
    agent_role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: LogStorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:LogStorage", name, None, opts)
        group = cloudwatch.LogGroup(
            f"{name}-group",
            name=f"/pdp/{args.store_name}/workloads",
            retention_in_days=args.retention_days,
            kms_key_id=args.kms_key_arn,
            deletion_protection_enabled=args.production,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.production, retain_on_delete=args.production
            ),
        )
        bucket_name: pulumi.Output[str] = pulumi.Output.from_input("")
        if args.archive:
            bucket = ArchiveBucket(
                f"{name}-archive",
                ArchiveBucketArgs(
                    bucket_name=f"{args.store_name}-logs-{args.account.account_id}",
                    kms_key_arn=args.kms_key_arn,
                    expiration_days=args.archive_retention_days,
                    production=args.production,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            LogArchiveStream(
                f"{name}-archiver",
                LogArchiveStreamArgs(
                    account=args.account,
                    stream_name=f"{args.store_name}-logs-archive",
                    log_group_name=group.name,
                    bucket_arn=bucket.arn,
                    kms_key_arn=args.kms_key_arn,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            bucket_name = bucket.bucket_name
        role = IrsaRole(
            f"{name}-agent",
            IrsaRoleArgs(
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_issuer=args.oidc_issuer,
                namespace=args.namespace,
                service_account=args.service_account,
                policy=group.arn.apply(agent_policy),
                description=f"Log agent: write to /pdp/{args.store_name}/workloads",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.log_group_name = group.name
        self.log_group_arn = group.arn
        self.archive_bucket = bucket_name
        self.agent_role_arn = role.arn
        self.register_outputs(
            {
                "log_group_name": self.log_group_name,
                "log_group_arn": self.log_group_arn,
                "archive_bucket": self.archive_bucket,
                "agent_role_arn": self.agent_role_arn,
            }
        )
