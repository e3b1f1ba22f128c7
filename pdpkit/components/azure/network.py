"""`AzureNetwork`: the data plane's VNet, its subnets, and one NSG per subnet."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import network

API_SERVER_DELEGATION = "Microsoft.ContainerService/managedClusters"


@dataclass(frozen=True)
class AzureNetworkArgs:
    """Inputs of `AzureNetwork`."""

    resource_group_name: pulumi.Input[str]
    location: str
    address_space: str
    """The VNet range."""
    nodes_cidr: str
    """Subnet of the node pools (pods live on the overlay, not here)."""
    private_endpoints_cidr: str
    """Subnet of the private endpoints (registry, key vault)."""
    api_server_cidr: str | None = None
    """Delegated subnet (at least /28) for API server VNet integration; left out: none."""
    encrypt_traffic: bool = True
    """Azure VNet encryption of VM-to-VM traffic (node to node, hence pod to pod): AKS's Cilium
    has no WireGuard of its own. VM sizes without support still talk, unencrypted."""
    ingress_ports: tuple[int, ...] = (80, 443)
    """Ports the internet may reach on the nodes subnet (the external gateway's load balancer)."""
    tags: dict[str, str] = field(default_factory=dict)


class AzureNetwork(pulumi.ComponentResource):
    """A VNet with a nodes subnet, a private-endpoints subnet and optionally an API server subnet.

    Every subnet gets its own NSG: the nodes subnet admits the gateway ports from the internet
    (Azure's default rules already admit the VNet and the load balancer probes); the private
    endpoints subnet admits only HTTPS from inside the VNet and denies the rest; the API
    server subnet admits 443/4443 from inside the VNet. Subnets are created one after
    another because Azure rejects concurrent writes to one VNet.
    """

    vnet_id: pulumi.Output[str]
    vnet_name: pulumi.Output[str]
    nodes_subnet_id: pulumi.Output[str]
    private_endpoints_subnet_id: pulumi.Output[str]
    api_server_subnet_id: pulumi.Output[str | None]

    def __init__(
        self, name: str, args: AzureNetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:AzureNetwork", name, None, opts)
        self._args = args
        vnet = network.VirtualNetwork(
            f"{name}-vnet",
            virtual_network_name=f"{name}-vnet",
            resource_group_name=args.resource_group_name,
            location=args.location,
            address_space=network.AddressSpaceArgs(address_prefixes=[args.address_space]),
            encryption=network.VirtualNetworkEncryptionArgs(
                enabled=args.encrypt_traffic, enforcement="AllowUnencrypted"
            ),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        nodes = self._subnet(
            name, vnet, "nodes", args.nodes_cidr, self._ingress_rules(), previous=None
        )
        endpoints = self._subnet(
            name,
            vnet,
            "private-endpoints",
            args.private_endpoints_cidr,
            [_vnet_https_rule(), _deny_other_inbound()],
            previous=nodes,
            endpoint_policies=True,
        )
        api_server_id: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if args.api_server_cidr is not None:
            api_server = self._subnet(
                name,
                vnet,
                "apiserver",
                args.api_server_cidr,
                [_vnet_https_rule("443", "4443")],
                previous=endpoints,
                delegation=API_SERVER_DELEGATION,
            )
            api_server_id = api_server.id.apply(lambda i: i)
        self.vnet_id = vnet.id
        self.vnet_name = vnet.name
        self.nodes_subnet_id = nodes.id
        self.private_endpoints_subnet_id = endpoints.id
        self.api_server_subnet_id = api_server_id
        self.register_outputs(
            {
                "vnet_id": self.vnet_id,
                "vnet_name": self.vnet_name,
                "nodes_subnet_id": self.nodes_subnet_id,
                "private_endpoints_subnet_id": self.private_endpoints_subnet_id,
                "api_server_subnet_id": self.api_server_subnet_id,
            }
        )

    def _ingress_rules(self) -> list[network.SecurityRuleArgs]:
        return [
            network.SecurityRuleArgs(
                name="allow-gateway-from-internet",
                description="The external gateway's load balancer",
                priority=200,
                direction="Inbound",
                access="Allow",
                protocol="Tcp",
                source_address_prefix="Internet",
                source_port_range="*",
                destination_address_prefix="*",
                destination_port_ranges=[str(p) for p in self._args.ingress_ports],
            )
        ]

    def _subnet(
        self,
        name: str,
        vnet: network.VirtualNetwork,
        role: str,
        cidr: str,
        rules: list[network.SecurityRuleArgs],
        *,
        previous: network.Subnet | None,
        delegation: str | None = None,
        endpoint_policies: bool = False,
    ) -> network.Subnet:
        args = self._args
        nsg = network.NetworkSecurityGroup(
            f"{name}-{role}-nsg",
            network_security_group_name=f"{name}-{role}-nsg",
            resource_group_name=args.resource_group_name,
            location=args.location,
            security_rules=rules,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return network.Subnet(
            f"{name}-{role}",
            subnet_name=role,
            resource_group_name=args.resource_group_name,
            virtual_network_name=vnet.name,
            address_prefix=cidr,
            network_security_group=network.NetworkSecurityGroupArgs(id=nsg.id),
            # no implicit outbound IP: egress goes through the cluster's load balancer
            default_outbound_access=False,
            delegations=(
                [network.DelegationArgs(name="aks-api-server", service_name=delegation)]
                if delegation
                else None
            ),
            # NSGs apply to private endpoints only when the subnet opts in
            private_endpoint_network_policies="Enabled" if endpoint_policies else None,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[previous] if previous is not None else []
            ),
        )


def _vnet_https_rule(*ports: str) -> network.SecurityRuleArgs:
    # the API server subnet also takes 4443 (konnectivity-free tunnel from the nodes)
    return network.SecurityRuleArgs(
        name="allow-https-from-vnet",
        priority=200,
        direction="Inbound",
        access="Allow",
        protocol="Tcp",
        source_address_prefix="VirtualNetwork",
        source_port_range="*",
        destination_address_prefix="*",
        destination_port_ranges=list(ports or ("443",)),
    )


def _deny_other_inbound() -> network.SecurityRuleArgs:
    return network.SecurityRuleArgs(
        name="deny-other-inbound",
        priority=4000,
        direction="Inbound",
        access="Deny",
        protocol="*",
        source_address_prefix="*",
        source_port_range="*",
        destination_address_prefix="*",
        destination_port_range="*",
    )
