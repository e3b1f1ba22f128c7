"""Who may call an endpoint, what they may do, and how much: authentication, authorization
and limits, enforced by the gateway (Envoy Gateway's SecurityPolicy and BackendTrafficPolicy,
`pdpkit.platform.endpoint_policies`).

An endpoint declares exactly one of ``jwt``, ``mtls``, ``apiKey`` or ``public`` under
``auth``; an environment may set ``endpointDefaults`` (the JWT issuer every endpoint trusts,
a default rate limit) that endpoints inherit. Pure: no Pulumi here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from pdpkit.spec.base import NonEmptyStr, SpecModel
from pdpkit.spec.formats import HttpsUrl


# Defined here, the lowest module using it; `pdpkit.spec.integration` and `.platform` import it.
class SecretRef(SpecModel):
    """A secret in the data plane's secret store, resolved by External Secrets."""

    key: NonEmptyStr
    """Remote key, relative to the data plane's secret prefix."""
    property: str | None = None
    """Property of a JSON secret; left out: the whole value."""


Scope = Annotated[str, StringConstraints(min_length=1, max_length=253, pattern=r"^\S+$")]
"""An OAuth scope (``orders:read``): Envoy Gateway v1.9.0 api/v1alpha1/authorization_types.go
`JWTScope` (MinLength 1, MaxLength 253); no spaces, scopes are space-delimited in the token."""

HeaderName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$")]
"""An HTTP header name (an RFC 9110 token, at most 256 characters as Envoy Gateway's
`HeaderMatch.name`, api/v1alpha1/ratelimit_types.go)."""


class HttpMethod(StrEnum):
    """HTTP methods an authorization rule can name (Gateway API `HTTPMethod`)."""

    GET = "GET"
    HEAD = "HEAD"
    POST = "POST"
    PUT = "PUT"
    DELETE = "DELETE"
    CONNECT = "CONNECT"
    OPTIONS = "OPTIONS"
    TRACE = "TRACE"
    PATCH = "PATCH"


class RateLimitUnit(StrEnum):
    """The interval a rate limit counts over: Envoy Gateway v1.9.0
    api/v1alpha1/ratelimit_types.go:479 (``Enum=Second;Minute;Hour;Day;Week;Month;Year``);
    pdpkit offers the first four."""

    SECOND = "Second"
    MINUTE = "Minute"
    HOUR = "Hour"
    DAY = "Day"


UNIT_SECONDS = {
    RateLimitUnit.SECOND: 1,
    RateLimitUnit.MINUTE: 60,
    RateLimitUnit.HOUR: 3600,
    RateLimitUnit.DAY: 86400,
}


