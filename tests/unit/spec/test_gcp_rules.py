"""GCP-only spec rules: each bad input is refused with the path, the value and a fix."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec import SpecError
from pdpkit.spec.loader import build_stack
from tests.unit.spec.stacks import raw_sections


def _refused(raw: dict[str, Any]) -> str:
    with pytest.raises(SpecError) as error:
        build_stack(raw)
    return str(error.value)


def test_secret_prefix_must_be_a_secret_manager_id() -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["secretStore"]["secretPrefix"] = "pdp/"
    message = _refused(raw)
    assert "secretStore.secretPrefix" in message and "use 'pdp-'" in message


def test_zones_must_be_in_the_region() -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["network"]["availabilityZones"] = ["europe-west1-b", "us-central1-a"]
    message = _refused(raw)
    assert "availabilityZones[1]" in message and "not in region europe-west1" in message


def test_cluster_name_fits_gke() -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["name"] = "acme-gcp-staging-with-a-much-too-long-name"
    assert "at most 40" in _refused(raw)


@pytest.mark.parametrize(
    ("cidr", "expected"),
    [("10.40.16.0/28", "overlaps network.addressSpace"), ("172.16.0.0/24", "not a /28")],
)
def test_master_range_is_a_free_28(cidr: str, expected: str) -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["gcp"]["masterIpv4Cidr"] = cidr
    assert expected in _refused(raw)


def test_maintenance_window_has_the_documented_shape() -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["cluster"]["maintenanceWindow"] = "sunday at 2am"
    assert "maintenanceWindow" in _refused(raw)
