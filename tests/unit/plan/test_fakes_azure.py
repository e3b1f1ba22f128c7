"""The azure-native fakes: ARM-shaped ids under the pinned subscription, deterministic, per run."""

from __future__ import annotations

import base64
from typing import Any

import yaml

from pdpkit.plan.fakes import UNKNOWN, Answer, FakeRun, fake_call, fake_outputs

SUB = "3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a9b"
TENANT = "8c7d6e5f-4a3b-4c2d-9e1f-0a1b2c3d4e5f"
CLUSTER = "azure-native:containerservice:ManagedCluster"
KUBECONFIG = "azure-native:containerservice:listManagedClusterUserCredentials"


def pinned() -> FakeRun:
    run = FakeRun()
    fake_outputs("pulumi:providers:azure-native", "p", {"subscriptionId": SUB}, run)
    return run


def cluster(run: FakeRun, **overrides: Any) -> Answer:
    inputs = {
        "resourceName": "dp-cluster",
        "resourceGroupName": "dp-rg",
        "location": "westeurope",
        "aadProfile": {"tenantID": TENANT},
        "apiServerAccessProfile": {"enablePrivateCluster": True},
        "identity": {"type": "UserAssigned", "userAssignedIdentities": ["/id/cp"]},
        "oidcIssuerProfile": {"enabled": True},
    }
    return fake_outputs(CLUSTER, "dp-cluster", inputs | overrides, run)


def test_ids_follow_arm_under_the_pinned_subscription() -> None:
    resource_id, outputs, fabricated = fake_outputs(
        "azure-native:network:Subnet",
        "dp-nodes",
        {"resourceGroupName": "dp-rg", "virtualNetworkName": "dp-vnet", "subnetName": "nodes"},
        pinned(),
    )
    assert resource_id == (
        f"/subscriptions/{SUB}/resourceGroups/dp-rg/providers/Microsoft.Network/"
        "virtualNetworks/dp-vnet/subnets/nodes"
    )
    assert outputs["name"] == "nodes"
    assert fabricated == ()  # an ARM id is derived from names, nothing made up


def test_cluster_outputs_are_realistic_deterministic_and_marked() -> None:
    first, second = cluster(pinned()), cluster(pinned())
    assert first == second
    _, outputs, fabricated = first
    assert outputs["oidcIssuerProfile"]["issuerURL"].startswith(
        f"https://westeurope.oic.prod-aks.azure.com/{TENANT}/"
    )
    kubelet = outputs["identityProfile"]["kubeletidentity"]
    assert len(kubelet["objectId"]) == 36 and kubelet["objectId"] != kubelet["clientId"]
    assert outputs["privateFQDN"].endswith(".privatelink.westeurope.azmk8s.io")
    assert set(outputs["identity"]["userAssignedIdentities"]) == {"/id/cp"}
    assert {
        "oidcIssuerProfile.issuerURL",
        "identityProfile.kubeletidentity.clientId",
        "identityProfile.kubeletidentity.objectId",
        "privateFQDN",
    } <= set(fabricated)
    assert "nodeResourceGroup" not in fabricated  # Azure's documented MC_ default


def test_no_issuer_url_unless_the_issuer_is_enabled() -> None:
    _, outputs, fabricated = cluster(pinned(), oidcIssuerProfile={"enabled": False})
    assert outputs["oidcIssuerProfile"] == {"enabled": False}
    _, outputs, _ = cluster(pinned(), oidcIssuerProfile=None)
    assert "issuerURL" not in outputs["oidcIssuerProfile"]
    assert not any(path.startswith("oidcIssuerProfile") for path in fabricated)


def test_no_kubelet_identity_without_a_managed_identity() -> None:
    _, outputs, _ = cluster(pinned(), identity=None)
    assert "identityProfile" not in outputs


def test_identities_answer_their_own_ids_to_the_cluster() -> None:
    run = pinned()
    uami_id, uami, fabricated = fake_outputs(
        "azure-native:managedidentity:UserAssignedIdentity",
        "cp",
        {"resourceName": "cp", "resourceGroupName": "dp-rg"},
        run,
    )
    assert uami["clientId"] != uami["principalId"]
    assert {"clientId", "principalId"} <= set(fabricated)
    _, outputs, _ = cluster(
        run, identity={"type": "UserAssigned", "userAssignedIdentities": [uami_id]}
    )
    assert outputs["identity"]["userAssignedIdentities"][uami_id] == {
        "clientId": uami["clientId"],
        "principalId": uami["principalId"],
    }


def test_kubeconfig_call_points_at_the_cluster() -> None:
    run = pinned()
    _, outputs, _ = cluster(run)
    result = fake_call(
        KUBECONFIG,
        {"resourceGroupName": "dp-rg", "resourceName": "dp-cluster", "format": "exec"},
        run,
    )
    config = yaml.safe_load(base64.b64decode(result["kubeconfigs"][0]["value"]))
    assert config["clusters"][0]["cluster"]["server"] == f"https://{outputs['privateFQDN']}:443"
    assert config["users"][0]["user"]["exec"]["command"] == "kubelogin"


def test_kubeconfig_of_a_cluster_the_plan_did_not_create_is_unknown() -> None:
    result = fake_call(KUBECONFIG, {"resourceGroupName": "g", "resourceName": "other"}, pinned())
    assert result["kubeconfigs"] == UNKNOWN


def test_two_runs_share_nothing() -> None:
    one, two = pinned(), FakeRun()
    cluster(one)
    fake_outputs("pulumi:providers:azure-native", "p", {"subscriptionId": "1" * 8 + SUB[8:]}, two)
    assert two.azure_clusters == {} and one.azure_subscription == SUB
    resource_id, _, _ = fake_outputs(
        "azure-native:resources:ResourceGroup", "rg", {"resourceGroupName": "g"}, two
    )
    assert resource_id.startswith("/subscriptions/11111111-")


def test_service_endpoints() -> None:
    run = pinned()
    _, vault, _ = fake_outputs(
        "azure-native:keyvault:Vault", "kv", {"vaultName": "acme-kv", "resourceGroupName": "g"}, run
    )
    assert vault["properties"]["vaultUri"] == "https://acme-kv.vault.azure.net/"
    _, acr, _ = fake_outputs(
        "azure-native:containerregistry:Registry",
        "r",
        {"registryName": "AcmeAcr", "resourceGroupName": "g"},
        run,
    )
    assert acr["loginServer"] == "acmeacr.azurecr.io"
    assignment_id, _, _ = fake_outputs(
        "azure-native:authorization:RoleAssignment",
        "ra",
        {"scope": "/subscriptions/s/resourceGroups/g", "roleAssignmentName": "guid"},
        run,
    )
    assert (
        assignment_id
        == "/subscriptions/s/resourceGroups/g/providers/Microsoft.Authorization/roleAssignments/guid"
    )
