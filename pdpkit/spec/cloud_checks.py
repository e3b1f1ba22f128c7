"""Cross-field rules only one cloud enforces (AWS subnets and zones, GCP names and ranges)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

GKE_NAME_MAX = 40
"""GKE cluster names have at most 40 characters."""


def gcp_problems(stack: StackSpec) -> Iterator[Finding]:
    """What only GCP rejects: long cluster names, zones of another region, a control-plane
    range inside the cluster's own ranges (Secret Manager ids: `secret_key_checks`)."""
    dp = stack.dataplane
    if len(dp.name) > GKE_NAME_MAX:
        yield (
            "dataplane.name",
            (
                f"{dp.name!r} has {len(dp.name)} characters; GKE cluster names have at most "
                f"{GKE_NAME_MAX}, shorten it"
            ),
        )
    zones = [
        (f"dataplane.network.availabilityZones[{i}]", z)
        for i, z in enumerate(dp.network.availability_zones)
    ]
    zones += [
        (f"dataplane.cluster.nodePools[{i}].zones[{j}]", z)
        for i, pool in enumerate(dp.cluster.node_pools)
        for j, z in enumerate(pool.zones)
    ]
    for path, zone in zones:
        if not zone.isdigit() and not zone.startswith(f"{dp.region}-"):
            yield (
                path,
                (
                    f"zone {zone!r} is not in region {dp.region}; use zones like {dp.region}-b "
                    "(or leave availabilityZones out and let GKE choose)"
                ),
            )
    if dp.gcp is not None:
        master = ipaddress.ip_network(dp.gcp.master_ipv4_cidr)
        for key, value in (
            ("addressSpace", dp.network.address_space),
            ("podCidr", dp.network.pod_cidr),
            ("serviceCidr", dp.network.service_cidr),
        ):
            if master.overlaps(ipaddress.ip_network(value)):
                yield (
                    "dataplane.gcp.masterIpv4Cidr",
                    (
                        f"{master} overlaps network.{key} {value}; pick a /28 outside the "
                        "cluster's ranges (e.g. 172.16.0.0/28)"
                    ),
                )


def aws_network_problems(stack: StackSpec) -> Iterator[Finding]:
    """EKS needs zonal subnets in the stack's region, private ones in at least two zones, and a
    public subnet (NAT gateways, internet-facing load balancers); names ``public*`` are public."""
    dp = stack.dataplane
    subnets = dp.network.subnets
    in_region = re.compile(rf"^{re.escape(dp.region)}[a-z]$")
    if not subnets:
        zones = {z for z in dp.network.availability_zones if z.isdigit() or in_region.match(z)}
        if len(set(dp.network.availability_zones)) < 2:
            yield (
                "dataplane.network.availabilityZones",
                "EKS needs at least two availability zones; list two or more",
            )
        for i, zone in enumerate(dp.network.availability_zones):
            if zone not in zones:
                yield (
                    f"dataplane.network.availabilityZones[{i}]",
                    f"{zone!r} is not a zone of region {dp.region}; expected e.g. {dp.region}a",
                )
        return
    for i, subnet in enumerate(subnets):
        if subnet.zone is None:
            yield (
                f"dataplane.network.subnets[{i}].zone",
                f"required on AWS (subnets are zonal); add e.g. zone: {dp.region}a",
            )
        elif not in_region.match(subnet.zone):
            yield (
                f"dataplane.network.subnets[{i}].zone",
                f"{subnet.zone!r} is not a zone of region {dp.region}; expected e.g. {dp.region}a",
            )
    private = {s.zone for s in subnets if s.zone and not s.name.startswith("public")}
    public = {s.zone for s in subnets if s.zone and s.name.startswith("public")}
    if len(private) < 2:
        yield (
            "dataplane.network.subnets",
            f"private subnets span {len(private)} zone(s); EKS needs at least two: "
            "add a private subnet in another zone",
        )
    if not public:
        yield (
            "dataplane.network.subnets",
            "no public subnet (name starting with `public`); NAT gateways need one",
        )
    per_zone = (
        dp.aws.nat_gateway_per_zone
        if dp.aws and dp.aws.nat_gateway_per_zone is not None
        else dp.production
    )
    if public and per_zone and not private <= public:
        yield (
            "dataplane.network.subnets",
            "a NAT gateway per zone needs a public subnet in "
            f"{', '.join(sorted(private - public))}; add one, or set aws.natGatewayPerZone: false",
        )
