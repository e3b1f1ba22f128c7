"""`IrsaRole`: an IAM role one Kubernetes service account assumes (IRSA)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import iam


@dataclass(frozen=True)
class IrsaRoleArgs:
    """Inputs of `IrsaRole`."""

    oidc_provider_arn: pulumi.Input[str]
    """The cluster's IAM OIDC provider."""
    oidc_issuer: pulumi.Input[str]
    """The cluster's issuer URL (``https://oidc.eks.<region>.amazonaws.com/id/<id>``)."""
    namespace: str
    service_account: str | tuple[str, ...]
    """The service account (or accounts, all in `namespace`) that may assume the role."""
    policy: pulumi.Input[dict[str, Any]]
    """The role's only permissions (an inline policy document); no managed policies."""
    description: str = ""


def trust_policy(
    provider_arn: str, issuer: str, namespace: str, service_account: str | tuple[str, ...]
) -> dict[str, Any]:
    """Only `namespace/service_account` of this cluster, audience STS, may assume the role.

    Several service accounts are one ``sub`` condition with a list of values, which IAM
    matches if any one matches (IAM User Guide, "Creating a condition with multiple keys or
    values": multiple values for one key are evaluated with a logical OR).
    """
    host = issuer.removeprefix("https://")
    subjects: str | list[str] = (
        f"system:serviceaccount:{namespace}:{service_account}"
        if isinstance(service_account, str)
        else [f"system:serviceaccount:{namespace}:{account}" for account in service_account]
    )
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{host}:sub": subjects,
                        f"{host}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }


class IrsaRole(pulumi.ComponentResource):
    """A role trusted by exactly the given service account(s), with one inline least-privilege
    policy."""

    arn: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: IrsaRoleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:IrsaRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        trust = pulumi.Output.all(args.oidc_provider_arn, args.oidc_issuer).apply(
            lambda pair: json.dumps(
                trust_policy(pair[0], pair[1], args.namespace, args.service_account), sort_keys=True
            )
        )
        role = iam.Role(
            f"{name}-role",
            assume_role_policy=trust,
            description=args.description or f"IRSA for {args.namespace}/{args.service_account}",
            max_session_duration=3600,
            opts=child,
        )
        iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.from_input(args.policy).apply(
                lambda p: json.dumps(p, sort_keys=True)
            ),
            opts=child,
        )
        self.arn = role.arn
        self.role_name = role.name
        self.register_outputs({"arn": self.arn, "role_name": self.role_name})
