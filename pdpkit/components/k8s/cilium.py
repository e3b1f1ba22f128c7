"""Cilium: the CNI with transparent encryption and Hubble, where pdpkit installs it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import deep_merge, helm_release
from pdpkit.spec.enums import TransparentEncryption
from pdpkit.versions import chart

NAMESPACE = "kube-system"
IPSEC_KEY_SECRET = "cilium-ipsec-keys"  # noqa: S105 (a Secret name)


@dataclass(frozen=True)
class CiliumArgs:
    """Inputs of `Cilium`."""

    provider: k8s.Provider
    cluster_name: str
    """Cilium's cluster name (the data plane's name)."""
    encryption: TransparentEncryption = TransparentEncryption.WIREGUARD
    """Node-to-node encryption. WireGuard needs no key; IPsec reads the pre-shared key from
    Secret ``cilium-ipsec-keys`` in kube-system, provisioned out of band (the secret store
    is not reachable before the CNI runs)."""
    hubble: bool = True
    """Hubble flow observability through the relay; the UI is never installed."""
    version: str | None = None
    """Chart version; left out: the versions table."""
    values: dict[str, Any] = field(default_factory=dict)
    """Target-specific values merged over the defaults (ENI / chaining on AWS, IPAM…)."""
    depends_on: tuple[pulumi.Resource, ...] = ()


class Cilium(pulumi.ComponentResource):
    """Cilium installed by Pulumi as a Helm release in kube-system (it must run before Flux)."""

    release: k8s.helm.v3.Release
    release_name: pulumi.Output[str]

    def __init__(self, name: str, args: CiliumArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:k8s:Cilium", name, None, opts)
        values = deep_merge(self.default_values(args), args.values)
        self.release = helm_release(
            f"{name}-release",
            chart("cilium"),
            "cilium",
            NAMESPACE,
            values,
            pulumi.ResourceOptions(
                parent=self, provider=args.provider, depends_on=list(args.depends_on)
            ),
            version=args.version,
        )
        self.release_name = self.release.name
        self.register_outputs({"release": self.release, "release_name": self.release_name})

    @staticmethod
    def default_values(args: CiliumArgs) -> dict[str, Any]:
        """The chart values pdpkit sets before the target's overrides."""
        encryption: dict[str, Any] = {"enabled": args.encryption is not TransparentEncryption.OFF}
        if args.encryption is TransparentEncryption.WIREGUARD:
            encryption |= {"type": "wireguard", "nodeEncryption": False}
        elif args.encryption is TransparentEncryption.IPSEC:
            encryption |= {"type": "ipsec", "ipsec": {"secretName": IPSEC_KEY_SECRET}}
        return {
            "cluster": {"name": args.cluster_name},
            "encryption": encryption,
            "hubble": {
                "enabled": args.hubble,
                "relay": {"enabled": args.hubble},
                "ui": {"enabled": False},
                "tls": {"auto": {"enabled": True, "method": "cronJob"}},
            },
            "operator": {"replicas": 2},
            # the API server of a self-managed cluster runs on the nodes: without this, the
            # agent's NetworkPolicy ipBlock for it would never match (Cilium gives node
            # addresses identities of their own)
            "policyCIDRMatchMode": ["nodes"],
            "policyEnforcementMode": "default",
            "securityContext": {"privileged": False},
        }
