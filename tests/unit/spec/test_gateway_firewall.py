"""`dataplane.gateways.external.sourceRanges` and `.waf`: what the stack file may say, and the
message when it may not."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec import SpecError
from pdpkit.spec.dataplane import WafMode, WafSpec
from pdpkit.spec.gateway_checks import is_open
from pdpkit.spec.loader import build_stack
from tests.unit.spec.stacks import raw_sections


def refused(raw: dict[str, Any]) -> str:
    with pytest.raises(SpecError) as error:
        build_stack(raw)
    return str(error.value)


def external(raw: dict[str, Any]) -> dict[str, Any]:
    gateway: dict[str, Any] = raw["dataplane"]["gateways"]["external"]
    return gateway


def test_production_must_say_who_may_reach_the_external_gateway() -> None:
    raw = raw_sections("acme-aws-prod")
    del external(raw)["sourceRanges"]
    message = refused(raw)
    assert "dataplane.gateways.external.sourceRanges" in message
    assert "must say who may reach its external gateway" in message
    # outside production, leaving it out leaves the gateway open (the cloud's default)
    raw = raw_sections("acme-azure-dev")
    del external(raw)["sourceRanges"]
    assert build_stack(raw).dataplane.gateways.external.source_ranges is None


def test_source_ranges_are_cidrs_and_not_empty() -> None:
    raw = raw_sections("acme-aws-prod")
    external(raw)["sourceRanges"] = ["203.0.113.7/24"]
    assert "is not a CIDR block" in refused(raw)
    external(raw)["sourceRanges"] = []
    assert "sourceRanges" in refused(raw)


def test_restricted_ranges_would_starve_acme_http01() -> None:
    # on-prem with Let's Encrypt proves names over HTTP-01 through the external gateway
    raw = raw_sections("acme-onprem-local")
    raw["dataplane"]["gateways"]["tlsIssuer"] = "letsencrypt"
    message = refused(raw)
    assert "dataplane.gateways.external.sourceRanges" in message
    assert "HTTP-01" in message and "DNS-01" in message
    external(raw)["sourceRanges"] = ["0.0.0.0/0", "::/0"]
    assert build_stack(raw).dataplane.gateways.external.source_ranges == ("0.0.0.0/0", "::/0")
    # with a DNS-01 solver (Route 53 on AWS) the ranges may be as narrow as wanted
    assert build_stack(raw_sections("acme-aws-prod")).dataplane.gateways.external.source_ranges


def test_waf_mode_defaults_to_blocking_in_production_only() -> None:
    assert WafSpec().effective_mode(production=True) is WafMode.BLOCKING
    assert WafSpec().effective_mode(production=False) is WafMode.DETECTION
    assert WafSpec(mode=WafMode.OFF).effective_mode(production=True) is WafMode.OFF


def test_an_unquoted_off_is_the_off_mode_not_a_boolean() -> None:
    raw = raw_sections("acme-azure-dev")
    external(raw)["waf"] = {"mode": False}  # what YAML 1.1 makes of `mode: off`
    waf = build_stack(raw).dataplane.gateways.external.waf
    assert waf.mode is WafMode.OFF
    external(raw)["waf"] = {"mode": "block"}
    message = refused(raw)
    assert "dataplane.gateways.external.waf.mode" in message and "'blocking'" in message


def test_a_waf_module_must_be_pinned_by_digest() -> None:
    raw = raw_sections("acme-azure-dev")
    pinned = "acr.example.azurecr.io/waf/coraza-proxy-wasm:0.6.0@sha256:" + "0" * 64
    external(raw)["waf"] = {"module": pinned}
    assert build_stack(raw).dataplane.gateways.external.waf.module == pinned
    external(raw)["waf"] = {"module": "ghcr.io/corazawaf/coraza-proxy-wasm:0.6.0"}
    assert "dataplane.gateways.external.waf.module" in refused(raw)


@pytest.mark.parametrize(
    ("cidr", "open_"),
    [
        ("0.0.0.0/0", True),
        ("::/0", True),
        ("128.0.0.0/1", True),
        ("10.0.0.0/8", False),
        ("203.0.113.0/24", False),
        ("2001:db8::/32", False),
    ],
)
def test_what_counts_as_open(cidr: str, open_: bool) -> None:
    assert is_open(cidr) is open_
