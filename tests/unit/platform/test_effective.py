"""Effective integration: integration < environment < override, variables replaced by name."""

from __future__ import annotations

import pytest

from pdpkit.platform.effective import UnresolvedConfigKeyError, effective_integration
from pdpkit.platform.names import content_hash, namespace_name, remote_key, revision_name
from pdpkit.spec.platform import EnvironmentSpec, IntegrationSpec

DIGEST = "r.example/x@sha256:" + "b" * 64


def _integration(**extra: object) -> IntegrationSpec:
    return IntegrationSpec.model_validate(
        {
            "name": "api",
            "project": "p",
            "image": DIGEST,
            "kind": "manualTask",
            "config": {"A": "integration", "B": "integration", "C": "integration"},
            "env": [{"name": "X", "value": "1"}, {"name": "Y", "config": "A"}],
            "overrides": {
                "prod": {
                    "config": {"C": "override"},
                    "replicas": 4,
                    "env": [{"name": "X", "value": "2"}, {"name": "Z", "config": "DB"}],
                }
            },
            **extra,
        }
    )


def _env(name: str) -> EnvironmentSpec:
    return EnvironmentSpec.model_validate(
        {
            "name": name,
            "dataPlanes": ["dp"],
            "config": {"B": name, "C": name},
            "secrets": {"DB": {"key": f"{name}/db", "property": "password"}},
        }
    )


def test_precedence_and_overrides() -> None:
    prod = effective_integration(_integration(), _env("prod"), DIGEST)
    assert dict(prod.config) == {"A": "integration", "B": "prod", "C": "override"}
    assert [(v.name, v.value or v.config) for v in prod.env] == [
        ("X", "2"),
        ("Y", "A"),
        ("Z", "DB"),
    ]
    assert prod.replicas == 4 and prod.namespace == "p-prod"
    assert prod.secrets["Z"].key == "prod/db"  # an environment secret read by key
    dev = effective_integration(_integration(), _env("dev"), DIGEST)
    assert dev.config["C"] == "dev" and dev.replicas == 1 and "Z" not in dev.secrets


def test_unknown_config_key() -> None:
    integration = _integration(env=[{"name": "Q", "config": "NOPE"}])
    with pytest.raises(UnresolvedConfigKeyError, match="NOPE"):
        effective_integration(integration, _env("dev"), DIGEST)


def test_names_are_stable_and_bounded() -> None:
    assert namespace_name("orders", "dev") == "orders-dev"
    long = namespace_name("p" * 40, "e" * 40)
    assert len(long) <= 63 and long == namespace_name("p" * 40, "e" * 40)
    assert content_hash({"a": 1, "b": 2}) == content_hash({"b": 2, "a": 1})
    assert revision_name("x-config", {"a": "1"}) != revision_name("x-config", {"a": "2"})
    # the prefix carries its separator: no '/' is ever inserted (Key Vault and Secret Manager
    # names cannot hold one)
    assert remote_key("pdp/dp/", "dev/db") == "pdp/dp/dev/db"
    assert remote_key("pdp-", "dev-db") == "pdp-dev-db"
