"""One assembly per target, plus the shared system layer; each returns a `DataPlane`."""

from __future__ import annotations

import importlib

from pdpkit.dataplane.contract import DataPlane, GatewayRef
from pdpkit.spec.dataplane import DataPlaneSpec

__all__ = ["DataPlane", "GatewayRef", "NotImplementedTargetError", "build_dataplane"]


class NotImplementedTargetError(Exception):
    """The stack's target has no assembly yet."""


def build_dataplane(spec: DataPlaneSpec) -> DataPlane:
    """Provision the data plane of `spec`, importing only its own target's cloud SDK."""
    try:
        module = importlib.import_module(f"pdpkit.dataplane.{spec.target.value}")
    except ModuleNotFoundError as error:
        if error.name == f"pdpkit.dataplane.{spec.target.value}":
            raise NotImplementedTargetError(
                f"target {spec.target.value!r} is not implemented yet"
            ) from None
        raise
    dataplane: DataPlane = module.build(spec)
    return dataplane
