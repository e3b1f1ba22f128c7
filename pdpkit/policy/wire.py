"""Reading recorded wire inputs: nested camelCase keys, lists, unknown and secret values.

Providers spell some keys with an acronym (``authorizedIPRanges``, ``enableAzureRBAC``)
where a program passing a plain dict may write ``authorizedIpRanges``: keys are matched
exactly first, then without regard to case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

UNKNOWN = "[unknown]"
"""How the offline plan shows a value computed by the engine."""
SECRET = "[secret]"  # noqa: S105 (the mask, not a secret)
"""How the offline plan shows a secret value."""


def dig(value: Any, *path: str) -> Any:
    """The value at `path` under `value`, or None where any step is missing."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        if key in value:
            value = value[key]
            continue
        lowered = key.lower()
        value = next((v for k, v in value.items() if str(k).lower() == lowered), None)
    return value


def items(value: Any, *path: str) -> list[Any]:
    """The list at `path` (an absent or non-list value reads as empty)."""
    found = dig(value, *path)
    return list(found) if isinstance(found, list | tuple) else []


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def is_unknown(value: Any) -> bool:
    """Computed by the engine (or hidden as a secret): a rule cannot judge it."""
    return value in (UNKNOWN, SECRET)


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0", "*", "0.0.0.0"})  # noqa: S104 (what we reject)
"""Ranges that mean "the whole internet"."""


def open_ranges(cidrs: Iterable[Any]) -> list[str]:
    """The entries of `cidrs` that open an endpoint to the whole internet, sorted."""
    return sorted(set(map(str, cidrs)) & OPEN_CIDRS)


def retention_shortfall(inputs: Mapping[str, Any], key: str, minimum: int) -> Iterator[str]:
    """Why the retention in days at `key` is below `minimum` (unset and 0 are; unknown passes)."""
    value = dig(inputs, key)
    if is_unknown(value):
        return
    days = as_int(value)
    if days is None or days < minimum:
        yield f"{key} is {value}, needs at least {minimum}"