class JwtClaim(SpecModel):
    """A claim the token must carry, with one of the listed values."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=253)]
    """Claim name; nested claims with dots (``organization.department``)."""
    values: tuple[NonEmptyStr, ...] = Field(min_length=1, max_length=128)
    """Accepted values (one must match)."""
    array: bool = False
    """The claim is a list of strings (``groups``): one of its items must match; left out:
    the claim is a string that must equal one value."""


class AccessRule(SpecModel):
    """Scopes a token needs for some methods under a path of the endpoint."""

    path: str = Field(pattern=r"^/[A-Za-z0-9/_.~-]*$")
    """Path prefix under the endpoint's versioned path (``/admin`` on ``/orders/v1.2`` is
    ``/orders/v1.2/admin``)."""
    methods: tuple[HttpMethod, ...] = Field((), max_length=16)
    """Methods the rule covers; left out: every method."""
    scopes: tuple[Scope, ...] = Field(min_length=1, max_length=16)
    """Scopes the token needs here (besides the endpoint's ``requiredScopes``)."""


class JwtAuth(SpecModel):
    """Bearer tokens (JWT) from an identity provider, checked by the gateway.

    ``issuer``, ``jwksUrl`` and ``audiences`` left out here are taken from the environment's
    ``endpointDefaults.jwt``; scopes, claims and rules are the endpoint's own.
    """

    issuer: Annotated[str, StringConstraints(min_length=1, max_length=253)] | None = None
    """The ``iss`` every token must carry; left out: the environment's."""
    jwks_url: HttpsUrl | None = None
    """Where the gateway fetches the provider's signing keys; left out: the environment's."""
    audiences: tuple[NonEmptyStr, ...] = Field((), max_length=8)
    """Accepted ``aud`` values; left out: the environment's (none: audience not checked)."""
    required_scopes: tuple[Scope, ...] = Field((), max_length=16)
    """Scopes every call needs; left out: any valid token is authorized."""
    required_claims: tuple[JwtClaim, ...] = Field((), max_length=16)
    """Claims every call needs; left out: none."""
    rules: tuple[AccessRule, ...] = ()
    """Extra scopes per path and method, first match wins; a call matching a rule's path and
    methods without its scopes is refused (403)."""


class JwtDefaults(SpecModel):
    """The identity provider an environment's endpoints trust unless they name another."""

    issuer: Annotated[str, StringConstraints(min_length=1, max_length=253)]
    """The ``iss`` every token must carry."""
    jwks_url: HttpsUrl
    """Where the gateway fetches the provider's signing keys."""
    audiences: tuple[NonEmptyStr, ...] = Field((), max_length=8)
    """Accepted ``aud`` values; left out: not checked."""


class MtlsAuth(SpecModel):
    """Client certificates, checked on the external gateway's mutual TLS listeners.

    The endpoint is served only on those listeners (``dataplane.gateways.external.mtls``),
    which accept a certificate signed by the data plane's client CA. Envoy Gateway validates
    client certificates per listener, not per route, so the CA is the data plane's, not the
    endpoint's."""


class ApiKeyAuth(SpecModel):
    """API keys held in the secret store, checked by the gateway."""

    keys: SecretRef
    """A JSON secret mapping each client id to its API key (``{"partner-a": "…"}``)."""
    header: HeaderName = "x-api-key"
    """Request header carrying the key. Default ``x-api-key``."""


class PublicAccess(SpecModel):
    """An endpoint anyone may call (a webhook whose sender cannot authenticate)."""

    reason: Annotated[str, StringConstraints(min_length=10)]
    """Why it must be anonymous, for reviewers (at least a sentence)."""


class EndpointAuth(SpecModel):
    """How callers of an endpoint authenticate: exactly one of the four."""

    jwt: JwtAuth | None = None
    """Bearer tokens from an identity provider."""
    mtls: MtlsAuth | None = None
    """Client certificates from the data plane's client CA, checked by the external
    gateway's mutual TLS listeners (``mtls: {}``; external endpoints only)."""
    api_key: ApiKeyAuth | None = None
    """API keys from the secret store."""
    public: PublicAccess | None = None
    """No authentication, with the reason."""

    @model_validator(mode="after")
    def _exactly_one(self) -> EndpointAuth:
        chosen = [k for k in ("jwt", "mtls", "api_key", "public") if getattr(self, k) is not None]
        if len(chosen) != 1:
            raise ValueError(
                "auth needs exactly one of jwt, mtls, apiKey or public (public: {reason: ...}"
                f" for an anonymous endpoint); got {', '.join(chosen) or 'none'}"
            )
        return self


class ClientRateLimit(SpecModel):
    """Requests each client (each distinct credential) may make."""

    requests: int = Field(ge=1, le=4294967295)
    """Requests per unit (Envoy Gateway `RateLimitValue.requests`, at most 2^32-1)."""
    unit: RateLimitUnit = RateLimitUnit.MINUTE
    """Second, Minute, Hour or Day. Default Minute."""


class RateLimit(SpecModel):
    """Requests an endpoint accepts, counted by each gateway replica (local rate limit)."""

    requests: int = Field(ge=1, le=4294967295)
    """Requests per unit for the endpoint (callers without a credential header share it)."""
    unit: RateLimitUnit = RateLimitUnit.MINUTE
    """Second, Minute, Hour or Day. Default Minute."""
    per_client: ClientRateLimit | None = None
    """A bucket per credential (bearer token or API key); left out: one bucket."""


class CircuitBreaker(SpecModel):
    """How much the gateway sends to the integration at once before failing fast (503)."""

    max_connections: int = Field(1024, ge=1, le=4294967295)
    """Connections to the integration. Default 1024 (Envoy Gateway's default)."""
    max_pending_requests: int = Field(1024, ge=1, le=4294967295)
    """Requests queued waiting for a connection. Default 1024."""
    max_parallel_requests: int = Field(1024, ge=1, le=4294967295)
    """Requests in flight. Default 1024."""


QUANTITY_BYTES = r"^[1-9][0-9]*([EPTGMK]i|[EPTGMk])?$"
"""A byte size Envoy Gateway's `RequestBuffer.limit` accepts: v1.9.0
api/v1alpha1/backendtrafficpolicy_types.go:216 (``Pattern=^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$``)."""


class EndpointLimits(SpecModel):
    """Limits of one endpoint, with safe defaults."""

    rate_limit: RateLimit | None = None
    """Requests per unit; left out: the environment's ``endpointDefaults.rateLimit``, or no
    limit (a policy warning on an external endpoint)."""
    max_request_body: str = Field("1Mi", pattern=QUANTITY_BYTES)
    """Largest request body; bigger ones get 413. Default 1Mi (the gateway buffers each
    request up to this size, so it also shields the integration from slow senders)."""
    request_timeout_seconds: int = Field(30, ge=1, le=3600)
    """Time for the whole response; then 504. Default 30."""
    connect_timeout_seconds: int = Field(5, ge=1, le=60)
    """Time to connect to the integration. Default 5."""
    retries: int = Field(2, ge=0, le=10)
    """Retries when the request never reached the integration (connection refused or reset
    before the request was sent): safe for every method. Default 2."""
    circuit_breaker: CircuitBreaker = CircuitBreaker()
    """Connection and request caps; left out: 1024 each."""


class EndpointDefaults(SpecModel):
    """What an environment's endpoints inherit."""

    jwt: JwtDefaults | None = None
    """The identity provider: endpoints with ``auth.jwt`` inherit issuer, JWKS and audiences,
    and external endpoints without ``auth`` are protected by it (any valid token)."""
    rate_limit: RateLimit | None = None
    """Rate limit of endpoints that declare none."""


def effective_auth(
    auth: EndpointAuth | None, external: bool, defaults: EndpointDefaults
) -> EndpointAuth | None:
    """An endpoint's authentication in one environment, the environment's defaults applied.

    A ``jwt`` without issuer, JWKS URL or audiences takes the environment's; an external
    endpoint without ``auth`` gets the environment's provider (any valid token); an internal
    one without ``auth`` stays open to the cluster network. None: no authentication (the
    checks refuse that in production).
    """
    provider = defaults.jwt
    if auth is None:
        if external and provider is not None:
            return EndpointAuth(
                jwt=JwtAuth(
                    issuer=provider.issuer, jwks_url=provider.jwks_url, audiences=provider.audiences
                )
            )
        return None
    if auth.jwt is None or provider is None:
        return auth
    jwt = auth.jwt
    return EndpointAuth(
        jwt=jwt.model_copy(
            update={
                "issuer": jwt.issuer or provider.issuer,
                "jwks_url": jwt.jwks_url or provider.jwks_url,
                "audiences": jwt.audiences or provider.audiences,
            }
        )
    )


def effective_rate_limit(limits: EndpointLimits, defaults: EndpointDefaults) -> RateLimit | None:
    """The endpoint's own rate limit, else the environment's; None: unlimited."""
    return limits.rate_limit or defaults.rate_limit
