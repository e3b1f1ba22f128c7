"""AzureNetwork: VNet, subnets with NSGs, the delegated API server subnet."""

from __future__ import annotations

from functools import cache

from pdpkit.components.azure.network import API_SERVER_DELEGATION, AzureNetwork, AzureNetworkArgs
from tests.unit.components.azure.recorded import RG, Recorded, record_program

ARGS = AzureNetworkArgs(
    resource_group_name=RG,
    location="westeurope",
    address_space="10.20.0.0/16",
    nodes_cidr="10.20.0.0/20",
    private_endpoints_cidr="10.20.17.0/24",
)


@cache
def default() -> Recorded:
    """The component with the module's ARGS, recorded once."""
    return record_program(lambda: AzureNetwork("pdp", ARGS))


def test_vnet_and_subnets(run):
    plan = default()
    vnet = plan.one("azure-native:network:VirtualNetwork")
    assert vnet.inputs["addressSpace"] == {"addressPrefixes": ["10.20.0.0/16"]}
    assert vnet.inputs["encryption"] == {"enabled": True, "enforcement": "AllowUnencrypted"}
    subnets = {s.inputs["subnetName"]: s for s in plan.of_type("azure-native:network:Subnet")}
    assert set(subnets) == {"nodes", "private-endpoints"}
    assert subnets["nodes"].inputs["addressPrefix"] == "10.20.0.0/20"
    assert all(s.inputs["defaultOutboundAccess"] is False for s in subnets.values())
    # one write at a time to the VNet
    assert subnets["nodes"].urn in subnets["private-endpoints"].dependencies


def test_every_subnet_has_its_own_nsg(run):
    plan = default()
    nsgs = {n.name: n for n in plan.of_type("azure-native:network:NetworkSecurityGroup")}
    assert set(nsgs) == {"pdp-nodes-nsg", "pdp-private-endpoints-nsg"}
    for subnet in plan.of_type("azure-native:network:Subnet"):
        assert subnet.inputs["networkSecurityGroup"]["id"].endswith(
            f"/networkSecurityGroups/pdp-{subnet.inputs['subnetName']}-nsg"
        )
    endpoint_rules = {
        r["name"]: r for r in nsgs["pdp-private-endpoints-nsg"].inputs["securityRules"]
    }
    assert endpoint_rules["allow-https-from-vnet"]["sourceAddressPrefix"] == "VirtualNetwork"
    assert endpoint_rules["deny-other-inbound"]["access"] == "Deny"
    node_rules = nsgs["pdp-nodes-nsg"].inputs["securityRules"]
    assert node_rules[0]["destinationPortRanges"] == ["80", "443"]


def test_api_server_subnet_is_delegated(run):
    args = AzureNetworkArgs(**{**ARGS.__dict__, "api_server_cidr": "10.20.16.0/28"})
    plan = run(lambda: AzureNetwork("pdp", args))
    subnet = next(
        s
        for s in plan.of_type("azure-native:network:Subnet")
        if s.inputs["subnetName"] == "apiserver"
    )
    assert subnet.inputs["delegations"] == [
        {"name": "aks-api-server", "serviceName": API_SERVER_DELEGATION}
    ]
    assert subnet.inputs["addressPrefix"] == "10.20.16.0/28"
