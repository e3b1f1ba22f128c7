"""Secret keys follow each store's naming rule, per target, and `pdp validate` says so."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec import SpecError
from pdpkit.spec.enums import Target
from pdpkit.spec.loader import build_stack
from pdpkit.spec.secret_keys import RULES, key_problem, prefix_problem, secret_key
from tests.unit.spec.stacks import raw_sections

STACK_OF = {
    Target.AZURE: "acme-azure-dev",
    Target.GCP: "acme-gcp-staging",
    Target.AWS: "acme-aws-prod",
    Target.ONPREM: "acme-onprem-local",
}


def _refused(raw: dict[str, Any]) -> str:
    with pytest.raises(SpecError) as error:
        build_stack(raw)
    return str(error.value)


def test_a_key_is_the_prefix_and_the_reference_concatenated() -> None:
    assert secret_key("pdp-", "dev-orders-db") == "pdp-dev-orders-db"
    assert secret_key("pdp/acme/", "dev/orders-db") == "pdp/acme/dev/orders-db"


@pytest.mark.parametrize(
    ("target", "good", "bad"),
    [
        # learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates
        (Target.AZURE, "pdp-dev-orders-db", ["pdp-/dev-orders-db", "pdp_dev", "a" * 128]),
        # Secret Manager secret_id: [A-Za-z0-9_-], at most 255
        (Target.GCP, "pdp-dev_orders-db", ["pdp-/dev", "pdp.dev", "a" * 256]),
        # CreateSecret Name: ASCII letters, digits, /_+=.@-, at most 512
        (Target.AWS, "pdp/acme/dev/orders-db+x=y.z@w", ["pdp/dev db", "pdp/dev#1", "a" * 513]),
        # pdpkit's portable Vault path rule: non-empty segments
        (Target.ONPREM, "pdp/acme/dev/orders-db", ["pdp//dev", "pdp/dev/", "pdp/dev db"]),
    ],
)
def test_each_store_rule(target: Target, good: str, bad: list[str]) -> None:
    assert key_problem(target, "", good) is None
    for key in bad:
        problem = key_problem(target, "", key)
        assert problem is not None and RULES[target].store in problem, key


def test_azure_and_gcp_refuse_a_slash_anywhere_aws_and_vault_use_it() -> None:
    for target in (Target.AZURE, Target.GCP):
        assert prefix_problem(target, "pdp/") is not None
        assert prefix_problem(target, "pdp-") is None
    for target in (Target.AWS, Target.ONPREM):
        assert prefix_problem(target, "pdp/acme/") is None


def test_a_prefix_without_its_separator_is_refused_with_the_fix() -> None:
    problem = prefix_problem(Target.ONPREM, "pdp/acme")
    assert problem is not None and "'pdp/acme/'" in problem


@pytest.mark.parametrize("target", [Target.AZURE, Target.GCP])
def test_a_left_out_prefix_takes_the_target_default(target: Target) -> None:
    raw = raw_sections(STACK_OF[target])
    del raw["dataplane"]["secretStore"]["secretPrefix"]
    stack = build_stack(raw)
    assert stack.dataplane.secret_store.secret_prefix == "pdp-"


def test_an_environment_secret_with_a_slash_is_refused_on_azure_naming_the_key() -> None:
    raw = raw_sections("acme-azure-dev")
    dev = next(e for e in raw["platform"]["environments"] if e["name"] == "dev")
    dev["secrets"]["ORDERS_DB_PASSWORD"]["key"] = "dev/orders-db"
    message = _refused(raw)
    assert "platform.environments[0].secrets.ORDERS_DB_PASSWORD.key" in message
    assert "'pdp-dev/orders-db'" in message and "Azure Key Vault" in message
    assert "'dev-orders-db'" in message  # the fix


def test_an_integration_secret_is_checked_in_the_environments_of_this_data_plane_only() -> None:
    raw = raw_sections("acme-gcp-staging")
    order_api = next(i for i in raw["platform"]["integrations"] if i["name"] == "order-api")
    # the prod override is deployed on AWS, where '/' is fine: GCP does not judge it
    prod = order_api["overrides"]["prod"]["env"][0]
    prod["secret"]["key"] = "prod/orders-db"
    build_stack(raw)
    staging = order_api["overrides"]["staging"]["env"][0]
    staging["secret"]["key"] = "staging/orders-db"
    message = _refused(raw)
    assert "overrides.staging.env[0].secret.key" in message and "GCP Secret Manager" in message


def test_the_agent_token_key_is_checked_too() -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["agent"]["tokenSecret"] = "agent/token"
    message = _refused(raw)
    assert "dataplane.agent.tokenSecret" in message and "'pdp-agent/token'" in message
