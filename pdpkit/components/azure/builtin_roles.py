"""Azure built-in role definitions pdpkit assigns, by their well-known (tenant-independent) ids."""

from __future__ import annotations

import uuid
from enum import StrEnum


class BuiltinRole(StrEnum):
    """Built-in role definition GUIDs (identical in every Azure tenant)."""

    ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
    KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
    KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"
    KEY_VAULT_CONTRIBUTOR = "f25e0fa2-a7c8-4377-a976-54943a77a395"
    NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
    PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f"
    MONITORING_METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb"
    DNS_ZONE_CONTRIBUTOR = "befefa01-2a29-4197-83a8-272ff33ce314"
    # read, write and delete blobs and containers, no account keys nor management
    # (learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage,
    # "Storage Blob Data Contributor")
    STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"


def role_definition_id(subscription_id: str, role: BuiltinRole) -> str:
    """The ARM id of `role` as seen from `subscription_id` (what a role assignment names)."""
    return (
        f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/"
        f"roleDefinitions/{role.value}"
    )


def assignment_name(*parts: str) -> str:
    """A stable GUID for a role assignment, derived from its logical identity.

    Role assignment names must be GUIDs; deriving them (instead of letting the provider draw
    a random one) keeps a re-created stack from leaving orphaned duplicates behind.
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "pdpkit:" + "/".join(parts)))
