"""Client certificate validation on a gateway's mutual TLS listeners: the client CA bundle
copied from the secret store, and the `ClientTrafficPolicy` that makes Envoy require and
verify a certificate it signed.

Envoy Gateway v1.9.0 validates client certificates per listener, not per route
(`ClientTrafficPolicy` ``tls.clientValidation``, api/v1alpha1/clienttrafficpolicy_types.go:77,
tls_types.go:186-230), so the policy targets the gateway's dedicated listeners by
``sectionName`` and routes that need client certificates attach to those listeners only
(`pdpkit.platform.integration_endpoints`). Every field below is read from envoyproxy/gateway
at tag v1.9.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.gateway import GATEWAY_LABEL
from pdpkit.components.k8s.objects import custom_resource, external_secret

CA_KEY = "ca.crt"
"""The key Envoy Gateway reads the CA bundle from: "A single reference to a Kubernetes
ConfigMap or a Kubernetes Secret, with the CA certificate in a key named `ca.crt` is currently
supported" (api/v1alpha1/tls_types.go:209-210)."""

REQUIRE_AND_VERIFY = "RequireAndVerify"
"""A valid client certificate must be presented (tls_types.go:250-272,
`ClientValidationModeType`; also the default, :198-202: written out for the reviewer and the
policy)."""

XFCC_DETAILS = ("Subject", "URI", "DNS")
"""Certificate fields forwarded to the integration in ``x-forwarded-client-cert``
(clienttrafficpolicy_types.go:228-291: mode ``SanitizeSet`` replaces whatever the client sent
with the verified certificate's details; Hash and By are always included; `XFCCCertData`
enum Subject;Cert;Chain;DNS;URI). Outside these listeners Envoy Gateway's default,
``Sanitize``, removes the header, so an integration can trust it."""


@dataclass(frozen=True)
class ClientCertificatesArgs:
    """Inputs of `ClientCertificates`."""

    provider: k8s.Provider
    gateway_name: str
    namespace: str
    """The Gateway's namespace (a policy targets objects of its own namespace only; the CA
    Secret lives there too, so no ReferenceGrant is needed, tls_types.go:212-214)."""
    listeners: tuple[str, ...]
    """The mutual TLS listeners (``sectionName``) of the Gateway."""
    ca_key: str
    """Full key (secret prefix included) of the PEM client CA bundle in the secret store."""
    secret_store: str
    """The `ClusterSecretStore` the bundle is read from."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The External Secrets release and store, the Envoy Gateway CRDs, the Gateway."""


def client_traffic_policy_spec(
    gateway: str, listeners: tuple[str, ...], ca_secret: str
) -> dict[str, Any]:
    """The `ClientTrafficPolicy` spec requiring client certificates on `listeners`."""
    return {
        # policy_helpers.go:28-42 `PolicyTargetReferences.targetRefs`
        # ([]LocalPolicyTargetReferenceWithSectionName); clienttrafficpolicy_types.go:41-45:
        # group gateway.networking.k8s.io, kind Gateway or ListenerSet
        "targetRefs": [
            {
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "name": gateway,
                "sectionName": listener,
            }
            for listener in listeners
        ],
        "tls": {
            "clientValidation": {
                "mode": REQUIRE_AND_VERIFY,
                # tls_types.go:204-218 caCertificateRefs ([]SecretObjectReference, max 8)
                "caCertificateRefs": [{"group": "", "kind": "Secret", "name": ca_secret}],
            }
        },
        "headers": {
            "xForwardedClientCert": {
                "mode": "SanitizeSet",
                "certDetailsToAdd": list(XFCC_DETAILS),
            }
        },
    }


class ClientCertificates(pulumi.ComponentResource):
    """The client CA `ExternalSecret` and the `ClientTrafficPolicy` of the mutual TLS
    listeners."""

    ca_secret: k8s.apiextensions.CustomResource
    policy: k8s.apiextensions.CustomResource

    def __init__(
        self, name: str, args: ClientCertificatesArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:k8s:ClientCertificates", name, None, opts)
        child = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=list(args.depends_on)
        )
        ca_secret = f"{args.gateway_name}-client-ca"
        self.ca_secret = external_secret(
            f"{name}-ca",
            ca_secret,
            args.namespace,
            args.secret_store,
            {CA_KEY: (args.ca_key, None)},
            child,
        )
        self.policy = custom_resource(
            f"{name}-policy",
            "gateway.envoyproxy.io/v1alpha1",
            "ClientTrafficPolicy",
            f"{args.gateway_name}-mtls",
            args.namespace,
            client_traffic_policy_spec(args.gateway_name, args.listeners, ca_secret),
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[*args.depends_on, self.ca_secret])
            ),
            labels={GATEWAY_LABEL: args.gateway_name},
        )
        self.register_outputs({"ca_secret": self.ca_secret, "policy": self.policy})
