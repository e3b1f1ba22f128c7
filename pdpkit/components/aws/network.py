"""`Network`: a VPC over at least two availability zones, private and public subnets, NAT."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import ec2


@dataclass(frozen=True)
class SubnetPlan:
    """One zonal subnet of the VPC."""

    name: str
    cidr: str
    zone: str
    public: bool
    """Public subnets route to the internet gateway and hold NAT gateways and internet-facing
    load balancers; private subnets hold nodes, pods (VPC CNI) and internal load balancers."""


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of `Network`."""

    cidr: str
    """The VPC range."""
    subnets: tuple[SubnetPlan, ...]
    """Private subnets in at least two zones; a public subnet in each zone that has NAT."""
    cluster_name: str
    """Tagged ``kubernetes.io/cluster/<name>: shared`` so the load balancer controller and the
    in-tree service controller find the subnets."""
    nat_gateway_per_zone: bool
    """One NAT gateway per zone (a zone failure leaves the others' egress intact); False: one
    shared NAT gateway in the first zone (cheaper, a single point of failure)."""

    def __post_init__(self) -> None:
        private_zones = {s.zone for s in self.subnets if not s.public}
        public_zones = {s.zone for s in self.subnets if s.public}
        if len(private_zones) < 2:
            raise ValueError(
                f"private subnets span {len(private_zones)} availability zone(s) "
                f"({', '.join(sorted(private_zones)) or 'none'}); EKS needs at least two"
            )
        if not public_zones:
            raise ValueError(
                "no public subnet: NAT gateways and internet-facing load balancers need one"
            )
        if self.nat_gateway_per_zone and not private_zones <= public_zones:
            missing = ", ".join(sorted(private_zones - public_zones))
            raise ValueError(f"a NAT gateway per zone needs a public subnet in {missing}")

    @property
    def zones(self) -> tuple[str, ...]:
        """Zones of the private subnets, in order of first appearance."""
        return tuple(dict.fromkeys(s.zone for s in self.subnets if not s.public))


class Network(pulumi.ComponentResource):
    """A VPC with private subnets for nodes and public subnets for NAT and public load balancers.

    Nodes never get public addresses; egress goes through NAT (per zone in production), and
    AWS APIs can be reached through VPC endpoints instead (see `VpcEndpoints`).
    """

    vpc_id: pulumi.Output[str]
    cidr: pulumi.Output[str]
    private_subnet_ids: pulumi.Output[list[str]]
    public_subnet_ids: pulumi.Output[list[str]]
    private_route_table_ids: pulumi.Output[list[str]]
    nat_gateway_ids: pulumi.Output[list[str]]
    private_subnet_ids_by_zone: dict[str, pulumi.Output[list[str]]]
    """Private subnets of each zone (node groups pinned to zones pick theirs)."""

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        cluster_tag = {f"kubernetes.io/cluster/{args.cluster_name}": "shared"}

        vpc = ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_support=True,  # private endpoints (EKS, VPC endpoints) resolve via DNS
            enable_dns_hostnames=True,
            tags={"Name": name},
            opts=child,
        )
        # The default security group allows all traffic between its members: strip it (CIS 5.4).
        ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=vpc.id, tags={"Name": f"{name}-default"}, opts=child
        )
        igw = ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags={"Name": name}, opts=child)

        subnets: dict[str, ec2.Subnet] = {}
        for plan in args.subnets:
            role = (
                {"kubernetes.io/role/elb": "1"}
                if plan.public
                else {"kubernetes.io/role/internal-elb": "1"}
            )
            subnets[plan.name] = ec2.Subnet(
                f"{name}-{plan.name}",
                vpc_id=vpc.id,
                cidr_block=plan.cidr,
                availability_zone=plan.zone,
                map_public_ip_on_launch=False,  # public subnets: NAT and LBs only
                tags={"Name": f"{name}-{plan.name}", **role, **cluster_tag},
                opts=child,
            )

        public_table = ec2.RouteTable(
            f"{name}-public", vpc_id=vpc.id, tags={"Name": f"{name}-public"}, opts=child
        )
        ec2.Route(
            f"{name}-public-internet",
            route_table_id=public_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=child,
        )
        public_by_zone: dict[str, ec2.Subnet] = {}
        for plan in (s for s in args.subnets if s.public):
            public_by_zone.setdefault(plan.zone, subnets[plan.name])
            ec2.RouteTableAssociation(
                f"{name}-{plan.name}",
                subnet_id=subnets[plan.name].id,
                route_table_id=public_table.id,
                opts=child,
            )

        nat_zones = args.zones if args.nat_gateway_per_zone else (next(iter(public_by_zone)),)
        nats: dict[str, ec2.NatGateway] = {}
        for zone in nat_zones:
            eip = ec2.Eip(
                f"{name}-nat-{zone}", domain="vpc", tags={"Name": f"{name}-nat-{zone}"}, opts=child
            )
            nats[zone] = ec2.NatGateway(
                f"{name}-nat-{zone}",
                allocation_id=eip.id,
                subnet_id=public_by_zone[zone].id,
                connectivity_type="public",
                tags={"Name": f"{name}-nat-{zone}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
            )

        # One private route table per zone, so a zone's egress uses its own NAT gateway.
        tables: dict[str, ec2.RouteTable] = {}
        for zone in args.zones:
            table = ec2.RouteTable(
                f"{name}-private-{zone}",
                vpc_id=vpc.id,
                tags={"Name": f"{name}-private-{zone}"},
                opts=child,
            )
            ec2.Route(
                f"{name}-private-{zone}-egress",
                route_table_id=table.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nats.get(zone, nats[nat_zones[0]]).id,
                opts=child,
            )
            tables[zone] = table
        for plan in (s for s in args.subnets if not s.public):
            ec2.RouteTableAssociation(
                f"{name}-{plan.name}",
                subnet_id=subnets[plan.name].id,
                route_table_id=tables[plan.zone].id,
                opts=child,
            )

        self.vpc_id = vpc.id
        self.cidr = pulumi.Output.from_input(args.cidr)
        self.private_subnet_ids = pulumi.Output.all(
            *(subnets[s.name].id for s in args.subnets if not s.public)
        )
        self.public_subnet_ids = pulumi.Output.all(
            *(subnets[s.name].id for s in args.subnets if s.public)
        )
        self.private_route_table_ids = pulumi.Output.all(*(t.id for t in tables.values()))
        self.nat_gateway_ids = pulumi.Output.all(*(n.id for n in nats.values()))
        self.private_subnet_ids_by_zone = {
            zone: pulumi.Output.all(
                *(subnets[s.name].id for s in args.subnets if not s.public and s.zone == zone)
            )
            for zone in args.zones
        }
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "cidr": self.cidr,
                "private_subnet_ids": self.private_subnet_ids,
                "public_subnet_ids": self.public_subnet_ids,
                "private_route_table_ids": self.private_route_table_ids,
                "nat_gateway_ids": self.nat_gateway_ids,
                "private_subnet_ids_by_zone": self.private_subnet_ids_by_zone,
            }
        )
