"""dataplane.observability.api: located errors for what the gateway and Envoy Gateway refuse."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import build_stack
from pdpkit.spec.observability_api_checks import covers
from tests.unit.spec.stacks import raw_sections


def api_of(raw: dict[str, Any]) -> dict[str, Any]:
    api: dict[str, Any] = raw["dataplane"]["observability"]["api"]
    return api


def test_the_example_stacks_expose_the_api() -> None:
    spec = build_stack(raw_sections("acme-aws-prod"))
    api = spec.dataplane.observability.api
    assert api is not None
    assert api.hostname == "observability.apps.acme.example"


@pytest.mark.parametrize(
    ("pattern", "hostname", "covered"),
    [
        ("*.apps.acme.example", "observability.apps.acme.example", True),
        ("*.apps.acme.example", "a.b.apps.acme.example", False),  # the certificate: one label
        ("*.apps.acme.example", "apps.acme.example", False),
        ("api.acme.example", "api.acme.example", True),
        ("api.acme.example", "API.acme.example", True),
        ("api.acme.example", "x.api.acme.example", False),
    ],
)
def test_covers(pattern: str, hostname: str, covered: bool) -> None:
    assert covers(pattern, hostname) is covered


def test_hostname_must_be_served_by_the_chosen_gateway() -> None:
    raw = raw_sections("acme-aws-prod")
    api_of(raw)["gateway"] = "internal"  # observability.apps.acme.example is the external's
    with pytest.raises(
        SpecError,
        match=r"observability\.api\.hostname[\s\S]*not served by the internal gateway"
        r"[\s\S]*observability\.internal\.apps\.acme\.example",
    ):
        build_stack(raw)


def test_a_hostname_two_labels_deep_is_not_certified() -> None:
    raw = raw_sections("acme-azure-dev")
    api_of(raw)["hostname"] = "logs.observability.dev.apps.acme.example"
    with pytest.raises(SpecError, match=r"hostname[\s\S]*not served by the external gateway"):
        build_stack(raw)


@pytest.mark.parametrize(
    "origin",
    ["https://console.example.com/app", "https://console.example.com?x=1"],
)
def test_console_origins_are_origins(origin: str) -> None:
    raw = raw_sections("acme-gcp-staging")
    api_of(raw)["consoleOrigins"] = ["https://console.example.com", origin]
    with pytest.raises(SpecError, match=r"consoleOrigins\[1\][\s\S]*is not an origin"):
        build_stack(raw)


def test_url_style_tenants_claim_is_refused() -> None:
    raw = raw_sections("acme-onprem-local")
    api_of(raw)["tenantsClaim"] = "https://cp.example.com/tenants"
    with pytest.raises(SpecError, match=r"tenantsClaim[\s\S]*nested object"):
        build_stack(raw)


def test_nested_tenants_claim_is_accepted() -> None:
    raw = raw_sections("acme-onprem-local")
    api_of(raw)["tenantsClaim"] = "pdp.tenants"
    api = build_stack(raw).dataplane.observability.api
    assert api is not None and api.tenants_claim == "pdp.tenants"


def test_too_many_audiences() -> None:
    raw = raw_sections("acme-onprem-local")
    api_of(raw)["audiences"] = [f"aud-{i}" for i in range(9)]
    with pytest.raises(SpecError, match=r"audiences[\s\S]*at most 8"):
        build_stack(raw)


def test_observability_off_keeps_the_api_section_valid() -> None:
    """`enabled: false` turns the whole chain off, the API with it (nothing is exposed)."""
    raw = raw_sections("acme-onprem-local")
    raw["dataplane"]["observability"]["enabled"] = False
    assert build_stack(raw).dataplane.observability.api is not None


def test_errors_name_the_key_path() -> None:
    raw = raw_sections("acme-aws-prod")
    api_of(raw)["gateway"] = "internal"
    with pytest.raises(SpecError) as error:
        build_stack(raw)
    assert "dataplane.observability.api.hostname" in str(error.value)
