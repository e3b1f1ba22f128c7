"""`ObservabilityStorage`: the blob containers Loki, Cortex and Tempo keep their data in, and the
identity they reach them with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import storage

from pdpkit.components.azure.builtin_roles import BuiltinRole
from pdpkit.components.azure.federated_identity import (
    FederatedIdentity,
    FederatedIdentityArgs,
    RoleGrant,
)
from pdpkit.components.azure.log_storage import STORAGE_NAME
from pdpkit.components.azure.private_endpoint import (
    PrivateAccess,
    PrivateEndpoint,
    PrivateEndpointArgs,
)

BLOB_DNS_ZONE = "privatelink.blob.core.windows.net"
"""Private DNS zone of the ``blob`` sub-resource (learn.microsoft.com/azure/private-link/
private-endpoint-dns, "Storage account (Microsoft.Storage/storageAccounts) / Blob (blob,
blob_secondary)")."""
PURPOSE_TAG = "pdp-purpose"
"""Tag naming what an account is for; ``observability`` here (the policy's rules read it)."""


@dataclass(frozen=True)
class ObservabilityStorageArgs:
    """Inputs of `ObservabilityStorage`."""

    account_name: str
    """Storage account (3-24 lowercase letters and digits, globally unique)."""
    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: str
    issuer_url: pulumi.Input[str]
    """The cluster's OIDC issuer URL."""
    namespace: str
    """Namespace of the stores' service accounts."""
    service_accounts: tuple[str, ...]
    """The stores' service accounts: exactly these may act as the identity."""
    containers: Mapping[str, int]
    """Container name -> days its blobs are kept before the lifecycle policy deletes them."""
    private_access: PrivateAccess
    """The account is reached through a private endpoint in the data plane's VNet only."""
    production: bool = False
    """Protect and retain the account (and with it the containers' data)."""
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not STORAGE_NAME.match(self.account_name):
            raise ValueError(
                f"storage account name {self.account_name!r} is not valid: "
                "3-24 lowercase letters and digits"
            )
        if not self.service_accounts:
            raise ValueError("ObservabilityStorage needs the stores' service accounts")


class ObservabilityStorage(pulumi.ComponentResource):
    """A storage account only Entra identities reach, and only from the data plane's VNet:

    - shared key access off (no account key nor SAS token works), OAuth the default, no public
      blobs, no cross-tenant replication, TLS 1.2, HTTPS only;
    - public network access disabled: the pods reach the ``blob`` endpoint through a private
      endpoint in the private-endpoints subnet, resolved by ``privatelink.blob.core.windows.net``
      linked to the VNet (management operations such as creating containers go through Azure
      Resource Manager, which the setting does not affect);
    - infrastructure encryption: a second AES-256 layer under Azure Storage's own, both with
      Microsoft-managed keys;
    - one private container per store, and a lifecycle rule per container deleting blobs older
      than its retention (the stores delete first; the rule is the backstop);
    - one user-assigned identity, federated to exactly the stores' service accounts, holding
      ``Storage Blob Data Contributor`` on this account only.
    """

    account_name: pulumi.Output[str]
    account_id: pulumi.Output[str]
    containers: dict[str, pulumi.Output[str]]
    """Container name per key of `ObservabilityStorageArgs.containers`."""
    client_id: pulumi.Output[str]
    """Client id of the identity (the service accounts' ``azure.workload.identity/client-id``)."""
    principal_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: ObservabilityStorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:ObservabilityStorage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Property names and enum values: pulumi-azure-native 3.29.0 storage/storage_account.py,
        # storage/_inputs.py (EncryptionArgs, EncryptionServicesArgs, NetworkRuleSetArgs),
        # storage/_enums.py (Kind, SkuName, MinimumTlsVersion, PublicNetworkAccess, KeySource,
        # KeyType, DefaultAction, Bypass).
        account = storage.StorageAccount(
            f"{name}-account",
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="StorageV2",
            sku=storage.SkuArgs(name="Standard_ZRS"),
            access_tier="Hot",
            minimum_tls_version="TLS1_2",
            enable_https_traffic_only=True,
            allow_blob_public_access=False,
            allow_shared_key_access=False,
            allow_cross_tenant_replication=False,
            default_to_o_auth_authentication=True,
            public_network_access="Disabled",
            network_rule_set=storage.NetworkRuleSetArgs(default_action="Deny", bypass="None"),
            encryption=storage.EncryptionArgs(
                key_source="Microsoft.Storage",
                require_infrastructure_encryption=True,
                services=storage.EncryptionServicesArgs(
                    blob=storage.EncryptionServiceArgs(enabled=True, key_type="Account")
                ),
            ),
            tags={**args.tags, PURPOSE_TAG: "observability"},
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.production, retain_on_delete=args.production
            ),
        )
        containers: dict[str, pulumi.Output[str]] = {}
        for container in args.containers:
            created = storage.BlobContainer(
                f"{name}-{container}",
                container_name=container,
                account_name=account.name,
                resource_group_name=args.resource_group_name,
                public_access="None",
                opts=child,
            )
            containers[container] = created.name
        storage.ManagementPolicy(
            f"{name}-lifecycle",
            management_policy_name="default",
            account_name=account.name,
            resource_group_name=args.resource_group_name,
            policy=storage.ManagementPolicySchemaArgs(
                rules=[
                    storage.ManagementPolicyRuleArgs(
                        name=f"expire-{container}",
                        type="Lifecycle",
                        enabled=True,
                        definition=storage.ManagementPolicyDefinitionArgs(
                            filters=storage.ManagementPolicyFilterArgs(
                                blob_types=["blockBlob"], prefix_match=[f"{container}/"]
                            ),
                            actions=storage.ManagementPolicyActionArgs(
                                base_blob=storage.ManagementPolicyBaseBlobArgs(
                                    delete=storage.DateAfterModificationArgs(
                                        days_after_modification_greater_than=days
                                    )
                                )
                            ),
                        ),
                    )
                    for container, days in args.containers.items()
                ]
            ),
            opts=child,
        )
        PrivateEndpoint(
            f"{name}-private",
            PrivateEndpointArgs(
                resource_group_name=args.resource_group_name,
                location=args.location,
                subnet_id=args.private_access.subnet_id,
                vnet_id=args.private_access.vnet_id,
                target_id=account.id,
                group_id="blob",
                dns_zone=BLOB_DNS_ZONE,
                tags=args.tags,
            ),
            opts=child,
        )
        identity = FederatedIdentity(
            f"{name}-stores",
            FederatedIdentityArgs(
                resource_group_name=args.resource_group_name,
                location=args.location,
                subscription_id=args.subscription_id,
                issuer_url=args.issuer_url,
                namespace=args.namespace,
                service_account=args.service_accounts,
                grants=(
                    RoleGrant(BuiltinRole.STORAGE_BLOB_DATA_CONTRIBUTOR, account.id, "blob-data"),
                ),
                tags=args.tags,
            ),
            opts=child,
        )
        self.account_name = account.name
        self.account_id = account.id
        self.containers = containers
        self.client_id = identity.client_id
        self.principal_id = identity.principal_id
        self.register_outputs(
            {
                "account_name": self.account_name,
                "account_id": self.account_id,
                "containers": self.containers,
                "client_id": self.client_id,
                "principal_id": self.principal_id,
            }
        )
