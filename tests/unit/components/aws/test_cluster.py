from __future__ import annotations

import json
from typing import Any

import pytest

from pdpkit.components.aws.cluster import EksCluster, EksClusterArgs, kubeconfig
from pdpkit.plan.recorder import Recording
from tests.unit.components.aws.recorded import ACCOUNT, KEY_ARN, of_type, one, policy, run

DEPLOYER = "arn:aws:iam::210987654321:role/pdpkit-deployer"


def cluster(**overrides: Any) -> Recording:
    args = EksClusterArgs(
        **{
            "cluster_name": "dp",
            "account": ACCOUNT,
            "kubernetes_version": "1.31",
            "vpc_cidr": "10.50.0.0/16",
            "subnet_ids": ["subnet-1", "subnet-2"],
            "service_cidr": "172.20.0.0/16",
            "log_retention_days": 90,
            "logs_key_arn": KEY_ARN,
            "secrets_key_arn": KEY_ARN,
            "admin_principal_arns": (DEPLOYER,),
            "production": True,
            **overrides,
        }
    )
    return run(lambda: {"kubeconfig": EksCluster("dp", args).kubeconfig})


def eks(recording: Recording) -> dict[str, Any]:
    return one(recording, "aws:eks/cluster:Cluster").inputs


def test_the_cluster_resource_is_named_after_the_data_plane() -> None:
    assert one(cluster(), "aws:eks/cluster:Cluster").name == "dp-cluster"


def test_private_endpoint_only_by_default() -> None:
    vpc = eks(cluster())["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True and vpc["endpointPublicAccess"] is False
    assert not vpc.get("publicAccessCidrs")


def test_a_public_endpoint_is_open_to_the_authorized_ranges_only() -> None:
    vpc = eks(cluster(private_endpoint=False, authorized_ranges=("203.0.113.0/24",)))["vpcConfig"]
    assert vpc["endpointPublicAccess"] is True
    assert vpc["publicAccessCidrs"] == ["203.0.113.0/24"]


def test_a_public_endpoint_without_ranges_is_refused() -> None:
    with pytest.raises(ValueError, match="authorized_ranges"):
        cluster(private_endpoint=False)


def test_secrets_are_envelope_encrypted_and_the_role_may_use_the_key() -> None:
    recording = cluster()
    assert eks(recording)["encryptionConfig"] == {
        "resources": ["secrets"],
        "provider": {"keyArn": KEY_ARN},
    }
    grant = policy(one(recording, "aws:iam/rolePolicy:RolePolicy", "dp-cluster-kms"))["Statement"][
        0
    ]
    assert grant["Resource"] == KEY_ARN and "kms:Encrypt" in grant["Action"]


def test_every_control_plane_log_type_into_an_encrypted_group_with_retention() -> None:
    recording = cluster()
    assert eks(recording)["enabledClusterLogTypes"] == [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ]
    group = one(recording, "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["name"] == "/aws/eks/dp/cluster"
    assert group.inputs["retentionInDays"] == 90 and group.inputs["kmsKeyId"] == KEY_ARN
    assert group.urn in one(recording, "aws:eks/cluster:Cluster").dependencies


def test_api_authentication_with_an_access_entry_for_the_deployer() -> None:
    recording = cluster()
    assert eks(recording)["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }
    entry = one(recording, "aws:eks/accessEntry:AccessEntry")
    assert entry.inputs["principalArn"] == DEPLOYER
    association = one(recording, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
    assert association.inputs["policyArn"].endswith(
        ":cluster-access-policy/AmazonEKSClusterAdminPolicy"
    )
    assert association.inputs["accessScope"] == {"type": "cluster"}


def test_without_a_known_deployer_the_creator_is_admin() -> None:
    recording = cluster(admin_principal_arns=())
    assert eks(recording)["accessConfig"]["bootstrapClusterCreatorAdminPermissions"] is True
    assert not of_type(recording, "aws:eks/accessEntry:AccessEntry")


def test_an_oidc_provider_for_irsa_from_the_cluster_issuer() -> None:
    provider = one(cluster(), "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"].startswith("https://oidc.eks.")
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]


def test_wireguard_udp_51871_is_open_between_nodes_only() -> None:
    rules = of_type(cluster(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    wireguard = next(r.inputs for r in rules if r.name == "dp-wireguard")
    assert (wireguard["ipProtocol"], wireguard["fromPort"], wireguard["toPort"]) == (
        "udp",
        51871,
        51871,
    )
    assert wireguard["referencedSecurityGroupId"] == wireguard["securityGroupId"]
    assert "cidrIpv4" not in wireguard


def test_no_wireguard_rule_when_encryption_is_not_wireguard() -> None:
    names = {
        r.name
        for r in of_type(
            cluster(wireguard=False), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
        )
    }
    assert "dp-wireguard" not in names


def test_private_api_reachable_from_the_vpc_on_443() -> None:
    rules = of_type(cluster(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    api = next(r.inputs for r in rules if r.name == "dp-api-0")
    assert (api["cidrIpv4"], api["fromPort"], api["ipProtocol"]) == ("10.50.0.0/16", 443, "tcp")


@pytest.mark.parametrize("production", [True, False])
def test_deletion_protection_protect_and_retain_in_production(production: bool) -> None:
    recording = cluster(production=production)
    resource = one(recording, "aws:eks/cluster:Cluster")
    assert resource.inputs["deletionProtection"] is production
    assert (resource.protect, resource.retain_on_delete) == (production, production)


def test_kubeconfig_authenticates_with_aws_eks_get_token() -> None:
    config = json.loads(cluster().outputs["kubeconfig"])
    user = config["users"][0]["user"]["exec"]
    assert user["command"] == "aws"
    assert user["args"][:4] == ["eks", "get-token", "--cluster-name", "dp"]
    assert config["clusters"][0]["cluster"]["server"].startswith("https://")
    assert set(config["users"][0]["user"]) == {"exec"}  # no static token or client key


def test_kubeconfig_runs_with_the_customer_profile_when_given() -> None:
    config = json.loads(kubeconfig("dp", "https://x", "Y2E=", "eu-west-1", "pdp-dp"))
    exec_ = config["users"][0]["user"]["exec"]
    # An explicit --profile: AWS_PROFILE would lose to the CI login's environment credentials.
    assert exec_["args"][:4] == ["--profile", "pdp-dp", "eks", "get-token"]
    assert "env" not in exec_
