"""Cloud resource names derived from the data plane's name (and the registry and secret
store names), against each cloud's rule for that resource.

`dataplane.name` is a DNS label of up to 63 characters; the names derived from it are longer
(``<name>-vnet``, ``<name>-logs-workspace``…). Each entry below mirrors the component that
creates the resource; the Kubernetes names derived from integration names are in
`name_checks` and `workload_checks`, the S3 bucket and Firehose stream in `name_checks`, the
Key Vault, ACR and storage account names in `azure_rules` (truncated or checked there).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import Target
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

_AZURE_RULES = (
    "learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules "
    "(MicrosoftDocs/azure-docs articles/azure-resource-manager/management/"
    "resource-name-rules.md)"
)


@dataclass(frozen=True)
class DerivedName:
    """One cloud resource whose name is derived from the data plane's name."""

    what: str
    derive: Callable[[str], str]
    """The name from `dataplane.name` (as the component builds it)."""
    longest: int
    source: str


AZURE_NAMES = (
    # dataplane/azure.py `resource_group_name=f"{name}-rg"`; resourcegroups 1-90
    DerivedName("resource group", lambda n: f"{n}-rg", 90, _AZURE_RULES),
    # components/azure/network.py `f"{name}-vnet"`; virtualNetworks 2-64
    DerivedName("virtual network", lambda n: f"{n}-vnet", 64, _AZURE_RULES),
    # components/azure/network.py `f"{name}-{role}-nsg"`, longest role private-endpoints;
    # networkSecurityGroups 1-80
    DerivedName("network security group", lambda n: f"{n}-private-endpoints-nsg", 80, _AZURE_RULES),
    # components/azure/aks_cluster.py `f"{name}-cluster"`; managedClusters 1-63
    DerivedName("AKS cluster", lambda n: f"{n}-cluster", 63, _AZURE_RULES),
    # dataplane/azure.py LogStorage(f"{name}-logs") -> components/azure/log_storage.py
    # `f"{name}-workspace"`; Microsoft.OperationalInsights workspaces 4-63
    DerivedName("Log Analytics workspace", lambda n: f"{n}-logs-workspace", 63, _AZURE_RULES),
)


def derived_name_problems(stack: StackSpec) -> Iterator[Finding]:
    """Every derived cloud name its cloud refuses, reported at the spec value it comes from."""
    dp = stack.dataplane
    if dp.target is Target.AZURE:
        yield from _too_long(dp, AZURE_NAMES)
    elif dp.target is Target.AWS:
        yield from _aws(dp)
    elif dp.target is Target.GCP:
        yield from _gcp(dp)


def _too_long(dp: DataPlaneSpec, names: tuple[DerivedName, ...]) -> Iterator[Finding]:
    over = [(n, n.derive(dp.name)) for n in names if len(n.derive(dp.name)) > n.longest]
    if not over:
        return
    fits = min(n.longest - len(n.derive(dp.name)) + len(dp.name) for n in names)
    listed = "; ".join(
        f"the {n.what} {name!r} ({len(name)} characters, at most {n.longest})" for n, name in over
    )
    yield (
        "dataplane.name",
        f"{dp.name!r} gives {listed}; shorten the data plane name to {fits} characters or "
        f"fewer ({over[0][0].source})",
    )


# Amazon ECR API Reference, CreateRepository `repositoryName`: 2-256 characters matching
# (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)* (the pattern as read on the
# ECR Public page of the same operation; the 256 of private repositories is not re-read).
_ECR_REPOSITORY = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
# AWS KMS Developer Guide, "Create aliases": 1-256 characters of letters, digits, '/', '_'
# and '-'; "The alias name for a customer managed key cannot begin with alias/aws/".
_KMS_ALIAS = re.compile(r"^alias/[A-Za-z0-9/_-]{1,250}$")


def _aws(dp: DataPlaneSpec) -> Iterator[Finding]:
    repository = dp.registry.name or dp.name
    if not (2 <= len(repository) <= 256 and _ECR_REPOSITORY.match(repository)):
        yield (
            "dataplane.registry.name",
            f"{repository!r} is not an ECR repository name (lowercase letters and digits, "
            "separated by single '.', '_', '-' or '/'); e.g. acme/pdp",
        )
    # dataplane/aws.py KmsKeyArgs alias f"{name}/{role}"; components/aws/secret_store.py
    # alias f"{store_name}/secrets" (store_name: secretStore.name, else the data plane name)
    for path, base, role in (
        ("dataplane.name", dp.name, "ecr"),
        ("dataplane.secretStore.name", dp.secret_store.name, "secrets"),
    ):
        if base is None:
            continue
        alias = f"alias/{base}/{role}"
        if base == "aws" or base.startswith("aws/"):
            yield (
                path,
                f"{base!r} makes the KMS alias {alias!r}; alias/aws/ is reserved for AWS "
                "managed keys: choose another name",
            )
        elif not _KMS_ALIAS.match(alias):
            yield (
                path,
                f"{base!r} makes the KMS alias {alias!r}; aliases are at most 256 letters, "
                "digits, '/', '_' and '-'",
            )


# GCE resource names (the VPC, router, NAT and firewall rules `components/gcp/network.py`
# derives as f"{name}-vpc"…) follow RFC 1035: "[a-z]([-a-z0-9]*[a-z0-9])?", at most 63
# characters (cloud.google.com/compute/docs/naming-resources); GKE cluster names, too,
# start with a letter. The length is bounded by GKE's 40 in `cloud_checks`.
_GCE_NAME = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def _gcp(dp: DataPlaneSpec) -> Iterator[Finding]:
    if not _GCE_NAME.match(dp.name):
        yield (
            "dataplane.name",
            f"{dp.name!r} names the GKE cluster and its VPC ({dp.name}-vpc), which start "
            "with a lowercase letter on GCP; rename the data plane, e.g. "
            f"'pdp-{dp.name}'",
        )
