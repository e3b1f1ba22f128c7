"""ContainerRegistry: admin off, private by default, retention, AcrPull to the kubelet."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from pdpkit.components.azure.builtin_roles import BuiltinRole
from pdpkit.components.azure.diagnostics import LogRouting
from pdpkit.components.azure.private_endpoint import PrivateAccess
from pdpkit.components.azure.registry import ContainerRegistry, ContainerRegistryArgs
from tests.unit.components.azure.recorded import (
    PE_SUBNET_ID,
    RG,
    SUBSCRIPTION,
    VNET_ID,
    WORKSPACE_ID,
    Recorded,
    record_program,
)

REGISTRY = "azure-native:containerregistry:Registry"
KUBELET = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
ARGS = ContainerRegistryArgs(
    registry_name="acmepdpdevacr",
    resource_group_name=RG,
    location="westeurope",
    subscription_id=SUBSCRIPTION,
    pull_principal_id=KUBELET,
    routing=LogRouting(WORKSPACE_ID),
    private_access=PrivateAccess(PE_SUBNET_ID, VNET_ID),
    retention_days=14,
)


@cache
def default() -> Recorded:
    """The component with the module's ARGS, recorded once."""
    return record_program(lambda: ContainerRegistry("pdp-images", ARGS))


def test_secure_defaults(run):
    plan = default()
    acr = plan.one(REGISTRY).inputs
    assert acr["adminUserEnabled"] is False
    assert acr["anonymousPullEnabled"] is False
    assert acr["publicNetworkAccess"] == "Disabled"
    assert acr["sku"] == {"name": "Premium"}
    assert acr["policies"]["retentionPolicy"] == {"days": 14, "status": "enabled"}
    assert acr["policies"]["exportPolicy"] == {"status": "disabled"}


def test_private_endpoint_and_dns(run):
    plan = default()
    endpoint = plan.one("azure-native:network:PrivateEndpoint").inputs
    assert endpoint["subnet"]["id"] == PE_SUBNET_ID
    assert endpoint["privateLinkServiceConnections"][0]["groupIds"] == ["registry"]
    zone = plan.one("azure-native:privatedns:PrivateZone").inputs
    assert zone["privateZoneName"] == "privatelink.azurecr.io"
    link = plan.one("azure-native:privatedns:VirtualNetworkLink").inputs
    assert link["virtualNetwork"] == {"id": VNET_ID}
    assert link["registrationEnabled"] is False


def test_acr_pull_for_the_kubelet_identity(run):
    plan = default()
    grant = plan.one("azure-native:authorization:RoleAssignment").inputs
    assert grant["principalId"] == KUBELET
    assert grant["principalType"] == "ServicePrincipal"
    assert grant["roleDefinitionId"] == (
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/"
        f"{BuiltinRole.ACR_PULL.value}"
    )
    assert grant["scope"].endswith("/registries/acmepdpdevacr")


def test_public_registry_when_asked(run):
    plan = run(
        lambda: ContainerRegistry(
            "pdp-images", replace(ARGS, public_access=True, private_access=None)
        )
    )
    assert plan.one(REGISTRY).inputs["publicNetworkAccess"] == "Enabled"
    assert plan.of_type("azure-native:network:PrivateEndpoint") == []


def test_protected_in_production(run):
    acr = run(lambda: ContainerRegistry("pdp-images", replace(ARGS, production=True))).one(REGISTRY)
    assert acr.protect and acr.retain_on_delete


@pytest.mark.parametrize("bad", ["acme-pdp-dev", "acr", "a" * 51])
def test_invalid_names_are_refused(bad):
    with pytest.raises(ValueError, match="letters and digits"):
        replace(ARGS, registry_name=bad)
