"""`Registry`: the data plane's ECR repository, and pull-only access for the nodes."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
from pulumi_aws import ecr, iam

from pdpkit.components.aws.arn import Account

NODE_PULL_POLICY = "AmazonEC2ContainerRegistryPullOnly"
"""Pull (and pull-through cache import) only: nodes can never push or delete images."""


@dataclass(frozen=True)
class RegistryArgs:
    """Inputs of `Registry`."""

    account: Account
    repository: str
    """Repository name (lowercase; may hold ``/``)."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key images are encrypted with."""
    retention_days: int
    """Untagged images expire this many days after their push."""
    node_role_name: pulumi.Input[str]
    """The nodes' role, granted pull only."""
    production: bool = False


def lifecycle_policy(retention_days: int) -> str:
    """Expire untagged images; tagged (released) images stay, promotion refers to their digests."""
    rule = {
        "rulePriority": 1,
        "description": f"expire untagged images after {retention_days} days",
        "selection": {
            "tagStatus": "untagged",
            "countType": "sinceImagePushed",
            "countUnit": "days",
            "countNumber": retention_days,
        },
        "action": {"type": "expire"},
    }
    return json.dumps({"rules": [rule]}, sort_keys=True)


class Registry(pulumi.ComponentResource):
    """An ECR repository: scan on push, immutable tags, KMS encryption, lifecycle policy."""

    repository_url: pulumi.Output[str]
    registry_host: pulumi.Output[str]
    arn: pulumi.Output[str]
    node_pull: pulumi.Resource
    """The node role's pull policy attachment: node groups wait for it (kubelet pulls
    system images from ECR as soon as a node joins)."""

    def __init__(
        self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:Registry", name, None, opts)
        repository = ecr.Repository(
            f"{name}-repository",
            name=args.repository,
            image_tag_mutability="IMMUTABLE",  # a tag always means the same digest
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.kms_key_arn}],
            force_delete=False,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.production, retain_on_delete=args.production
            ),
        )
        ecr.LifecyclePolicy(
            f"{name}-lifecycle",
            repository=repository.name,
            policy=lifecycle_policy(args.retention_days),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.node_pull = iam.RolePolicyAttachment(
            f"{name}-node-pull",
            role=args.node_role_name,
            policy_arn=args.account.managed_policy(NODE_PULL_POLICY),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.repository_url = repository.repository_url
        self.registry_host = repository.repository_url.apply(lambda url: url.split("/", 1)[0])
        self.arn = repository.arn
        self.register_outputs(
            {
                "repository_url": self.repository_url,
                "registry_host": self.registry_host,
                "arn": self.arn,
            }
        )
