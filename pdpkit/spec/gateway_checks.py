"""Gateway hostnames must be certifiable: inside the DNS zone the ACME DNS-01 solver manages;
the external gateway's source ranges are declared in production and leave ACME a way in."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from pdpkit.spec.dataplane import DataPlaneSpec, GatewaysSpec

Finding = tuple[str, str]


def gateway_problems(gateways: GatewaysSpec) -> Iterator[Finding]:
    """Mutual TLS hostnames that collide with the gateway's others; hostnames outside
    `dnsZone` when certificates come from Let's Encrypt."""
    mtls = gateways.external.mtls
    mtls_hostnames = () if mtls is None else mtls.hostnames
    for i, hostname in enumerate(mtls_hostnames):
        # Gateway API v1.6.1 apis/v1/gateway_types.go:119-125: HTTPS listeners on one port
        # are distinct only with different hostnames (indistinct ones are not accepted,
        # :168-186); Envoy Gateway v1.9.0 internal/xds/translator/listener.go:590-593 builds
        # one TLS filter chain and one route table per HTTPS listener on that basis.
        if hostname.lower() in (
            h.lower() for h in (*gateways.external.hostnames, *mtls_hostnames[:i])
        ):
            yield (
                f"dataplane.gateways.external.mtls.hostnames[{i}]",
                f"{hostname} is already a hostname of the external gateway; a mutual TLS "
                "listener needs its own hostname (e.g. partners-mtls.<your domain>)",
            )
    if not gateways.tls_issuer.startswith("letsencrypt"):
        return  # a self-signed issuer certifies any name
    zone = gateways.dns_zone.rstrip(".").lower()
    for visibility, gateway_hostnames in (
        ("external", gateways.external.hostnames),
        ("external.mtls", mtls_hostnames),
        ("internal", gateways.internal.hostnames),
    ):
        for i, hostname in enumerate(gateway_hostnames):
            name = hostname.removeprefix("*.").lower()
            if name != zone and not name.endswith("." + zone):
                yield (
                    f"dataplane.gateways.{visibility}.hostnames[{i}]",
                    f"{hostname} is outside dnsZone {gateways.dns_zone}, so the ACME DNS-01 "
                    f"challenge cannot prove it; use a name under {gateways.dns_zone} "
                    f"(e.g. *.{visibility.split('.')[0]}.{gateways.dns_zone}) or tlsIssuer: "
                    "selfsigned",
                )


OPEN_PREFIX = 8
"""A source range wider than a /8 counts as open: ``0.0.0.0/0``, ``::/0`` and their halves
(``0.0.0.0/1`` + ``128.0.0.0/1``) all let the internet in."""


def is_open(cidr: str) -> bool:
    """Whether `cidr` lets (a large share of) the internet in: wider than a /8."""
    return ipaddress.ip_network(cidr, strict=False).prefixlen < OPEN_PREFIX


def firewall_problems(spec: DataPlaneSpec) -> Iterator[Finding]:
    """Source ranges of the external gateway: required in production, and not restricted
    while certificates are proven over HTTP-01 (the ACME server must reach the gateway)."""
    ranges = spec.gateways.external.source_ranges
    path = "dataplane.gateways.external.sourceRanges"
    if ranges is None:
        if spec.production:
            yield (
                path,
                "a production data plane must say who may reach its external gateway; list "
                "the client ranges (e.g. [203.0.113.0/24]), or write [0.0.0.0/0, ::/0] to open "
                "it to the internet on purpose (then waive policy K8S-GW-SOURCE-RANGES with a "
                "justification)",
            )
        return
    if _http01(spec) and not any(is_open(cidr) for cidr in ranges):
        yield (
            path,
            f"certificates for {spec.gateways.tls_issuer} are proven over ACME HTTP-01 on this "
            "data plane, and Let's Encrypt validates from addresses it does not publish "
            "(letsencrypt.org/docs/faq), so restricted sourceRanges would block every issuance "
            "and renewal; give cert-manager a DNS-01 solver (azure.dnsZoneResourceGroup, "
            "gcp.dnsManagedZone) or use tlsIssuer: selfsigned",
        )


def _http01(spec: DataPlaneSpec) -> bool:
    """Whether ACME certificates are proven over HTTP-01 through the external gateway: a
    Let's Encrypt issuer and no DNS-01 solver for the target (`pdpkit.dataplane.*_system`)."""
    if not spec.gateways.tls_issuer.startswith("letsencrypt"):
        return False
    if spec.azure is not None:
        return spec.azure.dns_zone_resource_group is None
    if spec.gcp is not None:
        return spec.gcp.dns_managed_zone is None
    return spec.onprem is not None  # AWS always answers DNS-01 in Route 53
