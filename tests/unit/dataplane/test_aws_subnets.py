from __future__ import annotations

import pytest

from pdpkit.dataplane.aws_subnets import aws_zones, subnet_plan
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.loader import build_stack
from tests.unit.spec.stacks import raw_sections


def spec(**network: object) -> DataPlaneSpec:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["network"] = {"addressSpace": "10.50.0.0/16", **network}
    return build_stack(raw).dataplane


def test_subnets_of_the_spec_are_used_as_given() -> None:
    plan = subnet_plan(build_stack(raw_sections("acme-aws-prod")).dataplane)
    assert [(s.name, s.public) for s in plan][:4] == [
        ("private-a", False),
        ("private-b", False),
        ("private-c", False),
        ("public-a", True),
    ]
    assert plan[0].cidr == "10.50.0.0/19" and plan[0].zone == "eu-west-1a"


def test_derived_subnets_a_private_eighth_per_zone_and_small_public_ones() -> None:
    plan = subnet_plan(spec(availabilityZones=["eu-west-1a", "eu-west-1b", "eu-west-1c"]))
    assert [(s.name, s.cidr, s.zone, s.public) for s in plan] == [
        ("private-a", "10.50.0.0/19", "eu-west-1a", False),
        ("private-b", "10.50.32.0/19", "eu-west-1b", False),
        ("private-c", "10.50.64.0/19", "eu-west-1c", False),
        ("public-a", "10.50.96.0/22", "eu-west-1a", True),
        ("public-b", "10.50.100.0/22", "eu-west-1b", True),
        ("public-c", "10.50.104.0/22", "eu-west-1c", True),
    ]


def test_generic_zone_numbers_become_zones_of_the_region() -> None:
    assert aws_zones(spec()) == ("eu-west-1a", "eu-west-1b", "eu-west-1c")


@pytest.mark.parametrize("zones", [["eu-west-1a", "eu-west-1b"], ["1", "2", "3"]])
def test_derived_subnets_are_disjoint_and_inside_the_space(zones: list[str]) -> None:
    import ipaddress

    nets = [ipaddress.ip_network(s.cidr) for s in subnet_plan(spec(availabilityZones=zones))]
    space = ipaddress.ip_network("10.50.0.0/16")
    assert all(n.subnet_of(space) for n in nets)  # type: ignore[arg-type]
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
