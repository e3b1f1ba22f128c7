"""`AksNodePool`: a user node pool as its own `AgentPool` resource, and the pool model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_azure_native import containerservice

CRITICAL_ADDONS_ONLY = "CriticalAddonsOnly=true:NoSchedule"


@dataclass(frozen=True)
class NodePool:
    """One AKS node pool, in AKS's vocabulary."""

    name: str
    """At most 12 lowercase letters and digits (AKS rule for Linux pools)."""
    vm_size: str
    min_count: int
    max_count: int
    zones: tuple[str, ...]
    system: bool = False
    """A system pool runs only critical add-ons (tainted CriticalAddonsOnly)."""
    labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[str, ...] = ()
    """Taints as ``key=value:Effect``."""

    def profile(self, subnet_id: pulumi.Input[str], kubernetes_version: str) -> dict[str, Any]:
        """The pool's properties, shared by the inline system profile and `AgentPool`."""
        taints = [*self.taints]
        if self.system and CRITICAL_ADDONS_ONLY not in taints:
            taints.insert(0, CRITICAL_ADDONS_ONLY)
        return {
            "mode": "System" if self.system else "User",
            "vm_size": self.vm_size,
            "os_type": "Linux",
            "os_sku": "AzureLinux",
            "type": "VirtualMachineScaleSets",
            "enable_auto_scaling": True,
            "min_count": self.min_count,
            "max_count": self.max_count,
            "count": self.min_count,
            "availability_zones": list(self.zones),
            "vnet_subnet_id": subnet_id,
            "orchestrator_version": kubernetes_version,
            "node_labels": dict(self.labels),
            "node_taints": taints,
            "enable_node_public_ip": False,
            "max_pods": 110,
            "upgrade_settings": containerservice.AgentPoolUpgradeSettingsArgs(max_surge="33%"),
        }


@dataclass(frozen=True)
class AksNodePoolArgs:
    """Inputs of `AksNodePool`."""

    pool: NodePool
    cluster_name: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    kubernetes_version: str
    tags: dict[str, str] = field(default_factory=dict)


class AksNodePool(pulumi.ComponentResource):
    """A node pool managed as a separate `AgentPool`, never inline in the cluster.

    Editing inline pools through the ManagedCluster resource makes AKS reject or recreate
    (pulumi-azure-native #579, #2719); as separate resources each pool updates on its own.
    The autoscaler owns the node count, so drift in ``count`` is ignored.
    """

    pool_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: AksNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:AksNodePool", name, None, opts)
        pool = containerservice.AgentPool(
            f"{name}-pool",
            agent_pool_name=args.pool.name,
            resource_name_=args.cluster_name,
            resource_group_name=args.resource_group_name,
            tags=args.tags,
            **args.pool.profile(args.subnet_id, args.kubernetes_version),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["count"]),
        )
        self.agent_pool = pool
        self.pool_name = pool.name
        self.register_outputs({"pool_name": self.pool_name})
