"""The web application firewall of a gateway: Coraza with the OWASP Core Rule Set, loaded into
the gateway's Envoy as a Wasm extension by an `EnvoyExtensionPolicy`.

Why in Envoy rather than in front of the load balancer: none of the clouds' WAFs can sit in
front of the passthrough (layer 4) load balancer a `LoadBalancer` Service gets, and on-prem
there is none; one WAF everywhere keeps the rules, the modes and the logs the same on every
target (docs/ingress-security.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.gateway import GATEWAY_LABEL
from pdpkit.components.k8s.objects import custom_resource
from pdpkit.versions import CORAZA_WASM

DIGEST_SUFFIX = "@sha256:"

RULE_SET = (
    # coraza-proxy-wasm embeds these files (corazawaf/coraza-proxy-wasm wasmplugin/fs.go:
    # @recommended-conf, @crs-setup-conf, @owasp_crs/), the order its README gives for the CRS.
    # @recommended-conf sets DetectionOnly and rejects request bodies over 128 KiB
    # (wasmplugin/rules/coraza.conf-recommended.conf: SecRequestBodyLimit 131072, Reject);
    # the engine line after it decides the mode.
    "Include @recommended-conf",
    "{engine}",
    # No response inspection: responses are integrations' own, and buffering them for the WAF
    # costs memory on every call (as in envoyproxy/gateway v1.9.0
    # site/content/en/latest/tasks/extensibility/dynamic-modules.md, its Coraza example).
    "SecResponseBodyAccess Off",
    "Include @crs-setup-conf",
    "Include @owasp_crs/*.conf",
)
"""Directives of the one directive set; ``{engine}`` is the mode's ``SecRuleEngine`` line."""

ENGINE = {True: "SecRuleEngine On", False: "SecRuleEngine DetectionOnly"}
"""Blocking or detection-only: Coraza's engine switch (SecLang ``SecRuleEngine``)."""


@dataclass(frozen=True)
class WebApplicationFirewallArgs:
    """Inputs of `WebApplicationFirewall`."""

    provider: k8s.Provider
    gateway_name: str
    """The `Gateway` every listener of which the firewall inspects."""
    namespace: str
    """The Gateway's namespace (a policy targets objects of its own namespace only)."""
    blocking: bool
    """Refuse what the rule set scores as an attack (HTTP 403); False: log it only."""
    module: str | None = None
    """The coraza-proxy-wasm OCI image pinned by digest; None: `pdpkit.versions.CORAZA_WASM`."""
    crds: tuple[pulumi.Resource, ...] = ()
    """What ships the Envoy Gateway CRDs."""
    gateway: pulumi.Resource | None = None
    """The Gateway resource itself (the policy is applied after it)."""


class WebApplicationFirewall(pulumi.ComponentResource):
    """An `EnvoyExtensionPolicy` attaching Coraza (OWASP CRS) to every listener of a Gateway.

    Envoy Gateway pulls the module's OCI image (the controller must reach the registry) and
    serves it to its Envoys; ``failOpen: false``: should the module fail, requests get a 5xx
    rather than pass uninspected (envoyproxy/gateway v1.9.0 api/v1alpha1/wasm_types.go).
    """

    policy: k8s.apiextensions.CustomResource
    module: str
    """The OCI reference loaded (``image:tag@sha256:…`` once pinned)."""
    blocking: bool

    def __init__(
        self,
        name: str,
        args: WebApplicationFirewallArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("pdpkit:k8s:WebApplicationFirewall", name, None, opts)
        self.module = args.module or CORAZA_WASM.reference
        self.blocking = args.blocking
        image: dict[str, str] = {"url": self.module}
        if DIGEST_SUFFIX in self.module:
            # Envoy Gateway verifies the pulled image against it (wasm_types.go,
            # ImageWasmCodeSource.SHA256: "It must match the digest of the OCI image").
            image["sha256"] = self.module.rsplit(DIGEST_SUFFIX, 1)[1]
        directives = [line.format(engine=ENGINE[args.blocking]) for line in RULE_SET]
        self.policy = custom_resource(
            f"{name}-policy",
            "gateway.envoyproxy.io/v1alpha1",
            "EnvoyExtensionPolicy",
            f"{args.gateway_name}-waf",
            args.namespace,
            {
                # envoyproxy/gateway v1.9.0 api/v1alpha1/envoyextensionypolicy_types.go:
                # targetRefs of kind Gateway; wasm[] loaded in order, before the router filter.
                "targetRefs": [
                    {
                        "group": "gateway.networking.k8s.io",
                        "kind": "Gateway",
                        "name": args.gateway_name,
                    }
                ],
                "wasm": [
                    {
                        "name": "coraza-waf",
                        "code": {"type": "Image", "image": image},
                        # coraza-proxy-wasm's configuration: one directive set, the default
                        # (wasmplugin/config.go: directives_map, default_directives)
                        "config": {
                            "directives_map": {"default": directives},
                            "default_directives": "default",
                        },
                        "failOpen": False,
                    }
                ],
            },
            pulumi.ResourceOptions(
                parent=self,
                provider=args.provider,
                depends_on=[*args.crds, *([args.gateway] if args.gateway else [])],
            ),
            labels={GATEWAY_LABEL: args.gateway_name},
        )
        self.register_outputs(
            {"policy": self.policy, "module": self.module, "blocking": self.blocking}
        )
