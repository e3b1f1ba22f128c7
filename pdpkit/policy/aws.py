"""AWS rules: EKS, EC2 launch templates, security groups, ECR, KMS, CloudWatch Logs, IAM,
Secrets Manager. Input names are those of pulumi-aws 7.51.1 (the pinned SDK), cited per rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, plan_rule, resource_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import (
    as_int,
    dig,
    is_false,
    is_true,
    is_unknown,
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
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


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
    waivable=False,
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
    "AWS-EKS-ACCESS-ENTRIES",
    MANDATORY,
    [EKS],
    "Cluster access is granted with EKS access entries only (authenticationMode API): the "
    "aws-auth ConfigMap, which anyone able to edit ConfigMaps in kube-system can use to "
    "become cluster admin, is not consulted.",
    "Set accessConfig.authenticationMode: API and grant access with aws.eks.AccessEntry.",
)
def eks_access_entries(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    # ClusterAccessConfig.authentication_mode: CONFIG_MAP | API | API_AND_CONFIG_MAP
    # (pulumi-aws 7.51.1, eks/_inputs.py); unset, the EKS API defaults to CONFIG_MAP
    # (docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessConfigRequest.html)
    mode = dig(inputs, "accessConfig", "authenticationMode")
    if not is_unknown(mode) and mode != "API":
        yield f"the aws-auth ConfigMap grants access (authenticationMode {mode or 'unset'})"


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
    "AWS-EC2-EBS-ENCRYPTION",
    MANDATORY,
    [LAUNCH_TEMPLATE],
    "Every EBS volume a node launch template declares is encrypted (container images, emptyDir "
    "volumes and logs sit on it).",
    "Set blockDeviceMappings[].ebs.encrypted: true (optionally kmsKeyId).",
)
def ec2_ebs_encryption(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    # LaunchTemplateBlockDeviceMappingEbs.encrypted is a string "true"/"false"
    # (pulumi-aws 7.51.1, ec2/_inputs.py)
    for mapping in items(inputs, "blockDeviceMappings"):
        ebs = dig(mapping, "ebs")
        if ebs is not None and not is_true(dig(ebs, "encrypted")):
            yield f"volume {dig(mapping, 'deviceName') or '?'} is not encrypted"


@resource_rule(
    "AWS-SG-INTERNET-INGRESS",
    MANDATORY,
    [SG_INGRESS, SECURITY_GROUP],
    "No security group the program declares admits the whole internet (0.0.0.0/0 or ::/0); "
    "the gateway's load balancer gets its rules from the AWS Load Balancer Controller, nodes "
    "and endpoints only from the VPC.",
    "Narrow cidrIpv4 / cidrIpv6 (ingress[].cidrBlocks / ipv6CidrBlocks) to known ranges, or "
    "reference a security group.",
)
def sg_internet_ingress(
    type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    # SecurityGroupIngressRule.cidr_ipv4 / cidr_ipv6 (pulumi-aws 7.51.1,
    # vpc/security_group_ingress_rule.py); SecurityGroup.ingress[].cidr_blocks /
    # ipv6_cidr_blocks (ec2/_inputs.py SecurityGroupIngressArgs)
    if type_ == SG_INGRESS:
        cidrs = [dig(inputs, "cidrIpv4"), dig(inputs, "cidrIpv6")]
        if open_ := open_ranges(c for c in cidrs if c):
            what = dig(inputs, "description") or "no description"
            yield f"ingress from {', '.join(open_)} ({what})"
        return
    for rule in items(inputs, "ingress"):
        cidrs = [*items(rule, "cidrBlocks"), *items(rule, "ipv6CidrBlocks")]
        if open_ := open_ranges(cidrs):
            ports = f"{dig(rule, 'fromPort')}-{dig(rule, 'toPort')}"
            yield f"ingress from {', '.join(open_)} to ports {ports}"


@resource_rule(
    "AWS-VPC-DEFAULT-SG-CLOSED",
    MANDATORY,
    [DEFAULT_SECURITY_GROUP],
    "The VPC's default security group admits and sends nothing, so a resource launched without "
    "a security group of its own is isolated.",
    "Declare aws.ec2.DefaultSecurityGroup for the VPC with no ingress and no egress rules.",
)
def vpc_default_sg_closed(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    # Adopting the default group "immediately removes all ingress and egress rules" and creates
    # only those declared (pulumi-aws 7.51.1, ec2/default_security_group.py)
    for direction in ("ingress", "egress"):
        if rules := items(inputs, direction):
            yield f"the default security group has {len(rules)} {direction} rule(s)"


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


def _statements(document: Any) -> list[Any]:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return []
    statements = dig(document, "Statement")
    return statements if isinstance(statements, list) else [statements] if statements else []


@resource_rule(
    "AWS-IAM-NO-ADMIN",
    MANDATORY,
    [ROLE_POLICY, POLICY, POLICY_ATTACHMENT],
    "No role the data plane creates is an administrator: no AdministratorAccess attachment, no "
    'policy statement allowing every action (Action "*").',
    "List the actions the workload needs (and the resources it needs them on).",
)
def iam_no_admin(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if type_ == POLICY_ATTACHMENT:
        if dig(inputs, "policyArn") == ADMIN_POLICY:
            yield f"AdministratorAccess is attached to role {dig(inputs, 'role') or '?'}"
        return
    for statement in _statements(dig(inputs, "policy")):
        actions = dig(statement, "Action")
        actions = actions if isinstance(actions, list) else [actions]
        if dig(statement, "Effect") == "Allow" and {"*", "*:*"} & set(map(str, actions)):
            yield 'a statement allows every action (Action "*")'
