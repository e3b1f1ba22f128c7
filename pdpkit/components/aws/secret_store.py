"""`SecretStore`: Secrets Manager under a prefix, read by External Secrets through IRSA."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import secretsmanager

from pdpkit.components.aws.arn import Account
from pdpkit.components.aws.irsa_role import IrsaRole, IrsaRoleArgs
from pdpkit.components.aws.kms_key import KmsKey, KmsKeyArgs


@dataclass(frozen=True)
class SecretStoreArgs:
    """Inputs of `SecretStore`."""

    account: Account
    store_name: str
    """Base of the key alias (``<store_name>/secrets``)."""
    secret_prefix: str
    """Only secrets whose name starts with this are readable (``pdp/acme-aws-prod/``)."""
    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer: pulumi.Input[str]
    namespace: str
    """Namespace of the External Secrets controller."""
    service_account: str
    """Service account of the External Secrets controller."""
    managed_secrets: tuple[str, ...] = ()
    """Keys (under the prefix) created empty, encrypted with the store's key; their values are
    put by the operator (``aws secretsmanager put-secret-value``), never through Pulumi state."""
    production: bool = False


def secret_arn_pattern(account: Account, prefix: str) -> str:
    """Every secret under `prefix` (Secrets Manager appends ``-XXXXXX`` to secret ARNs)."""
    return account.arn("secretsmanager", f"secret:{prefix}*")


def read_policy(account: Account, prefix: str, key_arn: str) -> dict[str, Any]:
    """Read secrets under the prefix, and decrypt them only through Secrets Manager."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadSecretsUnderThePrefix",
                "Effect": "Allow",
                "Action": [
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:ListSecretVersionIds",
                ],
                "Resource": secret_arn_pattern(account, prefix),
            },
            {
                "Sid": "DecryptThroughSecretsManager",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": key_arn,
                "Condition": {
                    "StringEquals": {"kms:ViaService": account.service_principal("secretsmanager")}
                },
            },
        ],
    }


class SecretStore(pulumi.ComponentResource):
    """A KMS key for the data plane's secrets, an IRSA role for External Secrets that reads only
    ``arn:…:secret:<prefix>*``, and the ``ClusterSecretStore`` provider block that uses it."""

    kms_key_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    provider: pulumi.Output[dict[str, Any]]

    def __init__(
        self, name: str, args: SecretStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:aws:SecretStore", name, None, opts)
        key = KmsKey(
            f"{name}-kms",
            KmsKeyArgs(
                account=args.account,
                alias=f"{args.store_name}/secrets",
                description=f"Secrets Manager secrets under {args.secret_prefix}",
                production=args.production,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        role = IrsaRole(
            f"{name}-reader",
            IrsaRoleArgs(
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_issuer=args.oidc_issuer,
                namespace=args.namespace,
                service_account=args.service_account,
                policy=key.arn.apply(
                    lambda arn: read_policy(args.account, args.secret_prefix, arn)
                ),
                description=f"External Secrets: read {args.secret_prefix}*",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for secret in args.managed_secrets:
            secretsmanager.Secret(
                f"{name}-{secret.replace('/', '-')}",
                name=f"{args.secret_prefix}{secret}",
                kms_key_id=key.arn,
                recovery_window_in_days=30,
                description="Value set out of band; read by External Secrets",
                opts=pulumi.ResourceOptions(
                    parent=self, protect=args.production, retain_on_delete=args.production
                ),
            )
        self.kms_key_arn = key.arn
        self.role_arn = role.arn
        self.provider = pulumi.Output.from_input(
            {
                "aws": {
                    "service": "SecretsManager",
                    "region": args.account.region,
                    "auth": {
                        "jwt": {
                            "serviceAccountRef": {
                                "name": args.service_account,
                                "namespace": args.namespace,
                            }
                        }
                    },
                }
            }
        )
        self.register_outputs(
            {"kms_key_arn": self.kms_key_arn, "role_arn": self.role_arn, "provider": self.provider}
        )
