"""What every cross-field check yields, and the helpers they share."""

from __future__ import annotations

from collections.abc import Iterable

from pdpkit.spec.suggestions import choices

__all__ = ["Finding", "choices", "unique_names"]

Finding = tuple[str, str]
"""A problem as (dotted key path, message); the loader locates it in the file."""


def unique_names(path: str, names: Iterable[str]) -> list[Finding]:
    seen: dict[str, int] = {}
    findings = []
    for i, name in enumerate(names):
        if name in seen:
            findings.append(
                (
                    f"{path}[{i}].name",
                    f"duplicate name {name!r} (also at [{seen[name]}]); names must be unique",
                )
            )
        seen.setdefault(name, i)
    return findings
