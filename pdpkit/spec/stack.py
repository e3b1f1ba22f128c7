"""A whole stack: the data plane, the platform on top, and the policy waivers."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import Field, field_validator

from pdpkit.spec.base import NonEmptyStr, SpecModel
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.platform import PlatformSpec

MIN_JUSTIFICATION_WORDS = 4
"""A justification has at least this many distinct words (of three letters or more)."""


def justification_problem(text: str) -> str | None:
    """Why `text` does not justify anything, or None. The rule (docs/policy.md):

    at least 20 characters; at least `MIN_JUSTIFICATION_WORDS` distinct words of three or more
    letters (case ignored); no word repeated to pad it (distinct words are at least half of
    all words); no letter four times in a row (``xxxx``, ``aaaa``: no English word has one).
    """
    words = [w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)]
    distinct = set(words)
    if len(text.strip()) < 20 or len(distinct) < MIN_JUSTIFICATION_WORDS:
        return (
            f"says too little ({len(distinct)} distinct words); write at least a sentence of "
            f"{MIN_JUSTIFICATION_WORDS} different words on why the rule does not apply here"
        )
    if len(distinct) * 2 < len(words):
        return "repeats its words; say why the rule does not apply here, once"
    if re.search(r"([^\W\d_])\1{3,}", text):
        return "pads with a repeated letter; say why the rule does not apply here"
    return None


class PolicyWaiver(SpecModel):
    """A deliberate, justified exception to one policy rule; the plan lists every waiver."""

    rule: str = Field(pattern=r"^[A-Z][A-Z0-9]*-[A-Z0-9-]+$")
    """Rule id (``pdp policy list``)."""
    justification: str
    """Why the rule does not apply here: at least a sentence (`justification_problem`)."""
    resources: tuple[NonEmptyStr, ...] = ()
    """Logical names the waiver covers; left out: every resource (not in production stacks)."""
    expires: date | None = None
    """The last day the waiver is in force (``YYYY-MM-DD``, UTC); required in production
    stacks, and at most `pdpkit.policy.MAX_WAIVER_DAYS` ahead. Left out: no end (outside
    production)."""

    @field_validator("justification")
    @classmethod
    def _says_something(cls, value: str) -> str:
        problem = justification_problem(value)
        if problem is not None:
            raise ValueError(f"the justification {problem}")
        return value

    @field_validator("expires", mode="before")
    @classmethod
    def _a_day(cls, value: Any) -> Any:
        # A YAML date reads as a date; the engine may pass it as text, or (a YAML reader
        # that decodes it as a timestamp) as midnight UTC in RFC 3339.
        if isinstance(value, datetime) or not isinstance(value, date | str):
            raise ValueError("is not a date; expected YYYY-MM-DD like 2026-03-31")
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(T00:00:00Z)?", value)
            if match is None:
                raise ValueError(f"{value!r} is not a date; expected YYYY-MM-DD like 2026-03-31")
            return match.group(1)
        return value


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
