"""`PrivateDnsZone`: a private DNS zone linked to the data plane's VNet."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import privatedns


@dataclass(frozen=True)
class PrivateDnsZoneArgs:
    """Inputs of `PrivateDnsZone`."""

    zone_name: str
    """``privatelink.<service zone>``."""
    resource_group_name: pulumi.Input[str]
    vnet_id: pulumi.Input[str]
    """The VNet whose resolvers answer from the zone."""
    tags: dict[str, str] = field(default_factory=dict)


class PrivateDnsZone(pulumi.ComponentResource):
    """A private DNS zone and its (non-registering) link to the VNet, so that nodes resolve a
    service's public name to its private address."""

    zone_id: pulumi.Output[str]
    zone_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: PrivateDnsZoneArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:PrivateDnsZone", name, None, opts)
        zone = privatedns.PrivateZone(
            f"{name}-zone",
            private_zone_name=args.zone_name,
            resource_group_name=args.resource_group_name,
            location="global",
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        privatedns.VirtualNetworkLink(
            f"{name}-zone-link",
            virtual_network_link_name=f"{name}-link",
            private_zone_name=zone.name,
            resource_group_name=args.resource_group_name,
            location="global",
            registration_enabled=False,
            virtual_network=privatedns.SubResourceArgs(id=args.vnet_id),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.zone_id = zone.id
        self.zone_name = zone.name
        self.register_outputs({"zone_id": self.zone_id, "zone_name": self.zone_name})
