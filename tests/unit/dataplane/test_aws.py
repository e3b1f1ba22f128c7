"""The assembled AWS data plane (below the system layer), from the acme-aws-prod stack."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from typing import Any

import pytest

from pdpkit.dataplane.aws import (
    AwsInfrastructure,
    account_provider,
    provision,
)
from pdpkit.dataplane.aws_system import CILIUM_CHAINED_WITH_VPC_CNI
from pdpkit.plan import recorder
from pdpkit.plan.recorder import Recording, record
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.loader import build_stack
from tests.examples import ROOT
from tests.unit.spec.stacks import raw_sections

EXTERNAL_ID = "acme-external-id-7f3e"


def acme(**aws: Any) -> DataPlaneSpec:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["aws"] = {**raw["dataplane"]["aws"], "externalId": EXTERNAL_ID, **aws}
    return build_stack(raw).dataplane


@cache
def provisioned(
    production: bool = True, endpoints: bool = True, per_zone: bool | None = True
) -> tuple[Recording, dict[str, Any]]:
    spec = acme(vpcEndpoints=endpoints, natGatewayPerZone=per_zone)
    spec = spec.model_copy(update={"production": production})
    captured: dict[str, Any] = {}

    def program() -> dict[str, Any]:
        infrastructure: AwsInfrastructure = provision(spec, account_provider(spec))
        captured["args"] = infrastructure.system_args
        args = infrastructure.system_args
        return {
            "annotations": args.secret_store_identity.service_account_annotations,
            "agent": args.log_destination.identity.service_account_annotations,
            "log": args.log_destination.parameters,
            "provider": args.secret_store_provider,
            "registry": args.registry,
            "certManager": args.cert_manager_identity.service_account_annotations,
        }

    return record(program, "pdp", "acme-aws-prod"), captured


def test_the_cluster_resource_has_the_data_plane_name() -> None:
    recording, _ = provisioned()
    clusters = [r for r in recording.resources if r.type == "aws:eks/cluster:Cluster"]
    assert [c.name for c in clusters] == ["acme-aws-prod-cluster"]


def test_every_aws_resource_goes_through_the_account_provider() -> None:
    recording, _ = provisioned()
    aws = [r for r in recording.resources if r.custom and r.type.startswith("aws:")]
    assert len(aws) > 60
    assert {r.provider for r in aws} == {"provider-acme-aws-prod-aws"}


def test_the_provider_assumes_the_customer_role_and_keeps_the_external_id_secret() -> None:
    recording, _ = provisioned()
    provider = next(r for r in recording.resources if r.type == "pulumi:providers:aws")
    assert provider.inputs["region"] == "eu-west-1"
    assert json.loads(provider.inputs["allowedAccountIds"]) == ["210987654321"]
    assert provider.inputs["assumeRoles"] == "[secret]"
    assert json.loads(provider.inputs["defaultTags"])["tags"]["managed-by"] == "pdpkit"
    assert EXTERNAL_ID not in json.dumps([r.inputs for r in recording.resources])


def test_data_is_protected_and_retained_in_production() -> None:
    recording, _ = provisioned()
    protected = sorted({r.type for r in recording.resources if r.protect and r.retain_on_delete})
    assert protected == [
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:ecr/repository:Repository",
        "aws:eks/cluster:Cluster",
        "aws:kms/key:Key",
        "aws:s3/bucket:Bucket",
        "aws:secretsmanager/secret:Secret",
    ]
    keys = [r for r in recording.resources if r.type == "aws:kms/key:Key"]
    assert len(keys) == 5 and all(k.protect for k in keys)  # eks, logs, ecr, secrets, observability


def test_nothing_is_protected_outside_production() -> None:
    recording, _ = provisioned(production=False)
    assert not [r.name for r in recording.resources if r.protect or r.retain_on_delete]


@pytest.mark.parametrize(
    ("per_zone", "production", "nats"),
    [(True, True, 3), (None, True, 3), (None, False, 1), (False, True, 1)],
)
def test_nat_gateways_per_zone_in_production_unless_told(
    per_zone: bool | None, production: bool, nats: int
) -> None:
    recording, _ = provisioned(production=production, per_zone=per_zone)
    assert (
        len([r for r in recording.resources if r.type == "aws:ec2/natGateway:NatGateway"]) == nats
    )


def endpoint_count(recording: Recording) -> int:
    return len([r for r in recording.resources if r.type == "aws:ec2/vpcEndpoint:VpcEndpoint"])


def test_vpc_endpoints_only_when_asked() -> None:
    assert endpoint_count(provisioned()[0]) == 9
    assert endpoint_count(provisioned(endpoints=False)[0]) == 0


def test_node_groups_from_the_spec_pools() -> None:
    recording, _ = provisioned()
    groups = {
        r.name: r.inputs for r in recording.resources if r.type == "aws:eks/nodeGroup:NodeGroup"
    }
    assert set(groups) == {"acme-aws-prod-system-nodes", "acme-aws-prod-apps-nodes"}
    assert groups["acme-aws-prod-system-nodes"]["instanceTypes"] == ["m6i.large"]
    assert groups["acme-aws-prod-system-nodes"]["taints"] == [
        {"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}
    ]
    assert groups["acme-aws-prod-apps-nodes"]["scalingConfig"] == {
        "minSize": 3,
        "maxSize": 12,
        "desiredSize": 3,
    }


def test_what_the_system_layer_gets() -> None:
    recording, captured = provisioned()
    args = captured["args"]
    assert args.install_cilium is True
    assert args.cilium_values == CILIUM_CHAINED_WITH_VPC_CNI
    assert args.cilium_values["cni"]["chainingMode"] == "aws-cni"
    # the endpoint's interfaces in the VPC; not the kubernetes Service's ClusterIP, which
    # Cilium translates before enforcing policy (cilium/cilium#33525)
    assert args.api_server_cidrs == ("10.50.0.0/16",)
    assert (
        args.internal_load_balancer_annotations[
            "service.beta.kubernetes.io/aws-load-balancer-scheme"
        ]
        == "internal"
    )
    assert args.log_destination.output == "cloudwatch_logs"
    assert args.acme_dns01_solver == {"route53": {"region": "eu-west-1"}}
    outputs = recording.outputs
    assert (
        outputs["log"]["log_group_name"] == "/pdp/acme-aws-prod/workloads"
        and outputs["log"]["region"] == "eu-west-1"
    )
    assert outputs["annotations"]["eks.amazonaws.com/role-arn"].startswith(
        "arn:aws:iam::210987654321:role/"
    )
    assert (
        outputs["agent"]["eks.amazonaws.com/role-arn"]
        != outputs["annotations"]["eks.amazonaws.com/role-arn"]
    )
    assert outputs["provider"]["aws"]["service"] == "SecretsManager"
    assert "dns01-solver-role" in outputs["certManager"]["eks.amazonaws.com/role-arn"]
    assert outputs["registry"] == "210987654321.dkr.ecr.eu-west-1.amazonaws.com"


def test_the_system_layer_waits_for_network_cluster_and_node_groups() -> None:
    _, captured = provisioned()
    waited = {type(r).__name__ for r in captured["args"].depends_on}
    assert waited == {"Network", "VpcEndpoints", "EksCluster", "ManagedNodeGroup"}


def test_the_kubernetes_provider_uses_aws_eks_get_token_with_the_customer_profile() -> None:
    recording, _ = provisioned()
    provider = next(r for r in recording.resources if r.type == "pulumi:providers:kubernetes")
    config = json.loads(provider.inputs["kubeconfig"])
    exec_ = config["users"][0]["user"]["exec"]
    assert exec_["args"][:6] == [
        "--profile",
        "pdp-acme-aws-prod",
        "eks",
        "get-token",
        "--cluster-name",
        "acme-aws-prod",
    ]
    assert "env" not in exec_


def test_planning_calls_no_cloud_api(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = recorder.RealisticMocks.call

    def call(self: Any, args: Any) -> Any:
        calls.append(args.token)
        return original(self, args)

    monkeypatch.setattr(recorder.RealisticMocks, "call", call)
    spec = acme()
    record(
        lambda: {"x": provision(spec, account_provider(spec)).registry.registry_host}, "pdp", "t"
    )
    assert calls == []


PROBE = """
import sys
from pathlib import Path
from pdpkit.plan.recorder import record
from pdpkit.spec.loader import load_stack
from pdpkit.dataplane.aws import provision, account_provider
spec = load_stack(Path("."), "acme-aws-prod").dataplane
record(lambda: {"r": provision(spec, account_provider(spec)).registry.registry_host}, "pdp", "acme-aws-prod")
print("IMPORTED", ",".join(sorted({m.split(".")[0] for m in sys.modules} & {"pulumi_azure_native", "pulumi_gcp", "pulumi_aws"})))
"""


def test_an_aws_plan_imports_neither_azure_nor_gcp() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("IMPORTED"))
    assert line == "IMPORTED pulumi_aws"


def test_no_dns_challenge_role_with_a_self_signed_issuer() -> None:
    raw = raw_sections("acme-aws-prod")
    # production refuses a self-signed issuer: a non-production data plane, hosting no prod
    raw["dataplane"]["production"] = False
    del raw["platform"]
    raw["dataplane"]["gateways"]["tlsIssuer"] = "selfsigned"
    spec = build_stack(raw).dataplane
    captured: dict[str, Any] = {}

    def program() -> None:
        captured["args"] = provision(spec, account_provider(spec)).system_args

    recording = record(program, "pdp", "t")
    assert not [r for r in recording.resources if r.type == "pdpkit:aws:Route53DnsChallenge"]
    assert captured["args"].acme_dns01_solver is None
