"""Policy as code: rules as pure functions over (resource type, inputs).

`evaluate` is what `pdp plan` and the CrossGuard pack call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdpkit.spec.enums import Severity
from pdpkit.spec.stack import StackSpec


@dataclass(frozen=True)
class PolicyResource:
    """A resource as the rules see it."""

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    protect: bool = False
    retain_on_delete: bool = False


@dataclass(frozen=True)
class Verdict:
    """One violation of one rule by one resource."""

    rule: str
    severity: Severity
    urn: str
    message: str
    waiver: str | None = None
    """The stack's justification when the rule is waived for this resource."""


def evaluate(resources: Sequence[PolicyResource], stack: StackSpec) -> list[Verdict]:
    """Every violation in `resources`, waivers applied."""
    del resources, stack
    return []
