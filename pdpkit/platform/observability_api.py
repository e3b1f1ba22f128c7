"""`ObservabilityApi`: the console's read-only query API, one route and two policies per tenant.

Why the platform layer: a tenant is a project in an environment (`<project>-<environment>`,
the namespace the platform creates and the collectors take the tenant id from), and only the
platform knows the projects and which environments run on this data plane. The data plane
alone would need the tenant list declared a second time, and would drift from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.dataplane.contract import GatewayRef, QueryBackend, Signal
from pdpkit.platform.names import labels
from pdpkit.platform.observability_api_routes import (
    http_route_spec,
    rate_limit_policy_spec,
    route_name,
    security_policy_spec,
    tenant_prefix,
)
from pdpkit.spec.observability import ObservabilityApiSpec

API_LABEL = "pdpkit.io/observability-api"
"""Label on the API's routes and policies (K8S-OBSERVABILITY-API looks at every route to the
observability namespace, labelled or not)."""


@dataclass(frozen=True)
class ObservabilityApiArgs:
    """The tenants, where they are exposed and how callers are checked."""

    tenants: tuple[str, ...]
    """Tenant ids (``<project>-<environment>``), one route each."""
    namespace: str
    """Namespace of the stores' query Services; routes and policies live beside them."""
    gateway: GatewayRef
    api: ObservabilityApiSpec
    backends: Mapping[Signal, QueryBackend]
    """The stores' query Services, per signal kept in the plane."""
    provider: k8s.Provider
    ready: tuple[pulumi.Resource, ...] = ()
    """What the custom resources wait for: Gateway API and Envoy Gateway CRDs, the stores."""


class ObservabilityApi(pulumi.ComponentResource):
    """Per tenant: an HTTPRoute on the chosen gateway exposing the stores' read paths under
    ``https://<hostname>/tenants/<tenant>``, a SecurityPolicy (JWT, tenants claim, CORS) and a
    BackendTrafficPolicy (requests per minute per caller)."""

    url: pulumi.Output[str]
    tenants: pulumi.Output[dict[str, str]]

    def __init__(
        self, name: str, args: ObservabilityApiArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:platform:ObservabilityApi", name, None, opts)
        inside = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=list(args.ready)
        )
        for tenant in args.tenants:
            meta = {
                "name": route_name(tenant),
                "namespace": args.namespace,
                # the gateway it is on, as every endpoint route says it (the route rules in
                # pdpkit.policy.gateway_routes read it)
                "labels": {
                    **labels(tenant=tenant),
                    API_LABEL: "true",
                    "pdpkit.io/visibility": args.api.gateway,
                },
            }
            # The policies first: a route must never be served before its policies hold.
            security = k8s.apiextensions.CustomResource(
                f"{name}-{tenant}-security",
                api_version="gateway.envoyproxy.io/v1alpha1",
                kind="SecurityPolicy",
                metadata=meta,
                spec=security_policy_spec(tenant, args.api),
                opts=inside,
            )
            rate_limit = k8s.apiextensions.CustomResource(
                f"{name}-{tenant}-rate-limit",
                api_version="gateway.envoyproxy.io/v1alpha1",
                kind="BackendTrafficPolicy",
                metadata=meta,
                spec=rate_limit_policy_spec(tenant, args.api.requests_per_minute),
                opts=inside,
            )
            k8s.apiextensions.CustomResource(
                f"{name}-{tenant}-route",
                api_version="gateway.networking.k8s.io/v1",
                kind="HTTPRoute",
                metadata=meta,
                spec=http_route_spec(
                    tenant,
                    args.gateway.name,
                    args.gateway.namespace,
                    args.api.hostname,
                    args.backends,
                ),
                opts=pulumi.ResourceOptions.merge(
                    inside, pulumi.ResourceOptions(depends_on=[security, rate_limit])
                ),
            )
        base = f"https://{args.api.hostname}"
        self.url = pulumi.Output.from_input(base)
        self.tenants = pulumi.Output.from_input(
            {tenant: f"{base}{tenant_prefix(tenant)}" for tenant in args.tenants}
        )
        self.register_outputs({"url": self.url, "tenants": self.tenants})
