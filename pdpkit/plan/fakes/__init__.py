"""Realistic outputs per resource type, as each provider would return them.

One module per provider family; each maps a type token (or a prefix ending in ``:``)
to a function ``(name, inputs) -> outputs``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from pdpkit.plan.fakes import aws, azure, gcp, kubernetes

Fake = Callable[[str, dict[str, Any]], dict[str, Any]]
_TABLE: dict[str, Fake] = {**kubernetes.OUTPUTS, **azure.OUTPUTS, **aws.OUTPUTS, **gcp.OUTPUTS}
_CALLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    **kubernetes.CALLS,
    **azure.CALLS,
    **aws.CALLS,
    **gcp.CALLS,
}


def stable_id(*parts: str) -> str:
    """A deterministic fake id (hex) derived from the given parts."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:16]


def fake_outputs(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The id and outputs a provider would return for a new resource."""
    fake = (
        _TABLE.get(type_)
        or _TABLE.get(type_.rsplit(":", 1)[0] + ":")  # module prefix: aws:ec2:
        or _TABLE.get(type_.split(":", 1)[0] + ":")  # provider prefix: kubernetes:
    )
    outputs = fake(name, inputs) if fake else {}
    resource_id = str(outputs.pop("id", None) or f"{name}-{stable_id(type_, name)}")
    return resource_id, outputs


def fake_call(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """The result of a provider function (an invoke)."""
    fake = _CALLS.get(token)
    return fake(args) if fake else {}
