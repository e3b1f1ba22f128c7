"""Shared building blocks of the stack spec: the base model and constrained types."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints
from pydantic.alias_generators import to_camel

DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class SpecModel(BaseModel):
    """Base of every spec model: immutable, closed (unknown keys are errors), camelCase keys."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        use_enum_values=False,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )


def _dns_label(value: str) -> str:
    if not DNS_LABEL.match(value):
        raise ValueError(
            "must be a DNS label: lowercase letters, digits and '-', "
            "starting and ending with a letter or digit, at most 63 characters"
        )
    return value


def _cidr(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"is not a CIDR block ({error}); expected e.g. 10.0.0.0/16") from None
    return str(network)


def _semver(value: str) -> str:
    if not re.fullmatch(r"\d+\.\d+(\.\d+)?", value):
        raise ValueError("must be a version like 1.30 or 1.30.4")
    return value


def _duration(value: str) -> str:
    if not re.fullmatch(r"(\d+(s|m|h|d))+", value):
        raise ValueError("must be a duration like 30s, 10m, 24h or 7d")
    return value


DnsName = Annotated[str, AfterValidator(_dns_label)]
"""A DNS label (RFC 1123): used for every name that becomes a Kubernetes or cloud name."""

Cidr = Annotated[str, AfterValidator(_cidr)]
"""An IPv4 or IPv6 network in CIDR notation, host bits zero (10.0.0.0/16)."""

Version = Annotated[str, AfterValidator(_semver)]
"""A MAJOR.MINOR or MAJOR.MINOR.PATCH version."""

Duration = Annotated[str, AfterValidator(_duration)]
"""A duration such as 30s, 10m, 24h or 7d."""

NonEmptyStr = Annotated[str, StringConstraints(min_length=1)]


def duration_seconds(value: str) -> int:
    """Seconds in a `Duration` string (``1h30m`` is 5400)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([smhd])", value))
