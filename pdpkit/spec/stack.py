"""A whole stack: the data plane, the platform on top, and the policy waivers."""

from __future__ import annotations

from pydantic import Field

from pdpkit.spec.base import NonEmptyStr, SpecModel
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.platform import PlatformSpec


class PolicyWaiver(SpecModel):
    """A deliberate, justified exception to one policy rule; the plan lists every waiver."""

    rule: str = Field(pattern=r"^[A-Z][A-Z0-9]*-[A-Z0-9-]+$")
    """Rule id (``pdp policy list``)."""
    justification: str = Field(min_length=20)
    """Why the rule does not apply here (at least a sentence)."""
    resources: tuple[NonEmptyStr, ...] = ()
    """Logical names the waiver covers; left out: every resource."""


class PolicySpec(SpecModel):
    """The `pdp:policy` section."""

    waivers: tuple[PolicyWaiver, ...] = ()
    """Deliberate exceptions, each with a written justification; the plan lists them."""


class StackSpec(SpecModel):
    """Everything one stack declares (`pdp:dataplane`, `pdp:platform`, `pdp:policy`)."""

    dataplane: DataPlaneSpec
    """The data plane this stack provisions (`pdp:dataplane`)."""
    platform: PlatformSpec | None = None
    """Environments, integrations and promotion (`pdp:platform`); left out: the data plane only."""
    policy: PolicySpec = PolicySpec()
    """Policy waivers (`pdp:policy`); left out: every rule applies."""
