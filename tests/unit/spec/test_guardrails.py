"""Issue 16, items 12-16: each attack on the example stacks is now refused when the stack loads.

Production data planes (12), the update repository's scheme (13), egress to the internet (14),
secrets written in the clear (15) and credentials in integration configuration (16).
"""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec import SpecError
from pdpkit.spec.loader import build_stack
from pdpkit.spec.stack import StackSpec
from tests.unit.spec.stacks import raw_sections


def refused(raw: dict[str, Any], **kwargs: Any) -> str:
    with pytest.raises(SpecError) as error:
        build_stack(raw, **kwargs)
    return str(error.value)


def production_of(stack: str) -> dict[str, Any]:
    raw = raw_sections(stack)
    raw["dataplane"]["production"] = True
    return raw


# 12. Production means production.


def test_a_production_environment_needs_a_production_data_plane() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["platform"]["environments"][2]["production"] = True  # the lab's `prod`
    message = refused(raw)
    assert "dataplane.production" in message
    assert "hosts the production environment(s) prod" in message


def test_a_production_environment_bound_to_another_stack_is_judged_there() -> None:
    # acme-azure-dev shares platform/acme, whose prod environment runs on acme-aws-prod
    stack = build_stack(raw_sections("acme-azure-dev"))
    assert not stack.dataplane.production
    assert stack.platform is not None
    assert any(e.production for e in stack.platform.environments)


@pytest.mark.parametrize("stack", ["acme-aws-prod", "acme-azure-dev", "acme-onprem-local"])
def test_production_keeps_transparent_encryption_on(stack: str) -> None:
    raw = production_of(stack)
    raw["dataplane"]["cilium"] = {**raw["dataplane"].get("cilium", {}), "encryption": "off"}
    message = refused(raw)
    assert "dataplane.cilium.encryption" in message and "in the clear" in message


@pytest.mark.parametrize("issuer", ["selfsigned", "letsencrypt-staging"])
def test_production_serves_certificates_clients_trust(issuer: str) -> None:
    raw = production_of("acme-aws-prod")
    raw["dataplane"]["gateways"]["tlsIssuer"] = issuer
    message = refused(raw)
    assert "dataplane.gateways.tlsIssuer" in message and f"{issuer} certificates" in message


def test_production_on_gcp_uses_customer_managed_keys() -> None:
    raw = production_of("acme-gcp-staging")
    raw["dataplane"]["gateways"]["tlsIssuer"] = "letsencrypt"
    assert build_stack(raw).dataplane.production
    raw["dataplane"]["gcp"]["customerManagedKeys"] = False
    assert "dataplane.gcp.customerManagedKeys" in refused(raw)


def test_outside_production_the_choices_stay_open() -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["gcp"]["customerManagedKeys"] = False
    raw["dataplane"]["cilium"] = {"encryption": "off"}
    raw["dataplane"]["gateways"]["tlsIssuer"] = "selfsigned"
    assert not build_stack(raw).dataplane.production


# 13. The update repository is read over TLS.


@pytest.mark.parametrize(
    "url",
    [
        "http://git.acme.example/platform/pdp-updates.git",
        "HTTP://git.acme.example/platform/pdp-updates.git",
        "ssh://git@git.acme.example/platform/pdp-updates.git",
        "git://git.acme.example/platform/pdp-updates.git",
    ],
)
def test_flux_never_pulls_its_update_repository_in_the_clear(url: str) -> None:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["flux"]["repositoryUrl"] = url
    message = refused(raw)
    assert "dataplane.flux.repositoryUrl" in message and "https://" in message


# 14. No environment opens the internet.


def _egress(raw: dict[str, Any], env: int, *rules: dict[str, Any]) -> dict[str, Any]:
    raw["platform"]["environments"][env]["egress"] = list(rules)
    return raw


