"""Realistic outputs of aws resources under the mock monitor.

Ids and ARNs are derived from the logical name (deterministic), the account and region from the
explicit ``aws`` provider the program registers first (``allowedAccountIds``, ``region``, kept in
the plan's `FakeRun`), as the real provider would, or from an ARN among the resource's own inputs.
What AWS decides (``vpc-…``/``subnet-…`` ids, key ids, unique ids, endpoints, random name
suffixes) is marked `made`; so is any ARN built on an account the stack did not declare.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from pdpkit.plan.fakes.run import UNKNOWN, FakeRun, made

Fake = Callable[[FakeRun, str, dict[str, Any]], dict[str, Any]]

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
_ACCOUNT_IN_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")
_REGION_IN_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):\d{12}:")


def _hex(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _account(run: FakeRun, inputs: dict[str, Any]) -> str:
    found = _ACCOUNT_IN_ARN.search(json.dumps(inputs, sort_keys=True, default=str))
    return found.group(1) if found else run.aws.get("account", DEFAULT_ACCOUNT)


def _region(run: FakeRun, inputs: dict[str, Any]) -> str:
    if inputs.get("region"):
        return str(inputs["region"])
    found = _REGION_IN_ARN.search(json.dumps(inputs, sort_keys=True, default=str))
    return found.group(1) if found else run.aws.get("region", DEFAULT_REGION)


def _arn(run: FakeRun, inputs: dict[str, Any], arn: str) -> Any:
    """`arn`, marked made when its account is nobody's declaration (no provider, no input ARN)."""
    declared = "account" in run.aws or _ACCOUNT_IN_ARN.search(
        json.dumps(inputs, sort_keys=True, default=str)
    )
    return arn if declared else made(arn)


