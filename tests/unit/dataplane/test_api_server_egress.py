"""Egress to the API server is written the way each target's Cilium really matches it."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from pdpkit.components.k8s.api_server_egress import KUBE_APISERVER_ENTITY
from tests.examples import EXAMPLE_STACKS, plan_of
from tests.unit.spec.stacks import raw_sections

# Where pdpkit installs Cilium itself (so the CiliumNetworkPolicy CRD exists): on-prem and
# EKS (SystemLayerArgs.install_cilium). AKS (Azure CNI powered by Cilium) and GKE (Dataplane
# V2) run a cloud-managed Cilium; GKE offers no CiliumNetworkPolicy.
PDPKIT_CILIUM_TARGETS = {"onprem", "aws"}


def _api_server_blocks(manifests: list[dict[str, Any]]) -> list[str]:
    """The ipBlocks of the agent's and the environments' API server egress rules."""
    blocks = []
    for manifest in manifests:
        if manifest.get("kind") != "NetworkPolicy":
            continue
        name = manifest["metadata"]["name"]
        for rule in manifest["spec"].get("egress", []):
            ports = {p.get("port") for p in rule.get("ports", [])}
            if name == "allow-api-server" or (name == "pdp-agent" and 6443 in ports):
                blocks += [peer["ipBlock"]["cidr"] for peer in rule.get("to", [])]
    return blocks


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_no_api_server_rule_names_a_service_address(stack: str) -> None:
    # Cilium enforces policy after Service translation: an address in the service range is
    # never the destination a policy sees (cilium/cilium#33525)
    dataplane = raw_sections(stack)["dataplane"]
    services = ipaddress.ip_network(dataplane["network"]["serviceCidr"])
    for block in _api_server_blocks(plan_of(stack).manifests()):
        assert not ipaddress.ip_network(block).subnet_of(services), (stack, block)


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_agent_reaches_the_api_server_by_entity_or_by_address(stack: str) -> None:
    manifests = plan_of(stack).manifests()
    target = raw_sections(stack)["dataplane"]["target"]
    entity_policies = [
        m
        for m in manifests
        if m.get("kind") == "CiliumNetworkPolicy"
        and m["metadata"]["namespace"] == "pdp-system"
        and any(KUBE_APISERVER_ENTITY in rule.get("toEntities", []) for rule in m["spec"]["egress"])
    ]
    if target in PDPKIT_CILIUM_TARGETS:
        assert len(entity_policies) == 1
    else:
        # no CiliumNetworkPolicy CRD to rely on: the real endpoint addresses only
        assert not [m for m in manifests if m.get("kind") == "CiliumNetworkPolicy"]
        (agent_policy,) = [
            m
            for m in manifests
            if m.get("kind") == "NetworkPolicy" and m["metadata"]["name"] == "pdp-agent"
        ]
        assert _api_server_blocks([agent_policy])
