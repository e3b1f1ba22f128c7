"""The assembled Azure data plane: the example stack, a production variant, import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from typing import Any

import pytest

from pdpkit.components.k8s import external_secrets
from pdpkit.dataplane.contract import DataPlane
from pdpkit.plan.recorder import RecordedResource, Recording, record
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.loader import load_stack
from tests.examples import ROOT, plan_of

STACK = "acme-azure-dev"
TENANT = "8c7d6e5f-4a3b-4c2d-9e1f-0a1b2c3d4e5f"
SUBSCRIPTION = "3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a9b"
CLUSTER = "azure-native:containerservice:ManagedCluster"
DATA_HOLDERS = (
    CLUSTER,
    "azure-native:containerregistry:Registry",
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key",
    "azure-native:operationalinsights:Workspace",
    "azure-native:storage:StorageAccount",
)

pytestmark = pytest.mark.slow


def resources() -> list[RecordedResource]:
    return plan_of(STACK).recording.resources


def of_type(items: list[RecordedResource], type_: str) -> list[RecordedResource]:
    return [r for r in items if r.type == type_]


def one(items: list[RecordedResource], type_: str) -> RecordedResource:
    (found,) = of_type(items, type_)
    return found


@cache
def production_private() -> Recording:
    """The example data plane as a production stack with a private API endpoint."""
    base = load_stack(ROOT, STACK).dataplane
    data = base.model_dump(by_alias=True, mode="json")
    data["production"] = True
    data["cluster"].update(privateApiEndpoint=True, authorizedRanges=[])
    spec = DataPlaneSpec.model_validate(data)

    def program() -> dict[str, Any]:
        from pdpkit.dataplane.azure import build

        dataplane: DataPlane = build(spec)
        return {"registry": dataplane.registry}

    return record(program, "pdp", "acme-azure-prod-variant")


def test_cluster_secure_defaults():
    cluster = one(resources(), CLUSTER)
    assert cluster.name == f"{STACK}-cluster"  # the policy waiver names it
    inputs = cluster.inputs
    assert inputs["networkProfile"]["networkDataplane"] == "cilium"
    assert inputs["networkProfile"]["networkPolicy"] == "cilium"
    assert inputs["networkProfile"]["networkPluginMode"] == "overlay"
    assert inputs["oidcIssuerProfile"]["enabled"] is True
    assert inputs["securityProfile"]["workloadIdentity"]["enabled"] is True
    assert inputs["disableLocalAccounts"] is True
    assert inputs["aadProfile"]["enableAzureRBAC"] is True
    assert inputs["aadProfile"]["adminGroupObjectIDs"] == ["5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"]


def test_stack_asks_for_a_public_endpoint_restricted_to_its_ranges():
    access = one(resources(), CLUSTER).inputs["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is False
    assert access["authorizedIPRanges"] == ["203.0.113.0/24", "198.51.100.10/32"]
    assert access["enableVnetIntegration"] is True
    assert access["subnetId"].endswith("/virtualNetworks/acme-azure-dev-vnet/subnets/apiserver")


def test_kms_encrypts_etcd_with_the_vault_key():
    kms = one(resources(), CLUSTER).inputs["securityProfile"]["azureKeyVaultKms"]
    assert kms["enabled"] is True
    assert kms["keyId"].startswith("https://acme-pdp-dev-kv.vault.azure.net/keys/etcd-encryption/")
    assert kms["keyVaultResourceId"].endswith("/vaults/acme-pdp-dev-kv")


def test_user_pool_is_a_separate_agent_pool():
    cluster = one(resources(), CLUSTER)
    assert [p["name"] for p in cluster.inputs["agentPoolProfiles"]] == ["system"]
    pool = one(resources(), "azure-native:containerservice:AgentPool")
    assert pool.inputs["agentPoolName"] == "apps"
    assert pool.inputs["resourceName"] == f"{STACK}-cluster"


def test_vault_registry_and_logs():
    vault = one(resources(), "azure-native:keyvault:Vault").inputs["properties"]
    assert vault["enableRbacAuthorization"] and vault["enablePurgeProtection"]
    assert vault["softDeleteRetentionInDays"] == 90
    acr = one(resources(), "azure-native:containerregistry:Registry").inputs
    assert acr["registryName"] == "acmepdpdevacr" and acr["adminUserEnabled"] is False
    assert acr["policies"]["retentionPolicy"]["days"] == 14
    workspace = one(resources(), "azure-native:operationalinsights:Workspace").inputs
    assert workspace["retentionInDays"] == 30


def test_every_azure_resource_uses_the_pinned_subscription():
    provider = one(resources(), "pulumi:providers:azure-native")
    assert provider.inputs["subscriptionId"] == SUBSCRIPTION
    assert provider.inputs["tenantId"] == TENANT
    azure = [r for r in resources() if r.custom and r.type.startswith("azure-native:")]
    assert len(azure) > 30
    assert {r.provider for r in azure} == {f"provider-{provider.name}"}


def test_external_secrets_identity_is_federated_with_the_cluster():
    (credential,) = [
        r
        for r in of_type(resources(), "azure-native:managedidentity:FederatedIdentityCredential")
        if r.name == f"{STACK}-external-secrets-federation"
    ]
    assert credential.inputs["subject"] == (
        f"system:serviceaccount:{external_secrets.NAMESPACE}:{external_secrets.SERVICE_ACCOUNT}"
    )
    assert credential.inputs["issuer"].startswith(
        f"https://westeurope.oic.prod-aks.azure.com/{TENANT}/"
    )
    grants = {
        r.name: r.inputs for r in of_type(resources(), "azure-native:authorization:RoleAssignment")
    }
    reader = grants[f"{STACK}-external-secrets-vault-reader"]
    assert reader["roleDefinitionId"].endswith("/4633458b-17de-408a-b874-0445c86b69e6")
    assert reader["scope"].endswith("/vaults/acme-pdp-dev-kv")
    pull = grants[f"{STACK}-images-acr-pull"]
    assert pull["roleDefinitionId"].endswith("/7f951dda-4ed3-4680-a7ca-43fe172d538d")


def test_system_layer_gets_the_azure_secret_store():
    store = one(resources(), "kubernetes:external-secrets.io/v1:ClusterSecretStore")
    azurekv = store.inputs["spec"]["provider"]["azurekv"]
    assert azurekv["authType"] == "WorkloadIdentity"
    assert azurekv["vaultUrl"] == "https://acme-pdp-dev-kv.vault.azure.net/"
    assert azurekv["serviceAccountRef"] == {
        "name": external_secrets.SERVICE_ACCOUNT,
        "namespace": external_secrets.NAMESPACE,
    }
    releases = {
        r.inputs.get("name"): r.inputs
        for r in of_type(resources(), "kubernetes:helm.sh/v3:Release")
    }
    assert "cilium" not in releases  # AKS runs Cilium itself
    values = json.dumps(releases["external-secrets"]["values"])
    assert '"azure.workload.identity/use": "true"' in values
    assert "azure.workload.identity/client-id" in values


def test_internal_gateway_uses_an_internal_load_balancer():
    text = json.dumps([r.inputs for r in resources() if r.type.startswith("kubernetes:")])
    assert '"service.beta.kubernetes.io/azure-load-balancer-internal": "true"' in text


def test_kubernetes_provider_has_an_entra_kubeconfig_as_secret():
    k8s_provider = one(resources(), "pulumi:providers:kubernetes")
    assert k8s_provider.inputs["kubeconfig"] == "[secret]"


def test_kubeconfig_switches_kubelogin_to_the_azure_cli():
    from pdpkit.dataplane.azure import KUBELOGIN_LOGIN, _azure_cli_login
    from pdpkit.plan.fakes import FakeRun, fake_call, fake_outputs

    run = FakeRun()
    fake_outputs(
        "azure-native:containerservice:ManagedCluster",
        "c",
        {"resourceName": "c", "resourceGroupName": "g"},
        run,
    )
    encoded = fake_call(
        "azure-native:containerservice:listManagedClusterUserCredentials",
        {"resourceName": "c", "resourceGroupName": "g"},
        run,
    )["kubeconfigs"][0]["value"]
    config = _azure_cli_login(encoded)
    assert f"- {KUBELOGIN_LOGIN}" in config and "devicecode" not in config


def test_dev_stack_holds_nothing_protected():
    held = [r for r in resources() if r.type in DATA_HOLDERS]
    assert held and not any(r.protect or r.retain_on_delete for r in held)


def test_production_protects_and_retains_everything_holding_data():
    recording = production_private()
    for type_ in DATA_HOLDERS:
        for resource in of_type(recording.resources, type_):
            assert resource.protect and resource.retain_on_delete, resource.name


def test_production_private_cluster_with_private_dns_zone():
    recording = production_private()
    cluster = one(recording.resources, CLUSTER)
    access = cluster.inputs["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is True
    assert "authorizedIPRanges" not in access
    zones = {
        z.inputs["privateZoneName"]
        for z in of_type(recording.resources, "azure-native:privatedns:PrivateZone")
    }
    assert "privatelink.westeurope.azmk8s.io" in zones
    vault = one(recording.resources, "azure-native:keyvault:Vault").inputs["properties"]
    assert vault["publicNetworkAccess"] == "Disabled"


def test_planning_azure_imports_no_other_cloud():
    code = (
        "import sys\n"
        "from pdpkit.plan.run import plan_stack\n"
        "from tests.examples import ROOT\n"
        f"plan_stack(ROOT, {STACK!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi_aws', 'pulumi_gcp')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_pdp_plan_cli_writes_the_azure_plan(tmp_path, capsys):
    from pdpkit.cli.main import main

    code = main(["plan", "--stack", STACK, "--out", str(tmp_path), "--format", "json"])
    assert code in (0, 3)  # 3 only for a mandatory policy violation
    document = json.loads((tmp_path / "plan.json").read_text())
    assert json.loads(capsys.readouterr().out) == document
    types = {r["type"] for r in document["resources"]}
    assert {
        CLUSTER,
        "azure-native:containerservice:AgentPool",
        "azure-native:keyvault:Vault",
    } <= types
    manifests = "\n".join(p.read_text() for p in (tmp_path / "manifests").glob("*.yaml"))
    assert "azurekv:" in manifests and "authType: WorkloadIdentity" in manifests
    # no Fluent Bit on AKS: the monitoring add-on ships container logs (see test_aks_logs.py)
    assert "fluent-bit" not in (tmp_path / "helm-releases.yaml").read_text()


DNS_ZONE_CONTRIBUTOR = "befefa01-2a29-4197-83a8-272ff33ce314"


def test_cert_manager_proves_the_zone_by_dns01_through_workload_identity() -> None:
    items = resources()
    by_name = {r.name: r for r in items}
    grant = by_name["acme-azure-dev-cert-manager-dns-zone"].inputs
    assert grant["scope"] == (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/acme-dns"
        "/providers/Microsoft.Network/dnszones/dev.apps.acme.example"
    )
    assert grant["roleDefinitionId"].endswith(DNS_ZONE_CONTRIBUTOR)
    federation = by_name["acme-azure-dev-cert-manager-federation"].inputs
    assert federation["subject"] == "system:serviceaccount:cert-manager:cert-manager"
    client_id = by_name["acme-azure-dev-cert-manager-identity"]
    issuer = one(items, "kubernetes:cert-manager.io/v1:ClusterIssuer").inputs
    (solver,) = issuer["spec"]["acme"]["solvers"]
    azure_dns = solver["dns01"]["azureDNS"]
    assert azure_dns["resourceGroupName"] == "acme-dns"
    assert azure_dns["hostedZoneName"] == "dev.apps.acme.example"
    assert azure_dns["managedIdentity"]["clientID"]
    assert "clientSecretSecretRef" not in azure_dns  # no static credential
    release = next(
        r
        for r in of_type(items, "kubernetes:helm.sh/v3:Release")
        if r.inputs["chart"] == "cert-manager"
    )
    values = release.inputs["values"]
    assert values["podLabels"] == {"azure.workload.identity/use": "true"}
    assert (
        values["serviceAccount"]["annotations"]["azure.workload.identity/client-id"]
        == (azure_dns["managedIdentity"]["clientID"])
    )
    assert client_id.type == "azure-native:managedidentity:UserAssignedIdentity"


def test_without_a_dns_zone_group_cert_manager_falls_back_to_http01() -> None:
    base = load_stack(ROOT, STACK).dataplane
    data = base.model_dump(by_alias=True, mode="json")
    data["azure"]["dnsZoneResourceGroup"] = None
    spec = DataPlaneSpec.model_validate(data)

    def program() -> dict[str, Any]:
        from pdpkit.dataplane.azure import build

        build(spec)
        return {}

    items = record(program, "pdp", "acme-azure-http01-variant").resources
    assert not [r for r in items if "cert-manager-identity" in r.name]
    issuer = one(items, "kubernetes:cert-manager.io/v1:ClusterIssuer").inputs
    assert "http01" in issuer["spec"]["acme"]["solvers"][0]
