from __future__ import annotations

import pytest

from pdpkit.components.aws.network import Network, NetworkArgs, SubnetPlan
from pdpkit.plan.recorder import Recording
from tests.unit.components.aws.recorded import of_type, one, run

ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
SUBNETS = (
    *(
        SubnetPlan(f"private-{z[-1]}", f"10.50.{i * 32}.0/19", z, False)
        for i, z in enumerate(ZONES)
    ),
    *(SubnetPlan(f"public-{z[-1]}", f"10.50.{96 + i}.0/24", z, True) for i, z in enumerate(ZONES)),
)


def network(per_zone: bool, subnets: tuple[SubnetPlan, ...] = SUBNETS) -> Recording:
    return run(
        lambda: {
            "ids": Network(
                "net", NetworkArgs("10.50.0.0/16", subnets, "dp", per_zone)
            ).private_subnet_ids
        }
    )


def test_vpc_resolves_private_dns_names() -> None:
    vpc = one(network(True), "aws:ec2/vpc:Vpc")
    assert vpc.inputs["cidrBlock"] == "10.50.0.0/16"
    assert vpc.inputs["enableDnsHostnames"] is True and vpc.inputs["enableDnsSupport"] is True


def test_one_nat_gateway_per_zone_each_zone_routing_through_its_own() -> None:
    recording = network(True)
    nats = of_type(recording, "aws:ec2/natGateway:NatGateway")
    assert sorted(n.name for n in nats) == [f"net-nat-{z}" for z in ZONES]
    assert len(of_type(recording, "aws:ec2/eip:Eip")) == 3
    egress = [r for r in of_type(recording, "aws:ec2/route:Route") if r.name.endswith("-egress")]
    assert len(egress) == 3
    assert len({r.inputs["natGatewayId"] for r in egress}) == 3


def test_a_shared_nat_gateway_when_not_per_zone() -> None:
    recording = network(False)
    assert len(of_type(recording, "aws:ec2/natGateway:NatGateway")) == 1
    egress = [r for r in of_type(recording, "aws:ec2/route:Route") if r.name.endswith("-egress")]
    assert len({r.inputs["natGatewayId"] for r in egress}) == 1


def test_subnets_are_tagged_for_load_balancers_and_never_assign_public_ips() -> None:
    subnets = {s.name: s.inputs for s in of_type(network(True), "aws:ec2/subnet:Subnet")}
    assert subnets["net-public-a"]["tags"]["kubernetes.io/role/elb"] == "1"
    assert subnets["net-private-a"]["tags"]["kubernetes.io/role/internal-elb"] == "1"
    assert "kubernetes.io/role/elb" not in subnets["net-private-a"]["tags"]
    assert all(s["tags"]["kubernetes.io/cluster/dp"] == "shared" for s in subnets.values())
    assert all(s["mapPublicIpOnLaunch"] is False for s in subnets.values())
    assert {s["availabilityZone"] for s in subnets.values()} == set(ZONES)


def test_public_route_goes_to_the_internet_gateway_private_routes_do_not() -> None:
    recording = network(True)
    public = one(recording, "aws:ec2/route:Route", "net-public-internet")
    assert public.inputs["gatewayId"].startswith("igw-")
    assert all(
        "gatewayId" not in r.inputs
        for r in of_type(recording, "aws:ec2/route:Route")
        if r.name.endswith("-egress")
    )


def test_the_default_security_group_is_emptied() -> None:
    group = one(network(True), "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert not group.inputs.get("ingress") and not group.inputs.get("egress")


def test_one_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="at least two"):
        NetworkArgs("10.50.0.0/16", (SUBNETS[0], SUBNETS[3]), "dp", True)


def test_nat_per_zone_needs_a_public_subnet_in_every_zone() -> None:
    with pytest.raises(ValueError, match=r"public subnet in eu-west-1b, eu-west-1c"):
        NetworkArgs("10.50.0.0/16", (*SUBNETS[:3], SUBNETS[3]), "dp", True)
