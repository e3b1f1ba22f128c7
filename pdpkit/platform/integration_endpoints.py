"""`IntegrationEndpoints`: a service's ClusterIP Service and a versioned HTTPRoute per endpoint,
each with the Envoy Gateway policies enforcing its auth and limits (`endpoint_policies`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.dataplane.contract import GatewayRef
from pdpkit.platform.endpoint_policies import (
    API_VERSION,
    BACKEND_TRAFFIC_POLICY,
    SECURITY_POLICY,
    backend_traffic_policy_spec,
    client_header,
    security_policy_spec,
)
from pdpkit.platform.environment_namespace import external_secret_spec
from pdpkit.platform.names import remote_key
from pdpkit.spec.endpoint_security import EndpointAuth, effective_auth, effective_rate_limit
from pdpkit.spec.enums import GatewayVisibility
from pdpkit.spec.platform import EndpointDefaults, EndpointSpec

PUBLIC_REASON = "pdpkit.io/public-reason"
"""Annotation of an HTTPRoute declared public: the reason, for reviewers and the policy."""


@dataclass(frozen=True)
class IntegrationEndpointsArgs:
    """A service's endpoints and the gateways they attach to."""

    name: str
    namespace: str
    api_version: str
    """``vMAJOR.MINOR`` of the deployment track, appended to every endpoint's base path."""
    endpoints: tuple[EndpointSpec, ...]
    selector: Mapping[str, str]
    labels: Mapping[str, str]
    external_gateway: GatewayRef
    internal_gateway: GatewayRef
    provider: k8s.Provider
    endpoint_defaults: EndpointDefaults
    """The environment's identity provider and rate limit (inherited by the endpoints)."""
    secret_store: str
    """`ClusterSecretStore` API keys are read from (endpoints with ``auth.apiKey``)."""
    secret_prefix: str
    """Prefix of the secret store's keys."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The namespace; HTTPRoutes wait for the data plane's Gateway API CRDs as well."""
    ready: tuple[pulumi.Resource, ...] = ()


def versioned_path(base_path: str, api_version: str) -> str:
    """``/orders`` + ``v1.2`` -> ``/orders/v1.2`` (``/`` + ``v1.2`` -> ``/v1.2``)."""
    return f"{base_path.rstrip('/')}/{api_version}"


