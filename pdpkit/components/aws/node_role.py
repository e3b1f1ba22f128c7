"""`NodeRole`: the IAM role every managed node group's instances run with."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
from pulumi_aws import iam

from pdpkit.components.aws.arn import Account

NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",  # join the cluster, describe the node's own instance
    "AmazonEKS_CNI_Policy",  # the VPC CNI (aws-node) assigns ENIs and IPs to pods
    "AmazonSSMManagedInstanceCore",  # shell access through SSM Session Manager instead of SSH
)
"""Managed policies of the node role. Image pulls are granted by `Registry` (pull only)."""


@dataclass(frozen=True)
class NodeRoleArgs:
    """Inputs of `NodeRole`."""

    account: Account
    cluster_name: str


class NodeRole(pulumi.ComponentResource):
    """The nodes' instance role; EKS creates its access entry (EC2_LINUX) with the node groups."""

    arn: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: NodeRoleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:NodeRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": f"ec2.{args.account.dns_suffix}"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.Role(
            f"{name}-role",
            assume_role_policy=json.dumps(trust, sort_keys=True),
            description=f"Nodes of EKS cluster {args.cluster_name}",
            opts=child,
        )
        self.attachments: list[pulumi.Resource] = [
            iam.RolePolicyAttachment(
                f"{name}-{policy.lower().replace('_', '-')}",
                role=role.name,
                policy_arn=args.account.managed_policy(policy),
                opts=child,
            )
            for policy in NODE_POLICIES
        ]
        self.arn = role.arn
        self.role_name = role.name
        self.register_outputs({"arn": self.arn, "role_name": self.role_name})
