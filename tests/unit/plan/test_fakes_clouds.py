"""The fakes across clouds: identities are distinct, derived values follow their inputs."""

from __future__ import annotations

from pdpkit.plan.fakes import UNKNOWN, FakeRun, fake_outputs
from tests.examples import plan_of

AKS = "azure-native:containerservice:ManagedCluster"


def outputs_of(stack: str, type_: str) -> list[dict[str, object]]:
    return [r.outputs for r in plan_of(stack).recording.resources if r.type == type_]


def test_identities_have_distinct_client_and_object_ids_on_every_cloud() -> None:
    ids: list[object] = []
    for uami in outputs_of("acme-azure-dev", "azure-native:managedidentity:UserAssignedIdentity"):
        assert uami["clientId"] != uami["principalId"]
        ids += [uami["clientId"], uami["principalId"]]
    (cluster,) = outputs_of("acme-azure-dev", AKS)
    kubelet = cluster["identityProfile"]["kubeletidentity"]  # type: ignore[index]
    ids += [kubelet["clientId"], kubelet["objectId"]]
    assert len(ids) == len(set(ids)) == 2 * 5  # four identities and the kubelet's, no reuse
    for account in outputs_of("acme-gcp-staging", "gcp:serviceaccount/account:Account"):
        assert account["email"] != account["uniqueId"]
        ids += [account["email"], account["uniqueId"]]
    for role in outputs_of("acme-aws-prod", "aws:iam/role:Role"):
        assert role["arn"] != role["uniqueId"]
        ids += [role["arn"], role["uniqueId"]]
    assert len(ids) == len(set(ids))


def test_the_eks_cluster_is_in_the_vpc_of_its_subnets() -> None:
    (vpc,) = outputs_of("acme-aws-prod", "aws:ec2/vpc:Vpc")
    (cluster,) = outputs_of("acme-aws-prod", "aws:eks/cluster:Cluster")
    assert cluster["vpcConfig"]["vpcId"] == vpc["id"]  # type: ignore[index]


def test_an_eks_cluster_on_subnets_the_plan_did_not_create_has_an_unknown_vpc() -> None:
    run = FakeRun()
    subnet_id, _, _ = fake_outputs("aws:ec2/subnet:Subnet", "a", {"vpcId": "vpc-1"}, run)
    cluster = {"vpcConfig": {"subnetIds": [subnet_id]}}
    assert (
        fake_outputs("aws:eks/cluster:Cluster", "c", cluster, run)[1]["vpcConfig"]["vpcId"]
        == "vpc-1"
    )
    foreign = {"vpcConfig": {"subnetIds": ["subnet-0elsewhere"]}}
    assert (
        fake_outputs("aws:eks/cluster:Cluster", "c", foreign, run)[1]["vpcConfig"]["vpcId"]
        == UNKNOWN
    )


def test_arns_on_an_undeclared_account_are_marked_made_up() -> None:
    run = FakeRun()
    _, _, made = fake_outputs("aws:cloudwatch/logGroup:LogGroup", "g", {"name": "g"}, run)
    assert made == ("arn",)
    fake_outputs("pulumi:providers:aws", "p", {"allowedAccountIds": '["210987654321"]'}, run)
    _, outputs, made = fake_outputs("aws:cloudwatch/logGroup:LogGroup", "g", {"name": "g"}, run)
    assert made == () and ":210987654321:" in str(outputs["arn"])
