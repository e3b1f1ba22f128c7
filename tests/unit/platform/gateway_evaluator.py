"""A small model of how Envoy Gateway v1.9.0 serves an HTTPRoute with its SecurityPolicy and
BackendTrafficPolicy, to judge the generated objects (not a proxy: it answers one request).

What it implements, and where the behaviour is documented:

- path normalization before matching: RFC 3986 dot segments removed (``normalize_path``
  true, envoyproxy/gateway v1.9.0 internal/xds/translator/listener.go:397), adjacent slashes
  merged (api/v1alpha1/pathsettings_types.go:48-53, on by default), ``%2F``/``%5C``
  unescaped (UnescapeAndRedirect, the default: pathsettings_types.go:42-47); unreserved
  characters percent-decoded as well (conservative: a request can only reach more paths);
- Gateway API matching (kubernetes-sigs/gateway-api v1.6.1 apis/v1/httproute_types.go:
  498-515 Exact and PathPrefix; precedence :186-190: Exact before prefix, longer prefix
  first), listener-style hostname wildcards (gateway_types.go:414-416);
- the HTTP filter order (internal/xds/translator/httpfilters.go:100-160): CORS (3), JWT (10),
  RBAC/authorization (301), local rate limit (302), then the router applies the route's
  filters (header modifier, rewrite);
- JWT: token from the configured headers only (jwt_types.go:198-231), issuer and audience
  checked (:61-76), missing or unverifiable token 401;
- authorization: rules in order, first match wins, default Deny (authorization_types.go:
  12-30); a JWT claim principal matches when every claim matches, a claim's name is a dotted
  path (internal/xds/translator/authorization.go:596-602), String needs a string equal to a
  value, StringArray a list with an element equal to a value (authorization_types.go:293-309,
  authorization.go:618-633); operation methods bound the rule (:99-112); denial 403;
- local rate limit: one bucket per distinct value of a Distinct header per route
  (ratelimit_types.go:394-398), 429 once the limit is spent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_UNRESERVED = re.compile(r"%([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Request:
    method: str
    host: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    status: int
    backend: str | None = None
    """``<namespace>/<service>:<port>`` the request was forwarded to."""
    path: str | None = None
    """The path the backend received."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Request headers the backend received (lowercase names)."""
    route: str | None = None


