"""Small pieces of wording the commands share."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 problem``, ``2 problems``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