def _uuid(name: str) -> str:
    h = _hex("uuid", name, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _provider(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    accounts = inputs.get("allowedAccountIds")
    if isinstance(accounts, str):  # provider inputs arrive JSON-encoded
        accounts = json.loads(accounts) if accounts.startswith("[") else [accounts]
    run.aws.clear()
    if accounts:
        run.aws["account"] = str(accounts[0])
    if inputs.get("region"):
        run.aws["region"] = str(inputs["region"])
    return {"id": made(f"provider-{name}")}


def _prefixed(prefix: str) -> Fake:
    def fake(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        resource_id = f"{prefix}-0{_hex(prefix, name)}"
        return {
            "id": made(resource_id),
            "arn": made(
                f"arn:aws:ec2:{_region(run, inputs)}:{_account(run, inputs)}:{prefix}/{resource_id}"
            ),
        }

    return fake


def _subnet(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    out = _prefixed("subnet")(run, name, inputs)
    if isinstance(inputs.get("vpcId"), str):
        run.aws_subnet_vpcs[out["id"].value] = inputs["vpcId"]
    return out


def _vpc(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    out = _prefixed("vpc")(run, name, inputs)
    return {
        **out,
        "defaultSecurityGroupId": made(f"sg-0{_hex('default', name)}"),
        "mainRouteTableId": made(f"rtb-0{_hex('main', name)}"),
        "ownerId": _arn(run, inputs, _account(run, inputs)),
    }


def _role(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    # without a name, Pulumi auto-names: the logical name plus a random suffix
    named = bool(inputs.get("name"))
    role = inputs.get("name") or f"{name}-{_hex('role', name, length=7)}"
    arn = _arn(run, inputs, f"arn:aws:iam::{_account(run, inputs)}:role/{role}")
    return {
        "id": role if named else made(role),
        "name": role if named else made(role),
        "arn": arn if named else made(getattr(arn, "value", arn)),
        "uniqueId": made(f"AROA{_hex(name, length=17).upper()}"),
    }


def _kms_key(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    key = _uuid(name)
    return {
        "id": made(key),
        "keyId": made(key),
        "arn": made(f"arn:aws:kms:{_region(run, inputs)}:{_account(run, inputs)}:key/{key}"),
    }


def _cluster_vpc(run: FakeRun, inputs: dict[str, Any]) -> Any:
    """The VPC of the cluster's subnets, unknown when the plan did not create them. EKS derives
    it: CreateCluster's VpcConfigRequest carries subnetIds, securityGroupIds, endpoint flags and
    publicAccessCidrs but no VPC (the EKS OpenAPI schema VpcConfigRequest, as reproduced by
    several clients; docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html, not
    read from aws-sdk-go-v2 itself), while the response has ``vpcId`` "ID of the VPC associated
    with your cluster" (pulumi-aws 7.51.1, eks/outputs.py ClusterVpcConfig)."""
    subnets = (inputs.get("vpcConfig") or {}).get("subnetIds") or []
    vpcs = {run.aws_subnet_vpcs.get(str(s)) for s in subnets}
    return vpcs.pop() if len(vpcs) == 1 and None not in vpcs else UNKNOWN


def _cluster(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    region, cluster = _region(run, inputs), inputs.get("name") or name
    oidc_id = _hex("oidc", name, length=32).upper()
    endpoint_id = _hex("endpoint", name, length=32).upper()
    pem = (
        "-----BEGIN CERTIFICATE-----\n"
        + base64.b64encode(hashlib.sha512(f"ca/{name}".encode()).digest() * 6).decode()
        + "\n-----END CERTIFICATE-----\n"
    )
    return {
        "id": cluster,
        "name": cluster,
        "arn": _arn(run, inputs, f"arn:aws:eks:{region}:{_account(run, inputs)}:cluster/{cluster}"),
        "endpoint": made(f"https://{endpoint_id}.gr7.{region}.eks.amazonaws.com"),
        "certificateAuthority": {"data": made(base64.b64encode(pem.encode()).decode())},
        # every EKS cluster has an OIDC issuer (the IAM OIDC provider for IRSA is separate)
        "identities": [
            {"oidcs": [{"issuer": made(f"https://oidc.eks.{region}.amazonaws.com/id/{oidc_id}")}]}
        ],
        "vpcConfig": {
            **dict(inputs.get("vpcConfig") or {}),
            "clusterSecurityGroupId": made(f"sg-0{_hex('cluster-sg', name)}"),
            "vpcId": _cluster_vpc(run, inputs),
        },
        "platformVersion": made("eks.12"),
        "status": "ACTIVE",
        "clusterId": made(_uuid(name)),
    }


def _oidc_provider(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    url = str(inputs.get("url", "")).removeprefix("https://")
    return {"arn": _arn(run, inputs, f"arn:aws:iam::{_account(run, inputs)}:oidc-provider/{url}")}


def _node_group(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    named = bool(inputs.get("nodeGroupName"))
    group = (
        inputs.get("nodeGroupName")
        or f"{inputs.get('nodeGroupNamePrefix', name + '-')}{_hex('ng', name, length=26)}"
    )
    cluster = inputs.get("clusterName", "cluster")
    return {
        "id": f"{cluster}:{group}" if named else made(f"{cluster}:{group}"),
        "nodeGroupName": group if named else made(group),
        "status": "ACTIVE",
        "arn": made(
            f"arn:aws:eks:{_region(run, inputs)}:{_account(run, inputs)}:nodegroup/"
            f"{cluster}/{group}/{_uuid(name)}"
        ),
    }


def _repository(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    repo, region = inputs.get("name") or name, _region(run, inputs)
    account = _account(run, inputs)
    return {
        "id": repo,
        "registryId": _arn(run, inputs, account),
        "arn": _arn(run, inputs, f"arn:aws:ecr:{region}:{account}:repository/{repo}"),
        "repositoryUrl": _arn(run, inputs, f"{account}.dkr.ecr.{region}.amazonaws.com/{repo}"),
    }


def _secret(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    secret = inputs.get("name") or name
    suffix = _hex("s", name, length=6)  # Secrets Manager appends six random characters
    arn = (
        f"arn:aws:secretsmanager:{_region(run, inputs)}:{_account(run, inputs)}:"
        f"secret:{secret}-{suffix}"
    )
    return {"id": made(arn), "arn": made(arn)}


def _log_group(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    group = inputs.get("name") or name
    return {
        "id": group,
        "arn": _arn(
            run,
            inputs,
            f"arn:aws:logs:{_region(run, inputs)}:{_account(run, inputs)}:log-group:{group}",
        ),
    }


def _bucket(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    named = bool(inputs.get("bucket"))
    bucket = inputs.get("bucket") or f"{name}-{_hex('b', name, length=7)}"
    region = _region(run, inputs)
    outputs = {
        "id": bucket,
        "bucket": bucket,
        "arn": f"arn:aws:s3:::{bucket}",
        "region": region,
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
    }
    return outputs if named else {k: made(v) for k, v in outputs.items()}


def _firehose(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    stream = inputs.get("name") or name
    arn = f"arn:aws:firehose:{_region(run, inputs)}:{_account(run, inputs)}:deliverystream/{stream}"
    return {"id": _arn(run, inputs, arn), "arn": _arn(run, inputs, arn)}


def _launch_template(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    template = f"lt-0{_hex('lt', name)}"
    return {
        "id": made(template),
        "latestVersion": 1,
        "defaultVersion": 1,
        "arn": made(
            f"arn:aws:ec2:{_region(run, inputs)}:{_account(run, inputs)}:launch-template/{template}"
        ),
    }


def _by_bucket(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(inputs.get("bucket") or name)}


def _eip(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    octets = (str(int(_hex(p, name, length=2), 16)) for p in "abc")
    return {**_prefixed("eipalloc")(run, name, inputs), "publicIp": made(".".join(["52", *octets]))}


OUTPUTS: dict[str, Fake] = {
    "pulumi:providers:aws": _provider,
    "aws:ec2/vpc:Vpc": _vpc,
    "aws:ec2/subnet:Subnet": _subnet,
    "aws:ec2/internetGateway:InternetGateway": _prefixed("igw"),
    "aws:ec2/eip:Eip": _eip,
    "aws:ec2/natGateway:NatGateway": _prefixed("nat"),
    "aws:ec2/routeTable:RouteTable": _prefixed("rtb"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": lambda r, n, i: {
        "id": made(f"rtbassoc-0{_hex('a', n)}")
    },
    "aws:ec2/route:Route": lambda r, n, i: {"id": made(f"r-rtb-0{_hex('r', n)}1080289494")},
    "aws:ec2/vpcEndpoint:VpcEndpoint": _prefixed("vpce"),
    "aws:ec2/flowLog:FlowLog": _prefixed("fl"),
    "aws:ec2/securityGroup:SecurityGroup": _prefixed("sg"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _prefixed("sg"),
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _prefixed("sgr"),
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": lambda r, n, i: {"id": f"{n}:{n}", "name": n},
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": lambda r, n, i: {
        "id": made(f"{n}-{_hex('att', n, length=20)}")
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _oidc_provider,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": lambda r, n, i: {
        "id": i.get("name", n),
        "arn": _arn(r, i, f"arn:aws:kms:{_region(r, i)}:{_account(r, i)}:{i.get('name', n)}"),
    },
    "aws:eks/cluster:Cluster": _cluster,
    "aws:eks/nodeGroup:NodeGroup": _node_group,
    "aws:eks/accessEntry:AccessEntry": lambda r, n, i: {
        "id": f"{i.get('clusterName', '')}:{i.get('principalArn', n)}"
    },
    "aws:ecr/repository:Repository": _repository,
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": lambda r, n, i: {
        "id": str(i.get("repository", n)),
        "registryId": _arn(r, i, _account(r, i)),
    },
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": lambda r, n, i: {
        "id": made(f"cwlsf-{_hex('f', n, length=10)}")
    },
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": _firehose,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _by_bucket,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _by_bucket,
    "aws:s3/bucketVersioning:BucketVersioning": _by_bucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:"
    "BucketServerSideEncryptionConfiguration": _by_bucket,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _by_bucket,
    "aws:s3/bucketPolicy:BucketPolicy": _by_bucket,
}
CALLS: dict[str, Callable[[FakeRun, dict[str, Any]], dict[str, Any]]] = {}
"""No invokes: every ARN is built from ``spec.aws.accountId`` and the region."""
