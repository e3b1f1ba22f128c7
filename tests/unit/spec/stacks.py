"""Raw (unvalidated) sections of the example stacks, for mutation and error tests."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from pdpkit.spec.loader import load_platform_dir, section_locations
from pdpkit.spec.yamlmap import read_yaml

ROOT = Path(__file__).resolve().parents[3]


@cache
def _raw_sections(stack: str) -> dict[str, Any]:
    located = read_yaml(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    sections = {
        k.partition(":")[2]: v for k, v in located.data["config"].items() if k.startswith("pdp:")
    }
    platform = sections.get("platform")
    if isinstance(platform, dict) and set(platform) == {"path"}:
        sections["platform"] = load_platform_dir(
            ROOT, platform["path"], dict(section_locations(located))
        )
    return sections


def raw_sections(stack: str) -> dict[str, Any]:
    """A fresh deep copy of a stack's `pdp:*` sections (platform directories inlined)."""
    return copy.deepcopy(_raw_sections(stack))
