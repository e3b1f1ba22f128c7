"""What the Azure target hands the shared system layer: AKS's own Cilium, the Key Vault
secret store through workload identity, Logs Ingestion for the log agent (as the kubelet
identity) and the internal load balancer annotation."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.azure.log_storage import LogStorage
from pdpkit.components.k8s import external_secrets
from pdpkit.dataplane.azure_layout import api_server_cidrs, azure_section
from pdpkit.dataplane.system_args import LogDestination, SystemLayerArgs, WorkloadIdentity
from pdpkit.spec.dataplane import DataPlaneSpec

INTERNAL_LB = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}


def system_layer_args(
    spec: DataPlaneSpec,
    *,
    kubernetes: k8s.Provider,
    vault_uri: pulumi.Input[str],
    eso_client_id: pulumi.Input[str],
    logs: LogStorage,
    kubelet_client_id: pulumi.Input[str],
    registry_host: pulumi.Input[str],
    depends_on: tuple[pulumi.Resource, ...],
) -> SystemLayerArgs:
    """The system layer's inputs on AKS."""
    azure = azure_section(spec)
    return SystemLayerArgs(
        spec=spec,
        provider=kubernetes,
        install_cilium=False,  # AKS runs Cilium itself (networkDataplane: cilium)
        secret_store_provider=key_vault_store(vault_uri, azure.tenant_id),
        secret_store_identity=WorkloadIdentity(
            service_account_annotations=pulumi.Output.all(eso_client_id).apply(
                lambda ids: {
                    "azure.workload.identity/client-id": ids[0],
                    "azure.workload.identity/tenant-id": azure.tenant_id,
                }
            ),
            pod_labels={"azure.workload.identity/use": "true"},
        ),
        log_destination=LogDestination(
            output="azure_logs_ingestion",
            parameters=pulumi.Output.all(
                logs.dce_url, logs.dcr_immutable_id, kubelet_client_id
            ).apply(
                lambda v: {
                    "auth_type": "managed_identity",
                    "client_id": v[2],
                    "tenant_id": azure.tenant_id,
                    "dce_url": v[0],
                    "dcr_id": v[1],
                    "table_name": logs.table_name,
                    "time_generated": True,
                    "time_key": "TimeGenerated",
                    "compress": True,
                }
            ),
        ),
        registry=registry_host,
        api_server_cidrs=api_server_cidrs(spec),
        internal_load_balancer_annotations=dict(INTERNAL_LB),
        depends_on=depends_on,
    )


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
