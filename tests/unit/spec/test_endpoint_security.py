"""Endpoint auth and limits: one way to authenticate, defaults inherited from the environment,
and the located errors `pdp validate` gives (anonymous external endpoints in production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from pdpkit.spec.checks import cross_field_problems
from pdpkit.spec.endpoint_security import (
    EndpointAuth,
    EndpointDefaults,
    EndpointLimits,
    JwtAuth,
    effective_auth,
    effective_rate_limit,
)
from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import load_stack, load_stack_file
from pdpkit.spec.platform import PlatformSpec
from pdpkit.spec.stack import StackSpec
from tests.examples import ROOT, scratch_project

PROVIDER = {
    "issuer": "https://login.example/realms/prod",
    "jwksUrl": "https://login.example/realms/prod/certs",
    "audiences": ["apis"],
}


def test_auth_takes_exactly_one_way() -> None:
    with pytest.raises(ValidationError, match="exactly one of jwt, mtls, apiKey or public"):
        EndpointAuth.model_validate(
            {"jwt": {}, "apiKey": {"keys": {"key": "k"}}},
        )
    with pytest.raises(ValidationError, match="got none"):
        EndpointAuth.model_validate({})


def test_a_public_endpoint_says_why() -> None:
    with pytest.raises(ValidationError, match="at least 10"):
        EndpointAuth.model_validate({"public": {"reason": "webhook"}})


def test_jwt_inherits_the_environment_provider_field_by_field() -> None:
    defaults = EndpointDefaults.model_validate({"jwt": PROVIDER})
    own = EndpointAuth(jwt=JwtAuth(audiences=("orders",), required_scopes=("orders:read",)))
    jwt = effective_auth(own, True, defaults)
    assert jwt is not None and jwt.jwt is not None
    assert (jwt.jwt.issuer, jwt.jwt.audiences) == (PROVIDER["issuer"], ("orders",))
    assert jwt.jwt.required_scopes == ("orders:read",)


def test_an_external_endpoint_without_auth_gets_the_provider_an_internal_one_nothing() -> None:
    defaults = EndpointDefaults.model_validate({"jwt": PROVIDER})
    external = effective_auth(None, True, defaults)
    assert external is not None and external.jwt is not None
    assert external.jwt.jwks_url == PROVIDER["jwksUrl"] and not external.jwt.required_scopes
    assert effective_auth(None, False, defaults) is None
    assert effective_auth(None, True, EndpointDefaults()) is None


def test_the_endpoint_rate_limit_wins_over_the_environment() -> None:
    defaults = EndpointDefaults.model_validate({"rateLimit": {"requests": 10}})
    own = EndpointLimits.model_validate({"rateLimit": {"requests": 5, "unit": "Second"}})
    assert effective_rate_limit(own, defaults) == own.rate_limit
    assert effective_rate_limit(EndpointLimits(), defaults) == defaults.rate_limit


def test_a_body_limit_envoy_gateway_refuses_is_refused() -> None:
    with pytest.raises(ValidationError, match="pattern"):
        EndpointLimits.model_validate({"maxRequestBody": "1.5Mi"})


def _platform(endpoint: dict[str, Any], production: bool = True, **env: Any) -> PlatformSpec:
    return PlatformSpec.model_validate(
        {
            "name": "p",
            "environments": [
                {"name": "dev", "dataPlanes": ["dp"]},
                {"name": "prod", "dataPlanes": ["dp"], "production": production, **env},
            ],
            "projects": [{"name": "orders"}],
            "integrations": [
                {
                    "name": "api",
                    "project": "orders",
                    "probes": {
                        "liveness": {"tcpSocket": {"port": 8080}},
                        "readiness": {"tcpSocket": {"port": 8080}},
                    },
                    "endpoints": [
                        {"name": "api", "port": 8080, "visibility": "external", **endpoint}
                    ],
                }
            ],
            "pipelines": [{"name": "default", "paths": [{"from": "dev", "to": ["prod"]}]}],
        }
    )


def _problems(platform: PlatformSpec) -> list[tuple[str, str]]:
    from pdpkit.spec.endpoint_checks import endpoint_problems

    return endpoint_problems(platform)


def test_an_anonymous_external_endpoint_in_production_is_refused() -> None:
    [(path, message)] = _problems(_platform({}))
    assert path == "platform.integrations[0].endpoints[0].visibility"
    assert "callable by anyone in production environment prod" in message
    assert "endpointDefaults.jwt" in message and "public" in message


def test_the_same_endpoint_outside_production_is_left_to_the_policy() -> None:
    assert _problems(_platform({}, production=False)) == []


@pytest.mark.parametrize(
    "endpoint",
    [
        {"auth": {"public": {"reason": "the sender cannot authenticate; payloads are signed"}}},
        {"auth": {"apiKey": {"keys": {"key": "api-keys"}}}},
        {"auth": {"jwt": PROVIDER}},
    ],
    ids=["public", "apiKey", "jwt"],
)
def test_declared_auth_satisfies_production(endpoint: dict[str, Any]) -> None:
    assert _problems(_platform(endpoint)) == []


def test_the_environment_provider_satisfies_production() -> None:
    assert _problems(_platform({}, endpointDefaults={"jwt": PROVIDER})) == []


def test_a_jwt_endpoint_needs_an_issuer_somewhere() -> None:
    problems = _problems(_platform({"auth": {"jwt": {"requiredScopes": ["a:b"]}}}))
    assert [p for p, _ in problems] == [
        "platform.integrations[0].endpoints[0].auth.jwt",
        "platform.integrations[0].endpoints[0].auth.jwt",
    ]
    assert "no JWT issuer for dev (environments[0]), prod (environments[1])" in problems[0][1]


def test_mtls_needs_the_data_planes_mutual_tls_listener() -> None:
    from pdpkit.spec.endpoint_checks import endpoint_problems

    platform = _platform({"auth": {"mtls": {}}})
    [(path, message)] = endpoint_problems(platform)
    assert path == "platform.integrations[0].endpoints[0].auth.mtls"
    assert "no mutual TLS listener" in message and "gateways.external.mtls" in message
    assert endpoint_problems(platform, mtls_listeners=True) == []


def test_mtls_is_for_external_endpoints_only() -> None:
    from pdpkit.spec.endpoint_checks import endpoint_problems

    platform = _platform({"auth": {"mtls": {}}, "visibility": "internal"})
    [(path, message)] = endpoint_problems(platform, mtls_listeners=True)
    assert path == "platform.integrations[0].endpoints[0].auth.mtls"
    assert "external gateway's mutual TLS listeners only" in message


def test_mtls_listener_hostnames_are_their_own_and_certifiable() -> None:
    from pdpkit.spec.dataplane import GatewaysSpec
    from pdpkit.spec.gateway_checks import gateway_problems

    def gateways(*hostnames: str, issuer: str = "letsencrypt") -> GatewaysSpec:
        return GatewaysSpec.model_validate(
            {
                "external": {
                    "hostnames": ["*.apps.example.com", "api.example.com"],
                    "mtls": {"hostnames": list(hostnames), "caSecret": "gateway/client-ca"},
                },
                "internal": {"hostnames": ["*.internal.example.com"]},
                "tlsIssuer": issuer,
                "dnsZone": "example.com",
            }
        )

    assert list(gateway_problems(gateways("partners-mtls.apps.example.com"))) == []
    [(path, message)] = gateway_problems(gateways("b2b.example.com", "API.example.com"))
    assert path == "dataplane.gateways.external.mtls.hostnames[1]"
    assert "already a hostname of the external gateway" in message
    [(path, message)] = gateway_problems(gateways("b2b.example.org"))
    assert path == "dataplane.gateways.external.mtls.hostnames[0]"
    assert "outside dnsZone" in message
    assert list(gateway_problems(gateways("b2b.example.org", issuer="selfsigned"))) == []
    with pytest.raises(ValidationError, match="hostname"):
        gateways("*.b2b.example.com")


def test_an_mtls_endpoint_without_the_listener_is_refused_at_its_line(tmp_path: Path) -> None:
    root = scratch_project(tmp_path)
    stack = root / "stacks" / "Pulumi.acme-onprem-local.yaml"
    text = stack.read_text()
    listener = (
        "        mtls:\n"
        "          hostnames: [partners-mtls.apps.lab.acme.example]\n"
        "          caSecret: gateway/partner-client-ca\n"
    )
    assert listener in text
    stack.write_text(text.replace(listener, ""))
    with pytest.raises(SpecError) as refused:
        load_stack_file(stack, root=root)
    message = str(refused.value)
    assert "auth.mtls" in message and "no mutual TLS listener" in message
    line = next(
        n for n, row in enumerate(text.replace(listener, "").splitlines(), 1) if "mtls: {}" in row
    )
    assert f":{line}" in message


def test_a_per_client_unit_shorter_than_the_endpoint_unit_is_refused() -> None:
    limits = {"rateLimit": {"requests": 100, "unit": "Hour", "perClient": {"requests": 5}}}
    problems = _problems(_platform({"auth": {"jwt": PROVIDER}, "limits": limits}))
    assert [p for p, _ in problems] == [
        "platform.integrations[0].endpoints[0].limits.rateLimit.perClient.unit"
    ]
    assert "multiple of the endpoint's" in problems[0][1]


def _strip_auth(stack: StackSpec) -> StackSpec:
    """The stack with no endpoint auth and no environment provider (anonymous endpoints)."""
    assert stack.platform is not None
    envs = tuple(
        e.model_copy(update={"endpoint_defaults": EndpointDefaults()})
        for e in stack.platform.environments
    )
    integrations = tuple(
        i.model_copy(
            update={"endpoints": tuple(e.model_copy(update={"auth": None}) for e in i.endpoints)}
        )
        for i in stack.platform.integrations
    )
    platform = stack.platform.model_copy(
        update={"environments": envs, "integrations": integrations}
    )
    return stack.model_copy(update={"platform": platform})


def test_the_production_example_with_anonymous_endpoints_is_refused() -> None:
    problems = cross_field_problems(_strip_auth(load_stack(ROOT, "acme-aws-prod")))
    anonymous = [p for p, m in problems if "callable by anyone in production" in m]
    # order-api's orders and partner-gateway's events
    assert len(anonymous) == 2, problems


def test_pdp_validate_names_the_line(tmp_path: Path) -> None:
    project = scratch_project(tmp_path)
    definition = project / "platform" / "acme" / "integrations" / "order-api.yaml"
    text = definition.read_text(encoding="utf-8")
    start = text.index("    auth:\n      jwt:")
    end = text.index("    limits:", start)
    definition.write_text(text[:start] + text[end:], encoding="utf-8")
    platform = project / "platform" / "acme" / "platform.yaml"
    lines = platform.read_text(encoding="utf-8").splitlines(keepends=True)
    platform.write_text(_without_prod_provider(lines), encoding="utf-8")
    with pytest.raises(SpecError) as error:
        load_stack_file(project / "stacks" / "Pulumi.acme-aws-prod.yaml", root=project)
    [problem] = error.value.problems
    assert problem.file is not None and problem.file.endswith("order-api.yaml")
    assert problem.line == text[:start].count("\n") - 1  # the `visibility: external` line
    assert "callable by anyone in production environment prod" in problem.message


def _without_prod_provider(lines: list[str]) -> str:
    """platform.yaml with the prod environment's endpointDefaults.jwt removed."""
    prod = lines.index("  - name: prod\n")
    start = next(i for i in range(prod, len(lines)) if lines[i] == "      jwt:\n")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("        "))
    return "".join(lines[:start] + lines[end:])
