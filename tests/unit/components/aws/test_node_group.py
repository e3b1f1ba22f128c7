from __future__ import annotations

from typing import Any

import pytest

from pdpkit.components.aws.node_group import ManagedNodeGroup, ManagedNodeGroupArgs, ami_type
from tests.unit.components.aws.recorded import ignore_changes, one, run


def group(**overrides: Any) -> ManagedNodeGroupArgs:
    return ManagedNodeGroupArgs(
        **{
            "cluster_name": "dp",
            "pool": "system",
            "node_role_arn": "arn:aws:iam::210987654321:role/nodes",
            "subnet_ids": ["subnet-1", "subnet-2"],
            "instance_type": "m6i.large",
            "min_size": 2,
            "max_size": 5,
            "kubernetes_version": "1.31",
            **overrides,
        }
    )


def test_the_autoscaler_owns_the_desired_size() -> None:
    with ignore_changes() as ignored:
        recording = run(lambda: {"name": ManagedNodeGroup("sys", group()).node_group_name})
    nodes = one(recording, "aws:eks/nodeGroup:NodeGroup")
    assert nodes.inputs["scalingConfig"] == {"minSize": 2, "maxSize": 5, "desiredSize": 2}
    assert ignored["sys-nodes"] == ["scalingConfig.desiredSize"]


def test_system_pools_are_tainted_critical_addons_only() -> None:
    recording = run(lambda: {"name": ManagedNodeGroup("sys", group(system=True)).node_group_name})
    taints = one(recording, "aws:eks/nodeGroup:NodeGroup").inputs["taints"]
    assert taints == [{"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}]


def test_the_system_taint_is_not_doubled_when_the_spec_lists_it() -> None:
    args = group(system=True, taints=(("CriticalAddonsOnly", "true", "NoSchedule"),))
    assert len(args.all_taints) == 1


def test_user_pools_carry_their_labels_and_no_taint() -> None:
    recording = run(
        lambda: {
            "n": ManagedNodeGroup(
                "apps", group(pool="apps", labels={"workload": "x"})
            ).node_group_name
        }
    )
    nodes = one(recording, "aws:eks/nodeGroup:NodeGroup").inputs
    assert nodes["labels"] == {"pdp.dev/pool": "apps", "workload": "x"}
    assert not nodes.get("taints")


def test_imdsv2_only_and_encrypted_root_volumes() -> None:
    recording = run(lambda: {"n": ManagedNodeGroup("sys", group()).node_group_name})
    template = one(recording, "aws:ec2/launchTemplate:LaunchTemplate").inputs
    assert template["metadataOptions"]["httpTokens"] == "required"
    assert template["metadataOptions"]["httpPutResponseHopLimit"] == 1
    assert template["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"
    nodes = one(recording, "aws:eks/nodeGroup:NodeGroup").inputs
    assert nodes["launchTemplate"]["id"].startswith("lt-")


@pytest.mark.parametrize(
    ("instance", "ami"),
    [
        ("m6i.large", "AL2023_x86_64_STANDARD"),
        ("m7g.xlarge", "AL2023_ARM_64_STANDARD"),
        ("c6gn.large", "AL2023_ARM_64_STANDARD"),
    ],
)
def test_ami_follows_the_architecture(instance: str, ami: str) -> None:
    assert ami_type(instance) == ami
