"""`GkeNodePool`: an autoscaled, shielded, auto-repaired GKE node pool."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import container

from pdpkit.components.gcp.gke_cluster import CLOUD_PLATFORM_SCOPE

TAINT_EFFECTS = {
    "NoSchedule": "NO_SCHEDULE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
}
"""Kubernetes taint effects in GKE's vocabulary."""


@dataclass(frozen=True)
class NodeTaint:
    """A Kubernetes taint on every node of the pool."""

    key: str
    value: str
    effect: str
    """Kubernetes spelling: NoSchedule, PreferNoSchedule or NoExecute."""


@dataclass(frozen=True)
class GkeNodePoolArgs:
    """Inputs of `GkeNodePool`."""

    project: str
    region: str
    cluster: pulumi.Input[str]
    """Cluster id (``projects/<p>/locations/<r>/clusters/<name>``)."""
    pool_name: str
    machine_type: str
    min_count: int
    """Autoscaler minimum, for the whole pool (all zones)."""
    max_count: int
    """Autoscaler maximum, for the whole pool (all zones)."""
    zones: tuple[str, ...]
    """Zones of the pool (at most `max_count` are used, see `pool_zones`); empty: the
    cluster's."""
    service_account: pulumi.Input[str]
    """Email of the nodes' dedicated service account."""
    node_tag: str
    labels: dict[str, str] = field(default_factory=dict)
    """Kubernetes node labels."""
    taints: tuple[NodeTaint, ...] = ()
    resource_labels: dict[str, str] = field(default_factory=dict)
    """GCP labels on the node VMs."""
    disk_size_gb: int = 100
    disk_type: str = "pd-balanced"


class GkeNodePool(pulumi.ComponentResource):
    """A node pool with total-count autoscaling (balanced over its zones), auto-repair and
    auto-upgrade (following the cluster's release channel), surge upgrades that never take
    a node away before its replacement is ready, Container-Optimized OS with containerd,
    shielded VMs (secure boot, integrity monitoring), the GKE metadata server (Workload
    Identity; the node's own credentials are hidden from pods) and legacy metadata
    endpoints off."""

    pool_name: pulumi.Output[str]
    node_pool: container.NodePool

    def __init__(
        self, name: str, args: GkeNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:GkeNodePool", name, None, opts)
        zones = pool_zones(args.zones, args.max_count)
        pool = container.NodePool(
            f"{name}-pool",
            name=args.pool_name,
            project=args.project,
            location=args.region,
            cluster=args.cluster,
            node_locations=list(zones) or None,
            initial_node_count=max(1, args.min_count // max(1, len(zones))),
            autoscaling=container.NodePoolAutoscalingArgs(
                total_min_node_count=args.min_count,
                total_max_node_count=args.max_count,
                location_policy="BALANCED",
            ),
            management=container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            upgrade_settings=container.NodePoolUpgradeSettingsArgs(
                strategy="SURGE", max_surge=1, max_unavailable=0
            ),
            node_config=container.NodePoolNodeConfigArgs(
                machine_type=args.machine_type,
                image_type="COS_CONTAINERD",
                disk_type=args.disk_type,
                disk_size_gb=args.disk_size_gb,
                service_account=args.service_account,
                oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                shielded_instance_config=container.NodePoolNodeConfigShieldedInstanceConfigArgs(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                workload_metadata_config=container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
                    mode="GKE_METADATA"
                ),
                metadata={"disable-legacy-endpoints": "true"},
                labels=args.labels,
                taints=[
                    container.NodePoolNodeConfigTaintArgs(
                        key=t.key, value=t.value, effect=TAINT_EFFECTS[t.effect]
                    )
                    for t in args.taints
                ],
                tags=[args.node_tag],
                resource_labels=args.resource_labels,
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                # The autoscaler owns the node count after creation.
                ignore_changes=["initialNodeCount"],
            ),
        )
        self.node_pool = pool
        self.pool_name = pool.name
        self.register_outputs({"pool_name": self.pool_name})


def pool_zones(zones: tuple[str, ...], max_count: int) -> tuple[str, ...]:
    """The zones a pool spans: GKE starts at least one node per zone, so a pool whose
    maximum is below its zone count spans only its first `max_count` zones (a 2-node system
    pool over 3 zones uses 2). Left empty, GKE uses the cluster's zones."""
    return zones[: max(1, max_count)]
