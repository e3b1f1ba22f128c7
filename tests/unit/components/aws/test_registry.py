from __future__ import annotations

import json

import pytest

from pdpkit.components.aws.registry import Registry, RegistryArgs
from pdpkit.plan.recorder import Recording
from tests.unit.components.aws.recorded import ACCOUNT, KEY_ARN, one, run


def registry(production: bool = True) -> Recording:
    args = RegistryArgs(ACCOUNT, "dp", KEY_ARN, 30, "dp-node-role", production=production)
    return run(lambda: {"host": Registry("reg", args).registry_host})


def test_scan_on_push_immutable_tags_kms() -> None:
    repo = one(registry(), "aws:ecr/repository:Repository").inputs
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]
    assert repo["forceDelete"] is False


def test_untagged_images_expire_after_the_retention() -> None:
    rules = json.loads(one(registry(), "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs["policy"])[
        "rules"
    ]
    assert rules[0]["selection"] == {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 30,
    }


def test_nodes_may_only_pull() -> None:
    attachment = one(registry(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs
    assert attachment == {
        "role": "dp-node-role",
        "policyArn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
    }


def test_registry_host_is_the_account_registry() -> None:
    assert registry().outputs["host"] == "210987654321.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.mark.parametrize("production", [True, False])
def test_protected_and_retained_in_production(production: bool) -> None:
    repo = one(registry(production), "aws:ecr/repository:Repository")
    assert (repo.protect, repo.retain_on_delete) == (production, production)
