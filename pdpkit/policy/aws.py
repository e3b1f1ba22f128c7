"""AWS rules: EKS, EC2 launch templates, ECR, KMS, CloudWatch Logs, IAM, Secrets Manager."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, plan_rule, resource_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import (
    as_int,
    dig,
    is_false,
    is_true,
    items,
    open_ranges,
    retention_shortfall,
)

EKS = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ECR = "aws:ecr/repository:Repository"
KMS_KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ACCESS_KEY = "aws:iam/accessKey:AccessKey"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
SECRET = "aws:secretsmanager/secret:Secret"  # noqa: S105 (a type token)


@resource_rule(
    "AWS-EKS-PRIVATE-ENDPOINT",
    MANDATORY,
    [EKS],
    "The EKS API server is reached through its private endpoint only (the public endpoint is "
    "on by default in AWS and is flagged even when CIDR-restricted).",
    "Set vpcConfig.endpointPrivateAccess: true and endpointPublicAccess: false "
    "(cluster.privateApiEndpoint: true), or waive with a justification.",
)
def eks_private_endpoint(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    vpc = dig(inputs, "vpcConfig")
    if not is_false(dig(vpc, "endpointPublicAccess")):
        yield "the public API endpoint is enabled (vpcConfig.endpointPublicAccess)"
    if not is_true(dig(vpc, "endpointPrivateAccess")):
        yield "the private API endpoint is not enabled (vpcConfig.endpointPrivateAccess)"


@resource_rule(
    "AWS-EKS-API-RANGES",
    MANDATORY,
    [EKS],
    "A public EKS endpoint accepts only listed CIDRs; AWS defaults to 0.0.0.0/0.",
    "Set vpcConfig.publicAccessCidrs to cluster.authorizedRanges.",
)
def eks_api_ranges(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    vpc = dig(inputs, "vpcConfig")
    if is_false(dig(vpc, "endpointPublicAccess")):
        return
    cidrs = items(vpc, "publicAccessCidrs")
    if not cidrs:
        yield "the public endpoint has no publicAccessCidrs: AWS opens it to 0.0.0.0/0"
    elif open_ := open_ranges(cidrs):
        yield f"publicAccessCidrs include {', '.join(open_)}"


@resource_rule(
    "AWS-EKS-SECRETS-KMS",
    MANDATORY,
    [EKS],
    "Kubernetes secrets are envelope-encrypted with a customer-managed KMS key.",
    "Set encryptionConfig: {resources: [secrets], provider: {keyArn: <KMS key ARN>}}.",
)
def eks_secrets_kms(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    config = dig(inputs, "encryptionConfig")
    if "secrets" not in items(config, "resources") or not dig(config, "provider", "keyArn"):
        yield "secrets are not encrypted with a KMS key (encryptionConfig)"


@resource_rule(
    "AWS-EKS-AUDIT-LOGS",
    MANDATORY,
    [EKS],
    "Control-plane audit and authenticator logs go to CloudWatch (who did what, from where).",
    "Set enabledClusterLogTypes to include audit and authenticator (api, controllerManager… too).",
)
def eks_audit_logs(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    missing = sorted({"audit", "authenticator"} - set(items(inputs, "enabledClusterLogTypes")))
    if missing:
        yield f"control-plane log types missing: {', '.join(missing)}"


@resource_rule(
    "AWS-EKS-NODE-SSH",
    MANDATORY,
    [NODE_GROUP],
    "Managed node groups allow no SSH (remoteAccess); nodes are reached with SSM if ever.",
    "Remove remoteAccess from the node group.",
)
def eks_node_ssh(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if dig(inputs, "remoteAccess"):
        yield "the node group allows SSH (remoteAccess)"


@resource_rule(
    "AWS-EC2-IMDSV2",
    MANDATORY,
    [LAUNCH_TEMPLATE],
    "Nodes require IMDSv2 session tokens with a hop limit of 1, so pods cannot take the node's "
    "role through the instance metadata service (they use IRSA).",
    "Set metadataOptions: {httpTokens: required, httpPutResponseHopLimit: 1}.",
)
def ec2_imdsv2(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    options = dig(inputs, "metadataOptions")
    if dig(options, "httpTokens") != "required":
        yield "IMDSv1 is allowed (metadataOptions.httpTokens is not required)"
    hops = as_int(dig(options, "httpPutResponseHopLimit"))
    if hops is not None and hops > 1:
        yield f"metadata hop limit {hops} lets pods reach the instance metadata"


@resource_rule(
    "AWS-EC2-NO-PUBLIC-IP",
    MANDATORY,
    [LAUNCH_TEMPLATE],
    "Nodes get no public IP address; they sit in private subnets behind NAT.",
    "Set networkInterfaces[].associatePublicIpAddress: false (or leave it out).",
)
def ec2_no_public_ip(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for nic in items(inputs, "networkInterfaces"):
        if is_true(dig(nic, "associatePublicIpAddress")):
            yield "a network interface associates a public IP address"


@resource_rule(
    "AWS-ECR-SCAN-ON-PUSH",
    MANDATORY,
    [ECR],
    "Every image pushed to the repository is scanned for vulnerabilities.",
    "Set imageScanningConfiguration.scanOnPush: true.",
)
def ecr_scan_on_push(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not is_true(dig(inputs, "imageScanningConfiguration", "scanOnPush")):
        yield "images are not scanned on push"


@resource_rule(
    "AWS-ECR-IMMUTABLE-TAGS",
    MANDATORY,
    [ECR],
    "Tags cannot be moved to another image: what was promoted is what runs.",
    "Set imageTagMutability: IMMUTABLE.",
)
def ecr_immutable_tags(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not str(dig(inputs, "imageTagMutability") or "MUTABLE").startswith("IMMUTABLE"):
        yield "image tags are mutable"


@resource_rule(
    "AWS-ECR-KMS",
    MANDATORY,
    [ECR],
    "Images are encrypted at rest with a KMS key.",
    "Set encryptionConfigurations: [{encryptionType: KMS, kmsKey: <key ARN>}].",
)
def ecr_kms(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    types = {str(dig(c, "encryptionType")) for c in items(inputs, "encryptionConfigurations")}
    if not types & {"KMS", "KMS_DSSE"}:
        yield "the repository is not encrypted with KMS"


@resource_rule(
    "AWS-KMS-ROTATION",
    MANDATORY,
    [KMS_KEY],
    "Customer-managed KMS keys rotate automatically.",
    "Set enableKeyRotation: true.",
)
def kms_rotation(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    spec = str(dig(inputs, "customerMasterKeySpec") or "SYMMETRIC_DEFAULT")
    if spec == "SYMMETRIC_DEFAULT" and not is_true(dig(inputs, "enableKeyRotation")):
        yield "automatic key rotation is off"


@resource_rule(
    "AWS-LOG-RETENTION",
    MANDATORY,
    [LOG_GROUP],
    "CloudWatch log groups have an explicit retention of at least logStorage.retentionDays "
    "(and the 30-day floor); 0 or unset means never expire, an unbounded store of personal data.",
    "Set retentionInDays to at least the stack's logStorage.retentionDays.",
)
def log_retention(_type: str, inputs: Mapping[str, Any], ctx: PolicyContext) -> Iterator[str]:
    yield from retention_shortfall(inputs, "retentionInDays", ctx.min_log_retention_days)


@resource_rule(
    "AWS-LOG-KMS",
    ADVISORY,
    [LOG_GROUP],
    "Log groups are encrypted with a customer-managed KMS key.",
    "Set kmsKeyId to the data plane's KMS key ARN.",
)
def log_kms(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not dig(inputs, "kmsKeyId"):
        yield "the log group is encrypted with an AWS-owned key only"


@resource_rule(
    "AWS-SM-KMS",
    ADVISORY,
    [SECRET],
    "Secrets Manager secrets are encrypted with the data plane's customer-managed key.",
    "Set kmsKeyId.",
)
def secret_kms(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not dig(inputs, "kmsKeyId"):
        yield "the secret uses the AWS-managed key"


@resource_rule(
    "AWS-IAM-NO-ACCESS-KEYS",
    MANDATORY,
    [ACCESS_KEY],
    "No static IAM access keys: workloads use IRSA / EKS Pod Identity, people use SSO.",
    "Remove the access key; give the workload an IAM role for its service account.",
)
def iam_no_access_keys(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    yield f"a static access key is created for user {dig(inputs, 'user') or '?'}"


@plan_rule(
    "AWS-EKS-OIDC-PROVIDER",
    MANDATORY,
    "Every EKS cluster has an IAM OIDC provider, so pods get AWS roles through IRSA instead of "
    "node roles or static keys.",
    "Create an aws.iam.OpenIdConnectProvider for the cluster's identity.oidc.issuer URL.",
)
def eks_oidc_provider(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    if any(r.type == OIDC_PROVIDER for r in resources):
        return
    for r in resources:
        if r.type == EKS:
            yield r, "no IAM OIDC provider for the cluster (IRSA)"
