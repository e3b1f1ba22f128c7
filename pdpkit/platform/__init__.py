"""The platform layer: environments, integrations, tracks and promotion on top of data planes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pdpkit.dataplane.contract import DataPlane
from pdpkit.spec.platform import PlatformSpec


def deploy_platform(
    platform: PlatformSpec, dataplane: DataPlane, images: Mapping[tuple[str, str], str]
) -> Mapping[str, Any]:
    """Declare the platform's resources on `dataplane`; return stack outputs to export."""
    del platform, dataplane, images
    return {}
