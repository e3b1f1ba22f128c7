"""How the Azure target maps a spec to names, subnets, pools and windows (no resources)."""

from __future__ import annotations

import re
from functools import cache

import pytest

from pdpkit.dataplane.azure_layout import (
    api_server_cidrs,
    check_secret_prefix,
    maintenance_window,
    node_pools,
    registry_name,
    storage_account_name,
    subnet_plan,
)
from pdpkit.spec.azure_rules import REGISTRY_NAME, VAULT_NAME, key_vault_name
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.loader import load_stack
from tests.examples import ROOT


@cache
def dev() -> DataPlaneSpec:
    return load_stack(ROOT, "acme-azure-dev").dataplane


def variant(**changes: object) -> DataPlaneSpec:
    data = dev().model_dump(by_alias=True, mode="json")
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return DataPlaneSpec.model_validate(data)


def test_subnets_come_from_the_stack():
    assert subnet_plan(dev()) == {
        "nodes": "10.20.0.0/20",
        "apiserver": "10.20.16.0/28",
        "private-endpoints": "10.20.17.0/24",
    }


def test_subnets_are_derived_when_left_out():
    plan = subnet_plan(variant(network__subnets=[]))
    assert plan == {
        "nodes": "10.20.0.0/20",
        "private-endpoints": "10.20.16.0/24",
        "apiserver": "10.20.17.0/28",
    }


def test_unknown_subnet_roles_are_refused():
    spec = variant(network__subnets=[{"name": "public", "cidr": "10.20.0.0/24"}])
    with pytest.raises(ValueError, match="no role on Azure"):
        subnet_plan(spec)


def test_names_respect_azure_rules():
    derived = variant(
        registry__name=None, secretStore__name=None, name="a-very-long-data-plane-name"
    )
    assert registry_name(dev()) == "acmepdpdevacr"
    assert key_vault_name(dev()) == "acme-pdp-dev-kv"
    assert REGISTRY_NAME.match(registry_name(derived))
    assert registry_name(derived) == "averylongdataplanenameacr"
    assert VAULT_NAME.match(key_vault_name(derived)) and len(key_vault_name(derived)) <= 24
    account = storage_account_name(derived)
    assert re.fullmatch(r"[a-z0-9]{3,24}", account)
    assert storage_account_name(derived) == account  # stable


def test_maintenance_window():
    window = maintenance_window("Sun 02:00-06:00")
    assert (window.day_of_week, window.start_time, window.duration_hours) == ("Sunday", "02:00", 4)
    assert maintenance_window("Sat 22:00-03:30").duration_hours == 6  # wraps midnight
    assert maintenance_window("Mon 01:00-02:00").duration_hours == 4  # AKS minimum
    with pytest.raises(ValueError, match="not like"):
        maintenance_window("sometime")


def test_pools_default_to_the_network_zones():
    pools = {p.name: p for p in node_pools(dev())}
    assert pools["system"].system and not pools["apps"].system
    assert pools["apps"].zones == ("1", "2", "3")
    assert pools["apps"].labels == {"workload": "integrations"}


def test_first_pool_is_system_when_none_is_marked():
    spec = variant(cluster__nodePools=[{"name": "apps", "vmSize": "standard"}])
    (pool,) = node_pools(spec)
    assert pool.system and pool.vm_size == "Standard_D4ds_v5"


def test_api_server_cidrs_follow_the_access_mode():
    assert api_server_cidrs(dev()) == ("10.20.16.0/28",)
    private = variant(
        cluster__secretsEncryption=False,
        azure__apiServerVnetIntegration=False,
        cluster__privateApiEndpoint=True,
        cluster__authorizedRanges=[],
    )
    assert api_server_cidrs(private) == ("10.20.0.0/20",)


def test_secret_prefix_must_fit_key_vault_names():
    check_secret_prefix(dev())
    with pytest.raises(ValueError, match="Key Vault secret name"):
        check_secret_prefix(variant(secretStore__secretPrefix="pdp/"))
