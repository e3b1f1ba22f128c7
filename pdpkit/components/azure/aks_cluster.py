"""`AksCluster`: a private-by-default AKS cluster with Cilium, workload identity and Entra RBAC."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import authorization, containerservice, managedidentity, monitor

from pdpkit.components.azure.builtin_roles import BuiltinRole, assignment_name, role_definition_id
from pdpkit.components.azure.diagnostics import LogRouting, diagnostic_setting
from pdpkit.components.azure.maintenance import (
    AksMaintenance,
    AksMaintenanceArgs,
    MaintenanceWindow,
)
from pdpkit.components.azure.node_pool import AksNodePool, AksNodePoolArgs, NodePool
from pdpkit.components.azure.private_dns_zone import PrivateDnsZone, PrivateDnsZoneArgs

CONTROL_PLANE_LOGS = (
    "kube-apiserver",
    "kube-audit-admin",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
    "cloud-controller-manager",
    "guard",
    "csi-azuredisk-controller",
    "csi-azurefile-controller",
    "csi-snapshot-controller",
)
"""Control-plane log categories (``kube-audit-admin``: audit without get/list noise)."""
MONITORING_ADDON = "omsagent"
"""AKS's Container insights add-on (Azure Monitor Agent, ``ama-logs``). Ships container logs
with the add-on's managed identity (``useAADAuth``): the workload-identity-compatible path.
Fluent Bit cannot on AKS: its ``azure_logs_ingestion`` output needs a client secret
(`fluent_bit_outputs`). Config keys as in microsoft/Docker-Provider
scripts/onboarding/aks/onboarding-msi-bicep/existingClusterOnboarding.bicep@b67e13a."""
CONTAINER_INSIGHTS_ASSOCIATION = "ContainerInsightsExtension"
"""Name of the rule association (same template)."""


@dataclass(frozen=True)
class EtcdEncryption:
    """KMS encryption of Kubernetes secrets with a Key Vault key (private vault mode)."""

    key_id: pulumi.Input[str]
    """Versioned key URI."""
    vault_id: pulumi.Input[str]


@dataclass(frozen=True)
class AksClusterArgs:
    """Inputs of `AksCluster`."""

    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: str
    tenant_id: str
    kubernetes_version: str
    node_pools: tuple[NodePool, ...]
    """The first system pool is inline (AKS needs one at creation); every other pool is an
    `AgentPool`."""
    vnet_id: pulumi.Input[str]
    nodes_subnet_id: pulumi.Input[str]
    pod_cidr: str
    service_cidr: str
    routing: LogRouting
    maintenance: MaintenanceWindow
    private_api: bool = True
    """No public API endpoint; the API resolves through a private DNS zone linked to the VNet."""
    authorized_ranges: tuple[str, ...] = ()
    """With a public endpoint: the only ranges allowed to reach it."""
    api_server_subnet_id: pulumi.Input[str] | None = None
    """API server VNet integration: the API server gets addresses in this delegated subnet."""
    admin_group_object_ids: tuple[str, ...] = ()
    """Entra groups with cluster-admin."""
    upgrade_channel: str = "patch"
    """AKS auto-upgrade channel: none, patch, stable, rapid."""
    node_os_upgrade_channel: str = "NodeImage"
    etcd_encryption: EtcdEncryption | None = None
    container_insights_rule_id: pulumi.Input[str] | None = None
    """Container insights: the AKS monitoring add-on collects per this data collection rule
    into the routing workspace; left out: no add-on (no container logs shipped)."""
    production: bool = False
    """Protect and retain the cluster; Standard tier (financially backed SLA)."""
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not any(p.system for p in self.node_pools):
            raise ValueError("AKS needs a system node pool; mark one pool `system: true`")
        if not self.private_api and not self.authorized_ranges:
            raise ValueError("a public API endpoint needs authorized_ranges")
        if self.maintenance.duration_hours < 4:
            raise ValueError("an AKS maintenance window lasts at least 4 hours")


class AksCluster(pulumi.ComponentResource):
    """An AKS cluster hardened the way the AKS baseline recommends.

    Azure CNI overlay with the Cilium dataplane and Cilium network policy; OIDC issuer and
    workload identity; Entra ID with Azure RBAC and local accounts disabled (no static
    kubeconfig); a user-assigned control-plane identity (KMS and BYO VNet need it before the
    cluster exists) holding Network Contributor on the VNet; auto-upgrade and node OS upgrade
    channels bound to one maintenance window; control-plane logs to the workspace.
    """

    cluster_name: pulumi.Output[str]
    cluster_id: pulumi.Output[str]
    oidc_issuer_url: pulumi.Output[str]
    kubelet_object_id: pulumi.Output[str]
    kubelet_client_id: pulumi.Output[str]
    node_pools: tuple[pulumi.Resource, ...]

    def __init__(
        self, name: str, args: AksClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:AksCluster", name, None, opts)
        self._name, self._args = name, args
        identity = managedidentity.UserAssignedIdentity(
            f"{name}-control-plane",
            resource_name_=f"{name}-control-plane",
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        grants = [self._grant(identity, "network", BuiltinRole.NETWORK_CONTRIBUTOR, args.vnet_id)]
        private_zone_id: pulumi.Input[str] | None = None
        if args.private_api:
            zone = PrivateDnsZone(
                f"{name}-api",
                PrivateDnsZoneArgs(
                    f"privatelink.{args.location}.azmk8s.io",
                    args.resource_group_name,
                    args.vnet_id,
                    args.tags,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            private_zone_id = zone.zone_id
            grants.append(
                self._grant(identity, "dns", BuiltinRole.PRIVATE_DNS_ZONE_CONTRIBUTOR, zone.zone_id)
            )
        kms = args.etcd_encryption
        if kms is not None:
            grants.append(
                self._grant(identity, "kms", BuiltinRole.KEY_VAULT_CRYPTO_USER, kms.vault_id)
            )
            # a private key vault: AKS creates its own private link to it
            grants.append(
                self._grant(identity, "kms-link", BuiltinRole.KEY_VAULT_CONTRIBUTOR, kms.vault_id)
            )
        system_pool = next(p for p in args.node_pools if p.system)
        service_network = ipaddress.ip_network(args.service_cidr)
        cluster = containerservice.ManagedCluster(
            f"{name}-cluster",
            resource_name_=f"{name}-cluster",
            resource_group_name=args.resource_group_name,
            location=args.location,
            dns_prefix=name,
            kubernetes_version=args.kubernetes_version,
            sku=containerservice.ManagedClusterSKUArgs(
                name="Base", tier="Standard" if args.production else "Free"
            ),
            identity=containerservice.ManagedClusterIdentityArgs(
                type="UserAssigned", user_assigned_identities=[identity.id]
            ),
            node_resource_group=f"{name}-nodes",
            node_resource_group_profile=containerservice.ManagedClusterNodeResourceGroupProfileArgs(
                restriction_level="ReadOnly"
            ),
            agent_pool_profiles=[
                containerservice.ManagedClusterAgentPoolProfileArgs(
                    name=system_pool.name,
                    **system_pool.profile(args.nodes_subnet_id, args.kubernetes_version),
                )
            ],
            enable_rbac=True,
            disable_local_accounts=True,
            aad_profile=containerservice.ManagedClusterAADProfileArgs(
                managed=True,
                enable_azure_rbac=True,
                tenant_id=args.tenant_id,
                admin_group_object_ids=list(args.admin_group_object_ids),
            ),
            api_server_access_profile=containerservice.ManagedClusterAPIServerAccessProfileArgs(
                enable_private_cluster=args.private_api,
                enable_private_cluster_public_fqdn=False if args.private_api else None,
                private_dns_zone=private_zone_id,
                authorized_ip_ranges=None if args.private_api else list(args.authorized_ranges),
                enable_vnet_integration=args.api_server_subnet_id is not None or None,
                subnet_id=args.api_server_subnet_id,
            ),
            network_profile=containerservice.ContainerServiceNetworkProfileArgs(
                network_plugin="azure",
                network_plugin_mode="overlay",
                network_dataplane="cilium",
                network_policy="cilium",
                pod_cidr=args.pod_cidr,
                service_cidr=args.service_cidr,
                dns_service_ip=str(service_network.network_address + 10),
                load_balancer_sku="standard",
                outbound_type="loadBalancer",
            ),
            oidc_issuer_profile=containerservice.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
            security_profile=containerservice.ManagedClusterSecurityProfileArgs(
                workload_identity=containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs(
                    enabled=True
                ),
                image_cleaner=containerservice.ManagedClusterSecurityProfileImageCleanerArgs(
                    enabled=True, interval_hours=168
                ),
                azure_key_vault_kms=(
                    containerservice.AzureKeyVaultKmsArgs(
                        enabled=True,
                        key_id=kms.key_id,
                        key_vault_network_access="Private",
                        key_vault_resource_id=kms.vault_id,
                    )
                    if kms is not None
                    else None
                ),
            ),
            auto_upgrade_profile=containerservice.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel=args.upgrade_channel,
                node_os_upgrade_channel=args.node_os_upgrade_channel,
            ),
            addon_profiles={
                "azurepolicy": containerservice.ManagedClusterAddonProfileArgs(enabled=True),
                **self._monitoring_addon(),
            },
            support_plan="KubernetesOfficial",
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=grants,
                protect=args.production,
                retain_on_delete=args.production,
                # the autoscaler owns the node count
                ignore_changes=["agentPoolProfiles[0].count"],
            ),
        )
        pools: list[pulumi.Resource] = [cluster]
        for pool in args.node_pools:
            if pool is system_pool:
                continue
            pools.append(
                AksNodePool(
                    f"{name}-{pool.name}",
                    AksNodePoolArgs(
                        pool=pool,
                        cluster_name=cluster.name,
                        resource_group_name=args.resource_group_name,
                        subnet_id=args.nodes_subnet_id,
                        kubernetes_version=args.kubernetes_version,
                        tags=args.tags,
                    ),
                    opts=pulumi.ResourceOptions(parent=self),
                ).agent_pool
            )
        AksMaintenance(
            f"{name}-maintenance",
            AksMaintenanceArgs(args.maintenance, cluster.name, args.resource_group_name),
            opts=pulumi.ResourceOptions(parent=self),
        )
        diagnostic_setting(
            f"{name}-cluster-diagnostics", cluster.id, args.routing, CONTROL_PLANE_LOGS, parent=self
        )
        if args.container_insights_rule_id is not None:
            # the association is what makes the add-on collect; its name is the one the
            # add-on looks for (Docker-Provider onboarding-msi-bicep template, associationName)
            monitor.DataCollectionRuleAssociation(
                f"{name}-container-insights",
                association_name=CONTAINER_INSIGHTS_ASSOCIATION,
                resource_uri=cluster.id,
                data_collection_rule_id=args.container_insights_rule_id,
                description="Container insights of this cluster (container logs, events)",
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.cluster_name = cluster.name
        self.cluster_id = cluster.id
        self.oidc_issuer_url = cluster.oidc_issuer_profile.apply(lambda p: p.issuer_url)
        kubelet = cluster.identity_profile.apply(lambda p: p["kubeletidentity"])
        self.kubelet_object_id = kubelet.apply(lambda k: k.object_id)
        self.kubelet_client_id = kubelet.apply(lambda k: k.client_id)
        self.node_pools = tuple(pools)
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "cluster_id": self.cluster_id,
                "oidc_issuer_url": self.oidc_issuer_url,
                "kubelet_object_id": self.kubelet_object_id,
                "kubelet_client_id": self.kubelet_client_id,
                "node_pools": [p.urn for p in self.node_pools],
            }
        )

    def _monitoring_addon(self) -> dict[str, containerservice.ManagedClusterAddonProfileArgs]:
        """The ``omsagent`` add-on (ama-logs in kube-system, run and updated by AKS), with managed
        identity authentication: no key or secret exists anywhere."""
        if self._args.container_insights_rule_id is None:
            return {}
        return {
            MONITORING_ADDON: containerservice.ManagedClusterAddonProfileArgs(
                enabled=True,
                config={
                    "logAnalyticsWorkspaceResourceID": self._args.routing.workspace_id,
                    "useAADAuth": "true",
                },
            )
        }

    def _grant(
        self,
        identity: managedidentity.UserAssignedIdentity,
        label: str,
        role: BuiltinRole,
        scope: pulumi.Input[str],
    ) -> authorization.RoleAssignment:
        return authorization.RoleAssignment(
            f"{self._name}-control-plane-{label}",
            role_assignment_name=assignment_name(self._name, "control-plane", label),
            scope=scope,
            role_definition_id=role_definition_id(self._args.subscription_id, role),
            principal_id=identity.principal_id,
            principal_type="ServicePrincipal",
            opts=pulumi.ResourceOptions(parent=self),
        )
