"""`GkeCluster`: a private, VPC-native GKE cluster with Dataplane V2 and Workload Identity."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import container

from pdpkit.components.gcp.maintenance_window import MaintenanceWindow

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
REPLACEMENT_FORCING = (
    "datapathProvider",
    "networkingMode",
    "network",
    "subnetwork",
    "location",
    "ipAllocationPolicy",
    "privateClusterConfig.enablePrivateNodes",
    "privateClusterConfig.masterIpv4CidrBlock",
)
"""Inputs GKE cannot change in place: the provider replaces the cluster (and every workload
on it) when one changes (terraform-google-kubernetes-engine #1446: Dataplane V2 is chosen
at creation only). They are declared `replace_on_changes` so a preview says "replace" in
plain sight, and production clusters are also protected and deletion-protected, so such
a change fails instead of destroying the cluster. See docs/targets/gcp.md."""


SECURITY_POSTURE_MODE = "BASIC"
"""Workload configuration auditing (the standard tier of Kubernetes security posture), still
offered on Standard clusters (cloud.google.com/kubernetes-engine/docs/how-to/
protect-workload-configuration)."""
VULNERABILITY_MODE = "VULNERABILITY_DISABLED"
"""Workload vulnerability scanning off. Its standard tier (``VULNERABILITY_BASIC``) was shut down
on 2025-07-31 and cannot be enabled on GKE Standard edition clusters any more; Advanced
Vulnerability Insights (``VULNERABILITY_ENTERPRISE``) is deprecated since 2025-06-16 and needs
GKE Enterprise (cloud.google.com/kubernetes-engine/docs/deprecations/vulnerability-scanning-gkee).
pulumi_gcp 10.2.0 still lists all three values (container/_inputs.py,
ClusterSecurityPostureConfigArgs). Images are scanned on push by Artifact Registry instead
(`ArtifactRegistry`)."""
UNSUPPORTED_VULNERABILITY_MODES = frozenset({"VULNERABILITY_BASIC", "VULNERABILITY_ENTERPRISE"})
"""Values GKE Standard edition refuses (or no longer offers), per the page above."""


@dataclass(frozen=True)
class GkeClusterArgs:
    """Inputs of `GkeCluster`, in GKE's vocabulary."""

    project: str
    region: str
    """A regional cluster: the control plane is replicated over the region's zones."""
    cluster_name: str
    network: pulumi.Input[str]
    subnetwork: pulumi.Input[str]
    pods_range_name: pulumi.Input[str]
    services_range_name: pulumi.Input[str]
    node_zones: tuple[str, ...]
    master_cidr: str
    """The control plane's /28 (private nodes reach it there)."""
    private_endpoint: bool
    """No public endpoint at all: the API is reached from the VPC (or peered networks) only."""
    authorized_ranges: tuple[str, ...]
    """The only ranges that may reach the API (master authorized networks)."""
    kubernetes_version: str
    """Minimum control plane version (MAJOR.MINOR); the release channel upgrades from there."""
    release_channel: str
    """``UNSPECIFIED``, ``RAPID``, ``REGULAR``, ``STABLE`` or ``EXTENDED``."""
    maintenance: MaintenanceWindow
    node_service_account: pulumi.Input[str]
    """Email of the nodes' service account (used by the bootstrap pool too)."""
    node_tag: str
    secrets_key: pulumi.Input[str] | None = None
    """KMS key for application-layer secrets encryption; left out: Google-managed encryption."""
    deletion_protection: bool = True
    """GKE refuses to delete the cluster while on (set in production)."""
    protect: bool = False
    """Protect and retain the cluster in Pulumi (production)."""
    labels: dict[str, str] = field(default_factory=dict)
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist first (the KMS grant of the GKE service agent)."""


class GkeCluster(pulumi.ComponentResource):
    """A GKE Standard cluster, secure by default:

    private nodes (no public IPs; egress through Cloud NAT) and, on request, a private
    endpoint; master authorized networks always on; Dataplane V2 (``ADVANCED_DATAPATH``,
    Cilium-based: network policy enforcement is built in, so no Calico add-on and no
    Cilium install); Workload Identity (``<project>.svc.id.goog``) with node metadata
    hidden from pods; shielded nodes; no client certificate, no legacy ABAC; a release
    channel and a recurring maintenance window; Kubernetes secrets encrypted with a
    Cloud KMS key when given; control-plane and system logs to Cloud Logging (workload
    logs are shipped by the system layer's log agent). The default node pool is removed
    right after creation: node pools are separate `GkeNodePool` resources.

    The child cluster resource is named ``f"{name}-cluster"`` (policy waivers refer to it).
    """

    cluster_id: pulumi.Output[str]
    """``projects/<p>/locations/<r>/clusters/<name>``."""
    cluster_name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    ca_certificate: pulumi.Output[str]
    """Base64 PEM of the cluster CA."""
    workload_pool: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    """A kubeconfig using ``gke-gcloud-auth-plugin`` (no static credential in it)."""
    cluster: container.Cluster

    def __init__(
        self, name: str, args: GkeClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:GkeCluster", name, None, opts)
        workload_pool = f"{args.project}.svc.id.goog"
        authorized = [
            container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                cidr_block=cidr, display_name=f"authorized-{index}"
            )
            for index, cidr in enumerate(args.authorized_ranges)
        ]
        encryption = (
            container.ClusterDatabaseEncryptionArgs(state="ENCRYPTED", key_name=args.secrets_key)
            if args.secrets_key is not None
            else container.ClusterDatabaseEncryptionArgs(state="DECRYPTED")
        )
        cluster = container.Cluster(
            f"{name}-cluster",
            name=args.cluster_name,
            project=args.project,
            location=args.region,
            node_locations=list(args.node_zones) or None,
            network=args.network,
            subnetwork=args.subnetwork,
            networking_mode="VPC_NATIVE",
            ip_allocation_policy=container.ClusterIpAllocationPolicyArgs(
                cluster_secondary_range_name=args.pods_range_name,
                services_secondary_range_name=args.services_range_name,
                stack_type="IPV4",
            ),
            datapath_provider="ADVANCED_DATAPATH",
            private_cluster_config=container.ClusterPrivateClusterConfigArgs(
                enable_private_nodes=True,
                enable_private_endpoint=args.private_endpoint,
                master_ipv4_cidr_block=args.master_cidr,
                master_global_access_config=(
                    container.ClusterPrivateClusterConfigMasterGlobalAccessConfigArgs(enabled=False)
                ),
            ),
            master_authorized_networks_config=container.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=authorized, gcp_public_cidrs_access_enabled=False
            ),
            master_auth=container.ClusterMasterAuthArgs(
                client_certificate_config=container.ClusterMasterAuthClientCertificateConfigArgs(
                    issue_client_certificate=False
                )
            ),
            enable_legacy_abac=False,
            workload_identity_config=container.ClusterWorkloadIdentityConfigArgs(
                workload_pool=workload_pool
            ),
            enable_shielded_nodes=True,
            release_channel=container.ClusterReleaseChannelArgs(channel=args.release_channel),
            min_master_version=args.kubernetes_version,
            maintenance_policy=container.ClusterMaintenancePolicyArgs(
                recurring_window=container.ClusterMaintenancePolicyRecurringWindowArgs(
                    start_time=args.maintenance.start_time,
                    end_time=args.maintenance.end_time,
                    recurrence=args.maintenance.recurrence,
                )
            ),
            database_encryption=encryption,
            # GKE needs one pool at creation; it is deleted right away. Its nodes still use
            # the dedicated account and shielded VMs, never the Compute Engine default account.
            remove_default_node_pool=True,
            initial_node_count=1,
            node_config=container.ClusterNodeConfigArgs(
                service_account=args.node_service_account,
                oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                shielded_instance_config=container.ClusterNodeConfigShieldedInstanceConfigArgs(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                workload_metadata_config=container.ClusterNodeConfigWorkloadMetadataConfigArgs(
                    mode="GKE_METADATA"
                ),
                tags=[args.node_tag],
            ),
            addons_config=container.ClusterAddonsConfigArgs(
                http_load_balancing=container.ClusterAddonsConfigHttpLoadBalancingArgs(
                    disabled=False
                ),
                horizontal_pod_autoscaling=container.ClusterAddonsConfigHorizontalPodAutoscalingArgs(
                    disabled=False
                ),
                # Dataplane V2 enforces NetworkPolicy itself; the Calico add-on must stay off.
                network_policy_config=container.ClusterAddonsConfigNetworkPolicyConfigArgs(
                    disabled=True
                ),
                gce_persistent_disk_csi_driver_config=(
                    container.ClusterAddonsConfigGcePersistentDiskCsiDriverConfigArgs(enabled=True)
                ),
            ),
            logging_config=container.ClusterLoggingConfigArgs(
                enable_components=[
                    "SYSTEM_COMPONENTS",
                    "APISERVER",
                    "CONTROLLER_MANAGER",
                    "SCHEDULER",
                ]
            ),
            monitoring_config=container.ClusterMonitoringConfigArgs(
                enable_components=["SYSTEM_COMPONENTS"]
            ),
            security_posture_config=container.ClusterSecurityPostureConfigArgs(
                mode=SECURITY_POSTURE_MODE, vulnerability_mode=VULNERABILITY_MODE
            ),
            deletion_protection=args.deletion_protection,
            resource_labels=args.labels,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=list(args.depends_on),
                protect=args.protect,
                retain_on_delete=args.protect,
                replace_on_changes=list(REPLACEMENT_FORCING),
                # The bootstrap pool's settings are gone with the pool; node pools are
                # managed as their own resources.
                ignore_changes=["nodeConfig", "initialNodeCount", "nodePools"],
            ),
        )

        self.cluster = cluster
        self.cluster_id = cluster.id
        self.cluster_name = cluster.name
        self.endpoint = cluster.endpoint
        self.ca_certificate = cluster.master_auth.apply(
            lambda auth: auth.cluster_ca_certificate or ""
        )
        self.workload_pool = pulumi.Output.from_input(workload_pool)
        self.kubeconfig = pulumi.Output.all(cluster.name, self.endpoint, self.ca_certificate).apply(
            lambda parts: render_kubeconfig(parts[0], parts[1], parts[2])
        )
        self.register_outputs(
            {
                "cluster_id": self.cluster_id,
                "cluster_name": self.cluster_name,
                "endpoint": self.endpoint,
                "ca_certificate": self.ca_certificate,
                "workload_pool": self.workload_pool,
                "kubeconfig": self.kubeconfig,
            }
        )


def render_kubeconfig(cluster: str, endpoint: str, ca_certificate: str) -> str:
    """A kubeconfig for `cluster` that authenticates with ``gke-gcloud-auth-plugin``.

    JSON is valid YAML and renders deterministically. The credential is obtained at run
    time from the caller's gcloud login / ADC, so the kubeconfig carries no secret.
    """
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": cluster,
                "cluster": {
                    "server": f"https://{endpoint}",
                    "certificate-authority-data": ca_certificate,
                },
            }
        ],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": cluster}}],
        "current-context": cluster,
        "users": [
            {
                "name": cluster,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "gke-gcloud-auth-plugin",
                        "installHint": "gcloud components install gke-gcloud-auth-plugin",
                        "provideClusterInfo": True,
                        "interactiveMode": "Never",
                    }
                },
            }
        ],
    }
    return json.dumps(config, indent=2, sort_keys=True)
