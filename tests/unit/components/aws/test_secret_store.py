from __future__ import annotations

import json

from pdpkit.components.aws.secret_store import SecretStore, SecretStoreArgs
from pdpkit.plan.recorder import Recording
from tests.unit.components.aws.recorded import ACCOUNT, ISSUER, OIDC_ARN, of_type, one, policy, run


def store(production: bool = True) -> Recording:
    args = SecretStoreArgs(
        account=ACCOUNT,
        store_name="dp",
        secret_prefix="pdp/dp/",
        oidc_provider_arn=OIDC_ARN,
        oidc_issuer=ISSUER,
        namespace="external-secrets",
        service_account="external-secrets",
        managed_secrets=("agent/token",),
        production=production,
    )

    def program() -> dict[str, object]:
        secret_store = SecretStore("sec", args)
        return {"provider": secret_store.provider, "role": secret_store.role_arn}

    return run(program)


def test_external_secrets_reads_only_under_the_prefix() -> None:
    statements = policy(one(store(), "aws:iam/rolePolicy:RolePolicy"))["Statement"]
    read = next(s for s in statements if s["Sid"] == "ReadSecretsUnderThePrefix")
    assert read["Resource"] == "arn:aws:secretsmanager:eu-west-1:210987654321:secret:pdp/dp/*"
    assert set(read["Action"]) == {
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "secretsmanager:ListSecretVersionIds",
    }
    resources = json.dumps([s["Resource"] for s in statements])
    assert ":secret:*" not in resources and '"*"' not in resources


def test_decrypt_only_through_secrets_manager() -> None:
    statements = policy(one(store(), "aws:iam/rolePolicy:RolePolicy"))["Statement"]
    decrypt = next(s for s in statements if s["Sid"] == "DecryptThroughSecretsManager")
    assert decrypt["Resource"].startswith("arn:aws:kms:eu-west-1:")
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}
    }


def test_only_the_external_secrets_service_account_assumes_the_role() -> None:
    trust = policy(one(store(), "aws:iam/role:Role"), "assumeRolePolicy")["Statement"][0]
    assert trust["Principal"] == {"Federated": OIDC_ARN}
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    host = ISSUER.removeprefix("https://")
    assert trust["Condition"]["StringEquals"] == {
        f"{host}:sub": "system:serviceaccount:external-secrets:external-secrets",
        f"{host}:aud": "sts.amazonaws.com",
    }


def test_cluster_secret_store_provider_block() -> None:
    assert store().outputs["provider"] == {
        "aws": {
            "service": "SecretsManager",
            "region": "eu-west-1",
            "auth": {
                "jwt": {
                    "serviceAccountRef": {
                        "name": "external-secrets",
                        "namespace": "external-secrets",
                    }
                }
            },
        }
    }


def test_a_rotated_key_and_managed_secrets_encrypted_with_it_protected_in_production() -> None:
    recording = store()
    key = one(recording, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True and key.protect and key.retain_on_delete
    secret = one(recording, "aws:secretsmanager/secret:Secret")
    assert secret.inputs["name"] == "pdp/dp/agent/token"
    assert secret.inputs["kmsKeyId"].startswith("arn:aws:kms:")
    assert secret.protect and "secretString" not in secret.inputs
    assert not of_type(recording, "aws:secretsmanager/secretVersion:SecretVersion")


def test_nothing_protected_outside_production() -> None:
    assert not any(r.protect or r.retain_on_delete for r in store(production=False).resources)
