"""Gateway hostnames must be certifiable: inside the DNS zone the ACME DNS-01 solver manages."""

from __future__ import annotations

from collections.abc import Iterator

from pdpkit.spec.dataplane import GatewaysSpec

Finding = tuple[str, str]


def gateway_problems(gateways: GatewaysSpec) -> Iterator[Finding]:
    """Hostnames outside `dnsZone` when certificates come from Let's Encrypt."""
    if not gateways.tls_issuer.startswith("letsencrypt"):
        return  # a self-signed issuer certifies any name
    zone = gateways.dns_zone.rstrip(".").lower()
    for visibility, gateway in (("external", gateways.external), ("internal", gateways.internal)):
        for i, hostname in enumerate(gateway.hostnames):
            name = hostname.removeprefix("*.").lower()
            if name != zone and not name.endswith("." + zone):
                yield (
                    f"dataplane.gateways.{visibility}.hostnames[{i}]",
                    f"{hostname} is outside dnsZone {gateways.dns_zone}, so the ACME DNS-01 "
                    f"challenge cannot prove it; use a name under {gateways.dns_zone} "
                    f"(e.g. *.{visibility}.{gateways.dns_zone}) or tlsIssuer: selfsigned",
                )
