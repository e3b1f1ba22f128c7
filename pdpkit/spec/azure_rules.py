"""Azure's naming rules, checked on the spec so a bad name is a located error, not a trace.

Azure refuses these names only at deployment time (after the cluster may already exist);
checking them here makes `pdp validate` and `pdp plan` say what to fix, and where.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import Target
from pdpkit.spec.stack import StackSpec

REGISTRY_NAME = re.compile(r"^[a-zA-Z0-9]{5,50}$")
VAULT_NAME = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$")
POOL_NAME = re.compile(r"^[a-z][a-z0-9]{0,11}$")
SUBNET_ROLES = ("nodes", "apiserver", "private-endpoints")
"""The subnets the Azure target knows (by name); others would be silently unused."""
SMALLEST_VNET = 24
"""The Azure target carves a /28 API server subnet from the VNet's second sixteenth
(`dataplane/azure_layout.py`), so the VNet is at least a /24."""


def key_vault_name(dp: DataPlaneSpec) -> str:
    """``secretStore.name``, else ``<name>-kv`` cut to Key Vault's 24 characters."""
    if dp.secret_store.name:
        return dp.secret_store.name
    return f"{dp.name[:21].rstrip('-')}-kv"


def azure_problems(stack: StackSpec) -> Iterator[tuple[str, str]]:
    """(key path, message) for every name an Azure data plane cannot use."""
    dp = stack.dataplane
    if dp.target is not Target.AZURE:
        return
    if dp.registry.name is not None and not REGISTRY_NAME.match(dp.registry.name):
        yield (
            "dataplane.registry.name",
            f"{dp.registry.name!r} is not an ACR name: use 5-50 letters and digits, no '-'",
        )
    if dp.secret_store.name is not None and not VAULT_NAME.match(dp.secret_store.name):
        yield (
            "dataplane.secretStore.name",
            f"{dp.secret_store.name!r} is not a Key Vault name: 3-24 letters, digits and single "
            "dashes, starting with a letter and ending with a letter or digit",
        )
    elif not VAULT_NAME.match(derived := key_vault_name(dp)):
        yield (
            "dataplane.name",
            f"{dp.name!r} gives the Key Vault name {derived!r}, which Azure refuses (3-24 "
            "letters, digits and single dashes, starting with a letter); set "
            "secretStore.name, e.g. 'acme-pdp-kv'",
        )
    space = ipaddress.ip_network(dp.network.address_space)
    if space.version != 4 or space.prefixlen > SMALLEST_VNET:
        yield (
            "dataplane.network.addressSpace",
            f"{space} cannot hold the Azure target's subnets: use an IPv4 range of "
            f"/{SMALLEST_VNET} or larger, e.g. 10.20.0.0/16",
        )
    for i, subnet in enumerate(dp.network.subnets):
        if subnet.name not in SUBNET_ROLES:
            yield (
                f"dataplane.network.subnets[{i}].name",
                f"{subnet.name!r} has no role on Azure; name subnets {', '.join(SUBNET_ROLES)}",
            )
    for i, pool in enumerate(dp.cluster.node_pools):
        if not POOL_NAME.match(pool.name):
            yield (
                f"dataplane.cluster.nodePools[{i}].name",
                f"{pool.name!r} is not an AKS pool name: up to 12 lowercase letters and digits, "
                "starting with a letter",
            )
