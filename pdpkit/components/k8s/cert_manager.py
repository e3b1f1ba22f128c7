"""cert-manager and the ClusterIssuer that signs the gateways' certificates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import custom_resource, operator_release
from pdpkit.versions import chart

NAMESPACE = "cert-manager"
SERVICE_ACCOUNT = "cert-manager"
"""Targets bind the DNS-01 identity to ``system:serviceaccount:cert-manager:cert-manager``."""
ACME_SERVERS = {
    "letsencrypt": "https://acme-v02.api.letsencrypt.org/directory",
    "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
}


@dataclass(frozen=True)
class CertManagerArgs:
    """Inputs of `CertManager`."""

    provider: k8s.Provider
    issuer: str
    """``letsencrypt``, ``letsencrypt-staging`` or ``selfsigned``."""
    acme_email: str = "platform@example.com"
    dns_zone: str = ""
    """Zone the DNS-01 solver is selected for."""
    dns01_solver: dict[str, Any] | None = None
    """A cert-manager ``dns01`` solver block (azureDNS / route53 / cloudDNS with workload
    identity). Left out: HTTP-01 through the external gateway, which cannot issue
    wildcard names nor names only reachable on the internal gateway."""
    http01_gateway: tuple[str, str] | None = None
    """(name, namespace) of the gateway answering HTTP-01 challenges."""
    service_account_annotations: pulumi.Input[dict[str, str]] = field(default_factory=dict)
    """Workload identity of the controller (for the DNS-01 provider's API)."""
    pod_labels: dict[str, str] = field(default_factory=dict)
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The Gateway API CRDs: the controller watches Gateways (``gatewayAPI.enabled``)."""


class CertManager(pulumi.ComponentResource):
    """cert-manager (Pulumi Helm release, CRDs included) and one `ClusterIssuer`."""

    release: k8s.helm.v3.Release
    issuer: k8s.apiextensions.CustomResource
    issuer_name: str

    def __init__(
        self, name: str, args: CertManagerArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:k8s:CertManager", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        self.release = operator_release(
            name,
            chart("certManager"),
            "cert-manager",
            NAMESPACE,
            {
                "crds": {"enabled": True, "keep": True},
                "replicaCount": 2,
                "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
                "webhook": {
                    "replicaCount": 2,
                    "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
                },
                "serviceAccount": {
                    "create": True,
                    "name": SERVICE_ACCOUNT,
                    "annotations": args.service_account_annotations,
                },
                "podLabels": args.pod_labels,
                "config": {
                    "apiVersion": "controller.config.cert-manager.io/v1alpha1",
                    "kind": "ControllerConfiguration",
                    # `enableGatewayAPI` is deprecated since 1.21 for `gatewayAPI.enabled`
                    # (cert-manager/cert-manager v1.21.1 pkg/apis/config/controller/v1alpha1/
                    # types.go:89-90, 153, 272)
                    "gatewayAPI": {"enabled": True},
                },
            },
            child,
            args.depends_on,
        )
        self.issuer_name = f"pdp-{args.issuer}"
        self.issuer = custom_resource(
            f"{name}-issuer",
            "cert-manager.io/v1",
            "ClusterIssuer",
            self.issuer_name,
            None,
            self.issuer_spec(args, self.issuer_name),
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[self.release])),
        )
        self.register_outputs(
            {
                "release": self.release,
                "issuer": self.issuer,
                "issuer_name": self.issuer_name,
            }
        )

    @staticmethod
    def issuer_spec(args: CertManagerArgs, issuer_name: str) -> dict[str, Any]:
        """The ClusterIssuer's spec for `args.issuer`."""
        if args.issuer == "selfsigned":
            return {"selfSigned": {}}
        if args.issuer not in ACME_SERVERS:
            raise ValueError(
                f"unknown TLS issuer {args.issuer!r}; "
                "use letsencrypt, letsencrypt-staging or selfsigned"
            )
        solver: dict[str, Any]
        if args.dns01_solver is not None:
            solver = {"dns01": args.dns01_solver}
            if args.dns_zone:
                solver["selector"] = {"dnsZones": [args.dns_zone]}
        elif args.http01_gateway is not None:
            gateway, gateway_namespace = args.http01_gateway
            solver = {
                "http01": {
                    "gatewayHTTPRoute": {
                        "parentRefs": [
                            {
                                "name": gateway,
                                "namespace": gateway_namespace,
                                "kind": "Gateway",
                                "sectionName": "http",
                            }
                        ]
                    }
                }
            }
        else:
            raise ValueError(f"issuer {args.issuer} needs a DNS-01 solver or an HTTP-01 gateway")
        return {
            "acme": {
                "server": ACME_SERVERS[args.issuer],
                "email": args.acme_email,
                "privateKeySecretRef": {"name": f"{issuer_name}-account-key"},
                "solvers": [solver],
            }
        }
