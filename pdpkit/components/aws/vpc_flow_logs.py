"""`VpcFlowLogs`: every accepted and rejected flow of the VPC, into an encrypted log group."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
from pulumi_aws import cloudwatch, ec2, iam

from pdpkit.components.aws.arn import Account


@dataclass(frozen=True)
class VpcFlowLogsArgs:
    """Inputs of `VpcFlowLogs`."""

    account: Account
    vpc_id: pulumi.Input[str]
    log_group_name: str
    retention_days: int
    kms_key_arn: pulumi.Input[str]
    """Key of the log group (its policy admits CloudWatch Logs)."""
    production: bool = False


class VpcFlowLogs(pulumi.ComponentResource):
    """VPC flow logs (CIS 3.9) to CloudWatch Logs, aggregated per minute, through a role only
    the flow-logs service of this account can assume."""

    log_group_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: VpcFlowLogsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:VpcFlowLogs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = cloudwatch.LogGroup(
            f"{name}-group",
            name=args.log_group_name,
            retention_in_days=args.retention_days,
            kms_key_id=args.kms_key_arn,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.production, retain_on_delete=args.production
            ),
        )
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": args.account.account_id}},
                }
            ],
        }
        role = iam.Role(
            f"{name}-role", assume_role_policy=json.dumps(trust, sort_keys=True), opts=child
        )
        grant = iam.RolePolicy(
            f"{name}-write",
            role=role.id,
            policy=group.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": [
                                    "logs:CreateLogStream",
                                    "logs:PutLogEvents",
                                    "logs:DescribeLogStreams",
                                ],
                                "Resource": [arn, f"{arn}:log-stream:*"],
                            }
                        ],
                    },
                    sort_keys=True,
                )
            ),
            opts=child,
        )
        ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=args.vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[grant]),
        )
        self.log_group_arn = group.arn
        self.register_outputs({"log_group_arn": self.log_group_arn})
