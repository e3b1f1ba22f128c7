"""The release ledger: which build runs in which environment (placeholder until issue 8)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pdpkit.spec.platform import PlatformSpec


def deployed_images(platform: PlatformSpec, root: Path) -> Mapping[tuple[str, str], str]:
    """Image per (integration, environment) that the ledger says is deployed."""
    del platform, root
    return {}
