"""Cross-field rules only one cloud enforces (AWS subnets and zones, GCP names and ranges)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from pdpkit.spec.cloud_names import zone_paths
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

GKE_NAME_MAX = 40
"""GKE cluster names have at most 40 characters."""
GKE_MIN_WINDOW_HOURS = 4
"""GKE's shortest maintenance window (as `components/gcp/maintenance_window.py` enforces)."""
_ZONE_LETTERS = "abcdefghij"
AWS_PREFIXES = (16, 28)
"""An AWS VPC's (and subnet's) IPv4 block is /16 to /28: EC2 API reference, CreateVpc and
CreateSubnet ("The allowed size for an IPv4 subnet is between a /28 netmask … and a /16
netmask"), https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html"""
AWS_DERIVED_SPLIT = 3
"""Derived AWS subnets: the VPC cut in 2**3 (one private eighth per zone), the next free eighth
cut in 2**3 again for the public ones (`dataplane/aws_subnets.py`)."""


def aws_zone_name(region: str, zone: str) -> str:
    """An AWS zone name; the generic ``"1"``, ``"2"``… become ``<region>a``, ``<region>b``…"""
    if zone.isdigit() and 1 <= int(zone) <= len(_ZONE_LETTERS):
        return f"{region}{_ZONE_LETTERS[int(zone) - 1]}"
    return zone


def gcp_problems(stack: StackSpec) -> Iterator[Finding]:
    """What only GCP rejects: long cluster names, zones of another region, a control-plane
    range inside the cluster's own ranges (Secret Manager ids: `secret_key_checks`)."""
    dp = stack.dataplane
    yield from gcp_window_problems(stack)
    if len(dp.name) > GKE_NAME_MAX:
        yield (
            "dataplane.name",
            (
                f"{dp.name!r} has {len(dp.name)} characters; GKE cluster names have at most "
                f"{GKE_NAME_MAX}, shorten it"
            ),
        )
    for path, zone in zone_paths(dp):
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


def gcp_window_problems(stack: StackSpec) -> Iterator[Finding]:
    """GKE refuses a maintenance window shorter than four hours."""
    window = stack.dataplane.cluster.maintenance_window
    times = re.findall(r"(\d\d):(\d\d)", window)
    if len(times) != 2:
        return  # the field's pattern reports it
    (h1, m1), (h2, m2) = times
    minutes = (int(h2) * 60 + int(m2) - int(h1) * 60 - int(m1)) % (24 * 60) or 24 * 60
    if minutes < GKE_MIN_WINDOW_HOURS * 60:
        yield (
            "dataplane.cluster.maintenanceWindow",
            f"{window!r} lasts {minutes / 60:g}h; GKE needs a window of at least "
            f"{GKE_MIN_WINDOW_HOURS} hours, e.g. 'Sun 02:00-06:00'",
        )


def aws_pool_zone_problems(stack: StackSpec) -> Iterator[Finding]:
    """Each node pool zone needs a private subnet to place the pool's nodes in."""
    dp = stack.dataplane
    if dp.network.subnets:
        private = {s.zone for s in dp.network.subnets if s.zone and not s.name.startswith("public")}
    else:
        private = {aws_zone_name(dp.region, z) for z in dp.network.availability_zones}
    for i, pool in enumerate(dp.cluster.node_pools):
        for j, zone in enumerate(pool.zones):
            if aws_zone_name(dp.region, zone) not in private:
                yield (
                    f"dataplane.cluster.nodePools[{i}].zones[{j}]",
                    f"{zone!r} has no private subnet (private subnets are in "
                    f"{', '.join(sorted(private)) or 'no zone'}); add the zone to "
                    + ("network.subnets" if dp.network.subnets else "network.availabilityZones")
                    + " or remove it from the pool",
                )


def aws_address_problems(stack: StackSpec) -> Iterator[Finding]:
    """The VPC's range: IPv4, /16 to /28, and room for the subnets derived from it."""
    dp = stack.dataplane
    space = ipaddress.ip_network(dp.network.address_space)
    low, high = AWS_PREFIXES
    if space.version != 4 or not low <= space.prefixlen <= high:
        yield (
            "dataplane.network.addressSpace",
            f"{space} cannot be a VPC range: AWS takes an IPv4 block from /{low} to /{high}, "
            "e.g. 10.50.0.0/16",
        )
        return
    if dp.network.subnets:
        return
    zones = {aws_zone_name(dp.region, z) for z in dp.network.availability_zones}
    most = 2**AWS_DERIVED_SPLIT - 1
    if len(zones) > most:
        yield (
            "dataplane.network.availabilityZones",
            f"{len(zones)} zones; subnets are derived for at most {most}: list fewer zones, "
            "or list the subnets under network.subnets",
        )
    public_prefix = space.prefixlen + 2 * AWS_DERIVED_SPLIT
    if public_prefix > high:
        yield (
            "dataplane.network.addressSpace",
            f"{space} is too small to derive subnets from (the public ones would be "
            f"/{public_prefix}, AWS allows /{high} at most); use /{high - 2 * AWS_DERIVED_SPLIT} "
            "or larger, or list the subnets under network.subnets",
        )


def aws_network_problems(stack: StackSpec) -> Iterator[Finding]:
    """EKS needs zonal subnets in the stack's region, private ones in at least two zones, and a
    public subnet (NAT gateways, internet-facing load balancers); names ``public*`` are public."""
    yield from aws_address_problems(stack)
    yield from aws_pool_zone_problems(stack)
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
