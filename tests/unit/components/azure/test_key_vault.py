"""KeyVault: RBAC, soft delete, purge protection, default-deny, private endpoint, KMS key."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from pdpkit.components.azure.diagnostics import LogRouting
from pdpkit.components.azure.key_vault import KeyVault, KeyVaultArgs
from pdpkit.components.azure.private_endpoint import PrivateAccess
from tests.unit.components.azure.recorded import (
    PE_SUBNET_ID,
    RG,
    TENANT,
    VNET_ID,
    WORKSPACE_ID,
    Recorded,
    record_program,
)

VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
ARGS = KeyVaultArgs(
    vault_name="acme-pdp-dev-kv",
    resource_group_name=RG,
    location="westeurope",
    tenant_id=TENANT,
    routing=LogRouting(WORKSPACE_ID),
    private_access=PrivateAccess(PE_SUBNET_ID, VNET_ID),
    soft_delete_days=30,
)


@cache
def default() -> Recorded:
    """The component with the module's ARGS, recorded once."""
    return record_program(lambda: KeyVault("pdp-secrets", ARGS))


def test_secure_defaults(run):
    props = default().one(VAULT).inputs["properties"]
    assert props["enableRbacAuthorization"] is True
    assert props["enableSoftDelete"] is True
    assert props["softDeleteRetentionInDays"] == 30
    assert props["enablePurgeProtection"] is True
    assert props["networkAcls"]["defaultAction"] == "Deny"
    assert props["tenantId"] == TENANT
    assert "accessPolicies" not in props


def test_private_endpoint(run):
    plan = default()
    endpoint = plan.one("azure-native:network:PrivateEndpoint").inputs
    assert endpoint["privateLinkServiceConnections"][0]["groupIds"] == ["vault"]
    assert plan.one("azure-native:privatedns:PrivateZone").inputs["privateZoneName"] == (
        "privatelink.vaultcore.azure.net"
    )


def test_audit_events_reach_the_workspace(run):
    setting = default().one("azure-native:monitor:DiagnosticSetting")
    assert [log["category"] for log in setting.inputs["logs"]] == ["AuditEvent"]


def test_kms_key_only_when_asked(run):
    assert default().of_type(KEY) == []
    key = run(lambda: KeyVault("pdp-secrets", replace(ARGS, kms_key=True))).one(KEY)
    assert key.inputs["properties"]["kty"] == "RSA"
    assert key.inputs["properties"]["attributes"]["exportable"] is False


def test_vault_and_key_protected_in_production(run):
    plan = run(lambda: KeyVault("pdp-secrets", replace(ARGS, kms_key=True, production=True)))
    for type_ in (VAULT, KEY):
        assert plan.one(type_).protect and plan.one(type_).retain_on_delete


@pytest.mark.parametrize("bad", ["this-name-is-far-too-long-for-kv", "1vault", "a--b", "kv-"])
def test_invalid_names_are_refused(bad):
    with pytest.raises(ValueError, match="key vault name"):
        replace(ARGS, vault_name=bad)
