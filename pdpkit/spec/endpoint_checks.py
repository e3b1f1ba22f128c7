"""Endpoint security rules `pdp validate` reports: every external endpoint of a production
environment authenticates its callers (or says why it is public), JWT endpoints know their
provider, and limits are ones Envoy Gateway accepts."""

from __future__ import annotations

from collections.abc import Iterator

from pdpkit.spec.endpoint_security import UNIT_SECONDS, effective_auth, effective_rate_limit
from pdpkit.spec.enums import GatewayVisibility
from pdpkit.spec.findings import Finding
from pdpkit.spec.platform import PlatformSpec

MTLS_EXTERNAL_ONLY = (
    "mtls is served by the external gateway's mutual TLS listeners only (Envoy Gateway v1.9.0 "
    "validates client certificates per listener: ClientTrafficPolicy tls.clientValidation, "
    "api/v1alpha1/clienttrafficpolicy_types.go:77 and tls_types.go:190); make the endpoint "
    "visibility: external, or use jwt or apiKey on the internal gateway"
)


def endpoint_problems(platform: PlatformSpec, mtls_listeners: bool = False) -> list[Finding]:
    """Every endpoint security problem of the platform (each once), judged in every
    environment: an environment's defaults can make or break an endpoint. `mtls_listeners`:
    whether the data plane's external gateway declares mutual TLS listeners
    (``dataplane.gateways.external.mtls``)."""
    return list(dict.fromkeys(_problems(platform, mtls_listeners)))


def _problems(platform: PlatformSpec, mtls_listeners: bool) -> Iterator[Finding]:
    for i, integration in enumerate(platform.integrations):
        for j, endpoint in enumerate(integration.endpoints):
            where = f"platform.integrations[{i}].endpoints[{j}]"
            external = endpoint.visibility is GatewayVisibility.EXTERNAL
            if endpoint.auth is not None and endpoint.auth.mtls is not None:
                if not external:
                    yield f"{where}.auth.mtls", MTLS_EXTERNAL_ONLY
                elif not mtls_listeners:
                    yield (
                        f"{where}.auth.mtls",
                        f"endpoint {endpoint.name} of {integration.name} requires client "
                        "certificates, but the data plane's external gateway has no mutual "
                        "TLS listener: declare dataplane.gateways.external.mtls: {hostnames: "
                        "[<host>], caSecret: <secret store key of the client CA bundle>}",
                    )
            missing: dict[str, list[str]] = {}
            for k, env in enumerate(platform.environments):
                auth = effective_auth(endpoint.auth, external, env.endpoint_defaults)
                if auth is None and external and env.production:
                    yield (
                        f"{where}.visibility",
                        f"external endpoint {endpoint.name} of {integration.name} would be "
                        f"callable by anyone in production environment {env.name}: declare "
                        "auth (jwt or apiKey), set environments"
                        f"[{k}].endpointDefaults.jwt, or, for an endpoint that must be "
                        'anonymous, auth: {public: {reason: "..."}}',
                    )
                if auth is not None and auth.jwt is not None:
                    for field, value in (
                        ("issuer", auth.jwt.issuer),
                        ("jwksUrl", auth.jwt.jwks_url),
                    ):
                        if value is None:
                            missing.setdefault(field, []).append(f"{env.name} (environments[{k}])")
                rate = effective_rate_limit(endpoint.limits, env.endpoint_defaults)
                if rate is not None and rate.per_client is not None:
                    outer, inner = UNIT_SECONDS[rate.unit], UNIT_SECONDS[rate.per_client.unit]
                    if inner % outer:
                        # Envoy Gateway v1.9.0 internal/gatewayapi/backendtrafficpolicy.go:
                        # 1850-1858 "local rateLimit rule limit unit must be a multiple of the
                        # default limit unit"
                        at = (
                            f"{where}.limits.rateLimit.perClient.unit"
                            if endpoint.limits.rate_limit is not None
                            else f"platform.environments[{k}].endpointDefaults.rateLimit"
                            ".perClient.unit"
                        )
                        yield (
                            at,
                            f"{rate.per_client.unit.value} is shorter than the endpoint's unit "
                            f"{rate.unit.value}: Envoy Gateway needs a per-client unit that is a "
                            "multiple of the endpoint's; count both per the same unit (e.g. "
                            f"perClient.unit: {rate.unit.value})",
                        )
            for field, envs in missing.items():
                yield (
                    f"{where}.auth.jwt",
                    f"no JWT {field} for {', '.join(envs)}: set {field} here or in "
                    "endpointDefaults.jwt of the environment",
                )
