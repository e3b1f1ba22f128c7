"""Realistic outputs per resource type, as each provider would return them.

One module per provider family; each maps a type token (or a prefix ending in ``:``)
to a function ``(run, name, inputs) -> outputs``. Fakes echo: an output is derived from the
inputs, from the per-plan `FakeRun` (what the stack declared to the providers) and from the
provider's documented behaviour; a value only a real provider could decide is wrapped in
`made(...)` and reported as fabricated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, NamedTuple

from pdpkit.plan.fakes import aws, azure, gcp, kubernetes
from pdpkit.plan.fakes.run import UNKNOWN, FakeRun, Made, made, unknown_beyond, unwrap

Fake = Callable[[FakeRun, str, dict[str, Any]], dict[str, Any]]
Call = Callable[[FakeRun, dict[str, Any]], dict[str, Any]]
_TABLE: dict[str, Fake] = {**kubernetes.OUTPUTS, **azure.OUTPUTS, **aws.OUTPUTS, **gcp.OUTPUTS}
_CALLS: dict[str, Call] = {**kubernetes.CALLS, **azure.CALLS, **aws.CALLS, **gcp.CALLS}

__all__ = [
    "UNKNOWN",
    "Answer",
    "FakeRun",
    "Made",
    "fake_call",
    "fake_outputs",
    "made",
    "stable_id",
    "unknown_beyond",
]


class Answer(NamedTuple):
    """A provider's answer to a create: the id, the outputs, and which of them were made up."""

    id: str
    outputs: dict[str, Any]
    fabricated: tuple[str, ...]
    """Dotted paths (``id``, ``identityProfile.kubeletidentity.objectId``…) of made-up values."""


def stable_id(*parts: str) -> str:
    """A deterministic fake id (hex) derived from the given parts."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:16]


def fake_outputs(
    type_: str, name: str, inputs: dict[str, Any], run: FakeRun | None = None
) -> Answer:
    """The id and outputs a provider would return for a new resource (`run`: the plan's state;
    a fresh one when left out)."""
    fake = (
        _TABLE.get(type_)
        or _TABLE.get(type_.rsplit(":", 1)[0] + ":")  # module prefix: aws:ec2:
        or _TABLE.get(type_.split(":", 1)[0] + ":")  # provider prefix: kubernetes:
    )
    raw = fake(run or FakeRun(), name, inputs) if fake else {}
    raw_id = raw.pop("id", None)
    if raw_id is None:
        raw_id = made(f"{name}-{stable_id(type_, name)}")  # an id nobody derived
    fabricated: list[str] = []
    resource_id = str(unwrap(raw_id, "id", fabricated))
    outputs = unwrap(raw, "", fabricated)
    return Answer(resource_id, outputs, tuple(fabricated))


def fake_call(token: str, args: dict[str, Any], run: FakeRun | None = None) -> dict[str, Any]:
    """The result of a provider function (an invoke); `UNKNOWN` values where only the cloud
    could answer and the stack declares nothing."""
    fake = _CALLS.get(token)
    found: list[str] = []
    result: dict[str, Any] = unwrap(fake(run or FakeRun(), args), "", found) if fake else {}
    return result
