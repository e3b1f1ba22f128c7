"""What every cross-field check yields, and the helpers they share."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

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


def choices(name: str, known: Iterable[str]) -> str:
    """'did you mean X? expected one of …' for a name that does not resolve."""
    names = sorted(known)
    if not names:
        return "none are defined"
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}expected one of {', '.join(names)}"
