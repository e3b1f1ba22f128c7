"""`IntegrationEndpoints`: a service's ClusterIP Service and a versioned HTTPRoute per endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.dataplane.contract import GatewayRef
from pdpkit.spec.enums import GatewayVisibility
from pdpkit.spec.platform import EndpointSpec


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
            gateway = (
                args.external_gateway
                if endpoint.visibility is GatewayVisibility.EXTERNAL
                else args.internal_gateway
            )
            path = versioned_path(endpoint.base_path, args.api_version)
            paths.append(path)
            k8s.apiextensions.CustomResource(
                f"{name}-route-{endpoint.name}",
                api_version="gateway.networking.k8s.io/v1",
                kind="HTTPRoute",
                metadata={
                    "name": f"{args.name}-{endpoint.name}"[:63].rstrip("-"),
                    "namespace": args.namespace,
                    "labels": {**args.labels, "pdpkit.io/visibility": endpoint.visibility.value},
                },
                spec={
                    "parentRefs": [
                        {
                            "group": "gateway.networking.k8s.io",
                            "kind": "Gateway",
                            "name": gateway.name,
                            "namespace": gateway.namespace,
                        }
                    ],
                    "hostnames": list(gateway.hostnames),
                    "rules": [
                        {
                            "matches": [{"path": {"type": "PathPrefix", "value": path}}],
                            # The gateway owns the public context: the service sees paths from /.
                            "filters": [
                                {
                                    "type": "URLRewrite",
                                    "urlRewrite": {
                                        "path": {
                                            "type": "ReplacePrefixMatch",
                                            "replacePrefixMatch": "/",
                                        }
                                    },
                                }
                            ],
                            "backendRefs": [{"name": args.name, "port": endpoint.port}],
                        }
                    ],
                },
                opts=routes_wait,
            )
        self.service_name = service.metadata.apply(lambda m: str(m["name"]))
        self.paths = pulumi.Output.from_input(paths)
        self.register_outputs({"service_name": self.service_name, "paths": self.paths})
