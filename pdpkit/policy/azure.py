"""Azure rules: AKS, Key Vault, Container Registry, storage, Log Analytics (azure-native v3)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, resource_rule
from pdpkit.policy.wire import (
    dig,
    is_false,
    is_true,
    items,
    open_ranges,
    retention_shortfall,
)

AKS = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
KEY_VAULT = "azure-native:keyvault:Vault"
ACR = "azure-native:containerregistry:Registry"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
LOG_WORKSPACE = "azure-native:operationalinsights:Workspace"


@resource_rule(
    "AZ-AKS-PRIVATE-API",
    MANDATORY,
    [AKS],
    "The AKS API server has no public endpoint (private cluster); a public endpoint is flagged "
    "even when restricted to authorized ranges, so that the exception is visible and justified.",
    "Set cluster.privateApiEndpoint: true (apiServerAccessProfile.enablePrivateCluster), or "
    "waive AZ-AKS-PRIVATE-API for the cluster with a justification.",
)
def aks_private_api(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    profile = dig(inputs, "apiServerAccessProfile")
    if not is_true(dig(profile, "enablePrivateCluster")):
        ranges = items(profile, "authorizedIPRanges")
        restricted = f" (restricted to {', '.join(map(str, ranges))})" if ranges else ""
        yield f"the API server endpoint is public{restricted}"


@resource_rule(
    "AZ-AKS-API-RANGES",
    MANDATORY,
    [AKS],
    "A public AKS API endpoint accepts connections only from listed CIDRs, never the internet.",
    "List cluster.authorizedRanges (apiServerAccessProfile.authorizedIPRanges), without 0.0.0.0/0.",
)
def aks_api_ranges(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    profile = dig(inputs, "apiServerAccessProfile")
    if is_true(dig(profile, "enablePrivateCluster")):
        return
    ranges = items(profile, "authorizedIPRanges")
    if not ranges:
        yield "the public API endpoint has no authorized IP ranges: reachable from anywhere"
    elif open_ := open_ranges(ranges):
        yield f"the authorized IP ranges include {', '.join(open_)}"


@resource_rule(
    "AZ-AKS-KMS",
    MANDATORY,
    [AKS],
    "Kubernetes secrets in etcd are encrypted with a customer-managed Key Vault key (KMS v2).",
    "Set cluster.secretsEncryption: true (securityProfile.azureKeyVaultKms.enabled with a keyId).",
)
def aks_kms(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    kms = dig(inputs, "securityProfile", "azureKeyVaultKms")
    if not is_true(dig(kms, "enabled")):
        yield "secrets are not encrypted with a Key Vault key (securityProfile.azureKeyVaultKms)"
    elif not dig(kms, "keyId"):
        yield "Key Vault KMS is enabled without a keyId"


@resource_rule(
    "AZ-AKS-WORKLOAD-IDENTITY",
    MANDATORY,
    [AKS],
    "Pods reach Azure with Entra workload identity (OIDC issuer + federated credentials), "
    "never with client secrets or the node's identity.",
    "Enable oidcIssuerProfile.enabled and securityProfile.workloadIdentity.enabled.",
)
def aks_workload_identity(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    if not is_true(dig(inputs, "oidcIssuerProfile", "enabled")):
        yield "the OIDC issuer is not enabled"
    if not is_true(dig(inputs, "securityProfile", "workloadIdentity", "enabled")):
        yield "workload identity is not enabled"


@resource_rule(
    "AZ-AKS-LOCAL-ACCOUNTS",
    MANDATORY,
    [AKS],
    "Local (certificate) accounts are disabled: every API access is an Entra identity, auditable "
    "and revocable.",
    "Set disableLocalAccounts: true (needs Entra integration, see AZ-AKS-ENTRA-RBAC).",
)
def aks_local_accounts(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not is_true(dig(inputs, "disableLocalAccounts")):
        yield "local accounts are enabled (disableLocalAccounts is not true)"


@resource_rule(
    "AZ-AKS-ENTRA-RBAC",
    MANDATORY,
    [AKS],
    "Cluster authorization uses Entra ID with Azure RBAC (managed AAD profile).",
    "Set aadProfile.managed: true and aadProfile.enableAzureRBAC: true, with admin groups.",
)
def aks_entra_rbac(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not is_true(dig(inputs, "aadProfile", "enableAzureRBAC")):
        yield "Azure RBAC for Kubernetes authorization is not enabled (aadProfile.enableAzureRBAC)"


@resource_rule(
    "AZ-AKS-NODE-PUBLIC-IP",
    MANDATORY,
    [AKS, AGENT_POOL],
    "Nodes have no public IP: they are reached through the API server and leave through NAT.",
    "Leave enableNodePublicIP unset or false on every agent pool.",
)
def aks_node_public_ip(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    pools = items(inputs, "agentPoolProfiles") if type_ == AKS else [inputs]
    for pool in pools:
        if is_true(dig(pool, "enableNodePublicIP")):
            name = dig(pool, "name") or dig(pool, "agentPoolName") or "?"
            yield f"node pool {name} gives its nodes public IPs"


@resource_rule(
    "AZ-AKS-NETWORK-POLICY",
    MANDATORY,
    [AKS],
    "A network policy engine enforces the namespaces' default-deny policies.",
    "Set networkProfile.networkPolicy (cilium with networkDataplane cilium, or calico/azure).",
)
def aks_network_policy(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    engine = dig(inputs, "networkProfile", "networkPolicy")
    if not engine or str(engine).lower() == "none":
        yield "no network policy engine: NetworkPolicies would not be enforced"


@resource_rule(
    "AZ-KV-PURGE-PROTECTION",
    MANDATORY,
    [KEY_VAULT],
    "The Key Vault has soft delete and purge protection: a deleted vault, key or secret can be "
    "recovered and cannot be purged before its retention ends (the KMS key lives here).",
    "Set properties.enablePurgeProtection: true (and leave enableSoftDelete on).",
)
def kv_purge_protection(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    if not is_true(dig(inputs, "properties", "enablePurgeProtection")):
        yield "purge protection is not enabled"
    if is_false(dig(inputs, "properties", "enableSoftDelete")):
        yield "soft delete is disabled"


@resource_rule(
    "AZ-KV-RBAC",
    MANDATORY,
    [KEY_VAULT],
    "Key Vault access is granted with Azure RBAC role assignments, not vault access policies.",
    "Set properties.enableRbacAuthorization: true and grant roles (Key Vault Secrets User…).",
)
def kv_rbac(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not is_true(dig(inputs, "properties", "enableRbacAuthorization")):
        yield "the vault uses access policies instead of Azure RBAC"


@resource_rule(
    "AZ-KV-NETWORK",
    ADVISORY,
    [KEY_VAULT],
    "The Key Vault is not open to every network: public access is off or defaults to Deny.",
    "Set properties.publicNetworkAccess: Disabled (private endpoint) or "
    "networkAcls.defaultAction: Deny.",
)
def kv_network(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    props = dig(inputs, "properties")
    disabled = str(dig(props, "publicNetworkAccess") or "").lower() == "disabled"
    denied = str(dig(props, "networkAcls", "defaultAction") or "").lower() == "deny"
    if not (disabled or denied):
        yield "the vault accepts connections from every network"


@resource_rule(
    "AZ-ACR-ADMIN-USER",
    MANDATORY,
    [ACR],
    "The registry's admin user (a shared static password) is disabled; pulls use the kubelet "
    "identity (AcrPull), pushes use CI identities.",
    "Set adminUserEnabled: false.",
)
def acr_admin_user(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if is_true(dig(inputs, "adminUserEnabled")):
        yield "the admin user is enabled"
    if is_true(dig(inputs, "anonymousPullEnabled")):
        yield "anonymous pull is enabled"


@resource_rule(
    "AZ-ACR-PUBLIC-ACCESS",
    MANDATORY,
    [ACR],
    "The registry is reached through a private endpoint only.",
    "Set registry.publicAccess: false (publicNetworkAccess: Disabled, Premium SKU), or waive.",
)
def acr_public_access(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if str(dig(inputs, "publicNetworkAccess") or "Enabled").lower() != "disabled":
        yield "public network access is enabled"


@resource_rule(
    "AZ-STORAGE-PUBLIC-ACCESS",
    MANDATORY,
    [STORAGE_ACCOUNT],
    "No blob in the storage account can be made public.",
    "Set allowBlobPublicAccess: false.",
)
def storage_public_access(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    if is_true(dig(inputs, "allowBlobPublicAccess")):
        yield "blobs may be made public (allowBlobPublicAccess)"


@resource_rule(
    "AZ-STORAGE-TLS",
    MANDATORY,
    [STORAGE_ACCOUNT],
    "The storage account accepts HTTPS only, with TLS 1.2 or later.",
    "Leave enableHttpsTrafficOnly on and set minimumTlsVersion: TLS1_2.",
)
def storage_tls(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if is_false(dig(inputs, "enableHttpsTrafficOnly")):
        yield "plain HTTP is accepted (enableHttpsTrafficOnly: false)"
    version = str(dig(inputs, "minimumTlsVersion") or "")
    if version not in ("TLS1_2", "TLS1_3"):
        yield f"minimumTlsVersion is {version or 'not set'}, needs TLS1_2"


@resource_rule(
    "AZ-STORAGE-SHARED-KEY",
    ADVISORY,
    [STORAGE_ACCOUNT],
    "Shared account keys (static credentials) are disabled; access is with Entra identities.",
    "Set allowSharedKeyAccess: false.",
)
def storage_shared_key(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not is_false(dig(inputs, "allowSharedKeyAccess")):
        yield "shared key access is allowed"


@resource_rule(
    "AZ-LOG-RETENTION",
    MANDATORY,
    [LOG_WORKSPACE],
    "The Log Analytics workspace keeps logs at least logStorage.retentionDays (and never fewer "
    "than the floor of 30 days).",
    "Set retentionInDays to at least the stack's logStorage.retentionDays.",
)
def log_retention(_type: str, inputs: Mapping[str, Any], ctx: PolicyContext) -> Iterator[str]:
    yield from retention_shortfall(inputs, "retentionInDays", ctx.min_log_retention_days)