@pytest.mark.parametrize(
    "rules",
    [
        [{"cidr": "0.0.0.0/0", "ports": []}],
        [{"cidr": "0.0.0.0/0", "ports": [443]}],
        [{"cidr": "::/0", "ports": [443]}],
        [{"cidr": "0.0.0.0/1", "ports": [443]}, {"cidr": "128.0.0.0/1", "ports": [443]}],
        [{"cidr": "64.0.0.0/4", "ports": [5432]}],
    ],
)
def test_a_production_environment_declares_no_egress_to_the_internet(
    rules: list[dict[str, Any]],
) -> None:
    raw = _egress(raw_sections("acme-aws-prod"), 2, *rules)  # platform/acme's prod
    message = refused(raw)
    assert "platform.environments[2].egress[0].cidr" in message
    assert "from production environment prod" in message


def test_a_production_environment_may_reach_a_private_network() -> None:
    raw = _egress(raw_sections("acme-aws-prod"), 2, {"cidr": "10.0.0.0/8", "ports": [5432]})
    build_stack(raw)


def test_no_environment_opens_every_port_to_the_internet() -> None:
    raw = _egress(raw_sections("acme-azure-dev"), 0, {"cidr": "0.0.0.0/0", "ports": []})
    assert "on every port opens the whole internet to environment dev" in refused(raw)
    raw = _egress(raw_sections("acme-azure-dev"), 0, {"cidr": "0.0.0.0/0", "ports": [443]})
    build_stack(raw)  # dev may call SaaS APIs on 443 without listing their ranges


# 15. Secrets arrive encrypted.

HARBOR = ("dataplane", "onprem", "harbor", "adminPassword")
EXTERNAL_ID = ("dataplane", "aws", "externalId")


def test_a_plain_text_harbor_password_is_refused() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["dataplane"]["onprem"]["harbor"]["adminPassword"] = "Harbor12345"
    message = refused(raw, secret_paths=set())
    assert "dataplane.onprem.harbor.adminPassword: holds a secret in plain text" in message
    assert "pulumi config set --path --secret 'pdp:dataplane.onprem.harbor.adminPassword'" in (
        message
    )
    assert "Harbor12345" not in message
    build_stack(raw, secret_paths={HARBOR})  # the same value, arrived encrypted


def test_a_plain_text_external_id_is_refused() -> None:
    raw = raw_sections("acme-aws-prod")
    assert "dataplane.aws.externalId: holds a secret" in refused(raw, secret_paths=set())
    build_stack(raw, secret_paths={EXTERNAL_ID})


def test_under_the_engine_a_secret_the_file_does_not_hold_counts_when_its_key_is_secret() -> None:
    raw = raw_sections("acme-aws-prod")
    # from a Pulumi ESC environment: not in the file, the engine marks pdp:dataplane secret
    build_stack(raw, secret_paths={("dataplane",)})
    # written in the file in the clear, the engine's marking does not cover it
    located = {EXTERNAL_ID: ("stacks/Pulumi.acme-aws-prod.yaml", 84)}
    message = refused(raw, locations=located, secret_paths={("dataplane",)})
    assert "stacks/Pulumi.acme-aws-prod.yaml:84" in message


def test_every_field_that_holds_a_secret_is_declared_as_one() -> None:
    """Names that say "secret value" are SecretStr; names of references say so
    (``*Secret``/``*SecretKey``: a key in the secret store, ``secretPrefix``…)."""
    from pydantic import BaseModel, SecretStr

    references = {
        "credentials_secret",
        "credentials_secret_key",
        "token_secret",
        "pull_secret_key",
        "secret_prefix",
        "secret_store",
        "secrets_encryption",
        "image_pull_secret",
        "env_from_secrets",
        "secrets",
        "secret",
        "service_account_token",
        "not_secrets",
        "key",
        "customer_managed_keys",
        "soft_delete_days",
        "api_key",  # endpoint auth: `ApiKeyAuth`, whose keys are a secret-store reference
        "keys",  # that reference (`SecretRef`)
        "ca_secret",  # gateways.external.mtls: a secret-store key of the client CA bundle
    }
    secretish = ("password", "passphrase", "token", "secret", "external_id", "key", "credential")
    seen: set[type[BaseModel]] = set()
    undeclared: list[str] = []

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            annotation = str(field.annotation)
            named_secret = any(w in name for w in secretish) and name not in references
            if named_secret and "SecretStr" not in annotation:
                undeclared.append(f"{model.__name__}.{name}")
            for arg in _models_in(field.annotation):
                walk(arg)

    walk(StackSpec)
    assert undeclared == []
    assert {"HarborSpec.admin_password", "AwsSpec.external_id"} <= {
        f"{m.__name__}.{n}"
        for m in seen
        for n, f in m.model_fields.items()
        if f.annotation is not None and SecretStr in _args(f.annotation)
    }


