"""`Route53DnsChallenge`: cert-manager answers ACME DNS-01 challenges in Route 53 via IRSA."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from pdpkit.components.aws.irsa_role import IrsaRole, IrsaRoleArgs


@dataclass(frozen=True)
class Route53DnsChallengeArgs:
    """Inputs of `Route53DnsChallenge`."""

    dns_zone: str
    """The public hosted zone the gateways' hostnames live in (in the same account)."""
    region: str
    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer: pulumi.Input[str]
    namespace: str
    """Namespace of cert-manager."""
    service_account: str
    """Service account of the cert-manager controller."""


def challenge_policy(dns_zone: str) -> dict[str, Any]:
    """TXT records named ``_acme-challenge.…<zone>`` only (cert-manager's documented least
    privilege); finding the zone needs ``ListHostedZonesByName``, which has no resource."""
    zone = dns_zone.rstrip(".").lower()
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "route53:GetChange",
                "Resource": "arn:aws:route53:::change/*",
            },
            {
                "Effect": "Allow",
                "Action": "route53:ListResourceRecordSets",
                "Resource": "arn:aws:route53:::hostedzone/*",
            },
            {
                "Effect": "Allow",
                "Action": "route53:ChangeResourceRecordSets",
                "Resource": "arn:aws:route53:::hostedzone/*",
                "Condition": {
                    "ForAllValues:StringEquals": {
                        "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]
                    },
                    "ForAllValues:StringLike": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
                            f"_acme-challenge.{zone}",
                            f"_acme-challenge.*.{zone}",
                        ]
                    },
                },
            },
            {"Effect": "Allow", "Action": "route53:ListHostedZonesByName", "Resource": "*"},
        ],
    }


class Route53DnsChallenge(pulumi.ComponentResource):
    """An IRSA role for cert-manager limited to ACME challenge records, and the ``dns01``
    solver block (ambient credentials: the controller's annotated service account)."""

    role_arn: pulumi.Output[str]
    solver: dict[str, Any]

    def __init__(
        self, name: str, args: Route53DnsChallengeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:Route53DnsChallenge", name, None, opts)
        role = IrsaRole(
            f"{name}-solver",
            IrsaRoleArgs(
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_issuer=args.oidc_issuer,
                namespace=args.namespace,
                service_account=args.service_account,
                policy=challenge_policy(args.dns_zone),
                description=f"cert-manager: ACME DNS-01 in {args.dns_zone}",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.role_arn = role.arn
        self.solver = {"route53": {"region": args.region}}
        self.register_outputs({"role_arn": self.role_arn, "solver": self.solver})
