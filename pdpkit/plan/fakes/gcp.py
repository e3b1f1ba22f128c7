"""Realistic outputs of gcp resources under the mock monitor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

OUTPUTS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {}
CALLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
