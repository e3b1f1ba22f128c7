"""The azure-native fakes: ARM-shaped ids under the pinned subscription, deterministic."""

from __future__ import annotations

import base64

import yaml

from pdpkit.plan.fakes import fake_call, fake_outputs

SUB = "3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a9b"
TENANT = "8c7d6e5f-4a3b-4c2d-9e1f-0a1b2c3d4e5f"


def pin() -> None:
    fake_outputs("pulumi:providers:azure-native", "p", {"subscriptionId": SUB})


def cluster() -> tuple[str, dict]:
    return fake_outputs(
        "azure-native:containerservice:ManagedCluster",
        "dp-cluster",
        {
            "resourceName": "dp-cluster",
            "resourceGroupName": "dp-rg",
            "location": "westeurope",
            "aadProfile": {"tenantID": TENANT},
            "apiServerAccessProfile": {"enablePrivateCluster": True},
            "identity": {"type": "UserAssigned", "userAssignedIdentities": ["/id/cp"]},
        },
    )


def test_ids_follow_arm_under_the_pinned_subscription():
    pin()
    resource_id, outputs = fake_outputs(
        "azure-native:network:Subnet",
        "dp-nodes",
        {"resourceGroupName": "dp-rg", "virtualNetworkName": "dp-vnet", "subnetName": "nodes"},
    )
    assert resource_id == (
        f"/subscriptions/{SUB}/resourceGroups/dp-rg/providers/Microsoft.Network/"
        "virtualNetworks/dp-vnet/subnets/nodes"
    )
    assert outputs["name"] == "nodes"


def test_cluster_outputs_are_realistic_and_deterministic():
    pin()
    first, second = cluster(), cluster()
    assert first == second
    _, outputs = first
    assert outputs["oidcIssuerProfile"]["issuerURL"].startswith(
        f"https://westeurope.oic.prod-aks.azure.com/{TENANT}/"
    )
    kubelet = outputs["identityProfile"]["kubeletidentity"]
    assert len(kubelet["objectId"]) == 36 and kubelet["objectId"] != kubelet["clientId"]
    assert outputs["privateFQDN"].endswith(".privatelink.westeurope.azmk8s.io")
    assert set(outputs["identity"]["userAssignedIdentities"]) == {"/id/cp"}


def test_kubeconfig_call_points_at_the_cluster():
    pin()
    _, outputs = cluster()
    result = fake_call(
        "azure-native:containerservice:listManagedClusterUserCredentials",
        {"resourceGroupName": "dp-rg", "resourceName": "dp-cluster", "format": "exec"},
    )
    config = yaml.safe_load(base64.b64decode(result["kubeconfigs"][0]["value"]))
    assert config["clusters"][0]["cluster"]["server"] == f"https://{outputs['privateFQDN']}:443"
    assert config["users"][0]["user"]["exec"]["command"] == "kubelogin"


def test_service_endpoints():
    pin()
    _, vault = fake_outputs(
        "azure-native:keyvault:Vault", "kv", {"vaultName": "acme-kv", "resourceGroupName": "g"}
    )
    assert vault["properties"]["vaultUri"] == "https://acme-kv.vault.azure.net/"
    _, acr = fake_outputs(
        "azure-native:containerregistry:Registry",
        "r",
        {"registryName": "AcmeAcr", "resourceGroupName": "g"},
    )
    assert acr["loginServer"] == "acmeacr.azurecr.io"
    assignment_id, _ = fake_outputs(
        "azure-native:authorization:RoleAssignment",
        "ra",
        {"scope": "/subscriptions/s/resourceGroups/g", "roleAssignmentName": "guid"},
    )
    assert (
        assignment_id
        == "/subscriptions/s/resourceGroups/g/providers/Microsoft.Authorization/roleAssignments/guid"
    )
