"""How an Azure data plane spec maps to Azure: resource names, subnets, pools, windows.

Pure functions of the spec (no resources), so the assembly stays short and the rules that
Azure imposes on names and ranges are tested on their own.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re

from pdpkit.components.azure.maintenance import MaintenanceWindow
from pdpkit.components.azure.node_pool import NodePool
from pdpkit.spec.azure_rules import SUBNET_ROLES
from pdpkit.spec.dataplane import DataPlaneSpec, NodePoolSpec
from pdpkit.spec.enums import Target
from pdpkit.spec.image_registry import acr_name
from pdpkit.spec.secret_keys import prefix_problem
from pdpkit.spec.targets import AzureSpec

DEFAULT_VM_SIZE = "Standard_D4ds_v5"
"""What ``vmSize: standard`` means on Azure (4 vCPU, 16 GiB, local temp disk)."""
_DAYS = {
    d[:3]: d for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
}
UPGRADE_CHANNELS = {"regular": "stable"}
"""Spec channels AKS names differently (GKE's "regular" is AKS's "stable")."""


def azure_section(spec: DataPlaneSpec) -> AzureSpec:
    if spec.azure is None:  # the spec validator guarantees it; this keeps mypy honest
        raise ValueError("target azure needs the azure section")
    return spec.azure


def api_server_vnet_integration(spec: DataPlaneSpec) -> bool:
    """Project the API server into the VNet: when asked, and whenever KMS is on.

    KMS with a private (default-deny) key vault is supported only over API server VNet
    integration, so `secretsEncryption` implies it.
    """
    return azure_section(spec).api_server_vnet_integration or spec.cluster.secrets_encryption


def subnet_plan(spec: DataPlaneSpec) -> dict[str, str]:
    """CIDR per subnet role: the stack's subnets by name, the rest carved from the VNet.

    Left out: nodes take the first quarter-of-a-/16-style block (prefix + 4), private
    endpoints the first /24 of the next block, the API server the /28 after it.
    """
    given = {s.name: s.cidr for s in spec.network.subnets}
    unknown = sorted(set(given) - set(SUBNET_ROLES))
    if unknown:
        raise ValueError(
            f"subnets {', '.join(unknown)} have no role on Azure; name subnets "
            f"{', '.join(SUBNET_ROLES)}"
        )
    space = ipaddress.ip_network(spec.network.address_space)
    if not isinstance(space, ipaddress.IPv4Network):
        raise ValueError(f"addressSpace {space} is IPv6; the Azure target plans IPv4 VNets")
    blocks = list(space.subnets(new_prefix=min(space.prefixlen + 4, 28)))
    spare = blocks[1]
    small = list(spare.subnets(new_prefix=max(spare.prefixlen, 24)))
    derived = {
        "nodes": str(blocks[0]),
        "private-endpoints": str(small[0]),
        "apiserver": str(next((small[1] if len(small) > 1 else spare).subnets(new_prefix=28))),
    }
    return {role: given.get(role, derived[role]) for role in SUBNET_ROLES}


def api_server_cidrs(spec: DataPlaneSpec) -> tuple[str, ...]:
    """Where pods reach the API server: its delegated subnet, else its private endpoint in the
    nodes subnet, else (public endpoint) anywhere on 443."""
    plan = subnet_plan(spec)
    if api_server_vnet_integration(spec):
        return (plan["apiserver"],)
    if spec.cluster.private_api_endpoint:
        return (plan["nodes"],)
    return ("0.0.0.0/0",)


def node_pools(spec: DataPlaneSpec) -> tuple[NodePool, ...]:
    """The spec's pools in AKS terms; with none marked system, the first one is."""
    any_system = any(p.system for p in spec.cluster.node_pools)
    return tuple(
        _pool(p, spec, system=p.system or (not any_system and i == 0))
        for i, p in enumerate(spec.cluster.node_pools)
    )


def _pool(pool: NodePoolSpec, spec: DataPlaneSpec, system: bool) -> NodePool:
    return NodePool(
        name=pool.name,
        vm_size=DEFAULT_VM_SIZE if pool.vm_size == "standard" else pool.vm_size,
        min_count=pool.min_count,
        max_count=pool.max_count,
        zones=tuple(pool.zones or spec.network.availability_zones),
        system=system,
        labels=dict(pool.labels),
        taints=tuple(f"{t.key}={t.value}:{t.effect}" for t in pool.taints),
    )


def maintenance_window(window: str) -> MaintenanceWindow:
    """``Sun 02:00-06:00`` as an AKS weekly window (at least the 4 hours AKS requires)."""
    match = re.fullmatch(r"\s*(\w{3})\w*\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})\s*", window)
    if not match or match.group(1).title() not in _DAYS:
        raise ValueError(f"maintenance window {window!r} is not like 'Sun 02:00-06:00'")
    day, h1, m1, h2, m2 = match.groups()
    minutes = (int(h2) * 60 + int(m2) - int(h1) * 60 - int(m1)) % (24 * 60)
    return MaintenanceWindow(
        day_of_week=_DAYS[day.title()],
        start_time=f"{h1}:{m1}",
        duration_hours=max(4, -(-minutes // 60)),
    )


def _short_hash(*parts: str, length: int = 5) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def registry_name(spec: DataPlaneSpec) -> str:
    """``registry.name``, else the data plane name without dashes + ``acr`` (ACR: alphanumeric)."""
    return acr_name(spec)


def storage_account_name(spec: DataPlaneSpec) -> str:
    """Archive account: 3-24 lowercase alphanumerics, globally unique, so a stable hash of
    subscription and name follows the readable prefix."""
    prefix = re.sub(r"[^a-z0-9]", "", spec.name)[:15]
    return f"{prefix}logs{_short_hash(azure_section(spec).subscription_id, spec.name)}"


def observability_account_name(spec: DataPlaneSpec) -> str:
    """The observability stores' account: like `storage_account_name`, ``obs`` for ``logs``
    (3-24 lowercase alphanumerics, globally unique)."""
    prefix = re.sub(r"[^a-z0-9]", "", spec.name)[:15]
    return f"{prefix}obs{_short_hash(azure_section(spec).subscription_id, spec.name)}"


def check_secret_prefix(spec: DataPlaneSpec) -> None:
    """Key Vault secret names allow only letters, digits and dashes, so must the prefix
    (the spec checks say so with a location; this guards specs built without them)."""
    problem = prefix_problem(Target.AZURE, spec.secret_store.secret_prefix)
    if problem is not None:
        raise ValueError(f"secretStore.secretPrefix {problem}")
