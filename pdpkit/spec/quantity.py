"""Kubernetes resource quantities (``500m``, ``512Mi``, ``2``): their value and their bounds.

The spec's `Quantity` pattern accepts a subset of apimachinery's grammar (decimal numbers
with an optional ``m k M G T`` or ``Ki Mi Gi Ti`` suffix). What the grammar does not say:
"no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have
more than 3 decimal places. Numbers larger or more precise will be capped or rounded up"
(kubernetes/apimachinery v0.34.1 pkg/api/resource/quantity.go:61-64). A capped or rounded
quantity is not the one the spec asked for, so both are errors here.
"""

from __future__ import annotations

import re
from decimal import Decimal

SUFFIXES = {
    "m": Decimal("0.001"),
    "": Decimal(1),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
}
INT64_MAX = 2**63 - 1
"""The largest magnitude a quantity holds (apimachinery quantity.go:61-64)."""


def split(quantity: str) -> tuple[Decimal, str]:
    """The number and the suffix of a quantity the spec's pattern accepted."""
    number = re.match(r"[0-9.]*", quantity)
    assert number is not None  # matches the empty string at least
    return Decimal(number.group()), quantity[number.end() :]


def value(quantity: str) -> Decimal:
    """The quantity in base units (cores or bytes), exactly."""
    number, suffix = split(quantity)
    return number * SUFFIXES[suffix]


def bound_problem(quantity: str) -> str | None:
    """Why Kubernetes would not store `quantity` as written (capped or rounded), or None."""
    exact = value(quantity)
    if exact > INT64_MAX:
        return (
            f"{quantity} is more than 2^63-1 ({INT64_MAX}), the largest quantity Kubernetes "
            "holds (larger ones are capped)"
        )
    if (exact * 1000) % 1:
        return (
            f"{quantity} has more than 3 decimal places in base units; Kubernetes rounds it up "
            "(0.1m becomes 1m)"
        )
    return None
