"""`VpcEndpoints`: nodes reach AWS APIs through the VPC, not through NAT and the internet."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import ec2, vpc

INTERFACE_SERVICES: tuple[str, ...] = (
    "ecr.api",  # image manifests and auth tokens
    "ecr.dkr",  # image layers are on S3 (gateway endpoint below)
    "sts",  # IRSA: AssumeRoleWithWebIdentity
    "kms",
    "logs",  # the log agent ships to CloudWatch Logs
    "ec2",  # VPC CNI (ENIs, IPs) and node bootstrap
    "elasticloadbalancing",  # the service controller creates NLBs
    "secretsmanager",  # External Secrets
)
"""Interface endpoints a fully private EKS cluster needs (EKS user guide, "private clusters")."""


@dataclass(frozen=True)
class VpcEndpointsArgs:
    """Inputs of `VpcEndpoints`."""

    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    """Clients allowed to reach the interface endpoints (HTTPS only)."""
    region: str
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets: one endpoint network interface per zone."""
    route_table_ids: pulumi.Input[list[str]]
    """Private route tables the S3 gateway endpoint is added to."""
    services: tuple[str, ...] = INTERFACE_SERVICES
    """Interface endpoint services; left out: what a private EKS cluster needs."""


class VpcEndpoints(pulumi.ComponentResource):
    """Interface endpoints (private DNS on) behind a security group open to the VPC on 443 only,
    plus the S3 gateway endpoint (ECR layers, log archive) on the private route tables."""

    security_group_id: pulumi.Output[str]
    endpoint_ids: pulumi.Output[dict[str, str]]

    def __init__(
        self, name: str, args: VpcEndpointsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:VpcEndpoints", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="HTTPS from the VPC to the AWS API interface endpoints",
            tags={"Name": f"{name}-endpoints"},
            opts=child,
        )
        vpc.SecurityGroupIngressRule(
            f"{name}-https",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=args.vpc_cidr,
            description="HTTPS from the VPC",
            opts=child,
        )
        endpoints: dict[str, pulumi.Output[str]] = {}
        for service in args.services:
            endpoint = ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=args.vpc_id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,  # SDKs keep using the public hostnames
                subnet_ids=args.subnet_ids,
                security_group_ids=[group.id],
                tags={"Name": f"{name}-{service}"},
                opts=child,
            )
            endpoints[service] = endpoint.id
        s3 = ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=args.vpc_id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",  # free, and no interface to size
            route_table_ids=args.route_table_ids,
            tags={"Name": f"{name}-s3"},
            opts=child,
        )
        endpoints["s3"] = s3.id

        self.security_group_id = group.id
        self.endpoint_ids = pulumi.Output.all(**endpoints)
        self.register_outputs(
            {"security_group_id": self.security_group_id, "endpoint_ids": self.endpoint_ids}
        )
