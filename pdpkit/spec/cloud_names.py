"""Region and zone names in each cloud's own vocabulary (the shape, not a list that ages).

A name of another cloud (``westeurope`` on AWS, ``eu-west-1`` on GCP) or a typo such as
``eu-west1`` would otherwise reach the provider and fail at `pulumi up`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import Target
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

# AWS: the union of the `regionRegex` of every partition in the SDKs' endpoint partitions
# (partitions.json, read in aws-sdk-js-v3's util-endpoints bundle): aws
# ^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$, aws-cn ^cn\-\w+\-\d+$, aws-us-gov
# ^us\-gov\-\w+\-\d+$, aws-iso(-b,-e,-f) ^us\-iso[bf]?\-\w+\-\d+$ / ^eu\-isoe\-\w+\-\d+$,
# aws-eusc ^eusc\-(de)\-\w+\-\d+$.
AWS_REGION = re.compile(
    r"^((us|eu|ap|sa|ca|me|af|il|mx|cn)-[a-z]+-\d+"
    r"|us-(gov|iso|isob|isof)-[a-z]+-\d+|eu-isoe-[a-z]+-\d+|eusc-de-[a-z]+-\d+)$"
)
# Azure: location names (`az account list-locations`, field `name`) are lowercase letters and
# digits without separators (westeurope, eastus2, southafricanorth). Shape only: not verified
# against a published grammar.
AZURE_REGION = re.compile(r"^[a-z]+[a-z0-9]*$")
AZURE_ZONE = re.compile(r"^[1-3]$")
"""Azure availability zones are numbered 1, 2 and 3 within a region."""
# GCP: regions are <continent>-<area><n> (europe-west1, us-central1, northamerica-northeast1),
# zones are the region and "-<letter>" (cloud.google.com/compute/docs/regions-zones).
GCP_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")

# Machine sizes, shape only: Azure VM sizes are Standard_<series> (Standard_D4ds_v5), EC2
# instance types <family>.<size> (m6i.xlarge), GCE machine types <family>-<type>[-<n>]
# (e2-standard-4, n2-custom-4-8192). "standard" asks the target for its default size.
VM_SIZES = {
    Target.AZURE: (re.compile(r"^(Standard|Basic)_[A-Za-z0-9_]+$"), "Standard_D4ds_v5"),
    Target.AWS: (re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$"), "m6i.xlarge"),
    Target.GCP: (re.compile(r"^[a-z][a-z0-9]*-[a-z0-9-]+$"), "e2-standard-4"),
}
_CLOUDS = {Target.AZURE: "Azure", Target.AWS: "AWS", Target.GCP: "GCP"}
_EXAMPLES = {
    Target.AZURE: "an Azure location like westeurope or eastus2",
    Target.AWS: "an AWS region like eu-west-1 or us-gov-west-1",
    Target.GCP: "a GCP region like europe-west1 or us-central1",
}


def zone_paths(dp: DataPlaneSpec) -> list[tuple[str, str]]:
    """Every zone the stack names, with its key path: the network's, then each node pool's."""
    zones = [
        (f"dataplane.network.availabilityZones[{i}]", z)
        for i, z in enumerate(dp.network.availability_zones)
    ]
    zones += [
        (f"dataplane.cluster.nodePools[{i}].zones[{j}]", z)
        for i, pool in enumerate(dp.cluster.node_pools)
        for j, z in enumerate(pool.zones)
    ]
    return zones


def region_problems(stack: StackSpec) -> Iterator[Finding]:
    """A region, zone or machine size that is not a name of the target's cloud."""
    dp = stack.dataplane
    pattern = {Target.AZURE: AZURE_REGION, Target.AWS: AWS_REGION, Target.GCP: GCP_REGION}.get(
        dp.target
    )
    if pattern is None:
        return  # on-prem: any label
    size_pattern, size_example = VM_SIZES[dp.target]
    for i, pool in enumerate(dp.cluster.node_pools):
        if pool.vm_size != "standard" and not size_pattern.match(pool.vm_size):
            yield (
                f"dataplane.cluster.nodePools[{i}].vmSize",
                f"{pool.vm_size!r} is not a machine size on {_CLOUDS[dp.target]}; expected "
                f"e.g. {size_example}, or standard for the target's default",
            )
    if not pattern.match(dp.region):
        yield (
            "dataplane.region",
            f"{dp.region!r} is not a region name on {_CLOUDS[dp.target]}; expected "
            f"{_EXAMPLES[dp.target]}",
        )
        return
    if dp.target is not Target.AZURE:
        return  # AWS and GCP zones are checked against the region in `cloud_checks`
    for path, zone in zone_paths(dp):
        if not AZURE_ZONE.match(zone):
            yield path, f"{zone!r} is not an Azure availability zone; expected 1, 2 or 3"
