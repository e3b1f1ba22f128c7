"""The Azure target: an AKS private data plane, assembled from `pdpkit.components.azure`.

Reads the spec, derives Azure names and address plans from it (`azure_layout`), wires the
components together and hands the shared system layer its Azure bits (`azure_system`: Key
Vault secret store through workload identity, no log agent (AKS's monitoring add-on ships
container logs to the workspace), an internal load balancer annotation).
"""

from __future__ import annotations

import base64
from typing import cast

import pulumi
import pulumi_kubernetes as k8s
import yaml
from pulumi_azure_native import containerservice, provider, resources

from pdpkit.components.azure.aks_cluster import AksCluster, AksClusterArgs, EtcdEncryption
from pdpkit.components.azure.builtin_roles import BuiltinRole
from pdpkit.components.azure.diagnostics import LogRouting
from pdpkit.components.azure.federated_identity import (
    FederatedIdentity,
    FederatedIdentityArgs,
    RoleGrant,
)
from pdpkit.components.azure.key_vault import KeyVault, KeyVaultArgs
from pdpkit.components.azure.log_storage import LogStorage, LogStorageArgs
from pdpkit.components.azure.network import AzureNetwork, AzureNetworkArgs
from pdpkit.components.azure.private_endpoint import PrivateAccess
from pdpkit.components.azure.registry import ContainerRegistry, ContainerRegistryArgs
from pdpkit.components.k8s import external_secrets
from pdpkit.dataplane.azure_layout import (
    UPGRADE_CHANNELS,
    api_server_vnet_integration,
    azure_section,
    check_secret_prefix,
    maintenance_window,
    node_pools,
    registry_name,
    storage_account_name,
    subnet_plan,
)
from pdpkit.dataplane.azure_observability import observability_storage
from pdpkit.dataplane.azure_system import cert_manager_identity, system_layer_args
from pdpkit.dataplane.contract import DataPlane
from pdpkit.dataplane.system import SystemLayer
from pdpkit.spec.azure_rules import key_vault_name
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import TransparentEncryption

KUBELOGIN_LOGIN = "azurecli"
"""How `pulumi up` authenticates to the cluster: the operator's (or CI's) `az login`."""


