"""The one "did you mean" helper: the known name closest to a misspelt one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name` (difflib's ratio at least 0.6), if any."""
    matches = difflib.get_close_matches(name, sorted(set(known)), n=1)
    return matches[0] if matches else None


def choices(name: str, known: Iterable[str], listing: str = "expected one of") -> str:
    """``did you mean 'x'? expected one of a, b`` for a name that does not resolve."""
    names = sorted(set(known))
    if not names:
        return "none are defined"
    close = closest(name, names)
    hint = f"did you mean {close!r}? " if close else ""
    return f"{hint}{listing} {', '.join(names)}"
