"""The acme-aws-prod stack planned end to end: AWS data plane and the system layer on top."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from pdpkit.plan.recorder import RecordedResource
from tests.examples import ROOT, plan_of

STACK = "acme-aws-prod"


def resources() -> list[RecordedResource]:
    return plan_of(STACK).recording.resources


def by_urn() -> dict[str, RecordedResource]:
    return {r.urn: r for r in resources()}


def ancestors(resource: RecordedResource, index: dict[str, RecordedResource]) -> set[str]:
    seen: set[str] = set()
    parent = resource.parent
    while parent and parent in index:
        seen.add(index[parent].type)
        parent = index[parent].parent
    return seen


def test_the_plan_has_the_aws_data_plane_and_the_system_layer() -> None:
    types = {r.type for r in resources()}
    assert {
        "aws:eks/cluster:Cluster",
        "aws:ecr/repository:Repository",
        "pdpkit:dataplane:SystemLayer",
    } <= types
    assert "kubernetes:external-secrets.io/v1:ClusterSecretStore" in types


def test_the_cluster_secret_store_uses_secrets_manager_through_irsa() -> None:
    store = next(r for r in resources() if r.type.endswith(":ClusterSecretStore"))
    assert store.inputs["spec"]["provider"]["aws"] == {
        "service": "SecretsManager",
        "region": "eu-west-1",
        "auth": {
            "jwt": {
                "serviceAccountRef": {"name": "external-secrets", "namespace": "external-secrets"}
            }
        },
    }


def test_every_kubernetes_object_uses_the_eks_provider() -> None:
    index = by_urn()
    provider = next(r for r in resources() if r.type == "pulumi:providers:kubernetes")
    kubernetes = [r for r in resources() if r.custom and r.type.startswith("kubernetes:")]
    assert len(kubernetes) > 20
    assert {r.provider for r in kubernetes} == {f"provider-{provider.name}"}
    system = [r for r in kubernetes if "pdpkit:dataplane:SystemLayer" in ancestors(r, index)]
    assert len(system) > 20


def test_the_system_layer_waits_for_node_groups_so_destroy_removes_it_first() -> None:
    index = by_urn()
    node_groups = {r.urn for r in resources() if r.type == "aws:eks/nodeGroup:NodeGroup"}
    cilium = next(
        r
        for r in resources()
        if r.type == "kubernetes:helm.sh/v3:Release" and r.inputs.get("chart") == "cilium"
    )
    assert node_groups <= set(cilium.dependencies)
    gateways = [
        r for r in resources() if r.type == "kubernetes:gateway.networking.k8s.io/v1:Gateway"
    ]
    assert gateways
    assert all("pdpkit:dataplane:SystemLayer" in ancestors(g, index) for g in gateways)


def test_cilium_is_chained_with_the_vpc_cni_and_encrypts_with_wireguard() -> None:
    cilium = next(
        r
        for r in resources()
        if r.type == "kubernetes:helm.sh/v3:Release" and r.inputs.get("chart") == "cilium"
    )
    values: dict[str, Any] = cilium.inputs["values"]
    assert values["cni"] == {"chainingMode": "aws-cni", "exclusive": False}
    assert values["routingMode"] == "native"
    assert values["encryption"]["type"] == "wireguard"


def test_irsa_annotations_reach_the_system_workloads() -> None:
    text = json.dumps([r.inputs for r in resources() if r.type.startswith("kubernetes:")])
    for role in ("secrets-reader-role", "logs-agent-role", "dns01-solver-role"):
        assert f"arn:aws:iam::210987654321:role/acme-aws-prod-{role}-" in text


def test_the_internal_gateway_gets_an_internal_nlb() -> None:
    text = json.dumps([r.inputs for r in resources() if r.type.endswith(":EnvoyProxy")])
    assert '"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"' in text


def test_cert_manager_solves_dns01_in_route53() -> None:
    issuer = next(r for r in resources() if r.type.endswith(":ClusterIssuer"))
    solver = issuer.inputs["spec"]["acme"]["solvers"][0]
    assert solver["dns01"] == {"route53": {"region": "eu-west-1"}}
    assert solver["selector"] == {"dnsZones": ["apps.acme.example"]}


def test_the_stack_has_no_mandatory_policy_violation() -> None:
    assert [(v.rule, v.urn) for v in plan_of(STACK).mandatory_violations()] == []


def test_the_stack_exports_the_ecr_registry() -> None:
    assert (
        plan_of(STACK).recording.outputs["registry"]
        == "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
    )


PROBE = """
import sys
from pathlib import Path
from pdpkit.plan.run import plan_stack
plan_stack(Path("."), "acme-aws-prod")
print("IMPORTED", ",".join(sorted({m.split(".")[0] for m in sys.modules} & {"pulumi_azure_native", "pulumi_gcp", "pulumi_aws"})))
"""


def test_an_aws_plan_imports_neither_azure_nor_gcp() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("IMPORTED"))
    assert line == "IMPORTED pulumi_aws"


def test_both_gateways_get_network_load_balancers() -> None:
    from tests.examples import plan_of

    proxies = {
        m["metadata"]["name"]: m["spec"]["provider"]["kubernetes"]["envoyService"]["annotations"]
        for m in plan_of("acme-aws-prod").manifests()
        if m.get("kind") == "EnvoyProxy"
    }
    assert proxies["external-proxy"]["service.beta.kubernetes.io/aws-load-balancer-type"] == "nlb"
    assert (
        proxies["external-proxy"]["service.beta.kubernetes.io/aws-load-balancer-scheme"]
        == "internet-facing"
    )
    assert (
        proxies["internal-proxy"]["service.beta.kubernetes.io/aws-load-balancer-scheme"]
        == "internal"
    )


def test_every_node_group_waits_for_every_policy_of_its_node_role() -> None:
    # AWS: the node role must hold its policies (worker node, CNI, ECR pull) before nodes are
    # created (docs.aws.amazon.com/eks/latest/userguide/create-node-role.html)
    groups = [r for r in resources() if r.type == "aws:eks/nodeGroup:NodeGroup"]
    attachments = {
        r.urn: r.inputs["policyArn"].rsplit("/", 1)[-1]
        for r in resources()
        if r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
        and (r.name.startswith(f"{STACK}-node-") or r.name == f"{STACK}-registry-node-pull")
    }
    assert set(attachments.values()) == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonSSMManagedInstanceCore",
        "AmazonEC2ContainerRegistryPullOnly",
    }
    assert groups
    for group in groups:
        assert set(attachments) <= set(group.dependencies), group.name
