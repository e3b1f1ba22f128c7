"""What a production stack, or a production environment, may not say.

These are validation errors, not policy verdicts: each is a property of the stack file,
known before any resource exists, so `pdp validate` names the line and no waiver can
talk it away.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from pdpkit.spec.enums import Target, TransparentEncryption
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

PRODUCTION_TLS_ISSUERS = ("letsencrypt",)
"""Issuers whose certificates clients trust. ``selfsigned`` chains to nobody, and
``letsencrypt-staging`` chains to a root that is not in any trust store ("The staging
environment intermediate certificates … are not present in browser/client trust stores",
letsencrypt.org/docs/staging-environment): clients would have to turn verification off."""

MAX_PRODUCTION_EGRESS_PREFIX_SPAN = 8
"""The widest egress range a production environment may declare is a /8: ``0.0.0.0/0``,
``::/0`` and their halves (``0.0.0.0/1`` + ``128.0.0.0/1``) are refused on any port."""


def production_problems(stack: StackSpec) -> Iterator[Finding]:
    """Every production rule the stack breaks."""
    spec = stack.dataplane
    hosted = _hosted_production_environments(stack)
    if hosted and not spec.production:
        yield (
            "dataplane.production",
            f"this data plane hosts the production environment(s) {', '.join(hosted)} but "
            "is not marked production: its cluster, registry, key vault and logs would not be "
            "protected from deletion; set dataplane.production: true (or bind the "
            "environments to a production data plane)",
        )
    yield from _egress(stack)
    if not spec.production:
        return
    if spec.cilium.encryption is TransparentEncryption.OFF:
        yield (
            "dataplane.cilium.encryption",
            "transparent encryption is off in a production data plane: pod traffic between "
            "nodes would cross the network in the clear; use wireguard (or ipsec)",
        )
    if spec.gateways.tls_issuer not in PRODUCTION_TLS_ISSUERS:
        yield (
            "dataplane.gateways.tlsIssuer",
            f"{spec.gateways.tls_issuer} certificates are not trusted by clients, so a "
            "production gateway would serve TLS nobody can verify; use tlsIssuer: letsencrypt",
        )
    if spec.target is Target.GCP and spec.gcp is not None and not spec.gcp.customer_managed_keys:
        yield (
            "dataplane.gcp.customerManagedKeys",
            "a production data plane encrypts its registry and log archive with its own "
            "Cloud KMS keys (CMEK); set customerManagedKeys: true",
        )


def _hosted_production_environments(stack: StackSpec) -> list[str]:
    """Production environments bound to this stack's own data plane (other stacks judge
    the environments bound to theirs)."""
    if stack.platform is None:
        return []
    return [
        env.name
        for env in stack.platform.environments
        if env.production and stack.dataplane.name in env.data_planes
    ]


def _egress(stack: StackSpec) -> Iterator[Finding]:
    """No environment opens every port to the whole internet, and no production environment
    declares an egress range wider than a /8, on any port."""
    if stack.platform is None:
        return
    for i, env in enumerate(stack.platform.environments):
        for j, rule in enumerate(env.egress):
            network = ipaddress.ip_network(rule.cidr)
            where = f"platform.environments[{i}].egress[{j}].cidr"
            if env.production and network.prefixlen < MAX_PRODUCTION_EGRESS_PREFIX_SPAN:
                ports = ", ".join(map(str, rule.ports)) or "every port"
                yield (
                    where,
                    f"egress to {rule.cidr} (ports {ports}) from production environment "
                    f"{env.name} reaches (nearly) the whole internet, an open channel for data "
                    "to leave; declare the destination's own range (at most a "
                    f"/{MAX_PRODUCTION_EGRESS_PREFIX_SPAN} wide)",
                )
            elif not rule.ports and network.prefixlen == 0:
                yield (
                    where,
                    f"egress to {rule.cidr} on every port opens the whole internet to "
                    f"environment {env.name}; list the destination's range and its ports",
                )
