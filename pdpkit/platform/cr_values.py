"""Reading typed values out of a parsed custom resource, with errors naming the key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


class IntegrationCrError(ValueError):
    """A CR that cannot be imported; `key` is the dotted path of what is wrong."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise IntegrationCrError(where, f"got {value!r}; expected a mapping")
    return value


def known(value: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in value:
        if key not in allowed:
            raise IntegrationCrError(
                f"{where}.{key}".lstrip("."),
                f"unknown key; expected one of {', '.join(sorted(allowed))}",
            )


def whole(value: Any, where: str, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or not re.fullmatch(r"\d+", str(value))
    ):
        raise IntegrationCrError(where, f"got {value!r}; expected a whole number")
    number = int(value)
    if not low <= number <= high:
        raise IntegrationCrError(where, f"got {number}; expected {low}..{high}")
    return number


def boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise IntegrationCrError(
        where, f'got {value!r}; expected true or false (or the strings "true"/"false")'
    )


def name_of(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise IntegrationCrError(where, f"got {value!r}; expected a non-empty name")
    return value.strip()
