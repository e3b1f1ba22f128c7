"""Gateway API CRDs and Envoy Gateway, the gateway implementation of every data plane.

Why Envoy Gateway rather than Cilium's own Gateway API support: it runs on any CNI. AKS
with the managed Cilium dataplane and GKE Dataplane V2 run a Cilium we do not configure
(its gateway is not enabled there), EKS may chain Cilium behind the VPC CNI; one
implementation everywhere keeps the platform layer's HTTPRoutes identical on every target.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import (
    custom_resource,
    helm_release,
    namespace,
    namespace_level,
    rendered_chart,
)
from pdpkit.versions import chart

NAMESPACE = "envoy-gateway-system"
CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller"


@dataclass(frozen=True)
class EnvoyGatewayArgs:
    """Inputs of `EnvoyGateway`."""

    provider: k8s.Provider
    gateway_class: str = "pdp-envoy"
    """Name of the `GatewayClass` both gateways use."""
    gateway_api_channel: str = "standard"
    """Gateway API CRD channel: ``standard`` (GA resources only) or ``experimental``."""
    replicas: int = 2
    """Controller replicas (leader-elected)."""
    depends_on: tuple[pulumi.Resource, ...] = ()


class EnvoyGateway(pulumi.ComponentResource):
    """Gateway API + Envoy Gateway CRDs, the controller, and the GatewayClass.

    The CRDs come from ``gateway-crds-helm`` rendered client-side and applied object by object
    with server-side apply (`rendered_chart`), the way upstream installs them
    (envoyproxy/gateway v1.9.0 charts/gateway-crds-helm/README.md:43-44,57): as a Helm release
    its record is about 2 MB, over the 1 MiB Secret limit (helm/helm#12277), and the install
    fails. Kept apart from the controller so that they are upgraded with the chart version
    (Helm never upgrades a chart's ``crds/``) and so that custom resources depend on exactly
    the CRDs, not on the controller rollout.
    """

    crds: k8s.helm.v4.Chart
    controller: k8s.helm.v3.Release
    gateway_class: k8s.apiextensions.CustomResource
    gateway_class_name: str
    namespace: str

    def __init__(
        self, name: str, args: EnvoyGatewayArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:k8s:EnvoyGateway", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = namespace(
            f"{name}-namespace",
            NAMESPACE,
            namespace_level(chart("envoyGateway")),
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=list(args.depends_on))
            ),
        )
        after_ns = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[ns]))
        self.crds = rendered_chart(
            f"{name}-crds",
            chart("gatewayApiCrds"),
            "gateway-crds",
            NAMESPACE,
            {
                "crds": {
                    "gatewayAPI": {"enabled": True, "channel": args.gateway_api_channel},
                    "envoyGateway": {"enabled": True},
                }
            },
            after_ns,
        )
        self.controller = helm_release(
            f"{name}-controller",
            chart("envoyGateway"),
            "envoy-gateway",
            NAMESPACE,
            {
                # The CRDs and, since v1.9, the Gateway API safe-upgrades ValidatingAdmission-
                # Policy + binding come from gateway-crds-helm above; crds.enabled=false keeps
                # this chart from rendering them a second time (envoyproxy/gateway v1.9.0
                # charts/gateway-helm/Chart.yaml:27-30, README.md:75-77).
                "crds": {"enabled": False},
                "deployment": {"replicas": args.replicas},
                "podDisruptionBudget": {"minAvailable": 1},
            },
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[self.crds])),
            skip_crds=True,
        )
        self.gateway_class_name = args.gateway_class
        self.gateway_class = custom_resource(
            f"{name}-class",
            "gateway.networking.k8s.io/v1",
            "GatewayClass",
            args.gateway_class,
            None,
            {
                "controllerName": CONTROLLER_NAME,
                "description": "Envoy Gateway managed by pdpkit",
            },
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[self.crds])),
        )
        self.namespace = NAMESPACE
        self.register_outputs(
            {
                "crds": self.crds,
                "controller": self.controller,
                "gateway_class": self.gateway_class,
                "gateway_class_name": self.gateway_class_name,
                "namespace": self.namespace,
            }
        )
