"""The AWS data plane's subnets: as listed in the spec, or derived from its address space;
and the private subnets each node pool is placed in."""

from __future__ import annotations

import ipaddress

import pulumi

from pdpkit.components.aws.network import Network, SubnetPlan
from pdpkit.spec.cloud_checks import aws_zone_name as zone_name
from pdpkit.spec.dataplane import DataPlaneSpec

__all__ = ["aws_zones", "pool_subnets", "subnet_plan", "zone_name"]


def aws_zones(spec: DataPlaneSpec) -> tuple[str, ...]:
    """Zone names of the spec's network, in order, without duplicates."""
    return tuple(dict.fromkeys(zone_name(spec.region, z) for z in spec.network.availability_zones))


def subnet_plan(spec: DataPlaneSpec) -> tuple[SubnetPlan, ...]:
    """The spec's subnets (names starting with ``public`` are public), or derived ones.

    Derived: the address space is cut in eight; each zone gets one eighth as its private subnet
    (nodes and, with the VPC CNI, pods need room), and the next eighth is cut in eight again for
    the zones' public subnets (NAT gateways and load balancers only). 10.50.0.0/16 over three
    zones: private /19s at 10.50.0.0, .32.0, .64.0 and public /22s from 10.50.96.0.
    """
    # The ValueErrors below cannot fire for a validated spec (spec/cloud_checks.py reports each
    # rule with file and line); they guard callers that bypass validation.
    if spec.network.subnets:
        plans = []
        for subnet in spec.network.subnets:
            if subnet.zone is None:
                raise ValueError(
                    f"subnet {subnet.name} has no zone; on AWS every subnet is zonal, set `zone`"
                )
            plans.append(
                SubnetPlan(subnet.name, subnet.cidr, subnet.zone, subnet.name.startswith("public"))
            )
        return tuple(plans)
    zones = aws_zones(spec)
    space = ipaddress.ip_network(spec.network.address_space)
    eighths: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
    eighths = list(space.subnets(prefixlen_diff=3))
    if len(zones) > len(eighths) - 1:
        raise ValueError(f"{len(zones)} zones do not fit {space}; list the subnets explicitly")
    public = list(eighths[len(zones)].subnets(prefixlen_diff=3))
    return (
        *(
            SubnetPlan(f"private-{zone[-1]}", str(eighths[i]), zone, False)
            for i, zone in enumerate(zones)
        ),
        *(
            SubnetPlan(f"public-{zone[-1]}", str(public[i]), zone, True)
            for i, zone in enumerate(zones)
        ),
    )


def pool_subnets(
    spec: DataPlaneSpec, network: Network, zones: tuple[str, ...]
) -> pulumi.Output[list[str]]:
    """Private subnets of a pool's zones; every private subnet when the pool names none."""
    if not zones:
        return network.private_subnet_ids
    by_zone = network.private_subnet_ids_by_zone
    names = [zone_name(spec.region, z) for z in zones]
    missing = [z for z in names if z not in by_zone]
    if missing:
        raise ValueError(
            f"node pool zones {', '.join(missing)} have no private subnet; "
            f"known: {', '.join(by_zone)}"
        )
    return pulumi.Output.all(*(by_zone[z] for z in names)).apply(
        lambda ids: [i for group in ids for i in group]
    )
