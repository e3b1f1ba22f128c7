"""`FakeRun`: what the fakes learn while one program runs, and how they mark made-up values.

One `FakeRun` per plan (owned by the mocks instance), so two plans in one process never see
each other's subscription, account or clusters. A fake wraps every value it had to make up (an
id, a GUID, a hash in a host name: what a real provider decides) in `made(...)`; `fake_outputs`
unwraps them and reports their paths as *fabricated*, which the plan shows to reviewers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import rpc

UNKNOWN = rpc.UNKNOWN
"""The wire's unknown value: what the engine answers for a value it cannot know yet."""


@dataclass(frozen=True)
class Made:
    """A value a fake made up (never seen from a real provider)."""

    value: Any


def made(value: Any) -> Made:
    """Mark `value` as fabricated."""
    return Made(value)


@dataclass
class FakeRun:
    """Per-plan state of the fakes (nothing module-global)."""

    azure_subscription: str = "00000000-0000-0000-0000-000000000000"
    """From the explicit ``azure-native`` provider's ``subscriptionId`` (declared by the stack)."""
    azure_tenant: str = ""
    """From the provider's ``tenantId``; empty when the stack does not declare it."""
    azure_identities: dict[str, dict[str, Any]] = field(default_factory=dict)
    """User-assigned identity id -> its ``clientId`` and ``principalId`` (as answered)."""
    azure_clusters: dict[str, str] = field(default_factory=dict)
    """AKS cluster name -> API server host name (what a kubeconfig points at)."""
    aws: dict[str, str] = field(default_factory=dict)
    """``account`` and ``region`` of the explicit ``aws`` provider (declared by the stack)."""
    aws_subnet_vpcs: dict[str, str] = field(default_factory=dict)
    """Subnet id -> the VPC id it was created in (so a cluster's ``vpcId`` is its subnets')."""


def unwrap(value: Any, path: str, found: list[str]) -> Any:
    """`value` without `Made` markers; the path of each marked value is appended to `found`."""
    if isinstance(value, Made):
        found.append(path)
        return unwrap(value.value, path, [])
    if isinstance(value, dict):
        return {k: unwrap(v, join(path, k), found) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v, f"{path}[{i}]", found) for i, v in enumerate(value)]
    return value


def join(path: str, key: str) -> str:
    """``path.key``, or ``path["key"]`` for a key that is not a plain name (an ARM id)."""
    if not key.replace("_", "a").replace("-", "a").isalnum():
        return f"{path}[{json.dumps(key)}]"
    return f"{path}.{key}" if path else key


def leaf_paths(value: Any, path: str = "") -> Iterator[str]:
    """Every leaf's path in `value`, spelt as `unwrap` spells fabricated paths."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaf_paths(item, join(path, key))
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            yield from leaf_paths(item, f"{path}[{i}]")
    else:
        yield path


def unknown_beyond(outputs: Any, inputs: Any) -> Any:
    """`outputs` where every value that is not among `inputs` is unknown (a preview's answer).

    Where the provider answers in another shape than it was asked (AKS takes a list of
    identity ids and answers a map keyed by them), the answer keeps its shape, every value
    unknown, so the program's typed outputs still deserialize.
    """
    if isinstance(outputs, dict) and isinstance(inputs, dict):
        return {
            k: unknown_beyond(v, inputs[k]) if k in inputs else UNKNOWN for k, v in outputs.items()
        }
    if isinstance(outputs, dict):
        return dict.fromkeys(outputs, UNKNOWN)
    return inputs
