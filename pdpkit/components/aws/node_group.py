"""`ManagedNodeGroup`: an EKS managed node group whose size the cluster autoscaler owns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi
from pulumi_aws import ec2, eks

DEFAULT_INSTANCE_TYPE = "m6i.large"
"""What the spec's generic ``vmSize: standard`` means on AWS."""
SYSTEM_TAINT = ("CriticalAddonsOnly", "true", "NoSchedule")
"""Keeps application pods off system pools (system add-ons tolerate it)."""
_EFFECTS = {
    "NoSchedule": "NO_SCHEDULE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
}


def ami_type(instance_type: str) -> str:
    """Amazon Linux 2023 for the instance's architecture (Graviton families end in ``g``)."""
    arm = re.match(r"^[a-z]+\d+g", instance_type) is not None
    return "AL2023_ARM_64_STANDARD" if arm else "AL2023_x86_64_STANDARD"


@dataclass(frozen=True)
class ManagedNodeGroupArgs:
    """Inputs of `ManagedNodeGroup`."""

    cluster_name: pulumi.Input[str]
    pool: str
    """Pool name (the node group's name prefix)."""
    node_role_arn: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    instance_type: str
    min_size: int
    max_size: int
    kubernetes_version: str
    system: bool = False
    """A system pool: tainted ``CriticalAddonsOnly=true:NoSchedule``."""
    labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[tuple[str, str, str], ...] = ()
    """(key, value, Kubernetes effect) triples."""
    disk_size_gb: int = 50
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What the nodes need first (the node role's policies: without them nodes cannot join)."""

    @property
    def all_taints(self) -> tuple[tuple[str, str, str], ...]:
        """The pool's taints, with the system taint added once on system pools."""
        keys = {t[0] for t in self.taints}
        extra = (SYSTEM_TAINT,) if self.system and SYSTEM_TAINT[0] not in keys else ()
        return (*self.taints, *extra)


class ManagedNodeGroup(pulumi.ComponentResource):
    """Nodes with IMDSv2 only (hop limit 1: pods use IRSA, not the instance role), encrypted
    gp3 root volumes, and rolling updates a third at a time.

    The desired size is set once and then ignored (``ignore_changes``): the cluster autoscaler
    owns it, and a ``pulumi up`` must not scale a busy pool back down.
    """

    node_group_name: pulumi.Output[str]
    launch_template_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: ManagedNodeGroupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:ManagedNodeGroup", name, None, opts)
        template = ec2.LaunchTemplate(
            f"{name}-template",
            description=f"Nodes of pool {args.pool}",
            update_default_version=True,
            metadata_options={
                "http_endpoint": "enabled",
                "http_tokens": "required",  # IMDSv2 only
                "http_put_response_hop_limit": 1,  # containers cannot reach the instance role
            },
            block_device_mappings=[
                {
                    "device_name": "/dev/xvda",
                    "ebs": {
                        "volume_size": args.disk_size_gb,
                        "volume_type": "gp3",
                        "encrypted": "true",
                        "delete_on_termination": "true",
                    },
                }
            ],
            tag_specifications=[{"resource_type": "instance", "tags": {"Name": f"{name}"}}],
            opts=pulumi.ResourceOptions(parent=self),
        )
        group = eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=args.cluster_name,
            node_group_name_prefix=f"{args.pool}-",  # replacements can be created before deletion
            node_role_arn=args.node_role_arn,
            subnet_ids=args.subnet_ids,
            version=args.kubernetes_version,
            ami_type=ami_type(args.instance_type),
            capacity_type="ON_DEMAND",
            instance_types=[args.instance_type],
            scaling_config={
                "min_size": args.min_size,
                "max_size": args.max_size,
                "desired_size": args.min_size,
            },
            update_config={"max_unavailable_percentage": 33},
            launch_template={"id": template.id, "version": template.latest_version.apply(str)},
            labels={"pdp.dev/pool": args.pool, **args.labels},
            taints=[{"key": k, "value": v, "effect": _EFFECTS[e]} for k, v, e in args.all_taints],
            opts=pulumi.ResourceOptions(
                parent=self,
                ignore_changes=["scalingConfig.desiredSize"],
                depends_on=list(args.depends_on),
            ),
        )
        self.node_group = group
        self.node_group_name = group.node_group_name
        self.launch_template_id = template.id
        self.register_outputs(
            {"node_group_name": self.node_group_name, "launch_template_id": self.launch_template_id}
        )
