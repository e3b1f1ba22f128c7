"""The spec model: example stacks load, defaults are documented values, rules hold."""

from __future__ import annotations

import pytest

from pdpkit.spec import SpecError, StackSpec, Target
from pdpkit.spec.base import duration_seconds
from pdpkit.spec.checks import find_cycle
from pdpkit.spec.enums import TransparentEncryption
from pdpkit.spec.loader import build_stack, load_stack
from tests.examples import EXAMPLE_STACKS, ROOT
from tests.unit.spec.stacks import raw_sections


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_example_stack_is_valid(stack: str) -> None:
    spec = load_stack(ROOT, stack)
    assert isinstance(spec, StackSpec)
    assert spec.dataplane.target.value in stack  # a stack's name carries its target
    assert spec.platform is not None
    assert len(spec.platform.environments) >= 3
    assert len(spec.platform.integrations) >= 3


def test_examples_cover_every_target_and_a_production_stack() -> None:
    specs = [load_stack(ROOT, s) for s in EXAMPLE_STACKS]
    assert {s.dataplane.target for s in specs} == set(Target)
    assert any(s.dataplane.production for s in specs)


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_pipeline_needs_an_approval_into_production(stack: str) -> None:
    platform = load_stack(ROOT, stack).platform
    assert platform is not None
    production = {e.name for e in platform.environments if e.production}
    gates = {g.environment: g for p in platform.pipelines for g in p.gates}
    assert all(gates[env].required_approvals >= 1 for env in production)
    # the lab's prod rehearses production (no production data plane): gated all the same
    assert gates["prod"].required_approvals >= 1


def test_defaults_are_secure() -> None:
    spec = load_stack(ROOT, "acme-onprem-local").dataplane
    assert spec.cilium.encryption is TransparentEncryption.WIREGUARD
    assert spec.cluster.secrets_encryption
    assert spec.registry.public_access is False


def test_the_model_is_frozen() -> None:
    spec = load_stack(ROOT, "acme-onprem-local")
    with pytest.raises(Exception, match="frozen"):
        spec.dataplane.name = "other"  # type: ignore[misc]


def test_secure_config_values_load_offline_as_unknown_secrets() -> None:
    spec = load_stack(ROOT, "acme-onprem-local")
    assert spec.dataplane.onprem is not None and spec.dataplane.onprem.harbor is not None
    password = spec.dataplane.onprem.harbor.admin_password
    assert password.get_secret_value() == "[secret]"
    assert "[secret]" not in repr(spec)  # SecretStr hides it even so


def test_overlapping_subnets_are_refused() -> None:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["network"]["subnets"][1]["cidr"] = "10.50.16.0/20"
    with pytest.raises(SpecError) as error:
        build_stack(raw)
    assert "subnets[1].cidr" in str(error.value) and "overlaps" in str(error.value)


def test_subnet_outside_the_address_space_is_refused() -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"]["network"]["subnets"][0]["cidr"] = "10.99.0.0/20"
    with pytest.raises(SpecError, match="not inside addressSpace"):
        build_stack(raw)


def test_pod_range_overlapping_the_network_is_refused() -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"]["network"]["podCidr"] = "10.20.128.0/17"
    with pytest.raises(SpecError, match=r"podCidr: 10\.20\.128\.0/17 overlaps"):
        build_stack(raw)


def test_unknown_environment_in_a_pipeline_is_refused_with_a_hint() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["platform"]["pipelines"][0]["paths"][1]["to"] = ["prd"]
    with pytest.raises(SpecError) as error:
        build_stack(raw)
    message = str(error.value)
    assert "paths[1].to[0]" in message and "did you mean 'prod'?" in message


def test_cyclic_promotion_paths_are_refused() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["platform"]["pipelines"][0]["paths"].append({"from": "prod", "to": ["dev"]})
    with pytest.raises(SpecError, match=r"cycle \(dev -> test -> prod -> dev\)"):
        build_stack(raw)


def test_environment_bound_to_an_unknown_data_plane_is_refused() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["platform"]["environments"][0]["dataPlanes"] = ["elsewhere"]
    with pytest.raises(SpecError, match=r"environments\[0\]\.dataPlanes\[0\].*unknown data plane"):
        build_stack(raw)


def test_duplicate_names_are_refused() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["platform"]["environments"][1]["name"] = "dev"
    with pytest.raises(SpecError, match=r"environments\[1\]\.name.*duplicate name 'dev'"):
        build_stack(raw)


def test_at_least_one_node_pool() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["dataplane"]["cluster"]["nodePools"] = []
    with pytest.raises(SpecError, match="nodePools"):
        build_stack(raw)


def test_public_api_endpoint_needs_authorized_ranges() -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"]["cluster"]["authorizedRanges"] = []
    with pytest.raises(SpecError, match="needs authorizedRanges"):
        build_stack(raw)


def test_target_section_must_match_the_target() -> None:
    raw = raw_sections("acme-azure-dev")
    raw["dataplane"]["target"] = "gcp"
    with pytest.raises(SpecError, match="the gcp section is missing"):
        build_stack(raw)


def test_versions_must_be_well_formed() -> None:
    raw = raw_sections("acme-gcp-staging")
    raw["dataplane"]["cluster"]["kubernetesVersion"] = "1.x"
    with pytest.raises(SpecError, match=r"kubernetesVersion.*version like 1\.30"):
        build_stack(raw)


def test_integration_image_must_be_pinned_by_digest() -> None:
    raw = raw_sections("acme-onprem-local")
    raw["platform"]["integrations"][0]["image"] = "harbor.lab/orders/order-api:latest"
    with pytest.raises(SpecError, match=r"integrations\[0\]\.image"):
        build_stack(raw)


def test_scheduled_task_needs_a_schedule() -> None:
    raw = raw_sections("acme-onprem-local")
    del raw["platform"]["integrations"][1]["schedule"]
    with pytest.raises(SpecError, match="needs a schedule"):
        build_stack(raw)


def test_find_cycle() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"]}) == []
    assert find_cycle({"a": ["b"], "b": ["a"]}) == ["a", "b", "a"]
    assert find_cycle({"a": ["a"]}) == ["a", "a"]


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("1h30m", 5400), ("7d", 604800)])
def test_duration_seconds(text: str, seconds: int) -> None:
    assert duration_seconds(text) == seconds


def test_gateway_hostnames_must_be_inside_the_acme_dns_zone() -> None:
    raw = raw_sections("acme-aws-prod")
    raw["dataplane"]["gateways"]["internal"]["hostnames"] = ["*.internal.elsewhere.example"]
    with pytest.raises(
        SpecError, match=r"internal\.hostnames\[0\].*outside dnsZone apps\.acme\.example"
    ):
        build_stack(raw)


def test_self_signed_gateways_may_use_any_hostname() -> None:
    raw = raw_sections("acme-aws-prod")
    # production refuses a self-signed issuer: a non-production data plane, hosting no prod
    raw["dataplane"]["production"] = False
    del raw["platform"]
    raw["dataplane"]["gateways"]["tlsIssuer"] = "selfsigned"
    raw["dataplane"]["gateways"]["internal"]["hostnames"] = ["*.internal.elsewhere.example"]
    assert build_stack(raw).dataplane.gateways.tls_issuer == "selfsigned"
