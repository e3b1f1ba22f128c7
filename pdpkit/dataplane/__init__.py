"""One assembly per target, plus the shared system layer; each returns a `DataPlane`."""

from __future__ import annotations

import importlib
import importlib.util

import pulumi

from pdpkit.dataplane.contract import DataPlane, GatewayRef
from pdpkit.spec.dataplane import DataPlaneSpec

__all__ = ["CLOUD_SDKS", "DataPlane", "GatewayRef", "build_dataplane"]

CLOUD_SDKS = {"azure": "pulumi_azure_native", "aws": "pulumi_aws", "gcp": "pulumi_gcp"}
"""The cloud SDK each target imports; each is an extra of its own (pyproject.toml)."""


def build_dataplane(spec: DataPlaneSpec) -> DataPlane:
    """Provision the data plane of `spec`, importing only its own target's cloud SDK."""
    target = spec.target.value
    sdk = CLOUD_SDKS.get(target)
    if sdk is not None and importlib.util.find_spec(sdk) is None:
        raise pulumi.RunError(
            f"data plane {spec.name!r} targets {target}, and its SDK ({sdk}) is not installed "
            f"here; install pdpkit's {target} extra: pip install -e '.[{target}]'"
        )
    module = importlib.import_module(f"pdpkit.dataplane.{target}")
    dataplane: DataPlane = module.build(spec)
    return dataplane
