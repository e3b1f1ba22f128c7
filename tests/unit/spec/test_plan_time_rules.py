"""Rules the dataplane assemblies used to raise at plan time, now located validation errors.

Each case first shows the spec is refused by `build_stack` (so `pdp validate` reports it with
file and line), naming the key path and the fix.
"""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import build_stack
from tests.unit.spec.stacks import raw_sections


def refused(raw: dict[str, Any]) -> str:
    with pytest.raises(SpecError) as caught:
        build_stack(raw)
    return "\n".join(p.render() for p in caught.value.problems)


def test_an_aws_pool_zone_without_a_private_subnet() -> None:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["cluster"]["nodePools"][0]["zones"] = ["eu-west-1d"]
    message = refused(raw)
    assert "pdp:dataplane.cluster.nodePools[0].zones[0]: 'eu-west-1d' has no private subnet" in (
        message
    )
    assert "eu-west-1a, eu-west-1b, eu-west-1c" in message


def test_an_aws_pool_zone_in_the_derived_zones_is_accepted() -> None:
    raw = raw_sections("acme-aws-prod")
    del raw["dataplane"]["network"]["subnets"]
    raw["dataplane"]["cluster"]["nodePools"][0]["zones"] = ["2"]  # eu-west-1b
    assert build_stack(raw).dataplane.cluster.node_pools[0].zones == ("2",)
    raw["dataplane"]["cluster"]["nodePools"][0]["zones"] = ["4"]  # eu-west-1d: not derived
    assert "nodePools[0].zones[0]: '4' has no private subnet" in refused(raw)


@pytest.mark.parametrize(
    ("space", "expected"),
    [
        ("10.50.0.0/24", "too small to derive subnets from"),
        ("10.0.0.0/8", "cannot be a VPC range: AWS takes an IPv4 block from /16 to /28"),
        ("fd00::/48", "cannot be a VPC range"),
    ],
)
def test_an_aws_address_space_subnets_cannot_be_derived_from(space: str, expected: str) -> None:
    raw = raw_sections("acme-aws-prod")
    del raw["dataplane"]["network"]["subnets"]
    raw["dataplane"]["network"]["addressSpace"] = space
    raw["dataplane"]["network"]["podCidr"] = "100.64.0.0/16"
    raw["dataplane"]["network"]["serviceCidr"] = "172.20.0.0/16"
    assert f"pdp:dataplane.network.addressSpace: {space} " in (message := refused(raw))
    assert expected in message


def test_more_aws_zones_than_derived_subnets() -> None:
    raw = raw_sections("acme-aws-prod")
    del raw["dataplane"]["network"]["subnets"]
    raw["dataplane"]["network"]["availabilityZones"] = [str(i) for i in range(1, 9)]
    raw["dataplane"]["cluster"]["nodePools"][0]["zones"] = []
    assert "availabilityZones: 8 zones; subnets are derived for at most 7" in refused(raw)


@pytest.mark.parametrize("space", ["10.20.0.0/26", "fd00::/48"])
def test_an_azure_vnet_too_small_or_ipv6(space: str) -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"]["network"]["addressSpace"] = space
    raw["dataplane"]["network"]["subnets"] = []
    message = refused(raw)
    assert f"pdp:dataplane.network.addressSpace: {space} cannot hold the Azure target's" in message


def test_a_gke_maintenance_window_under_four_hours() -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["cluster"]["maintenanceWindow"] = "Sat 23:00-01:00"
    assert "maintenanceWindow: 'Sat 23:00-01:00' lasts 2h; GKE needs" in refused(raw)
    raw["dataplane"]["cluster"]["maintenanceWindow"] = "Sat 23:00-03:00"
    assert build_stack(raw).dataplane.cluster.maintenance_window == "Sat 23:00-03:00"


@pytest.mark.parametrize("name", ["1acme-dev", "acme--dev"])
def test_a_data_plane_name_that_gives_no_key_vault_name(name: str) -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"]["name"] = name
    raw["dataplane"]["secretStore"].pop("name", None)
    raw["platform"] = None
    message = refused(raw)
    assert f"pdp:dataplane.name: {name!r} gives the Key Vault name" in message
    assert "set secretStore.name" in message
    raw["dataplane"]["secretStore"]["name"] = "acme-dev-kv"
    assert build_stack(raw).dataplane.name == name


def test_a_long_aws_name_gives_bucket_and_stream_names_aws_refuses() -> None:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["name"] = "a" * 63
    raw["platform"] = None
    message = refused(raw)
    assert "S3 bucket name" in message and "(81 characters; AWS allows 63)" in message
    assert "Firehose stream name" in message and "(76 characters; AWS allows 64)" in message
    assert "shorten the data plane name to 45 characters or fewer" in message
    # the observability stores' buckets (<name>-obs-metrics-<account>) are longer still
    assert "observability bucket name" in message and "(88 characters; AWS allows 63)" in message
    assert "shorten the data plane name to 38 characters or fewer" in message
    raw["dataplane"]["name"] = "a" * 38
    assert build_stack(raw).dataplane.name == "a" * 38
    raw["dataplane"]["observability"] = {"enabled": False}
    raw["dataplane"]["name"] = "a" * 45
    assert build_stack(raw).dataplane.name == "a" * 45
    raw["dataplane"]["name"] = "a" * 63
    raw["dataplane"]["logStorage"] = {"archive": False}
    assert build_stack(raw).dataplane.name == "a" * 63  # no archive, no bucket


def test_an_integration_name_no_service_can_have() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["platform"]["integrations"][0]["name"] = "0rder-api"
    message = refused(raw)
    assert "pdp:platform.integrations[0].name: '0rder-api' names the integration's Service" in (
        message
    )


def test_a_scheduled_task_name_over_52_characters() -> None:
    raw = raw_sections("acme-onprem-local")
    index, task = next(
        (i, it)
        for i, it in enumerate(raw["platform"]["integrations"])
        if it.get("kind") == "scheduledTask"
    )
    task["name"] = "t" * 53
    assert f"integrations[{index}].name: '{'t' * 53}' (53 characters) names a CronJob" in (
        refused(raw)
    )
