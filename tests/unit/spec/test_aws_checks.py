"""AWS network rules of the stack spec: zonal subnets, two zones, public subnets for NAT."""

from __future__ import annotations

import pytest

from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import build_stack
from tests.unit.spec.stacks import raw_sections


def test_the_aws_example_is_valid() -> None:
    assert build_stack(raw_sections("acme-aws-prod")).dataplane.aws is not None


def test_a_subnet_without_zone_is_refused() -> None:
    raw = raw_sections("acme-aws-prod")
    del raw["dataplane"]["network"]["subnets"][0]["zone"]
    with pytest.raises(SpecError, match=r"subnets\[0\]\.zone.*required on AWS"):
        build_stack(raw)


def test_a_zone_of_another_region_is_refused() -> None:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["network"]["subnets"][1]["zone"] = "us-east-1b"
    with pytest.raises(SpecError, match="not a zone of region eu-west-1"):
        build_stack(raw)


def test_private_subnets_in_one_zone_are_refused() -> None:
    raw = raw_sections("acme-aws-prod")
    for subnet in raw["dataplane"]["network"]["subnets"]:
        subnet["zone"] = "eu-west-1a"
    with pytest.raises(SpecError, match="at least two"):
        build_stack(raw)


def test_nat_per_zone_without_public_subnets_in_every_zone_is_refused() -> None:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["network"]["subnets"] = [
        s for s in raw["dataplane"]["network"]["subnets"] if s["name"] != "public-c"
    ]
    with pytest.raises(SpecError, match="public subnet in eu-west-1c"):
        build_stack(raw)
    raw["dataplane"]["aws"]["natGatewayPerZone"] = False
    assert build_stack(raw).dataplane.aws is not None


def test_derived_subnets_need_two_zones() -> None:
    raw = raw_sections("acme-aws-prod")
    del raw["dataplane"]["network"]["subnets"]
    raw["dataplane"]["network"]["availabilityZones"] = ["eu-west-1a"]
    with pytest.raises(SpecError, match="at least two availability zones"):
        build_stack(raw)
