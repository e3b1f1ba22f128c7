"""What `dataplane.observability.api` must satisfy beyond its field types: a hostname the chosen
gateway serves and certifies, origins CORS accepts, and the limits of the Envoy Gateway fields
the values become (envoyproxy/gateway v1.9.0 api/v1alpha1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.findings import Finding

KEY = "dataplane.observability.api"
MAX_URL = 253
"""JWTProvider.issuer and RemoteJWKS.uri hold at most 253 characters (jwt_types.go:66,132)."""
MAX_AUDIENCES = 8
"""JWTProvider.audiences holds at most 8 (jwt_types.go:74)."""
# CORS origins: cors_types.go:26-28 (pattern, at most 253 characters)
_ORIGIN = re.compile(
    r"^(\*|[A-Za-z][A-Za-z0-9+.-]*:\/\/(\*|(\*\.)?(([\w-]+\.?)+)?[\w-]+)(:\d{1,5})?)$"
)


def covers(gateway_hostname: str, hostname: str) -> bool:
    """Whether a gateway hostname both routes and certifies `hostname`.

    A listener's ``*.example.com`` routes any depth below it (gateway-api v1.6.1 apis/v1/
    gateway_types.go:414-416) but the certificate issued for it covers one label only (RFC
    6125 section 6.4.3), so only ``api.example.com`` passes, not ``a.b.example.com``.
    """
    name, pattern = hostname.lower(), gateway_hostname.lower()
    if not pattern.startswith("*."):
        return name == pattern
    first, _, rest = name.partition(".")
    return bool(first) and rest == pattern[2:]


def observability_api_problems(dataplane: DataPlaneSpec) -> Iterator[Finding]:
    """Every problem of `dataplane.observability.api`, located."""
    api = dataplane.observability.api
    if api is None:
        return  # (with observability off, `api` is kept but nothing is exposed)
    gateway = (
        dataplane.gateways.external if api.gateway == "external" else dataplane.gateways.internal
    )
    if not any(covers(h, api.hostname) for h in gateway.hostnames):
        listed = ", ".join(gateway.hostnames)
        yield (
            f"{KEY}.hostname",
            f"{api.hostname} is not served by the {api.gateway} gateway (hostnames: {listed}); "
            f"use a name one label under one of them (e.g. observability."
            f"{gateway.hostnames[0].removeprefix('*.')}) or add it to "
            f"dataplane.gateways.{api.gateway}.hostnames",
        )
    for field, value in (("issuer", api.issuer), ("jwksUrl", api.jwks_url)):
        if len(value) > MAX_URL:
            yield (
                f"{KEY}.{field}",
                f"is {len(value)} characters; Envoy Gateway accepts at most {MAX_URL}",
            )
    if len(api.audiences) > MAX_AUDIENCES:
        yield (
            f"{KEY}.audiences",
            f"lists {len(api.audiences)} audiences; Envoy Gateway accepts at most "
            f"{MAX_AUDIENCES} per provider",
        )
    for i, origin in enumerate(api.console_origins):
        parts = urlsplit(origin)
        if (
            parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or not _ORIGIN.match(origin.rstrip("/"))
        ):
            yield (
                f"{KEY}.consoleOrigins[{i}]",
                f"{origin} is not an origin; an origin is scheme, host and optional port only, "
                f"e.g. https://console.example.com",
            )
    claim = api.tenants_claim
    if "://" in claim or any(not part for part in claim.split(".")):
        # Envoy Gateway reads a dot as nesting (internal/xds/translator/authorization.go:596-602)
        yield (
            f"{KEY}.tenantsClaim",
            f"{claim!r} cannot be addressed: Envoy Gateway reads each '.' as a step into a "
            f"nested object, so a URL-style or dotted-empty claim name never matches; use a "
            f"plain claim name (pdp_tenants) or the nested path (pdp.tenants)",
        )
