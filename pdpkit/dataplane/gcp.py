"""The GCP data plane: VPC, private GKE (Dataplane V2), Artifact Registry, Secret Manager, logs.

`provision` declares the Google Cloud resources and what the shared system layer needs;
`build` adds the system layer and returns the `DataPlane` contract. Only this module and
`pdpkit.components.gcp` import `pulumi_gcp`. Documented in docs/targets/gcp.md.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi_gcp import organizations

from pdpkit.components.gcp import names
from pdpkit.components.gcp.artifact_registry import ArtifactRegistry, ArtifactRegistryArgs
from pdpkit.components.gcp.cloud_dns_solver import CloudDnsSolver
from pdpkit.components.gcp.gke_cluster import GkeCluster, GkeClusterArgs
from pdpkit.components.gcp.gke_node_pool import GkeNodePool, GkeNodePoolArgs, NodeTaint
from pdpkit.components.gcp.kms_keys import KmsKeys
from pdpkit.components.gcp.log_storage import LogStorage, LogStorageArgs
from pdpkit.components.gcp.maintenance_window import MaintenanceWindow
from pdpkit.components.gcp.network import Network, NetworkArgs
from pdpkit.components.gcp.node_service_account import NodeServiceAccount, NodeServiceAccountArgs
from pdpkit.components.gcp.secret_manager_access import (
    SecretManagerAccess,
    SecretManagerAccessArgs,
)
from pdpkit.components.gcp.workload_service_account import (
    WorkloadServiceAccount,
)
from pdpkit.components.k8s import external_secrets
from pdpkit.dataplane.contract import DataPlane, ObservabilityStorage
from pdpkit.dataplane.gcp_keys import customer_managed_keys
from pdpkit.dataplane.gcp_observability import observability_storage
from pdpkit.dataplane.gcp_system import (
    dns01_solver,
    gcp_section,
    log_writer_account,
    system_layer_args,
)
from pdpkit.dataplane.system_args import SystemLayerArgs
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import Target
from pdpkit.spec.targets import GcpSpec

RELEASE_CHANNELS = {
    "none": "UNSPECIFIED",
    "patch": "STABLE",
    "stable": "STABLE",
    "regular": "REGULAR",
    "rapid": "RAPID",
}
"""spec.cluster.upgradeChannel -> GKE release channel. ``patch`` (upgrade patches, change
minors late) is closest to STABLE; ``none`` leaves the cluster off channels (not advised)."""
DEFAULT_MACHINE_TYPE = "e2-standard-4"
"""Machine type of a pool whose vmSize is the generic ``standard``."""
SYSTEM_TAINT = NodeTaint(key="CriticalAddonsOnly", value="true", effect="NoSchedule")
"""Taint of a `system: true` pool (GKE's own add-ons tolerate it)."""


@dataclass(frozen=True)
class GcpInfrastructure:
    """Everything `provision` declared, for `build` and for tests."""

    network: Network
    keys: KmsKeys | None
    nodes: NodeServiceAccount
    cluster: GkeCluster
    node_pools: tuple[GkeNodePool, ...]
    registry: ArtifactRegistry
    secrets: SecretManagerAccess
    logs: LogStorage
    log_writer: WorkloadServiceAccount
    dns_solver: CloudDnsSolver | None
    provider: k8s.Provider
    system_args: SystemLayerArgs
    zones: tuple[str, ...]
    secret_prefix: str
    observability: ObservabilityStorage | None = None
    """The observability stores' buckets and service account; None when observability is off."""


def build(spec: DataPlaneSpec) -> DataPlane:
    """Provision the GCP data plane of `spec` and the shared system layer on top."""
    from pdpkit.dataplane.system import SystemLayer

    infra = provision(spec)
    system = SystemLayer(f"{spec.name}-system", infra.system_args)
    return DataPlane(
        name=spec.name,
        target=Target.GCP,
        kubernetes=infra.provider,
        secret_store=system.secret_store_name,
        secret_prefix=infra.secret_prefix,
        external_gateway=system.external_gateway,
        internal_gateway=system.internal_gateway,
        registry=infra.registry.host,
        zones=infra.zones,
        ready=system.ready,
        flux_ready=system.flux_ready,
        api_server_cidrs=system.api_server_cidrs,
        api_server_entity=system.api_server_entity,
        observability_storage=infra.observability,
    )


def provision(spec: DataPlaneSpec) -> GcpInfrastructure:
    """Declare the Google Cloud resources of `spec` (never calls a cloud API by itself)."""
    gcp = gcp_section(spec)
    project, region, name = gcp.project, spec.region, spec.name
    labels = names.labels(spec.tags, spec.name)
    production = spec.production
    number = _project_number(gcp)
    zones = tuple(z for z in spec.network.availability_zones if z.startswith(f"{region}-"))
    node_tag = f"{name}-node"

    network = Network(
        name,
        NetworkArgs(
            project=project,
            region=region,
            nodes_cidr=nodes_cidr(spec),
            pod_cidr=spec.network.pod_cidr,
            service_cidr=spec.network.service_cidr,
            master_cidr=gcp.master_ipv4_cidr,
            node_tag=node_tag,
        ),
    )
    nodes = NodeServiceAccount(
        f"{name}-nodes",
        NodeServiceAccountArgs(project=project, account_id=names.account_id(name, "nodes")),
    )

    keys = customer_managed_keys(spec, number, labels)
    key_ids = keys.key_ids if keys else {}
    grants = keys.grants if keys else ()

    cluster = GkeCluster(
        name,
        GkeClusterArgs(
            project=project,
            region=region,
            cluster_name=name,
            network=network.network_id,
            subnetwork=network.subnet_id,
            pods_range_name=network.pods_range_name,
            services_range_name=network.services_range_name,
            node_zones=zones,
            master_cidr=gcp.master_ipv4_cidr,
            private_endpoint=spec.cluster.private_api_endpoint,
            authorized_ranges=_authorized_ranges(spec),
            kubernetes_version=spec.cluster.kubernetes_version,
            release_channel=RELEASE_CHANNELS[spec.cluster.upgrade_channel],
            maintenance=MaintenanceWindow.from_weekly(spec.cluster.maintenance_window),
            node_service_account=nodes.email,
            node_tag=node_tag,
            secrets_key=key_ids.get("gke-secrets"),
            deletion_protection=production,
            protect=production,
            labels=labels,
            depends_on=grants,
        ),
    )
    pools = tuple(
        GkeNodePool(
            f"{name}-{pool.name}",
            GkeNodePoolArgs(
                project=project,
                region=region,
                cluster=cluster.cluster_id,
                pool_name=pool.name,
                machine_type=DEFAULT_MACHINE_TYPE if pool.vm_size == "standard" else pool.vm_size,
                min_count=pool.min_count,
                max_count=pool.max_count,
                zones=pool.zones or zones,
                service_account=nodes.email,
                node_tag=node_tag,
                labels={**pool.labels, "pdpkit.io/pool": pool.name},
                taints=tuple(NodeTaint(t.key, t.value, t.effect) for t in pool.taints)
                + ((SYSTEM_TAINT,) if pool.system else ()),
                resource_labels=labels,
            ),
        )
        for pool in spec.cluster.node_pools
    )
    registry = ArtifactRegistry(
        f"{name}-registry",
        ArtifactRegistryArgs(
            project=project,
            region=region,
            repository_id=spec.registry.name or name,
            readers=(nodes.member,),
            untagged_retention_days=spec.registry.retention_days,
            kms_key=key_ids.get("registry"),
            protect=production,
            labels=labels,
            depends_on=grants,
        ),
    )
    prefix = spec.secret_store.secret_prefix  # a valid Secret Manager id start (spec checks)
    secrets = SecretManagerAccess(
        f"{name}-secrets",
        SecretManagerAccessArgs(
            project=project,
            project_number=number,
            account_id=names.account_id(name, "eso"),
            secret_prefix=prefix,
            workload_pool=cluster.workload_pool,
            namespace=external_secrets.NAMESPACE,
            service_account=external_secrets.SERVICE_ACCOUNT,
            cluster_name=cluster.cluster_name,
            cluster_location=region,
        ),
    )
    logs = LogStorage(
        f"{name}-logs",
        LogStorageArgs(
            project=project,
            region=region,
            cluster_name=name,
            log_bucket_id=f"{name}-logs",
            retention_days=spec.log_storage.retention_days,
            archive_bucket=names.archive_bucket_name(project, name)
            if spec.log_storage.archive
            else None,
            archive_retention_days=spec.log_storage.archive_retention_days,
            archive_kms_key=key_ids.get("log-archive"),
            protect=production,
            labels=labels,
            depends_on=grants,
        ),
    )
    observability = observability_storage(
        spec,
        workload_pool=cluster.workload_pool,
        kms_key=key_ids.get("observability"),
        labels=labels,
        depends_on=grants,
    )
    log_writer = log_writer_account(spec, cluster.workload_pool)
    dns_solver = dns01_solver(spec, cluster.workload_pool)
    provider = k8s.Provider(
        f"{name}-k8s",
        kubeconfig=cluster.kubeconfig,
        opts=pulumi.ResourceOptions(depends_on=[p.node_pool for p in pools]),
    )
    system_args = system_layer_args(
        spec,
        kubernetes=provider,
        secrets=secrets,
        log_writer=log_writer,
        registry_host=registry.host,
        dns_solver=dns_solver,
        depends_on=tuple(p.node_pool for p in pools),
    )
    return GcpInfrastructure(
        network,
        keys,
        nodes,
        cluster,
        pools,
        registry,
        secrets,
        logs,
        log_writer,
        dns_solver,
        provider,
        system_args,
        zones,
        prefix,
        observability,
    )


def _project_number(gcp: GcpSpec) -> pulumi.Output[str]:
    """The spec's project number, else an ``organizations.getProject`` invoke (one read at
    run time; the offline plan answers it from pdpkit/plan/fakes/gcp.py)."""
    if gcp.project_number is not None:
        return pulumi.Output.from_input(gcp.project_number)
    result: Any = organizations.get_project_output(project_id=gcp.project)
    number: pulumi.Output[str] = result.number
    return number


def _authorized_ranges(spec: DataPlaneSpec) -> tuple[str, ...]:
    """Who may reach the API: the spec's ranges, plus the nodes' subnet when the endpoint is
    private (so jobs inside the VPC reach it)."""
    ranges = list(spec.cluster.authorized_ranges)
    if spec.cluster.private_api_endpoint:
        ranges.append(nodes_cidr(spec))
    return tuple(dict.fromkeys(ranges))


def nodes_cidr(spec: DataPlaneSpec) -> str:
    """The nodes subnet: the one named ``nodes``, else the first, else the first /20 of the
    address space (the whole space when it is smaller)."""
    subnets = {s.name: s.cidr for s in spec.network.subnets}
    if subnets:
        return subnets.get("nodes") or spec.network.subnets[0].cidr
    space = ipaddress.ip_network(spec.network.address_space)
    return str(next(space.subnets(new_prefix=20))) if space.prefixlen < 20 else str(space)
