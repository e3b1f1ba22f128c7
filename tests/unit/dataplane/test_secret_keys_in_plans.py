"""Every ExternalSecret of every example plan asks its store for a name the store accepts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pdpkit.spec.loader import load_stack
from pdpkit.spec.secret_keys import RULES, key_problem
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of


def remote_keys(spec: dict[str, Any]) -> Iterator[str]:
    for item in spec.get("data") or []:
        yield item["remoteRef"]["key"]
    for item in spec.get("dataFrom") or []:
        if "extract" in item:
            yield item["extract"]["key"]


def external_secret_keys(stack: str) -> list[str]:
    return [
        key
        for r in plan_of(stack).resources
        if r.type == "kubernetes:external-secrets.io/v1:ExternalSecret"
        for key in remote_keys(r.inputs["spec"])
    ]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_remote_key_is_a_name_the_target_store_accepts(stack: str) -> None:
    target = load_stack(ROOT, stack).dataplane.target
    keys = external_secret_keys(stack)
    assert keys, "the example reads no secret: nothing checked"
    bad = {k: key_problem(target, "", k) for k in keys if key_problem(target, "", k)}
    assert not bad, f"{RULES[target].store}: {bad}"


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_remote_key_is_under_the_data_plane_prefix(stack: str) -> None:
    # the stores grant the data plane `<prefix>*` only (IAM policy, IAM condition, Vault policy)
    prefix = load_stack(ROOT, stack).dataplane.secret_store.secret_prefix
    assert all(k.startswith(prefix) for k in external_secret_keys(stack))


def test_azure_keys_never_carry_an_object_type_for_external_secrets() -> None:
    # external-secrets v2.8.0 providers/v1/azure/keyvault/keyvault.go:1444 (getObjType): the
    # text before a '/' is read as the object type (secret, key, cert)
    assert all("/" not in k for k in external_secret_keys("acme-azure-dev"))
    assert "pdp-dev-orders-db" in external_secret_keys("acme-azure-dev")
