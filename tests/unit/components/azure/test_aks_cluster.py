"""AksCluster: secure defaults, private/public API, KMS, separate AgentPools, protection."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from pdpkit.components.azure.aks_cluster import (
    AksCluster,
    AksClusterArgs,
    EtcdEncryption,
)
from pdpkit.components.azure.builtin_roles import BuiltinRole
from pdpkit.components.azure.diagnostics import LogRouting
from pdpkit.components.azure.maintenance import MaintenanceWindow
from pdpkit.components.azure.node_pool import CRITICAL_ADDONS_ONLY, NodePool
from tests.unit.components.azure.recorded import (
    RG,
    SUBNET_ID,
    SUBSCRIPTION,
    TENANT,
    VNET_ID,
    WORKSPACE_ID,
    Recorded,
    record_program,
)

CLUSTER = "azure-native:containerservice:ManagedCluster"
POOL = "azure-native:containerservice:AgentPool"
ZONES = ("1", "2", "3")
ARGS = AksClusterArgs(
    resource_group_name=RG,
    location="westeurope",
    subscription_id=SUBSCRIPTION,
    tenant_id=TENANT,
    kubernetes_version="1.31",
    node_pools=(
        NodePool("system", "Standard_D4ds_v5", 2, 3, ZONES, system=True),
        NodePool("apps", "Standard_D8ds_v5", 2, 6, ZONES, labels={"workload": "integrations"}),
        NodePool("batch", "Standard_D8ds_v5", 0, 4, ("1",), taints=("batch=true:NoSchedule",)),
    ),
    vnet_id=VNET_ID,
    nodes_subnet_id=SUBNET_ID,
    pod_cidr="100.64.0.0/16",
    service_cidr="100.65.0.0/16",
    routing=LogRouting(WORKSPACE_ID),
    maintenance=MaintenanceWindow("Sunday", "02:00", 4),
    admin_group_object_ids=("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",),
)


@cache
def default() -> Recorded:
    """The component with the module's ARGS, recorded once."""
    return record_program(lambda: AksCluster("pdp", ARGS))


def test_network_is_cilium_overlay(run):
    plan = default()
    net = plan.one(CLUSTER).inputs["networkProfile"]
    assert net["networkPlugin"] == "azure"
    assert net["networkPluginMode"] == "overlay"
    assert net["networkDataplane"] == "cilium"
    assert net["networkPolicy"] == "cilium"
    assert net["dnsServiceIP"] == "100.65.0.10"


def test_identity_and_access_defaults(run):
    inputs = default().one(CLUSTER).inputs
    assert inputs["oidcIssuerProfile"] == {"enabled": True}
    assert inputs["securityProfile"]["workloadIdentity"] == {"enabled": True}
    assert inputs["disableLocalAccounts"] is True
    assert inputs["enableRBAC"] is True
    assert inputs["aadProfile"]["managed"] is True
    assert inputs["aadProfile"]["enableAzureRBAC"] is True
    assert inputs["aadProfile"]["tenantID"] == TENANT
    assert inputs["identity"]["type"] == "UserAssigned"


