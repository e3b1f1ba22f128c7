"""Consoles for the CLI's tables: whole lines when the output is a CI log or a file."""

from __future__ import annotations

import os

from rich.console import Console

LOG_WIDTH = 1000
"""Columns when the output is not a terminal: rich's default (80) would cut rule ids,
resource names and `fix:` texts exactly where a CI log needs them whole."""


def console(stderr: bool = False) -> Console:
    """A console as wide as the terminal, or unbounded when writing to a log or a file."""
    terminal = Console(stderr=stderr)
    if terminal.is_terminal or "COLUMNS" in os.environ:
        return terminal
    return Console(stderr=stderr, width=LOG_WIDTH)


def plural(count: int, noun: str) -> str:
    """``1 resource``, ``2 resources``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
