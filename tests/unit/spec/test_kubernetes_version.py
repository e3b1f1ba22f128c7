"""`kubernetesVersion` is refused outside what the pinned components support and what the
target's service offers, naming the component (pdpkit.versions)."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec import SpecError
from pdpkit.spec.loader import build_stack
from tests.unit.spec.stacks import raw_sections


def _refused(stack: str, version: str) -> str:
    raw: dict[str, Any] = raw_sections(stack)
    raw["dataplane"]["cluster"]["kubernetesVersion"] = version
    with pytest.raises(SpecError) as error:
        build_stack(raw)
    return str(error.value)


@pytest.mark.parametrize(
    "stack", ["acme-onprem-local", "acme-azure-dev", "acme-aws-prod", "acme-gcp-staging"]
)
def test_1_31_is_refused_naming_flux_and_envoy_gateway(stack: str) -> None:
    message = _refused(stack, "1.31")
    assert "kubernetesVersion" in message
    assert "Flux 2.8 (flux2 chart 2.18.3) supports 1.33-1.35" in message
    assert "Envoy Gateway 1.9 (gateway-helm chart v1.9.0) supports 1.33-1.36" in message
    assert "External Secrets 2.8 (external-secrets chart 2.8.0) supports 1.35-1.36" in message
    assert "set kubernetesVersion to 1.35" in message


def test_onprem_names_cilium_it_installs() -> None:
    assert "Cilium 1.19 (cilium chart 1.19.1) supports 1.32-1.35" in _refused(
        "acme-onprem-local", "1.31"
    )


def test_azure_runs_its_own_cilium() -> None:
    assert "Cilium" not in _refused("acme-azure-dev", "1.31")


def test_a_version_past_ciliums_and_fluxs_range_is_refused() -> None:
    message = _refused("acme-onprem-local", "1.36")
    assert "Cilium 1.19 (cilium chart 1.19.1) supports 1.32-1.35" in message
    assert "Flux 2.8 (flux2 chart 2.18.3) supports 1.33-1.35" in message
    assert "Envoy Gateway" not in message and "External Secrets" not in message


def test_a_version_below_external_secrets_range_is_refused() -> None:
    message = _refused("acme-gcp-staging", "1.34")
    assert "External Secrets 2.8 (external-secrets chart 2.8.0) supports 1.35-1.36" in message
    assert message.endswith("set kubernetesVersion to 1.35")
    assert "GKE offers" not in message


def test_a_version_the_cloud_no_longer_offers_is_refused() -> None:
    message = _refused("acme-aws-prod", "1.33")
    assert "EKS offers 1.34, 1.35 for new clusters (as of 2026-11-25" in message
    assert "set kubernetesVersion to 1.35" in message


def test_onprem_has_no_cloud_offer_to_check() -> None:
    assert "offers" not in _refused("acme-onprem-local", "1.33")


def test_only_kubernetes_1() -> None:
    assert "only Kubernetes 1.x exists" in _refused("acme-onprem-local", "2.0")