def test_private_cluster_gets_private_dns_zone(run):
    plan = default()
    access = plan.one(CLUSTER).inputs["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is True
    assert access["enablePrivateClusterPublicFQDN"] is False
    zone = plan.one("azure-native:privatedns:PrivateZone")
    assert zone.inputs["privateZoneName"] == "privatelink.westeurope.azmk8s.io"
    assert access["privateDNSZone"].endswith("/privateDnsZones/privatelink.westeurope.azmk8s.io")
    assert "authorizedIPRanges" not in access
    roles = [
        r.inputs["roleDefinitionId"]
        for r in plan.of_type("azure-native:authorization:RoleAssignment")
    ]
    assert any(r.endswith(BuiltinRole.PRIVATE_DNS_ZONE_CONTRIBUTOR.value) for r in roles)


def test_public_cluster_is_restricted_to_authorized_ranges(run):
    args = replace(ARGS, private_api=False, authorized_ranges=("203.0.113.0/24",))
    plan = run(lambda: AksCluster("pdp", args))
    access = plan.one(CLUSTER).inputs["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is False
    assert access["authorizedIPRanges"] == ["203.0.113.0/24"]
    assert plan.of_type("azure-native:privatedns:PrivateZone") == []


def test_public_cluster_without_ranges_is_refused():
    with pytest.raises(ValueError, match="authorized_ranges"):
        replace(ARGS, private_api=False)


def test_vnet_integration_uses_the_delegated_subnet(run):
    args = replace(ARGS, api_server_subnet_id=f"{VNET_ID}/subnets/apiserver")
    access = run(lambda: AksCluster("pdp", args)).one(CLUSTER).inputs["apiServerAccessProfile"]
    assert access["enableVnetIntegration"] is True
    assert access["subnetId"].endswith("/subnets/apiserver")


def test_only_the_system_pool_is_inline_and_tainted(run):
    plan = default()
    inline = plan.one(CLUSTER).inputs["agentPoolProfiles"]
    assert [p["name"] for p in inline] == ["system"]
    assert inline[0]["mode"] == "System"
    assert inline[0]["nodeTaints"] == [CRITICAL_ADDONS_ONLY]
    assert inline[0]["enableAutoScaling"] is True
    assert inline[0]["availabilityZones"] == list(ZONES)
    pools = {p.inputs["agentPoolName"]: p.inputs for p in plan.of_type(POOL)}
    assert set(pools) == {"apps", "batch"}
    assert pools["apps"]["mode"] == "User"
    assert pools["apps"]["nodeLabels"] == {"workload": "integrations"}
    assert pools["apps"]["minCount"] == 2 and pools["apps"]["maxCount"] == 6
    assert pools["batch"]["nodeTaints"] == ["batch=true:NoSchedule"]
    assert pools["batch"]["availabilityZones"] == ["1"]
    assert all(p["resourceName"] == "pdp-cluster" for p in pools.values())


def test_upgrade_channels_and_maintenance(run):
    plan = default()
    profile = plan.one(CLUSTER).inputs["autoUpgradeProfile"]
    assert profile == {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"}
    configs = plan.of_type("azure-native:containerservice:MaintenanceConfiguration")
    assert {c.inputs["configName"] for c in configs} == {
        "aksManagedAutoUpgradeSchedule",
        "aksManagedNodeOSUpgradeSchedule",
    }
    window = configs[0].inputs["maintenanceWindow"]
    assert window["schedule"]["weekly"] == {"dayOfWeek": "Sunday", "intervalWeeks": 1}
    assert window["durationHours"] == 4 and window["startTime"] == "02:00"


def test_kms_uses_the_vault_key_and_grants_the_control_plane(run):
    vault_id = (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/kv"
    )
    args = replace(
        ARGS, etcd_encryption=EtcdEncryption("https://kv.vault.azure.net/keys/etcd/1", vault_id)
    )
    plan = run(lambda: AksCluster("pdp", args))
    kms = plan.one(CLUSTER).inputs["securityProfile"]["azureKeyVaultKms"]
    assert kms == {
        "enabled": True,
        "keyId": "https://kv.vault.azure.net/keys/etcd/1",
        "keyVaultNetworkAccess": "Private",
        "keyVaultResourceId": vault_id,
    }
    grants = {
        r.inputs["roleDefinitionId"].rsplit("/", 1)[1]: r.inputs["scope"]
        for r in plan.of_type("azure-native:authorization:RoleAssignment")
    }
    assert grants[BuiltinRole.KEY_VAULT_CRYPTO_USER.value] == vault_id
    cluster = plan.one(CLUSTER)
    assert plan.named("pdp-control-plane-kms").urn in cluster.dependencies


def test_no_kms_by_default(run):
    inputs = default().one(CLUSTER).inputs
    assert "azureKeyVaultKms" not in inputs["securityProfile"]


def test_control_plane_logs_go_to_the_workspace(run):
    plan = default()
    setting = plan.one("azure-native:monitor:DiagnosticSetting")
    categories = {log["category"] for log in setting.inputs["logs"]}
    assert {"kube-audit-admin", "guard", "cluster-autoscaler", "kube-apiserver"} <= categories
    assert setting.inputs["workspaceId"] == WORKSPACE_ID
    assert setting.inputs["logAnalyticsDestinationType"] == "Dedicated"


def test_logical_name_and_protection(run):
    plan = run(lambda: AksCluster("acme-azure-dev", replace(ARGS, production=True)))
    cluster = plan.one(CLUSTER)
    assert cluster.name == "acme-azure-dev-cluster"
    assert cluster.protect and cluster.retain_on_delete
    assert cluster.inputs["sku"]["tier"] == "Standard"
    dev = default().one(CLUSTER)
    assert not dev.protect and not dev.retain_on_delete


def test_a_system_pool_is_required():
    with pytest.raises(ValueError, match="system node pool"):
        replace(ARGS, node_pools=(NodePool("apps", "Standard_D8ds_v5", 1, 3, ZONES),))
