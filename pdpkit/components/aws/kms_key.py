"""`KmsKey`: a customer-managed KMS key with yearly rotation and an alias."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_aws import kms

from pdpkit.components.aws.arn import Account


@dataclass(frozen=True)
class KmsKeyArgs:
    """Inputs of `KmsKey`."""

    account: Account
    alias: str
    """Alias name without ``alias/`` (``acme-aws-prod/eks``)."""
    description: str
    extra_statements: tuple[dict[str, Any], ...] = ()
    """Key policy statements besides the account's (e.g. CloudWatch Logs' service principal)."""
    production: bool = False
    """Protect and retain the key: data encrypted with a deleted key is lost."""
    deletion_window_days: int = 30
    """Days a scheduled deletion can be cancelled; left out: the maximum, 30."""
    tags: dict[str, str] = field(default_factory=dict)


class KmsKey(pulumi.ComponentResource):
    """A symmetric key, rotated automatically, whose policy delegates to IAM in its own account.

    The account statement is what makes IAM policies (IRSA roles, the node role) effective on the
    key; nothing outside the account is granted.
    """

    arn: pulumi.Output[str]
    key_id: pulumi.Output[str]
    alias_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: KmsKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:KmsKey", name, None, opts)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersTheKeyThroughIam",
                    "Effect": "Allow",
                    "Principal": {"AWS": args.account.root},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                *args.extra_statements,
            ],
        }
        key = kms.Key(
            f"{name}-key",
            description=args.description,
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=args.deletion_window_days,
            policy=json.dumps(policy, sort_keys=True),
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.production, retain_on_delete=args.production
            ),
        )
        alias = kms.Alias(
            f"{name}-alias",
            name=f"alias/{args.alias}",
            target_key_id=key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = key.arn
        self.key_id = key.key_id
        self.alias_name = alias.name
        self.register_outputs(
            {"arn": self.arn, "key_id": self.key_id, "alias_name": self.alias_name}
        )
