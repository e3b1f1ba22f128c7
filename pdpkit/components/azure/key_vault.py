"""`KeyVault`: the data plane's Key Vault (RBAC, purge protection, default-deny network)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import keyvault

from pdpkit.components.azure.diagnostics import LogRouting, diagnostic_setting
from pdpkit.components.azure.private_endpoint import (
    PrivateAccess,
    PrivateEndpoint,
    PrivateEndpointArgs,
)
from pdpkit.spec.azure_rules import VAULT_NAME


@dataclass(frozen=True)
class KeyVaultArgs:
    """Inputs of `KeyVault`."""

    vault_name: str
    """Globally unique, 3-24 letters, digits and single dashes, starting with a letter."""
    resource_group_name: pulumi.Input[str]
    location: str
    tenant_id: str
    routing: LogRouting
    private_access: PrivateAccess
    """The vault is reached through a private endpoint in the data plane's VNet."""
    soft_delete_days: int = 90
    """Days a deleted vault or secret can be recovered (7-90)."""
    public_network_access: bool = True
    """Keep the public endpoint (still default-deny: only trusted Azure services pass) so
    operators can be allowed in by IP rule; off: private endpoint only."""
    kms_key: bool = False
    """Also create the key that encrypts the cluster's etcd secrets (KMS)."""
    production: bool = False
    """Protect and retain the vault and its key."""
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not VAULT_NAME.match(self.vault_name):
            raise ValueError(
                f"key vault name {self.vault_name!r} is not valid: use 3-24 letters, digits and "
                "single dashes, starting with a letter and ending with a letter or digit"
            )
        if not 7 <= self.soft_delete_days <= 90:
            raise ValueError(f"soft_delete_days {self.soft_delete_days} must be within 7-90")


class KeyVault(pulumi.ComponentResource):
    """A Key Vault using Azure RBAC (no access policies), soft delete and purge protection.

    The firewall denies by default and lets only trusted Azure services bypass it; the cluster
    reaches the vault through a private endpoint. Audit events go to the workspace.
    """

    vault_id: pulumi.Output[str]
    vault_name: pulumi.Output[str]
    vault_uri: pulumi.Output[str]
    kms_key_id: pulumi.Output[str | None]
    """Versioned URI of the etcd encryption key (None without `kms_key`)."""

    def __init__(
        self, name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:KeyVault", name, None, opts)
        keep = pulumi.ResourceOptions(
            parent=self, protect=args.production, retain_on_delete=args.production
        )
        vault = keyvault.Vault(
            f"{name}-vault",
            vault_name=args.vault_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=args.tenant_id,
                sku=keyvault.SkuArgs(family="A", name="standard"),
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=args.soft_delete_days,
                # once on, purge protection cannot be turned off: deleted keys stay recoverable
                enable_purge_protection=True,
                enabled_for_deployment=False,
                enabled_for_disk_encryption=False,
                enabled_for_template_deployment=False,
                public_network_access="Enabled" if args.public_network_access else "Disabled",
                network_acls=keyvault.NetworkRuleSetArgs(
                    default_action="Deny", bypass="AzureServices", ip_rules=[]
                ),
            ),
            tags=args.tags,
            opts=keep,
        )
        kms_key_id: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if args.kms_key:
            key = keyvault.Key(
                f"{name}-etcd-key",
                key_name="etcd-encryption",
                vault_name=vault.name,
                resource_group_name=args.resource_group_name,
                properties=keyvault.KeyPropertiesArgs(
                    kty="RSA",
                    key_size=2048,
                    key_ops=["encrypt", "decrypt", "wrapKey", "unwrapKey"],
                    attributes=keyvault.KeyAttributesArgs(enabled=True, exportable=False),
                ),
                tags=args.tags,
                opts=keep,
            )
            kms_key_id = key.key_uri_with_version.apply(lambda uri: uri)
        PrivateEndpoint(
            f"{name}-private",
            PrivateEndpointArgs(
                resource_group_name=args.resource_group_name,
                location=args.location,
                subnet_id=args.private_access.subnet_id,
                vnet_id=args.private_access.vnet_id,
                target_id=vault.id,
                group_id="vault",
                dns_zone="privatelink.vaultcore.azure.net",
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        diagnostic_setting(
            f"{name}-vault-diagnostics", vault.id, args.routing, ("AuditEvent",), parent=self
        )
        self.vault_id = vault.id
        self.vault_name = vault.name
        self.vault_uri = vault.properties.apply(lambda p: p.vault_uri)
        self.kms_key_id = kms_key_id
        self.register_outputs(
            {
                "vault_id": self.vault_id,
                "vault_name": self.vault_name,
                "vault_uri": self.vault_uri,
                "kms_key_id": self.kms_key_id,
            }
        )
