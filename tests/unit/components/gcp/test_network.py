"""Network: custom-mode VPC, subnet with pod/service ranges, NAT, firewall posture."""

from __future__ import annotations

from pdpkit.components.gcp.network import WEBHOOK_PORTS, Network, NetworkArgs
from tests.unit.components.gcp.recording import Recorded, record_program

ARGS = NetworkArgs(
    project="acme-pdp-test",
    region="europe-west1",
    nodes_cidr="10.40.0.0/20",
    pod_cidr="100.64.0.0/14",
    service_cidr="100.68.0.0/20",
    master_cidr="172.16.0.0/28",
    node_tag="dp-node",
)


def _record() -> Recorded:
    def program() -> dict[str, object]:
        network = Network("dp", ARGS)
        return {"subnet": network.subnet_id, "pods": network.pods_range_name}

    return record_program(program)


def test_vpc_is_custom_mode_and_children_are_parented() -> None:
    recorded = _record()
    component = recorded.resources["dp"]
    assert component.type == "pdpkit:gcp:Network"
    vpc = recorded.one("gcp:compute/network:Network")
    assert vpc.inputs["autoCreateSubnetworks"] is False
    assert all(r.parent == component.urn for r in recorded.resources.values() if r is not component)


def test_subnet_has_secondary_ranges_private_google_access_and_flow_logs() -> None:
    recorded = _record()
    subnet = recorded.one("gcp:compute/subnetwork:Subnetwork")
    assert subnet.inputs["ipCidrRange"] == "10.40.0.0/20"
    assert subnet.inputs["privateIpGoogleAccess"] is True
    assert subnet.inputs["secondaryIpRanges"] == [
        {"rangeName": "pods", "ipCidrRange": "100.64.0.0/14"},
        {"rangeName": "services", "ipCidrRange": "100.68.0.0/20"},
    ]
    assert subnet.inputs["logConfig"]["metadata"] == "INCLUDE_ALL_METADATA"
    assert recorded.outputs["subnet"].startswith(
        "projects/acme-pdp-test/regions/europe-west1/subnetworks/"
    )
    assert recorded.outputs["pods"] == "pods"


def test_cloud_nat_covers_the_subnet_and_logs_errors() -> None:
    recorded = _record()
    nat = recorded.one("gcp:compute/routerNat:RouterNat")
    subnet = recorded.one("gcp:compute/subnetwork:Subnetwork")
    assert nat.inputs["sourceSubnetworkIpRangesToNat"] == "LIST_OF_SUBNETWORKS"
    assert nat.inputs["subnetworks"][0]["sourceIpRangesToNats"] == ["ALL_IP_RANGES"]
    assert subnet.urn in nat.dependencies
    assert nat.inputs["logConfig"] == {"enable": True, "filter": "ERRORS_ONLY"}


def test_firewall_allows_only_control_plane_webhooks_and_denies_the_rest() -> None:
    recorded = _record()
    rules = {r.name: r.inputs for r in recorded.of_type("gcp:compute/firewall:Firewall")}
    webhooks = rules["dp-allow-webhooks"]
    assert webhooks["sourceRanges"] == ["172.16.0.0/28"]
    assert webhooks["targetTags"] == ["dp-node"]
    assert webhooks["allows"] == [{"protocol": "tcp", "ports": list(WEBHOOK_PORTS)}]
    assert {"9443", "8443", "15017"} <= set(WEBHOOK_PORTS)
    deny = rules["dp-deny-all-ingress"]
    assert deny["denies"] == [{"protocol": "all"}] and deny["direction"] == "INGRESS"
    assert deny["priority"] > webhooks["priority"]
    assert "logConfig" in deny
