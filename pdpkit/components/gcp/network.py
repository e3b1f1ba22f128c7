"""`Network`: a custom-mode VPC with one regional subnet for GKE, Cloud NAT and firewall rules."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import compute

PODS_RANGE = "pods"
"""Name of the subnet's secondary range for pod IPs."""
SERVICES_RANGE = "services"
"""Name of the subnet's secondary range for Service IPs."""
WEBHOOK_PORTS = ("443", "8443", "9443", "10250", "15017")
"""Ports the GKE control plane reaches on nodes for admission webhooks: 443 (generic),
8443 (gateway implementations), 9443 (controller-runtime webhooks: External Secrets,
Flux), 10250 (kubelet; also cert-manager's webhook port), 15017 (Istio-based gateways).
Private clusters only get 443 and 10250 opened by GKE itself."""


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of `Network`."""

    project: str
    region: str
    nodes_cidr: str
    """Primary range of the subnet (node IPs and internal load balancers)."""
    pod_cidr: str
    """Secondary range for pods (VPC-native alias IPs). Replacing it replaces the cluster."""
    service_cidr: str
    """Secondary range for Services. Replacing it replaces the cluster."""
    master_cidr: str
    """The GKE control plane's /28; source of the webhook firewall rule."""
    node_tag: str
    """Network tag on every node; the target of the firewall rules."""
    flow_sampling: float = 0.5
    """Share of flows the VPC flow logs sample. Default 0.5."""


class Network(pulumi.ComponentResource):
    """A custom-mode VPC (no auto subnets) with one subnet carrying pod and Service
    secondary ranges, Private Google Access and flow logs; a Cloud Router with Cloud NAT
    (private nodes have no public IPs); and firewall rules.

    Firewall posture: GCP denies all ingress implicitly; an explicit lowest-priority
    ``deny-all-ingress`` rule makes it visible and logged. GKE adds its own rules for
    intra-cluster traffic. The only rule added here lets the control plane reach admission
    webhooks on the nodes. Egress stays open (the implied rule) so nodes reach Google APIs
    over Private Google Access and the control plane / registries over Cloud NAT; the
    cluster's network policies (Dataplane V2) restrict egress per workload.
    """

    network_id: pulumi.Output[str]
    network_self_link: pulumi.Output[str]
    subnet_id: pulumi.Output[str]
    subnet_self_link: pulumi.Output[str]
    pods_range_name: pulumi.Output[str]
    services_range_name: pulumi.Output[str]
    router_name: pulumi.Output[str]
    nat_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        vpc = compute.Network(
            f"{name}-vpc",
            name=f"{name}-vpc",
            project=args.project,
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            description="pdpkit data plane network (custom mode)",
            opts=child,
        )
        subnet = compute.Subnetwork(
            f"{name}-nodes",
            name=f"{name}-nodes",
            project=args.project,
            region=args.region,
            network=vpc.id,
            ip_cidr_range=args.nodes_cidr,
            private_ip_google_access=True,
            stack_type="IPV4_ONLY",
            secondary_ip_ranges=[
                compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=PODS_RANGE, ip_cidr_range=args.pod_cidr
                ),
                compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=SERVICES_RANGE, ip_cidr_range=args.service_cidr
                ),
            ],
            log_config=compute.SubnetworkLogConfigArgs(
                aggregation_interval="INTERVAL_5_SEC",
                flow_sampling=args.flow_sampling,
                metadata="INCLUDE_ALL_METADATA",
            ),
            # The cluster's ip_allocation_policy names these ranges: changing them replaces
            # the cluster, so a change must show as a replacement here too.
            opts=pulumi.ResourceOptions(
                parent=self, replace_on_changes=["secondaryIpRanges", "ipCidrRange"]
            ),
        )
        router = compute.Router(
            f"{name}-router",
            name=f"{name}-router",
            project=args.project,
            region=args.region,
            network=vpc.id,
            opts=child,
        )
        nat = compute.RouterNat(
            f"{name}-nat",
            name=f"{name}-nat",
            project=args.project,
            region=args.region,
            router=router.name,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetworks=[
                compute.RouterNatSubnetworkArgs(
                    name=subnet.id, source_ip_ranges_to_nats=["ALL_IP_RANGES"]
                )
            ],
            enable_endpoint_independent_mapping=False,
            log_config=compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            opts=child,
        )
        compute.Firewall(
            f"{name}-allow-webhooks",
            name=f"{name}-allow-webhooks",
            project=args.project,
            network=vpc.id,
            direction="INGRESS",
            priority=1000,
            description="GKE control plane to admission webhooks and kubelet on the nodes",
            source_ranges=[args.master_cidr],
            target_tags=[args.node_tag],
            allows=[compute.FirewallAllowArgs(protocol="tcp", ports=list(WEBHOOK_PORTS))],
            log_config=compute.FirewallLogConfigArgs(metadata="INCLUDE_ALL_METADATA"),
            opts=child,
        )
        compute.Firewall(
            f"{name}-deny-all-ingress",
            name=f"{name}-deny-all-ingress",
            project=args.project,
            network=vpc.id,
            direction="INGRESS",
            priority=65534,
            description="Deny by default (explicit and logged; GCP's implied rule is not logged)",
            source_ranges=["0.0.0.0/0"],
            denies=[compute.FirewallDenyArgs(protocol="all")],
            log_config=compute.FirewallLogConfigArgs(metadata="INCLUDE_ALL_METADATA"),
            opts=child,
        )

        self.network_id = vpc.id
        self.network_self_link = vpc.self_link
        self.subnet_id = subnet.id
        self.subnet_self_link = subnet.self_link
        self.pods_range_name = pulumi.Output.from_input(PODS_RANGE)
        self.services_range_name = pulumi.Output.from_input(SERVICES_RANGE)
        self.router_name = router.name
        self.nat_name = nat.name
        self.register_outputs(
            {
                "network_id": self.network_id,
                "network_self_link": self.network_self_link,
                "subnet_id": self.subnet_id,
                "subnet_self_link": self.subnet_self_link,
                "pods_range_name": self.pods_range_name,
                "services_range_name": self.services_range_name,
                "router_name": self.router_name,
                "nat_name": self.nat_name,
            }
        )
