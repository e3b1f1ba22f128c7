"""One Gateway API gateway (external or internal) with its HTTPS certificate."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import custom_resource

GATEWAY_LABEL = "pdpkit.io/gateway"
"""Label on a gateway's own objects (Gateway, EnvoyProxy, EnvoyExtensionPolicy): its name
(``external`` / ``internal``), by which policy finds the external gateway's firewall."""


@dataclass(frozen=True)
class GatewayArgs:
    """Inputs of `Gateway`."""

    provider: k8s.Provider
    gateway_name: str
    """Name of the `Gateway` object (``external`` / ``internal``)."""
    namespace: str
    gateway_class: str
    hostnames: tuple[str, ...]
    """One HTTPS listener per hostname; all share one certificate."""
    cluster_issuer: str
    """cert-manager `ClusterIssuer` that signs the gateway's certificate."""
    service_annotations: dict[str, str] = field(default_factory=dict)
    """Annotations of the gateway's load balancer Service (private LB on the internal one)."""
    source_ranges: tuple[str, ...] = ()
    """Client CIDRs the load balancer accepts (Service ``loadBalancerSourceRanges``, which the
    cloud turns into firewall rules); empty: whatever the load balancer's default is (open on
    an internet-facing one)."""
    http_listener: bool = False
    """Also listen on port 80 for routes of the gateway's own namespace only (ACME HTTP-01)."""
    replicas: int = 2
    """Envoy proxy replicas."""
    crds: tuple[pulumi.Resource, ...] = ()
    """What ships the Gateway API and Envoy Gateway CRDs."""
    certificates: tuple[pulumi.Resource, ...] = ()
    """What ships the cert-manager CRDs and the issuer."""


class Gateway(pulumi.ComponentResource):
    """A `Gateway` with HTTPS listeners, its `EnvoyProxy` parameters and its `Certificate`."""

    gateway: k8s.apiextensions.CustomResource
    certificate: k8s.apiextensions.CustomResource
    proxy: k8s.apiextensions.CustomResource
    gateway_name: str
    namespace: str
    hostnames: tuple[str, ...]

    def __init__(self, name: str, args: GatewayArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:k8s:Gateway", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        after_crds = pulumi.ResourceOptions.merge(
            child, pulumi.ResourceOptions(depends_on=list(args.crds))
        )
        tls_secret = f"{args.gateway_name}-gateway-tls"
        self.certificate = custom_resource(
            f"{name}-certificate",
            "cert-manager.io/v1",
            "Certificate",
            tls_secret,
            args.namespace,
            {
                "secretName": tls_secret,
                "dnsNames": list(args.hostnames),
                "issuerRef": {
                    "kind": "ClusterIssuer",
                    "name": args.cluster_issuer,
                    "group": "cert-manager.io",
                },
                "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
                "duration": "2160h",
                "renewBefore": "720h",
            },
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=list(args.certificates))
            ),
        )
        proxy_name = f"{args.gateway_name}-proxy"
        labels = {GATEWAY_LABEL: args.gateway_name}
        service: dict[str, object] = {
            "type": "LoadBalancer",
            # Local keeps the client's address (no SNAT to a node): what the source ranges
            # are checked against where the node filters them (AWS NLB node security group,
            # kube-proxy / Cilium on-prem).
            "externalTrafficPolicy": "Local",
            "annotations": dict(sorted(args.service_annotations.items())),
        }
        if args.source_ranges:
            # Copied onto the Service's spec.loadBalancerSourceRanges by Envoy Gateway
            # (envoyproxy/gateway v1.9.0 api/v1alpha1/shared_types.go:358-364,
            # KubernetesServiceSpec; only for type LoadBalancer, :321). Who enforces it on each
            # target: docs/ingress-security.md and `pdpkit.dataplane.*_system`.
            service["loadBalancerSourceRanges"] = list(args.source_ranges)
        # Per-gateway EnvoyProxy: replicas, hardening and the LB annotations (private LB).
        self.proxy = custom_resource(
            f"{name}-proxy",
            "gateway.envoyproxy.io/v1alpha1",
            "EnvoyProxy",
            proxy_name,
            args.namespace,
            {
                "provider": {
                    "type": "Kubernetes",
                    "kubernetes": {
                        "envoyDeployment": {"replicas": args.replicas},
                        "envoyService": service,
                        "envoyPDB": {"minAvailable": 1},
                    },
                },
            },
            after_crds,
            labels=labels,
        )
        listeners = [
            {
                "name": f"https-{index}",
                "protocol": "HTTPS",
                "port": 443,
                "hostname": hostname,
                "tls": {
                    "mode": "Terminate",
                    "certificateRefs": [{"kind": "Secret", "name": tls_secret}],
                },
                "allowedRoutes": {"namespaces": {"from": "All"}},
            }
            for index, hostname in enumerate(args.hostnames)
        ]
        if args.http_listener:
            listeners.append(
                {
                    "name": "http",
                    "protocol": "HTTP",
                    "port": 80,
                    "allowedRoutes": {"namespaces": {"from": "Same"}},
                }
            )
        self.gateway = custom_resource(
            f"{name}-gateway",
            "gateway.networking.k8s.io/v1",
            "Gateway",
            args.gateway_name,
            args.namespace,
            {
                "gatewayClassName": args.gateway_class,
                "infrastructure": {
                    "parametersRef": {
                        "group": "gateway.envoyproxy.io",
                        "kind": "EnvoyProxy",
                        "name": proxy_name,
                    }
                },
                "listeners": listeners,
            },
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[*args.crds, self.proxy])
            ),
            labels=labels,
        )
        self.gateway_name = args.gateway_name
        self.namespace = args.namespace
        self.hostnames = tuple(args.hostnames)
        self.register_outputs(
            {
                "gateway": self.gateway,
                "certificate": self.certificate,
                "proxy": self.proxy,
                "gateway_name": self.gateway_name,
                "namespace": self.namespace,
                "hostnames": list(self.hostnames),
            }
        )
