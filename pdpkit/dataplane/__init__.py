"""One assembly per target, plus the shared system layer; each returns a `DataPlane`."""

from __future__ import annotations

import importlib

from pdpkit.dataplane.contract import DataPlane, GatewayRef
from pdpkit.spec.dataplane import DataPlaneSpec

__all__ = ["DataPlane", "GatewayRef", "build_dataplane"]


def build_dataplane(spec: DataPlaneSpec) -> DataPlane:
    """Provision the data plane of `spec`, importing only its own target's cloud SDK."""
    module = importlib.import_module(f"pdpkit.dataplane.{spec.target.value}")
    dataplane: DataPlane = module.build(spec)
    return dataplane
