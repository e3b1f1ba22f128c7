"""`PrivateEndpoint`: a private endpoint for one Azure service, with its private DNS zone."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import network

from pdpkit.components.azure.private_dns_zone import PrivateDnsZone, PrivateDnsZoneArgs


@dataclass(frozen=True)
class PrivateAccess:
    """Where a service's private endpoint goes: the data plane's VNet and subnet."""

    subnet_id: pulumi.Input[str]
    vnet_id: pulumi.Input[str]


@dataclass(frozen=True)
class PrivateEndpointArgs:
    """Inputs of `PrivateEndpoint`."""

    resource_group_name: pulumi.Input[str]
    location: str
    subnet_id: pulumi.Input[str]
    """The private-endpoints subnet."""
    vnet_id: pulumi.Input[str]
    """The VNet the private DNS zone is linked to (so nodes resolve the private address)."""
    target_id: pulumi.Input[str]
    """The resource reached through the endpoint (registry, key vault)."""
    group_id: str
    """Sub-resource of the target (``registry``, ``vault``)."""
    dns_zone: str
    """The service's privatelink zone (``privatelink.azurecr.io``,
    ``privatelink.vaultcore.azure.net``)."""
    tags: dict[str, str] = field(default_factory=dict)


class PrivateEndpoint(pulumi.ComponentResource):
    """A private endpoint in the data plane's VNet and the DNS records that make it resolvable.

    The zone group lets Azure maintain the A records for the endpoint's addresses, so clients in
    the VNet resolve the service's public name to its private address.
    """

    endpoint_id: pulumi.Output[str]
    dns_zone_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: PrivateEndpointArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:PrivateEndpoint", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zone = PrivateDnsZone(
            f"{name}-dns",
            PrivateDnsZoneArgs(args.dns_zone, args.resource_group_name, args.vnet_id, args.tags),
            opts=child,
        )
        endpoint = network.PrivateEndpoint(
            f"{name}-pe",
            private_endpoint_name=f"{name}-pe",
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet=network.SubnetArgs(id=args.subnet_id),
            private_link_service_connections=[
                network.PrivateLinkServiceConnectionArgs(
                    name=f"{name}-{args.group_id}",
                    private_link_service_id=args.target_id,
                    group_ids=[args.group_id],
                )
            ],
            tags=args.tags,
            opts=child,
        )
        network.PrivateDnsZoneGroup(
            f"{name}-dns-group",
            private_dns_zone_group_name="default",
            private_endpoint_name=endpoint.name,
            resource_group_name=args.resource_group_name,
            private_dns_zone_configs=[
                network.PrivateDnsZoneConfigArgs(
                    name=args.group_id, private_dns_zone_id=zone.zone_id
                )
            ],
            opts=child,
        )
        self.endpoint_id = endpoint.id
        self.dns_zone_id = zone.zone_id
        self.register_outputs({"endpoint_id": self.endpoint_id, "dns_zone_id": self.dns_zone_id})
