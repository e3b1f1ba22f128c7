"""`EksCluster`: the EKS control plane, its OIDC provider for IRSA, access entries, and the
security group rules Cilium needs between nodes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import cloudwatch, eks, iam, vpc

from pdpkit.components.aws.arn import Account

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
"""Every control-plane log type, shipped to CloudWatch Logs."""
WIREGUARD_PORT = 51871
"""Cilium's WireGuard listener (UDP), node to node."""
CILIUM_HEALTH_PORT = 4240
"""Cilium's node-to-node health checks (TCP)."""
CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"


@dataclass(frozen=True)
class EksClusterArgs:
    """Inputs of `EksCluster`."""

    cluster_name: str
    account: Account
    kubernetes_version: str
    vpc_cidr: str
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets (at least two zones) for the control plane's network interfaces."""
    service_cidr: str
    log_retention_days: int
    logs_key_arn: pulumi.Input[str]
    """KMS key of the control-plane log group (its policy must admit CloudWatch Logs)."""
    secrets_key_arn: pulumi.Input[str] | None
    """Envelope encryption of Kubernetes secrets; None turns it off (the plan shows it)."""
    private_endpoint: bool = True
    """No public API endpoint; False opens it to `authorized_ranges` only."""
    authorized_ranges: tuple[str, ...] = ()
    """Public endpoint: the only CIDRs allowed. Private endpoint: extra ranges allowed to reach
    the private endpoint on 443 (VPN, peered CI runners) besides the VPC."""
    admin_principal_arns: tuple[str, ...] = ()
    """IAM principals granted cluster-admin through access entries (the deploying role)."""
    wireguard: bool = True
    """Open UDP 51871 between nodes for Cilium's WireGuard tunnels."""
    production: bool = False
    """Deletion protection on, protected and retained."""
    kubeconfig_profile: str | None = None
    """AWS CLI profile `aws eks get-token` runs with (assumes the customer role); None: ambient.
    Passed as ``--profile``, not ``AWS_PROFILE``: only an explicit profile takes precedence
    over credentials in the environment (which CI's OIDC login sets)."""

    def __post_init__(self) -> None:
        if not self.private_endpoint and not self.authorized_ranges:
            raise ValueError(
                "a public EKS endpoint needs authorized_ranges; never 0.0.0.0/0 implicitly"
            )


def kubeconfig(
    cluster_name: str, endpoint: str, ca_data: str, region: str, profile: str | None
) -> str:
    """A kubeconfig authenticating with `aws eks get-token` (no static token in state).

    botocore drops the environment-variable credential provider only when a profile is given
    explicitly (``--profile``); with ``AWS_PROFILE`` the ambient ``AWS_ACCESS_KEY_ID`` wins
    (boto/botocore botocore/credentials.py, `create_credential_resolver`:
    ``disable_env_vars = session.instance_variables().get('profile') is not None``).
    """
    selected = ["--profile", profile] if profile else []
    user: dict[str, Any] = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "aws",
            "args": [
                *selected,
                "eks",
                "get-token",
                "--cluster-name",
                cluster_name,
                "--region",
                region,
                "--output",
                "json",
            ],
            "interactiveMode": "Never",
        }
    }
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": cluster_name,
                    "cluster": {"server": endpoint, "certificate-authority-data": ca_data},
                }
            ],
            "users": [{"name": cluster_name, "user": user}],
            "contexts": [
                {"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}
            ],
            "current-context": cluster_name,
        },
        sort_keys=True,
    )