def build(spec: DataPlaneSpec) -> DataPlane:
    """Declare the Azure data plane of `spec` and the system layer on it."""
    azure = azure_section(spec)
    check_secret_prefix(spec)
    name = spec.name
    tags = {**spec.tags, "managed-by": "pdpkit", "pdp-data-plane": name}
    keep = spec.production
    pinned = provider.Provider(
        f"{name}-azure",
        subscription_id=azure.subscription_id,
        tenant_id=azure.tenant_id,
        location=spec.region,
    )
    opts = pulumi.ResourceOptions(provider=pinned)
    group = resources.ResourceGroup(
        f"{name}-rg",
        resource_group_name=f"{name}-rg",
        location=spec.region,
        tags=tags,
        opts=pulumi.ResourceOptions(provider=pinned, protect=keep, retain_on_delete=keep),
    )
    subnets = subnet_plan(spec)
    vnet_integration = api_server_vnet_integration(spec)
    net = AzureNetwork(
        name,
        AzureNetworkArgs(
            resource_group_name=group.name,
            location=spec.region,
            address_space=spec.network.address_space,
            nodes_cidr=subnets["nodes"],
            private_endpoints_cidr=subnets["private-endpoints"],
            api_server_cidr=subnets["apiserver"] if vnet_integration else None,
            # the spec's transparent encryption, done by the VNet since AKS manages Cilium
            encrypt_traffic=spec.cilium.encryption is not TransparentEncryption.OFF,
            tags=tags,
        ),
        opts,
    )
    logs = LogStorage(
        f"{name}-logs",
        LogStorageArgs(
            resource_group_name=group.name,
            location=spec.region,
            retention_days=spec.log_storage.retention_days,
            archive_account_name=storage_account_name(spec) if spec.log_storage.archive else None,
            archive_retention_days=spec.log_storage.archive_retention_days,
            production=keep,
            tags=tags,
        ),
        opts,
    )
    routing = LogRouting(logs.workspace_id, logs.archive_storage_id)
    private = PrivateAccess(subnet_id=net.private_endpoints_subnet_id, vnet_id=net.vnet_id)
    vault = KeyVault(
        f"{name}-secrets",
        KeyVaultArgs(
            vault_name=key_vault_name(spec),
            resource_group_name=group.name,
            location=spec.region,
            tenant_id=azure.tenant_id,
            routing=routing,
            private_access=private,
            soft_delete_days=spec.secret_store.soft_delete_days,
            public_network_access=not spec.cluster.private_api_endpoint,
            kms_key=spec.cluster.secrets_encryption,
            production=keep,
            tags=tags,
        ),
        opts,
    )
    cluster = AksCluster(
        name,
        AksClusterArgs(
            resource_group_name=group.name,
            location=spec.region,
            subscription_id=azure.subscription_id,
            tenant_id=azure.tenant_id,
            kubernetes_version=spec.cluster.kubernetes_version,
            node_pools=node_pools(spec),
            vnet_id=net.vnet_id,
            nodes_subnet_id=net.nodes_subnet_id,
            # present exactly when vnet_integration (AzureNetwork created the subnet)
            api_server_subnet_id=(
                cast(pulumi.Output[str], net.api_server_subnet_id) if vnet_integration else None
            ),
            pod_cidr=spec.network.pod_cidr,
            service_cidr=spec.network.service_cidr,
            routing=routing,
            maintenance=maintenance_window(spec.cluster.maintenance_window),
            private_api=spec.cluster.private_api_endpoint,
            authorized_ranges=tuple(spec.cluster.authorized_ranges),
            admin_group_object_ids=tuple(azure.admin_group_object_ids),
            upgrade_channel=UPGRADE_CHANNELS.get(
                spec.cluster.upgrade_channel, spec.cluster.upgrade_channel
            ),
            etcd_encryption=(
                EtcdEncryption(
                    key_id=vault.kms_key_id.apply(lambda k: k or ""), vault_id=vault.vault_id
                )
                if spec.cluster.secrets_encryption
                else None
            ),
            # container logs: AKS's monitoring add-on with its managed identity (Fluent Bit's
            # Azure output needs a client secret; see components/k8s/fluent_bit_outputs.py)
            container_insights_rule_id=logs.container_insights_rule_id,
            production=keep,
            tags=tags,
        ),
        opts,
    )
    registry = ContainerRegistry(
        f"{name}-images",
        ContainerRegistryArgs(
            registry_name=registry_name(spec),
            resource_group_name=group.name,
            location=spec.region,
            subscription_id=azure.subscription_id,
            pull_principal_id=cluster.kubelet_object_id,
            routing=routing,
            public_access=spec.registry.public_access,
            private_access=private,
            retention_days=spec.registry.retention_days,
            production=keep,
            tags=tags,
        ),
        opts,
    )
    eso = FederatedIdentity(
        f"{name}-external-secrets",
        FederatedIdentityArgs(
            resource_group_name=group.name,
            location=spec.region,
            subscription_id=azure.subscription_id,
            issuer_url=cluster.oidc_issuer_url,
            namespace=external_secrets.NAMESPACE,
            service_account=external_secrets.SERVICE_ACCOUNT,
            grants=(RoleGrant(BuiltinRole.KEY_VAULT_SECRETS_USER, vault.vault_id, "vault-reader"),),
            tags=tags,
        ),
        opts,
    )
    observability = observability_storage(
        spec,
        resource_group_name=group.name,
        issuer_url=cluster.oidc_issuer_url,
        private_access=private,
        tags=tags,
        opts=opts,
    )
    dns01 = cert_manager_identity(
        name, spec, group=group.name, issuer_url=cluster.oidc_issuer_url, tags=tags, opts=opts
    )
    kubernetes = k8s.Provider(
        f"{name}-k8s",
        kubeconfig=cluster_kubeconfig(group.name, cluster, pinned),
        enable_server_side_apply=True,
    )
    system = SystemLayer(
        f"{name}-system",
        system_layer_args(
            spec,
            kubernetes=kubernetes,
            vault_uri=vault.vault_uri,
            eso_client_id=eso.client_id,
            registry_host=registry.login_server,
            depends_on=cluster.node_pools,
            dns01_client_id=None if dns01 is None else dns01.client_id,
        ),
    )
    return DataPlane(
        name=name,
        target=spec.target,
        kubernetes=kubernetes,
        secret_store=system.secret_store_name,
        secret_prefix=spec.secret_store.secret_prefix,
        external_gateway=system.external_gateway,
        internal_gateway=system.internal_gateway,
        registry=registry.login_server,
        zones=tuple(f"{spec.region}-{z}" for z in spec.network.availability_zones),
        ready=system.ready,
        flux_ready=system.flux_ready,
        api_server_cidrs=system.api_server_cidrs,
        api_server_entity=system.api_server_entity,
        observability_storage=observability,
    )


def cluster_kubeconfig(
    group: pulumi.Input[str], cluster: AksCluster, pinned: provider.Provider
) -> pulumi.Output[str]:
    """The cluster's Entra ID kubeconfig (no static credentials exist: local accounts are off).

    AKS returns an exec kubeconfig for kubelogin with interactive device-code login; it is
    switched to the Azure CLI login so `pulumi up` runs as whoever ran `az login` (an operator,
    or CI through OIDC federation).
    """
    credentials = containerservice.list_managed_cluster_user_credentials_output(
        resource_group_name=group,
        resource_name=cluster.cluster_name,
        format="exec",
        opts=pulumi.InvokeOutputOptions(provider=pinned),
    )
    return pulumi.Output.secret(
        credentials.kubeconfigs.apply(lambda configs: _azure_cli_login(configs[0].value))
    )


def _azure_cli_login(encoded: str) -> str:
    config = yaml.safe_load(base64.b64decode(encoded))
    for user in config.get("users") or []:
        exec_ = (user.get("user") or {}).get("exec")
        if not exec_:
            continue
        args = list(exec_.get("args") or [])
        if "--login" in args:
            args[args.index("--login") + 1] = KUBELOGIN_LOGIN
        else:
            args += ["--login", KUBELOGIN_LOGIN]
        exec_["args"] = args
    return str(yaml.safe_dump(config, sort_keys=False))
