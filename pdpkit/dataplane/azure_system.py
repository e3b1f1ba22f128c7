"""What the Azure target hands the shared system layer: AKS's own Cilium, the Key Vault
secret store through workload identity, no log agent (AKS's Container insights add-on ships
container logs with its managed identity: `AksCluster`) and the internal load balancer
annotation."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.azure.builtin_roles import BuiltinRole
from pdpkit.components.azure.federated_identity import (
    FederatedIdentity,
    FederatedIdentityArgs,
    RoleGrant,
)
from pdpkit.components.k8s import cert_manager, external_secrets
from pdpkit.dataplane.azure_layout import api_server_cidrs, azure_section
from pdpkit.dataplane.system_args import SystemLayerArgs, WorkloadIdentity
from pdpkit.spec.dataplane import DataPlaneSpec

INTERNAL_LB = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
"""A private frontend IP in the VNet. The external gateway needs no annotation: AKS's
cloud-provider-azure turns its loadBalancerSourceRanges into allow rules of the cluster's NSG
for the load balancer's IP, and drops the allow-from-Internet rule once the ranges are not
open (kubernetes-sigs/cloud-provider-azure v1.35.8 pkg/provider/loadbalancer/accesscontrol.go:
134-151 IsAllowFromInternet, 198-210 PatchSecurityGroup). Traffic from inside the VNet stays
allowed by the NSG's default rule unless the Service also carries
``azure-deny-all-except-load-balancer-source-ranges`` (:156-162, pkg/consts/consts.go:288-290);
pdpkit does not set it: a VNet client reaches the public IP through SNAT as a public address."""


def system_layer_args(
    spec: DataPlaneSpec,
    *,
    kubernetes: k8s.Provider,
    vault_uri: pulumi.Input[str],
    eso_client_id: pulumi.Input[str],
    registry_host: pulumi.Input[str],
    depends_on: tuple[pulumi.Resource, ...],
    dns01_client_id: pulumi.Input[str] | None = None,
) -> SystemLayerArgs:
    """The system layer's inputs on AKS (DNS-01 when cert-manager has an identity for the zone)."""
    azure = azure_section(spec)
    return SystemLayerArgs(
        spec=spec,
        provider=kubernetes,
        install_cilium=False,  # AKS runs Cilium itself (networkDataplane: cilium)
        secret_store_provider=key_vault_store(vault_uri, azure.tenant_id),
        secret_store_identity=workload_identity(eso_client_id, azure.tenant_id),
        # Fluent Bit's azure_logs_ingestion needs a client secret (no managed or workload
        # identity in any release: fluent_bit_outputs.py); the cloud ships the logs instead
        log_destination=None,
        registry=registry_host,
        api_server_cidrs=api_server_cidrs(spec),
        internal_load_balancer_annotations=dict(INTERNAL_LB),
        depends_on=depends_on,
        acme_dns01_solver=None
        if dns01_client_id is None
        else azure_dns_solver(spec, dns01_client_id),
        cert_manager_identity=WorkloadIdentity()
        if dns01_client_id is None
        else workload_identity(dns01_client_id, azure.tenant_id),
    )


def workload_identity(client_id: pulumi.Input[str], tenant_id: str) -> WorkloadIdentity:
    """Azure workload identity for a service account: annotations plus the pod label."""
    return WorkloadIdentity(
        service_account_annotations=pulumi.Output.from_input(client_id).apply(
            lambda cid: {
                "azure.workload.identity/client-id": cid,
                "azure.workload.identity/tenant-id": tenant_id,
            }
        ),
        pod_labels={"azure.workload.identity/use": "true"},
    )


def azure_dns_solver(spec: DataPlaneSpec, client_id: pulumi.Input[str]) -> dict[str, Any]:
    """cert-manager's ``azureDNS`` DNS-01 solver, authenticating through workload identity."""
    azure = azure_section(spec)
    return {
        "azureDNS": {
            "subscriptionID": azure.subscription_id,
            "resourceGroupName": azure.dns_zone_resource_group,
            "hostedZoneName": spec.gateways.dns_zone,
            "environment": "AzurePublicCloud",
            "managedIdentity": {"clientID": client_id},
        }
    }


def key_vault_store(vault_uri: pulumi.Input[str], tenant_id: str) -> pulumi.Output[dict[str, Any]]:
    """The `ClusterSecretStore` provider block: Azure Key Vault through workload identity."""
    return pulumi.Output.from_input(vault_uri).apply(
        lambda uri: {
            "azurekv": {
                "authType": "WorkloadIdentity",
                "vaultUrl": uri,
                "tenantId": tenant_id,
                "serviceAccountRef": {
                    "name": external_secrets.SERVICE_ACCOUNT,
                    "namespace": external_secrets.NAMESPACE,
                },
            }
        }
    )


def cert_manager_identity(
    name: str,
    spec: DataPlaneSpec,
    *,
    group: pulumi.Input[str],
    issuer_url: pulumi.Input[str],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> FederatedIdentity | None:
    """cert-manager's identity for ACME DNS-01 in the Azure DNS zone, when the stack names it.

    It may write records in that one zone only (DNS Zone Contributor scoped to the zone).
    """
    azure = azure_section(spec)
    if azure.dns_zone_resource_group is None or not spec.gateways.tls_issuer.startswith(
        "letsencrypt"
    ):
        return None
    zone_id = (
        f"/subscriptions/{azure.subscription_id}/resourceGroups/{azure.dns_zone_resource_group}"
        f"/providers/Microsoft.Network/dnszones/{spec.gateways.dns_zone}"
    )
    return FederatedIdentity(
        f"{name}-cert-manager",
        FederatedIdentityArgs(
            resource_group_name=group,
            location=spec.region,
            subscription_id=azure.subscription_id,
            issuer_url=issuer_url,
            namespace=cert_manager.NAMESPACE,
            service_account=cert_manager.SERVICE_ACCOUNT,
            grants=(RoleGrant(BuiltinRole.DNS_ZONE_CONTRIBUTOR, zone_id, "dns-zone"),),
            tags=tags,
        ),
        opts,
    )