class IntegrationEndpoints(pulumi.ComponentResource):
    """Exposes a service: one ClusterIP Service, an HTTPRoute per endpoint on its gateway.

    The route matches ``<basePath>/<apiVersion>`` (``/orders/v1.2``) so two tracks of
    one API with different versions can run side by side; the prefix is rewritten to
    ``/`` on the way to the service, as the operator's ingress did.

    Each route gets a BackendTrafficPolicy (limits) and, unless it is public or an
    unauthenticated internal one, a SecurityPolicy (JWT or API keys; the keys come from the
    secret store through an ExternalSecret). A public route carries its reason as an
    annotation.
    """

    service_name: pulumi.Output[str]
    paths: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: IntegrationEndpointsArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:platform:IntegrationEndpoints", name, None, opts)
        inside = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=list(args.depends_on)
        )
        ports = sorted({e.port for e in args.endpoints})
        service = k8s.core.v1.Service(
            f"{name}-service",
            metadata={"name": args.name, "namespace": args.namespace, "labels": dict(args.labels)},
            spec={
                "type": "ClusterIP",
                "selector": dict(args.selector),
                "ports": [
                    {"name": f"p{p}", "port": p, "targetPort": p, "protocol": "TCP"} for p in ports
                ],
            },
            opts=inside,
        )
        routes_wait = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=[*args.depends_on, *args.ready, service]
        )
        paths = []
        for endpoint in args.endpoints:
            external = endpoint.visibility is GatewayVisibility.EXTERNAL
            gateway = args.external_gateway if external else args.internal_gateway
            path = versioned_path(endpoint.base_path, args.api_version)
            paths.append(path)
            route_name = f"{args.name}-{endpoint.name}"[:63].rstrip("-")
            auth = effective_auth(endpoint.auth, external, args.endpoint_defaults)
            annotations = (
                {PUBLIC_REASON: auth.public.reason}
                if auth is not None and auth.public is not None
                else {}
            )
            route = k8s.apiextensions.CustomResource(
                f"{name}-route-{endpoint.name}",
                api_version="gateway.networking.k8s.io/v1",
                kind="HTTPRoute",
                metadata={
                    "name": route_name,
                    "namespace": args.namespace,
                    "labels": {**args.labels, "pdpkit.io/visibility": endpoint.visibility.value},
                    **({"annotations": annotations} if annotations else {}),
                },
                spec=_route_spec(
                    gateway,
                    path,
                    args.name,
                    endpoint.port,
                    mtls=auth is not None and auth.mtls is not None,
                ),
                opts=routes_wait,
            )
            self._policies(
                name=name,
                args=args,
                endpoint=endpoint,
                route_name=route_name,
                path=path,
                auth=auth,
                route=route,
            )
        self.service_name = service.metadata.apply(lambda m: str(m["name"]))
        self.paths = pulumi.Output.from_input(paths)
        self.register_outputs({"service_name": self.service_name, "paths": self.paths})

    def _policies(
        self,
        *,
        name: str,
        args: IntegrationEndpointsArgs,
        endpoint: EndpointSpec,
        route_name: str,
        path: str,
        auth: EndpointAuth | None,
        route: pulumi.Resource,
    ) -> None:
        after_route = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=[*args.depends_on, *args.ready, route]
        )
        meta = {"name": route_name, "namespace": args.namespace, "labels": dict(args.labels)}
        keys_secret = None
        if auth is not None and auth.api_key is not None:
            keys_secret = f"{route_name}-api-keys"[:253]
            ref = auth.api_key.keys
            spec = external_secret_spec(keys_secret, {}, args.secret_store, args.secret_prefix)
            del spec["data"]
            extract = {"key": remote_key(args.secret_prefix, ref.key)}
            if ref.property is not None:
                extract["property"] = ref.property
            # each property of the JSON secret (client id -> key) becomes a key of the Secret,
            # the shape apiKeyAuth.credentialRefs reads (api_key_auth_types.go:16-20)
            spec["dataFrom"] = [{"extract": extract}]
            k8s.apiextensions.CustomResource(
                f"{name}-api-keys-{endpoint.name}",
                api_version="external-secrets.io/v1",
                kind="ExternalSecret",
                metadata={**meta, "name": keys_secret},
                spec=spec,
                opts=after_route,
            )
        if auth is not None:
            security = security_policy_spec(route_name, endpoint.name, path, auth, keys_secret)
            if security is not None:
                k8s.apiextensions.CustomResource(
                    f"{name}-security-{endpoint.name}",
                    api_version=API_VERSION,
                    kind=SECURITY_POLICY,
                    metadata=meta,
                    spec=security,
                    opts=after_route,
                )
        k8s.apiextensions.CustomResource(
            f"{name}-traffic-{endpoint.name}",
            api_version=API_VERSION,
            kind=BACKEND_TRAFFIC_POLICY,
            metadata=meta,
            spec=backend_traffic_policy_spec(
                route_name,
                endpoint.limits,
                effective_rate_limit(endpoint.limits, args.endpoint_defaults),
                client_header(auth),
            ),
            opts=after_route,
        )


def _route_spec(
    gateway: GatewayRef, path: str, service: str, port: int, *, mtls: bool = False
) -> dict[str, object]:
    """The HTTPRoute: `path` on `gateway`'s hostnames, rewritten to ``/`` for `service`.

    With `mtls`, the route attaches to the gateway's mutual TLS listeners only (one parentRef
    each, by ``sectionName``, Gateway API v1.6.1 apis/v1/shared_types.go:95-118: "Gateway:
    Listener name"; unset, a route attaches to every listener its hostnames fit) and serves
    their hostnames: no listener without client certificate validation routes to it.
    """
    parent = {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": gateway.name,
        "namespace": gateway.namespace,
    }
    if mtls and not gateway.mtls_listeners:
        # endpoint_checks refuses an mtls endpoint without listeners: a bug, not bad input
        raise ValueError(f"gateway {gateway.name} has no mutual TLS listener for {service}")
    return {
        "parentRefs": (
            [{**parent, "sectionName": listener} for listener in gateway.mtls_listeners]
            if mtls
            else [parent]
        ),
        "hostnames": list(gateway.mtls_hostnames if mtls else gateway.hostnames),
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": path}}],
                # The gateway owns the public context: the service sees paths from /.
                "filters": [
                    {
                        "type": "URLRewrite",
                        "urlRewrite": {
                            "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}
                        },
                    }
                ],
                "backendRefs": [{"name": service, "port": port}],
            }
        ],
    }