def _args(annotation: Any) -> set[Any]:
    from typing import get_args

    found = {annotation}
    for arg in get_args(annotation):
        found |= _args(arg)
    return found


def _models_in(annotation: Any) -> list[Any]:
    from pydantic import BaseModel

    return [a for a in _args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]


# 16. Credentials in integration configuration.


def _integration(raw: dict[str, Any]) -> dict[str, Any]:
    integration: dict[str, Any] = raw["platform"]["integrations"][0]
    return integration


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("DB_PASSWORD_PLAIN", "hunter2", "Secret Keyword"),
        ("DATABASE_URL", "postgres://orders:s3cret@db.acme.example/orders", "Basic Auth"),
        ("ORDERS_DB_PWD", "Tr0ub4dor&3", "Secret Keyword"),
        ("GITHUB", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "GitHub Token"),
    ],
)
def test_a_credential_in_an_env_value_is_refused(name: str, value: str, kind: str) -> None:
    raw = raw_sections("acme-onprem-local")
    _integration(raw).setdefault("env", []).append({"name": name, "value": value})
    message = refused(raw)
    assert f"env {name} looks like a credential in the clear ({kind}" in message
    assert "platform.integrations[0].env[" in message
    assert value not in message and "s3cret" not in message


def test_a_credential_in_configuration_is_refused() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["platform"]["environments"][0]["config"]["ORDERS_DB_PWD"] = "hunter2"
    _integration(raw)["config"]["DATABASE_URL"] = "postgres://orders:hunter2@db/orders"
    message = refused(raw)
    assert "platform.environments[0].config.ORDERS_DB_PWD" in message
    assert "platform.integrations[0].config.DATABASE_URL" in message
    assert "hunter2" not in message


def test_a_password_line_in_a_config_file_is_refused() -> None:
    raw = raw_sections("acme-onprem-local")
    content = '[database]\nhost = "orders-db"\npassword = "hunter2"\n'
    _integration(raw)["configFiles"] = [{"mountPath": "/app/conf/db.toml", "content": content}]
    message = refused(raw)
    assert "line 3 of /app/conf/db.toml looks like a credential" in message
    assert "hunter2" not in message


def test_a_false_positive_is_marked_explicitly() -> None:
    raw = raw_sections("acme-onprem-local")
    integration = _integration(raw)
    integration.setdefault("env", []).append({"name": "API_KEY_HEADER", "value": "X-Api-Key"})
    content = 'password = "see-the-vault"  # pragma: allowlist secret\n'
    integration["configFiles"] = [{"mountPath": "/app/conf/db.toml", "content": content}]
    assert "env API_KEY_HEADER looks like a credential" in refused(raw)
    integration["notSecrets"] = ["API_KEY_HEADER"]
    build_stack(raw)


def test_plain_configuration_passes() -> None:
    raw = raw_sections("acme-onprem-local")
    _integration(raw)["config"].update(
        {
            "TOKEN_URL": "https://login.acme.example/oauth2/token",
            "TOKEN_AUDIENCE": "orders-api",
            "DB_URL": "postgres://db.acme.example:5432/orders",
        }
    )
    build_stack(raw)