class EksCluster(pulumi.ComponentResource):
    """An EKS cluster that is private, encrypted, audited and authenticated through IAM access
    entries (``API`` mode, no aws-auth ConfigMap)."""

    cluster_name: pulumi.Output[str]
    arn: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    certificate_authority: pulumi.Output[str]
    oidc_issuer: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]

    def __init__(
        self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:EksCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = args.account
        role = iam.Role(
            f"{name}-cluster-role",
            assume_role_policy=json.dumps(_service_trust("eks.amazonaws.com"), sort_keys=True),
            description=f"EKS control plane of {args.cluster_name}",
            opts=child,
        )
        attachments: list[pulumi.Resource] = [
            iam.RolePolicyAttachment(
                f"{name}-cluster-policy",
                role=role.name,
                policy_arn=account.managed_policy("AmazonEKSClusterPolicy"),
                opts=child,
            )
        ]
        if args.secrets_key_arn is not None:
            attachments.append(
                iam.RolePolicy(
                    f"{name}-cluster-kms",
                    role=role.id,
                    policy=pulumi.Output.from_input(args.secrets_key_arn).apply(_kms_policy),
                    opts=child,
                )
            )
        # Created before the cluster so EKS does not create it without retention or encryption.
        log_group = cloudwatch.LogGroup(
            f"{name}-control-plane-logs",
            name=f"/aws/eks/{args.cluster_name}/cluster",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_key_arn,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.production, retain_on_delete=args.production
            ),
        )
        cluster = eks.Cluster(
            f"{name}-cluster",
            name=args.cluster_name,
            role_arn=role.arn,
            version=args.kubernetes_version,
            vpc_config={
                "subnet_ids": args.subnet_ids,
                "endpoint_private_access": True,
                "endpoint_public_access": not args.private_endpoint,
                "public_access_cidrs": None
                if args.private_endpoint
                else list(args.authorized_ranges),
            },
            encryption_config=None
            if args.secrets_key_arn is None
            else {"resources": ["secrets"], "provider": {"key_arn": args.secrets_key_arn}},
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            access_config={
                "authentication_mode": "API",
                # The deploying role gets an explicit access entry below when it is known; otherwise
                # the caller that creates the cluster is made admin by EKS.
                "bootstrap_cluster_creator_admin_permissions": not args.admin_principal_arns,
            },
            kubernetes_network_config={"ip_family": "ipv4", "service_ipv4_cidr": args.service_cidr},
            deletion_protection=args.production,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[*attachments, log_group],
                protect=args.production,
                retain_on_delete=args.production,
            ),
        )
        issuer = cluster.identities.apply(lambda ids: ids[0].oidcs[0].issuer)
        oidc = iam.OpenIdConnectProvider(
            f"{name}-oidc",
            url=issuer,
            client_id_lists=["sts.amazonaws.com"],
            opts=child,
        )
        for principal in args.admin_principal_arns:
            label = principal.rsplit("/", 1)[-1]
            entry = eks.AccessEntry(
                f"{name}-admin-{label}",
                cluster_name=cluster.name,
                principal_arn=principal,
                type="STANDARD",
                opts=child,
            )
            eks.AccessPolicyAssociation(
                f"{name}-admin-{label}",
                cluster_name=cluster.name,
                principal_arn=principal,
                policy_arn=f"arn:{account.partition}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}",
                access_scope={"type": "cluster"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[entry]),
            )

        security_group = cluster.vpc_config.apply(lambda c: c.cluster_security_group_id)
        self._node_rules(name, args, security_group)

        self.cluster_name = cluster.name
        self.arn = cluster.arn
        self.endpoint = cluster.endpoint
        self.certificate_authority = cluster.certificate_authority.apply(lambda ca: ca.data)
        self.oidc_issuer = issuer
        self.oidc_provider_arn = oidc.arn
        self.security_group_id = security_group
        self.kubeconfig = pulumi.Output.all(
            cluster.name, cluster.endpoint, self.certificate_authority
        ).apply(lambda v: kubeconfig(v[0], v[1], v[2], account.region, args.kubeconfig_profile))
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "arn": self.arn,
                "endpoint": self.endpoint,
                "certificate_authority": self.certificate_authority,
                "oidc_issuer": self.oidc_issuer,
                "oidc_provider_arn": self.oidc_provider_arn,
                "security_group_id": self.security_group_id,
                "kubeconfig": self.kubeconfig,
            }
        )

    def _node_rules(
        self, name: str, args: EksClusterArgs, security_group: pulumi.Output[str]
    ) -> None:
        """Explicit rules on the cluster security group (shared by control plane and managed
        nodes): they keep Cilium working if the group's catch-all self rule is ever tightened."""
        child = pulumi.ResourceOptions(parent=self)
        peers: list[tuple[str, str, int, str]] = [
            ("cilium-health", "tcp", CILIUM_HEALTH_PORT, "Cilium health checks")
        ]
        if args.wireguard:
            peers.append(("wireguard", "udp", WIREGUARD_PORT, "Cilium WireGuard between nodes"))
        for role, protocol, port, description in peers:
            vpc.SecurityGroupIngressRule(
                f"{name}-{role}",
                security_group_id=security_group,
                referenced_security_group_id=security_group,
                ip_protocol=protocol,
                from_port=port,
                to_port=port,
                description=description,
                opts=child,
            )
        if args.private_endpoint:
            for index, cidr in enumerate((args.vpc_cidr, *args.authorized_ranges)):
                vpc.SecurityGroupIngressRule(
                    f"{name}-api-{index}",
                    security_group_id=security_group,
                    cidr_ipv4=cidr,
                    ip_protocol="tcp",
                    from_port=443,
                    to_port=443,
                    description="Kubernetes API (private endpoint) from the VPC"
                    if index == 0
                    else "Kubernetes API",
                    opts=child,
                )


def _service_trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }


def _kms_policy(key_arn: str) -> str:
    statement = {
        "Effect": "Allow",
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        "Resource": key_arn,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)
