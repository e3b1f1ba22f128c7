"""Azure naming rules are located spec errors (path, value, what is allowed)."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec import SpecError
from pdpkit.spec.loader import build_stack
from tests.unit.spec.stacks import raw_sections


def refused(raw: dict[str, Any]) -> str:
    with pytest.raises(SpecError) as error:
        build_stack(raw)
    return str(error.value)


def test_the_example_stack_is_valid() -> None:
    build_stack(raw_sections("acme-azure-dev"))


@pytest.mark.parametrize(
    ("path", "value", "located", "hint"),
    [
        (("registry", "name"), "acme-pdp-dev", "registry.name", "5-50 letters and digits"),
        (("secretStore", "name"), "acme--kv", "secretStore.name", "Key Vault name"),
        (("secretStore", "name"), "a" * 25, "secretStore.name", "3-24"),
        (("secretStore", "secretPrefix"), "pdp/", "secretStore.secretPrefix", "'pdp-'"),
    ],
)
def test_bad_azure_names_are_located(
    path: tuple[str, str], value: str, located: str, hint: str
) -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"][path[0]][path[1]] = value
    message = refused(raw)
    assert located in message and hint in message and value in message


def test_subnets_need_an_azure_role() -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"]["network"]["subnets"][2]["name"] = "endpoints"
    message = refused(raw)
    assert "subnets[2].name" in message and "private-endpoints" in message


def test_pool_names_follow_aks_rules() -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"]["cluster"]["nodePools"][1]["name"] = "user-apps"
    message = refused(raw)
    assert "nodePools[1].name" in message and "lowercase letters and digits" in message


def test_other_targets_are_not_held_to_azure_names() -> None:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["secretStore"]["secretPrefix"] = "pdp/"
    build_stack(raw)
