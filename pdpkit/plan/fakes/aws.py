"""Realistic outputs of aws resources under the mock monitor.

Ids and ARNs are derived from the logical name (deterministic), the account and region from the
explicit ``aws`` provider the program registers first (``allowedAccountIds``, ``region``), as the
real provider would, or from an ARN among the resource's own inputs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
_context: dict[str, str] = {}
_ACCOUNT_IN_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")
_REGION_IN_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):\d{12}:")


def _hex(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _account(inputs: dict[str, Any]) -> str:
    found = _ACCOUNT_IN_ARN.search(json.dumps(inputs, sort_keys=True, default=str))
    return found.group(1) if found else _context.get("account", DEFAULT_ACCOUNT)


def _region(inputs: dict[str, Any]) -> str:
    if inputs.get("region"):
        return str(inputs["region"])
    found = _REGION_IN_ARN.search(json.dumps(inputs, sort_keys=True, default=str))
    return found.group(1) if found else _context.get("region", DEFAULT_REGION)


def _uuid(name: str) -> str:
    h = _hex("uuid", name, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _provider(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    accounts = inputs.get("allowedAccountIds")
    if isinstance(accounts, str):  # provider inputs arrive JSON-encoded
        accounts = json.loads(accounts) if accounts.startswith("[") else [accounts]
    _context.clear()
    if accounts:
        _context["account"] = str(accounts[0])
    if inputs.get("region"):
        _context["region"] = str(inputs["region"])
    return {"id": f"provider-{name}"}


def _prefixed(prefix: str) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    def fake(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        resource_id = f"{prefix}-0{_hex(prefix, name)}"
        return {
            "id": resource_id,
            "arn": f"arn:aws:ec2:{_region(inputs)}:{_account(inputs)}:{prefix}/{resource_id}",
        }

    return fake


def _vpc(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    out = _prefixed("vpc")(name, inputs)
    return {
        **out,
        "defaultSecurityGroupId": f"sg-0{_hex('default', name)}",
        "mainRouteTableId": f"rtb-0{_hex('main', name)}",
        "ownerId": _account(inputs),
    }


def _role(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    role = inputs.get("name") or f"{name}-{_hex('role', name, length=7)}"
    return {
        "id": role,
        "name": role,
        "arn": f"arn:aws:iam::{_account(inputs)}:role/{role}",
        "uniqueId": f"AROA{_hex(name, length=17).upper()}",
    }


def _kms_key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    key = _uuid(name)
    return {
        "id": key,
        "keyId": key,
        "arn": f"arn:aws:kms:{_region(inputs)}:{_account(inputs)}:key/{key}",
    }


def _cluster(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    region, cluster = _region(inputs), inputs.get("name") or name
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
        "arn": f"arn:aws:eks:{region}:{_account(inputs)}:cluster/{cluster}",
        "endpoint": f"https://{endpoint_id}.gr7.{region}.eks.amazonaws.com",
        "certificateAuthority": {"data": base64.b64encode(pem.encode()).decode()},
        "identities": [
            {"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{oidc_id}"}]}
        ],
        "vpcConfig": {
            **dict(inputs.get("vpcConfig") or {}),
            "clusterSecurityGroupId": f"sg-0{_hex('cluster-sg', name)}",
            "vpcId": f"vpc-0{_hex('vpc', name)}",
        },
        "platformVersion": "eks.12",
        "status": "ACTIVE",
        "clusterId": _uuid(name),
    }


def _oidc_provider(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    url = str(inputs.get("url", "")).removeprefix("https://")
    return {"arn": f"arn:aws:iam::{_account(inputs)}:oidc-provider/{url}"}


def _node_group(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    group = (
        inputs.get("nodeGroupName")
        or f"{inputs.get('nodeGroupNamePrefix', name + '-')}{_hex('ng', name, length=26)}"
    )
    cluster = inputs.get("clusterName", "cluster")
    return {
        "id": f"{cluster}:{group}",
        "nodeGroupName": group,
        "status": "ACTIVE",
        "arn": f"arn:aws:eks:{_region(inputs)}:{_account(inputs)}:nodegroup/"
        f"{cluster}/{group}/{_uuid(name)}",
    }


def _repository(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    repo, region, account = inputs.get("name") or name, _region(inputs), _account(inputs)
    return {
        "id": repo,
        "registryId": account,
        "arn": f"arn:aws:ecr:{region}:{account}:repository/{repo}",
        "repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{repo}",
    }


def _secret(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    secret = inputs.get("name") or name
    suffix = _hex("s", name, length=6)
    arn = f"arn:aws:secretsmanager:{_region(inputs)}:{_account(inputs)}:secret:{secret}-{suffix}"
    return {"id": arn, "arn": arn}


def _log_group(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    group = inputs.get("name") or name
    return {
        "id": group,
        "arn": f"arn:aws:logs:{_region(inputs)}:{_account(inputs)}:log-group:{group}",
    }


def _bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    bucket = inputs.get("bucket") or f"{name}-{_hex('b', name, length=7)}"
    region = _region(inputs)
    return {
        "id": bucket,
        "bucket": bucket,
        "arn": f"arn:aws:s3:::{bucket}",
        "region": region,
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
    }


def _firehose(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    stream = inputs.get("name") or name
    arn = f"arn:aws:firehose:{_region(inputs)}:{_account(inputs)}:deliverystream/{stream}"
    return {"id": arn, "arn": arn}


def _launch_template(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    template = f"lt-0{_hex('lt', name)}"
    return {
        "id": template,
        "latestVersion": 1,
        "defaultVersion": 1,
        "arn": f"arn:aws:ec2:{_region(inputs)}:{_account(inputs)}:launch-template/{template}",
    }


def _by_bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(inputs.get("bucket") or name)}


OUTPUTS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "pulumi:providers:aws": _provider,
    "aws:ec2/vpc:Vpc": _vpc,
    "aws:ec2/subnet:Subnet": _prefixed("subnet"),
    "aws:ec2/internetGateway:InternetGateway": _prefixed("igw"),
    "aws:ec2/eip:Eip": lambda n, i: {
        **_prefixed("eipalloc")(n, i),
        "publicIp": ".".join(["52", *(str(int(_hex(p, n, length=2), 16)) for p in "abc")]),
    },
    "aws:ec2/natGateway:NatGateway": _prefixed("nat"),
    "aws:ec2/routeTable:RouteTable": _prefixed("rtb"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": lambda n, i: {
        "id": f"rtbassoc-0{_hex('a', n)}"
    },
    "aws:ec2/route:Route": lambda n, i: {"id": f"r-rtb-0{_hex('r', n)}1080289494"},
    "aws:ec2/vpcEndpoint:VpcEndpoint": _prefixed("vpce"),
    "aws:ec2/flowLog:FlowLog": _prefixed("fl"),
    "aws:ec2/securityGroup:SecurityGroup": _prefixed("sg"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _prefixed("sg"),
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _prefixed("sgr"),
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": lambda n, i: {"id": f"{n}:{n}", "name": n},
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": lambda n, i: {
        "id": f"{n}-{_hex('att', n, length=20)}"
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _oidc_provider,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": lambda n, i: {
        "id": i.get("name", n),
        "arn": f"arn:aws:kms:{_region(i)}:{_account(i)}:{i.get('name', n)}",
    },
    "aws:eks/cluster:Cluster": _cluster,
    "aws:eks/nodeGroup:NodeGroup": _node_group,
    "aws:eks/accessEntry:AccessEntry": lambda n, i: {
        "id": f"{i.get('clusterName', '')}:{i.get('principalArn', n)}"
    },
    "aws:ecr/repository:Repository": _repository,
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": lambda n, i: {
        "id": str(i.get("repository", n)),
        "registryId": _account(i),
    },
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": lambda n, i: {
        "id": f"cwlsf-{_hex('f', n, length=10)}"
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
CALLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""No invokes: every ARN is built from ``spec.aws.accountId`` and the region."""