def normalize(path: str) -> str:
    """What Envoy Gateway matches on (see the module docstring)."""
    path = path.split("?", 1)[0]

    def decode(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        if char in "/\\":
            return "/"
        return char if (char.isalnum() or char in "-._~") else match.group(0)

    path = _UNRESERVED.sub(decode, path)
    path = re.sub(r"/{2,}", "/", path)
    out: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    return "/" + "/".join(out) if out or path.endswith("/") else "/"


def path_matches(match: Mapping[str, Any], path: str) -> bool:
    """Gateway API path matching (httproute_types.go:498-515)."""
    kind, value = match["type"], match["value"]
    if kind == "Exact":
        return bool(path == value)
    if kind == "PathPrefix":
        prefix = value.rstrip("/")
        return path == prefix or path.startswith(prefix + "/") or prefix == ""
    raise AssertionError(f"the evaluator does not model {kind} matches")


def host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return pattern == host


def _claim(claims: Mapping[str, Any], name: str) -> Any:
    value: Any = claims
    for segment in name.split("."):
        if not isinstance(value, Mapping) or segment not in value:
            return None
        value = value[segment]
    return value


def claim_matches(claims: Mapping[str, Any], rule: Mapping[str, Any]) -> bool:
    value = _claim(claims, rule["name"])
    wanted = set(rule["values"])
    if rule.get("valueType", "String") == "StringArray":
        return isinstance(value, list) and any(isinstance(v, str) and v in wanted for v in value)
    return isinstance(value, str) and value in wanted


class Gateway:
    """The routes and policies of one gateway, judged request by request."""

    def __init__(
        self,
        gateway: str,
        objects: Sequence[Mapping[str, Any]],
        tokens: Mapping[str, Mapping[str, Any]],
    ):
        """`objects`: manifests (HTTPRoute, SecurityPolicy, BackendTrafficPolicy);
        `tokens`: the tokens the identity provider's keys verify, with their claims."""
        self.routes = [
            o
            for o in objects
            if o["kind"] == "HTTPRoute"
            and any(p["name"] == gateway for p in o["spec"]["parentRefs"])
        ]
        self.policies: dict[tuple[str, str, str], Mapping[str, Any]] = {}
        for o in objects:
            if o["kind"] in ("SecurityPolicy", "BackendTrafficPolicy"):
                for ref in o["spec"].get("targetRefs", []):
                    if ref["kind"] == "HTTPRoute":
                        key = (o["kind"], o["metadata"]["namespace"], ref["name"])
                        assert key not in self.policies, f"two policies target {key}"
                        self.policies[key] = o["spec"]
        self.tokens = tokens
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def match(
        self, host: str, path: str
    ) -> tuple[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]] | None:
        """(route, rule, path match) that serves the request, by Gateway API precedence."""
        candidates = []
        for route in self.routes:
            if not any(host_matches(h, host) for h in route["spec"].get("hostnames", [host])):
                continue
            for rule in route["spec"]["rules"]:
                for match in rule.get("matches", [{"path": {"type": "PathPrefix", "value": "/"}}]):
                    if path_matches(match["path"], path):
                        exact = match["path"]["type"] == "Exact"
                        candidates.append((exact, len(match["path"]["value"]), route, rule, match))
        if not candidates:
            return None
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
        _, _, route, rule, match = candidates[0]
        return route, rule, match

    def serve(self, request: Request) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        path = normalize(request.path)
        found = self.match(request.host, path)
        if found is None:
            return Response(404)
        route, rule, match = found
        namespace, name = route["metadata"]["namespace"], route["metadata"]["name"]
        security = self.policies.get(("SecurityPolicy", namespace, name), {})
        cors = security.get("cors")
        if (
            request.method == "OPTIONS"
            and cors is not None
            and headers.get("origin") in cors.get("allowOrigins", [])
            and headers.get("access-control-request-method") in cors.get("allowMethods", [])
        ):
            return Response(200, headers={"access-control-allow-origin": headers["origin"]})
        claims: Mapping[str, Any] | None = None
        jwt = security.get("jwt")
        if jwt is not None:
            claims = self._authenticate(jwt, headers)
            if claims is None:
                return Response(401, route=name)
        authorization = security.get("authorization")
        if authorization is not None and not self._allowed(authorization, request, claims):
            return Response(403, route=name)
        limit = self.policies.get(("BackendTrafficPolicy", namespace, name), {})
        for i, rl in enumerate(limit.get("rateLimit", {}).get("local", {}).get("rules", [])):
            header = rl["clientSelectors"][0]["headers"][0]["name"].lower()
            if header in headers:
                key = (f"{namespace}/{name}", str(i), headers[header])
                self.counts[key] += 1
                if self.counts[key] > rl["limit"]["requests"]:
                    return Response(429, route=name)
        return self._forward(route, rule, match, path, headers)

    def _authenticate(
        self, jwt: Mapping[str, Any], headers: Mapping[str, str]
    ) -> Mapping[str, Any] | None:
        for provider in jwt["providers"]:
            sources = provider.get("extractFrom", {}).get(
                "headers", [{"name": "Authorization", "valuePrefix": "Bearer "}]
            )
            for source in sources:
                raw = headers.get(source["name"].lower(), "")
                prefix = source.get("valuePrefix", "")
                if not raw.startswith(prefix):
                    continue
                claims = self.tokens.get(raw[len(prefix) :])
                if claims is None:
                    return None  # present but not verifiable: 401
                if provider.get("issuer") and claims.get("iss") != provider["issuer"]:
                    return None
                audiences = provider.get("audiences")
                aud = claims.get("aud")
                token_aud = aud if isinstance(aud, list) else [aud]
                if audiences and not set(token_aud) & set(audiences):
                    return None
                return {**claims, "__provider": provider["name"]}
        return None

    @staticmethod
    def _allowed(
        authorization: Mapping[str, Any], request: Request, claims: Mapping[str, Any] | None
    ) -> bool:
        for rule in authorization.get("rules", []):
            operation = rule.get("operation")
            if operation and request.method not in operation.get("methods", [request.method]):
                continue
            principal = rule.get("principal", {})
            jwt = principal.get("jwt")
            if jwt is not None:
                if claims is None or claims.get("__provider") != jwt["provider"]:
                    continue
                if not all(claim_matches(claims, c) for c in jwt.get("claims", [])):
                    continue
            return bool(rule["action"] == "Allow")
        return bool(authorization.get("defaultAction", "Deny") == "Allow")

    @staticmethod
    def _forward(
        route: Mapping[str, Any],
        rule: Mapping[str, Any],
        match: Mapping[str, Any],
        path: str,
        headers: dict[str, str],
    ) -> Response:
        upstream = dict(headers)
        for f in rule.get("filters", []):
            if f["type"] == "RequestHeaderModifier":
                modifier = f["requestHeaderModifier"]
                for h in modifier.get("set", []):
                    upstream[h["name"].lower()] = h["value"]
                for h in modifier.get("add", []):
                    name = h["name"].lower()
                    upstream[name] = (
                        f"{upstream[name]},{h['value']}" if name in upstream else h["value"]
                    )
                for h in modifier.get("remove", []):
                    upstream.pop(h.lower(), None)
            elif f["type"] == "URLRewrite":
                rewrite = f["urlRewrite"]["path"]
                if rewrite["type"] == "ReplaceFullPath":
                    path = rewrite["replaceFullPath"]
                else:
                    prefix = match["path"]["value"].rstrip("/")
                    rest = path[len(prefix) :]
                    path = rewrite["replacePrefixMatch"].rstrip("/") + rest or "/"
        ref = rule["backendRefs"][0]
        namespace = ref.get("namespace", route["metadata"]["namespace"])
        return Response(
            200,
            backend=f"{namespace}/{ref['name']}:{ref['port']}",
            path=path,
            headers=upstream,
            route=route["metadata"]["name"],
        )
