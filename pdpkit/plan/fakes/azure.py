"""Realistic outputs of azure-native resources under the mock monitor.

Resource ids follow ARM's shape (``/subscriptions/<sub>/resourceGroups/<rg>/providers/...``);
the subscription and tenant are the ones the stack's explicit ``azure-native`` provider is pinned
to (kept in the plan's `FakeRun`). Values Azure decides (GUIDs of identities, hashes in host
names, key versions) are derived from names, so plans are deterministic, and marked `made`.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import yaml

from pdpkit.plan.fakes.run import UNKNOWN, FakeRun, Made, made

Outputs = dict[str, Any]
Fake = Callable[[FakeRun, str, dict[str, Any]], Outputs]


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fake-azure:" + "/".join(parts)))


def _hex(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _rg_id(run: FakeRun, group: str) -> str:
    return f"/subscriptions/{run.azure_subscription}/resourceGroups/{group}"


def _tenant(run: FakeRun) -> Any:
    return run.azure_tenant or made(_guid("tenant"))


def _provider(run: FakeRun, name: str, inputs: dict[str, Any]) -> Outputs:
    if inputs.get("subscriptionId"):
        run.azure_subscription = str(inputs["subscriptionId"])
    run.azure_tenant = str(inputs.get("tenantId") or "")
    return {"id": made(f"provider-{name}")}


def _arm(namespace: str, *path: str) -> Fake:
    """A fake for a resource whose id is ``<rg>/providers/<namespace>/<type>/<name>[/...]``.

    `path` alternates ARM type segments and input keys holding the names.
    """

    def fake(run: FakeRun, name: str, inputs: dict[str, Any]) -> Outputs:
        segments = []
        for i in range(0, len(path), 2):
            segments += [path[i], str(inputs.get(path[i + 1]) or name)]
        group = inputs.get("resourceGroupName", "rg")
        return {
            "id": f"{_rg_id(run, group)}/providers/{namespace}/{'/'.join(segments)}",
            "name": segments[-1],
            "provisioningState": "Succeeded",
        }

    return fake


def _with(base: Fake, extra: Callable[[FakeRun, Outputs, dict[str, Any]], Outputs]) -> Fake:
    def fake(run: FakeRun, name: str, inputs: dict[str, Any]) -> Outputs:
        outputs = base(run, name, inputs)
        return {**outputs, **extra(run, outputs, inputs)}

    return fake


def _resource_group(run: FakeRun, name: str, inputs: dict[str, Any]) -> Outputs:
    group = inputs.get("resourceGroupName") or name
    return {
        "id": _rg_id(run, group),
        "name": group,
        "properties": {"provisioningState": "Succeeded"},
    }


def _cluster(run: FakeRun, outputs: Outputs, inputs: dict[str, Any]) -> Outputs:
    name, location = outputs["name"], inputs.get("location", "westeurope")
    access = inputs.get("apiServerAccessProfile") or {}
    prefix = f"{inputs.get('dnsPrefix', name)}-{_hex(name)}"
    private = bool(access.get("enablePrivateCluster"))
    fqdn = f"{prefix}.hcp.{location}.azmk8s.io"
    private_fqdn = f"{prefix}.{_guid(name, 'zone')}.privatelink.{location}.azmk8s.io"
    run.azure_clusters[name] = private_fqdn if private else fqdn
    node_group = (
        inputs.get("nodeResourceGroup") or f"MC_{inputs.get('resourceGroupName')}_{name}_{location}"
    )
    identity = dict(inputs.get("identity") or {})
    # the API takes a list of identity ids and answers with a map id -> client/principal ids
    # (the identities' own, which the plan registered: resolve them, else they are made up)
    identity["userAssignedIdentities"] = {
        i: run.azure_identities.get(i)
        or {"clientId": made(_guid(i, "client")), "principalId": made(_guid(i, "principal"))}
        for i in identity.get("userAssignedIdentities") or []
    }
    outputs = {
        "identity": identity,
        "fqdn": None if private else made(fqdn),
        "privateFQDN": made(private_fqdn) if private else None,
        "azurePortalFQDN": made(f"{prefix}.portal.hcp.{location}.azmk8s.io"),
        "currentKubernetesVersion": made(f"{inputs.get('kubernetesVersion', '1.34')}.7"),
        "nodeResourceGroup": node_group,
        "powerState": {"code": "Running"},
    }
    # the issuer URL is a read-only output (pulumi-azure-native 3.29.0,
    # containerservice/outputs.py ManagedClusterOIDCIssuerProfileResponse: issuer_url "The OIDC
    # issuer url of the Managed Cluster", enabled "Whether the OIDC issuer is enabled"); AKS
    # serves it once the issuer is enabled (learn.microsoft.com/azure/aks/use-oidc-issuer:
    # create with --enable-oidc-issuer, then read oidcIssuerProfile.issuerUrl). Not modelled:
    # that page says new clusters from Kubernetes 1.34/1.35 on get the issuer by default.
    oidc = dict(inputs.get("oidcIssuerProfile") or {})
    if oidc.get("enabled"):
        tenant = (inputs.get("aadProfile") or {}).get("tenantID") or _tenant(run)
        oidc["issuerURL"] = made(
            f"https://{location}.oic.prod-aks.azure.com/{_plain(tenant)}/{_guid(name, 'oidc')}/"
        )
    outputs["oidcIssuerProfile"] = oidc
    # a kubelet identity exists only on a managed-identity cluster (not on a service principal)
    if identity.get("type") in ("SystemAssigned", "UserAssigned"):
        kubelet = (
            f"{_rg_id(run, node_group)}/providers/Microsoft.ManagedIdentity/"
            f"userAssignedIdentities/{name}-agentpool"
        )
        outputs["identityProfile"] = {
            "kubeletidentity": {
                "resourceId": kubelet,
                "clientId": made(_guid(name, "kubelet", "client")),
                "objectId": made(_guid(name, "kubelet", "object")),
            }
        }
    return outputs


def _plain(value: Any) -> str:
    return str(value.value if isinstance(value, Made) else value)


def _identity(run: FakeRun, outputs: Outputs, inputs: dict[str, Any]) -> Outputs:
    ids = {
        "clientId": made(_guid(outputs["id"], "client")),
        "principalId": made(_guid(outputs["id"], "principal")),
    }
    run.azure_identities[outputs["id"]] = ids
    return {**ids, "tenantId": _tenant(run)}


def _vault(run: FakeRun, outputs: Outputs, inputs: dict[str, Any]) -> Outputs:
    properties = dict(inputs.get("properties") or {})
    properties["vaultUri"] = f"https://{outputs['name']}.vault.azure.net/"
    return {"properties": properties}


def _key(run: FakeRun, outputs: Outputs, inputs: dict[str, Any]) -> Outputs:
    uri = f"https://{inputs.get('vaultName')}.vault.azure.net/keys/{outputs['name']}"
    return {"keyUri": uri, "keyUriWithVersion": made(f"{uri}/{_hex(uri, length=32)}")}


def _dce(run: FakeRun, outputs: Outputs, inputs: dict[str, Any]) -> Outputs:
    location = inputs.get("location", "westeurope")
    host = f"{outputs['name']}-{_hex(outputs['id'], length=4)}.{location}-1"
    return {
        "logsIngestion": {"endpoint": made(f"https://{host}.ingest.monitor.azure.com")},
        "configurationAccess": {
            "endpoint": made(f"https://{host}.handler.control.monitor.azure.com")
        },
        "immutableId": made(f"dce-{_hex(outputs['id'], length=32)}"),
    }


def _scoped(kind: str, key: str) -> Fake:
    """Extension resources: their id hangs off the scope they are attached to."""

    def fake(run: FakeRun, name: str, inputs: dict[str, Any]) -> Outputs:
        leaf = inputs.get("roleAssignmentName") or inputs.get("name") or name
        return {"id": f"{inputs.get(key, '')}/providers/{kind}/{leaf}", "name": leaf}

    return fake


def _kubeconfig(run: FakeRun, args: dict[str, Any]) -> dict[str, Any]:
    cluster = str(args.get("resourceName", "cluster"))
    server = run.azure_clusters.get(cluster)
    if server is None:  # a cluster this plan did not create: only Azure knows its host
        return {"kubeconfigs": UNKNOWN}
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": cluster,
                "cluster": {
                    "certificate-authority-data": base64.b64encode(
                        f"fake CA of {cluster}".encode()
                    ).decode(),
                    "server": f"https://{server}:443",
                },
            }
        ],
        "contexts": [
            {"name": cluster, "context": {"cluster": cluster, "user": f"clusterUser_{cluster}"}}
        ],
        "current-context": cluster,
        "users": [
            {
                "name": f"clusterUser_{cluster}",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "kubelogin",
                        "args": [
                            "get-token",
                            "--login",
                            "devicecode",
                            "--server-id",
                            "6dae42f8-4368-4678-94ff-3960e28e3630",
                            "--environment",
                            "AzurePublicCloud",
                        ],
                        "interactiveMode": "IfAvailable",
                        "provideClusterInfo": False,
                    }
                },
            }
        ],
    }
    value = base64.b64encode(yaml.safe_dump(config, sort_keys=False).encode()).decode()
    return {"kubeconfigs": [{"name": "clusterUser", "value": value}]}


_CS, _NET, _DNS = "Microsoft.ContainerService", "Microsoft.Network", "Microsoft.Network"
_OI, _KV, _MI = "Microsoft.OperationalInsights", "Microsoft.KeyVault", "Microsoft.ManagedIdentity"
_MON, _ST = "Microsoft.Insights", "Microsoft.Storage"
_CLUSTER = ("managedClusters", "resourceName")
_WORKSPACE = ("workspaces", "workspaceName")

OUTPUTS: dict[str, Fake] = {
    "pulumi:providers:azure-native": _provider,
    "azure-native:resources:ResourceGroup": _resource_group,
    "azure-native:network:VirtualNetwork": _arm(_NET, "virtualNetworks", "virtualNetworkName"),
    "azure-native:network:Subnet": _arm(
        _NET, "virtualNetworks", "virtualNetworkName", "subnets", "subnetName"
    ),
    "azure-native:network:NetworkSecurityGroup": _arm(
        _NET, "networkSecurityGroups", "networkSecurityGroupName"
    ),
    "azure-native:network:PrivateEndpoint": _arm(_NET, "privateEndpoints", "privateEndpointName"),
    "azure-native:network:PrivateDnsZoneGroup": _arm(
        _NET,
        "privateEndpoints",
        "privateEndpointName",
        "privateDnsZoneGroups",
        "privateDnsZoneGroupName",
    ),
    "azure-native:privatedns:PrivateZone": _arm(_DNS, "privateDnsZones", "privateZoneName"),
    "azure-native:privatedns:VirtualNetworkLink": _arm(
        _DNS, "privateDnsZones", "privateZoneName", "virtualNetworkLinks", "virtualNetworkLinkName"
    ),
    "azure-native:containerservice:ManagedCluster": _with(_arm(_CS, *_CLUSTER), _cluster),
    "azure-native:containerservice:AgentPool": _arm(_CS, *_CLUSTER, "agentPools", "agentPoolName"),
    "azure-native:containerservice:MaintenanceConfiguration": _arm(
        _CS, *_CLUSTER, "maintenanceConfigurations", "configName"
    ),
    "azure-native:containerregistry:Registry": _with(
        _arm("Microsoft.ContainerRegistry", "registries", "registryName"),
        lambda r, o, i: {"loginServer": f"{o['name'].lower()}.azurecr.io"},
    ),
    "azure-native:keyvault:Vault": _with(_arm(_KV, "vaults", "vaultName"), _vault),
    "azure-native:keyvault:Key": _with(_arm(_KV, "vaults", "vaultName", "keys", "keyName"), _key),
    "azure-native:managedidentity:UserAssignedIdentity": _with(
        _arm(_MI, "userAssignedIdentities", "resourceName"), _identity
    ),
    "azure-native:managedidentity:FederatedIdentityCredential": _arm(
        _MI,
        "userAssignedIdentities",
        "resourceName",
        "federatedIdentityCredentials",
        "federatedIdentityCredentialResourceName",
    ),
    "azure-native:operationalinsights:Workspace": _with(
        _arm(_OI, *_WORKSPACE), lambda r, o, i: {"customerId": made(_guid(o["id"], "customer"))}
    ),
    "azure-native:operationalinsights:Table": _arm(_OI, *_WORKSPACE, "tables", "tableName"),
    "azure-native:operationalinsights:DataExport": _arm(
        _OI, *_WORKSPACE, "dataExports", "dataExportName"
    ),
    "azure-native:storage:StorageAccount": _with(
        _arm(_ST, "storageAccounts", "accountName"),
        lambda r, o, i: {
            "primaryEndpoints": {"blob": f"https://{o['name']}.blob.core.windows.net/"}
        },
    ),
    # a container's id is .../storageAccounts/<account>/blobServices/default/containers/<name>
    "azure-native:storage:BlobContainer": _with(
        _arm(_ST, "storageAccounts", "accountName"),
        lambda r, o, i: {
            "id": f"{o['id']}/blobServices/default/containers/{i.get('containerName')}",
            "name": i.get("containerName"),
        },
    ),
    "azure-native:storage:ManagementPolicy": _arm(
        _ST, "storageAccounts", "accountName", "managementPolicies", "managementPolicyName"
    ),
    "azure-native:monitor:DataCollectionEndpoint": _with(
        _arm(_MON, "dataCollectionEndpoints", "dataCollectionEndpointName"), _dce
    ),
    "azure-native:monitor:DataCollectionRule": _with(
        _arm(_MON, "dataCollectionRules", "dataCollectionRuleName"),
        lambda r, o, i: {"immutableId": made(f"dcr-{_hex(o['id'], length=32)}")},
    ),
    "azure-native:monitor:DiagnosticSetting": _scoped(
        "microsoft.insights/diagnosticSettings", "resourceUri"
    ),
    "azure-native:authorization:RoleAssignment": _scoped(
        "Microsoft.Authorization/roleAssignments", "scope"
    ),
}

CALLS: dict[str, Callable[[FakeRun, dict[str, Any]], dict[str, Any]]] = {
    "azure-native:containerservice:listManagedClusterUserCredentials": _kubeconfig,
}
