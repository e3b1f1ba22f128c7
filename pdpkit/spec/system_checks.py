"""System-layer values against the custom resources they become: Gateway API hostnames,
Flux intervals, on-prem cluster ranges."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from pdpkit.spec.enums import Target
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

# Gateway API's `Hostname` (kubernetes-sigs/gateway-api apis/v1/shared_types.go, in the CRDs
# envoyproxy/gateway v1.8.2's gateway-crds-helm installs): MaxLength 253, pattern
# ^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and "IPs are not
# allowed". The gateways' listeners and every HTTPRoute carry these hostnames.
GATEWAY_HOSTNAME = re.compile(
    r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


def system_problems(stack: StackSpec) -> Iterator[Finding]:
    """Gateway hostnames the Gateway API refuses, a Flux interval of zero, overlapping
    on-prem pod and service ranges."""
    dp = stack.dataplane
    for visibility in ("external", "internal"):
        gateway = getattr(dp.gateways, visibility)
        for i, hostname in enumerate(gateway.hostnames):
            where = f"dataplane.gateways.{visibility}.hostnames[{i}]"
            if _is_ip(hostname):
                yield where, f"{hostname} is an IP address; Gateway API hostnames are DNS names"
            elif not GATEWAY_HOSTNAME.match(hostname):
                yield (
                    where,
                    f"{hostname} is not a Gateway API hostname (lowercase letters, digits, '-' "
                    f"and '.', an optional leading '*.'); write it as {hostname.lower()}",
                )
    interval = dp.flux.interval
    if not any(float(n.group()) for n in _NUMBER.finditer(interval)):
        # fluxcd/source-controller v1.7.4 api/v1/gitrepository_types.go:111 takes "0s"; the
        # controllers then requeue after zero time, reconciling without pause.
        yield (
            "dataplane.flux.interval",
            f"{interval} is no interval: Flux would reconcile without pause; use e.g. 10m",
        )
    if dp.target is Target.ONPREM:
        pods = ipaddress.ip_network(dp.network.pod_cidr)
        services = ipaddress.ip_network(dp.network.service_cidr)
        if pods.overlaps(services):
            yield (
                "dataplane.network.serviceCidr",
                f"{services} overlaps podCidr {pods}; set both to the cluster's own "
                "--cluster-cidr and --service-cluster-ip-range, which never overlap",
            )


def _is_ip(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True
