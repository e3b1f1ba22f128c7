"""Rules that span fields: ranges that must not overlap, names that must resolve.

Each check yields ``(key path, message)``; the loader turns them into located problems.
Platform rules live in `platform_checks`, the Kubernetes version in `kubernetes_checks`,
per-cloud rules in `cloud_checks` and `azure_rules`, gateway rules in `gateway_checks`;
what the objects a value becomes accept in `workload_checks`, `label_checks`,
`system_checks`, `telemetry_checks`, `storage_checks`, `endpoint_checks`, `name_checks`,
`observability_api_checks`, `derived_names` and `text_checks`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from itertools import combinations

from pdpkit.spec.approver_checks import approver_problems
from pdpkit.spec.azure_rules import azure_problems
from pdpkit.spec.ci_checks import ci_problems
from pdpkit.spec.cloud_checks import aws_network_problems, gcp_problems
from pdpkit.spec.cloud_names import region_problems
from pdpkit.spec.credential_checks import credential_problems
from pdpkit.spec.derived_names import derived_name_problems
from pdpkit.spec.endpoint_checks import endpoint_problems
from pdpkit.spec.enums import Target
from pdpkit.spec.findings import Finding, unique_names
from pdpkit.spec.gateway_checks import firewall_problems, gateway_problems
from pdpkit.spec.image_registry import agent_image_problems, image_pull_problems
from pdpkit.spec.kubernetes_checks import kubernetes_version_problems
from pdpkit.spec.label_checks import node_problems, tag_problems
from pdpkit.spec.name_checks import name_problems
from pdpkit.spec.observability_api_checks import observability_api_problems
from pdpkit.spec.platform_checks import find_cycle, platform_problems
from pdpkit.spec.production_checks import production_problems
from pdpkit.spec.secret_key_checks import secret_key_problems
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.storage_checks import storage_problems
from pdpkit.spec.system_checks import system_problems
from pdpkit.spec.telemetry_checks import telemetry_problems
from pdpkit.spec.text_checks import control_character_problems
from pdpkit.spec.workload_checks import workload_problems

__all__ = ["Finding", "cross_field_problems", "find_cycle"]


def cross_field_problems(stack: StackSpec) -> list[Finding]:
    """Every cross-field problem of a structurally valid stack."""
    findings = list(_network(stack))
    findings += region_problems(stack)
    findings += gateway_problems(stack.dataplane.gateways)
    findings += firewall_problems(stack.dataplane)
    findings += observability_api_problems(stack.dataplane)
    findings += kubernetes_version_problems(stack)
    if stack.dataplane.target is Target.AWS:
        findings += aws_network_problems(stack)
    findings += unique_names(
        "dataplane.cluster.nodePools", [p.name for p in stack.dataplane.cluster.node_pools]
    )
    findings += azure_problems(stack)
    findings += secret_key_problems(stack)
    findings += ci_problems(stack)
    findings += image_pull_problems(stack)
    findings += agent_image_problems(stack)
    if stack.dataplane.target is Target.GCP:
        findings += gcp_problems(stack)
    if stack.platform is not None:
        findings += platform_problems(stack.platform, stack.dataplane.name)
        findings += approver_problems(stack.platform)
        findings += workload_problems(stack.platform)
        findings += endpoint_problems(stack.platform)
    findings += name_problems(stack)
    findings += production_problems(stack)
    findings += credential_problems(stack.platform)
    findings += derived_name_problems(stack)
    findings += storage_problems(stack)
    findings += node_problems(stack)
    findings += tag_problems(stack)
    findings += system_problems(stack)
    findings += telemetry_problems(stack)
    findings += control_character_problems(stack)
    return findings


def _network(stack: StackSpec) -> Iterator[Finding]:
    if stack.dataplane.target is Target.ONPREM:
        return
    net = stack.dataplane.network
    space = ipaddress.ip_network(net.address_space)
    ranges = {
        "dataplane.network.addressSpace": space,
        "dataplane.network.podCidr": ipaddress.ip_network(net.pod_cidr),
        "dataplane.network.serviceCidr": ipaddress.ip_network(net.service_cidr),
    }
    for (a, net_a), (b, net_b) in combinations(ranges.items(), 2):
        if net_a.overlaps(net_b):
            yield b, f"{net_b} overlaps {a} {net_a}; choose a range outside it"
    for i, subnet in enumerate(net.subnets):
        cidr = ipaddress.ip_network(subnet.cidr)
        if cidr.version != space.version or not cidr.subnet_of(space):  # type: ignore[arg-type]
            yield (
                f"dataplane.network.subnets[{i}].cidr",
                f"{cidr} is not inside addressSpace {space}; pick a range within it",
            )
    for (i, first), (j, second) in combinations(enumerate(net.subnets), 2):
        if ipaddress.ip_network(first.cidr).overlaps(ipaddress.ip_network(second.cidr)):
            yield (
                f"dataplane.network.subnets[{j}].cidr",
                f"{second.cidr} overlaps subnets[{i}] ({first.name} {first.cidr}); "
                "subnets must be disjoint",
            )
    yield from unique_names("dataplane.network.subnets", [s.name for s in net.subnets])
