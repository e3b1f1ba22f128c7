from __future__ import annotations

from pdpkit.components.aws.vpc_endpoints import VpcEndpoints, VpcEndpointsArgs
from pdpkit.plan.recorder import Recording
from tests.unit.components.aws.recorded import of_type, one, run

REQUIRED = {
    "ecr.api",
    "ecr.dkr",
    "sts",
    "kms",
    "logs",
    "ec2",
    "elasticloadbalancing",
    "secretsmanager",
}


def endpoints() -> Recording:
    args = VpcEndpointsArgs(
        vpc_id="vpc-0abc",
        vpc_cidr="10.50.0.0/16",
        region="eu-west-1",
        subnet_ids=["subnet-1", "subnet-2"],
        route_table_ids=["rtb-1", "rtb-2"],
    )
    return run(lambda: {"ids": VpcEndpoints("ep", args).endpoint_ids})


def test_interface_endpoints_for_a_private_cluster_with_private_dns() -> None:
    found = of_type(endpoints(), "aws:ec2/vpcEndpoint:VpcEndpoint")
    interface = {
        e.inputs["serviceName"].removeprefix("com.amazonaws.eu-west-1."): e.inputs
        for e in found
        if e.inputs["vpcEndpointType"] == "Interface"
    }
    assert set(interface) == REQUIRED
    assert all(
        e["privateDnsEnabled"] is True and e["subnetIds"] == ["subnet-1", "subnet-2"]
        for e in interface.values()
    )


def test_s3_is_a_gateway_endpoint_on_the_private_route_tables() -> None:
    s3 = one(endpoints(), "aws:ec2/vpcEndpoint:VpcEndpoint", "ep-s3")
    assert s3.inputs["vpcEndpointType"] == "Gateway"
    assert s3.inputs["routeTableIds"] == ["rtb-1", "rtb-2"]


def test_endpoints_accept_https_from_the_vpc_only() -> None:
    rules = of_type(endpoints(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert [
        (r.inputs["ipProtocol"], r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"])
        for r in rules
    ] == [("tcp", 443, 443, "10.50.0.0/16")]
