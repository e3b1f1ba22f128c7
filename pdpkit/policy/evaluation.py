"""`evaluate`: every rule over every resource, then the stack's waivers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pdpkit.policy.catalog import (
    MAX_WAIVER_DAYS,
    RULES,
    RULES_BY_ID,
    WAIVER_EXPIRY,
    WAIVER_KNOWN_RULE,
    WAIVER_SCOPED,
    WAIVER_USED,
    WAIVER_WAIVABLE,
)
from pdpkit.policy.model import PlanRule, PolicyContext, PolicyResource, ResourceRule, Verdict
from pdpkit.spec.stack import PolicyWaiver, StackSpec
from pdpkit.spec.suggestions import closest


def violations(resources: Sequence[PolicyResource], context: PolicyContext) -> list[Verdict]:
    """Every violation of every rule, before waivers, in a stable order."""
    found: list[Verdict] = []
    # index by type once: a rule only sees the resources of its types (plans run to 10^4+)
    by_type: dict[str, list[tuple[int, PolicyResource]]] = {}
    for index, resource in enumerate(resources):
        by_type.setdefault(resource.type, []).append((index, resource))
    for rule in RULES:
        if isinstance(rule, ResourceRule):
            candidates = sorted(
                (pair for type_ in set(rule.types) for pair in by_type.get(type_, ())),
                key=lambda pair: pair[0],
            )
            for _, resource in candidates:
                for message in rule.violations(resource.type, resource.inputs, context):
                    found.append(_verdict(rule, resource, message))
        elif isinstance(rule, PlanRule):
            for resource, message in rule.violations(resources, context):
                found.append(_verdict(rule, resource, message))
    return found


@dataclass(frozen=True)
class WaiverProblem:
    """Why one waiver is not in force."""

    index: int
    """Position in ``pdp:policy.waivers``."""
    rule: PlanRule
    """The waiver rule it breaks (PDP-WAIVER-*)."""
    message: str

    @property
    def where(self) -> str:
        return f"pdp:policy.waivers[{self.index}]"

    def verdict(self) -> Verdict:
        return Verdict(
            self.rule.id,
            self.rule.severity,
            self.where,
            self.message,
            remediation=self.rule.remediation,
        )


def waiver_problems(waivers: Sequence[PolicyWaiver], context: PolicyContext) -> list[WaiverProblem]:
    """Every reason a waiver is void: an unknown or unwaivable rule, a production waiver
    without resources or expiry, an expiry past or too far ahead (judged on `context.today`)."""
    found: list[WaiverProblem] = []
    latest = context.today + timedelta(days=MAX_WAIVER_DAYS)
    for i, waiver in enumerate(waivers):
        rule = RULES_BY_ID.get(waiver.rule)
        if rule is None:
            close = closest(waiver.rule, RULES_BY_ID)
            hint = f"; did you mean {close}?" if close else "; see `pdp policy list`"
            found.append(
                WaiverProblem(i, WAIVER_KNOWN_RULE, f"waiver for unknown rule {waiver.rule}{hint}")
            )
        elif not rule.waivable:
            found.append(
                WaiverProblem(
                    i,
                    WAIVER_WAIVABLE,
                    f"{waiver.rule} cannot be waived; the waiver waives nothing",
                )
            )
        if context.production:
            missing = [
                what
                for what, absent in (
                    ("resources", not waiver.resources),
                    ("expires", waiver.expires is None),
                )
                if absent
            ]
            if missing:
                found.append(
                    WaiverProblem(
                        i,
                        WAIVER_SCOPED,
                        f"waiver of {waiver.rule} in a production stack lacks "
                        f"{' and '.join(missing)}; it waives nothing until it names both",
                    )
                )
        if waiver.expires is not None:
            found += _expiry(i, waiver, waiver.expires, context.today, latest)
    return found


def _expiry(
    index: int, waiver: PolicyWaiver, expires: date, today: date, latest: date
) -> list[WaiverProblem]:
    if expires < today:
        message = f"waiver of {waiver.rule} expired on {expires}; its violations are back"
    elif expires > latest:
        message = (
            f"waiver of {waiver.rule} expires on {expires}, more than {MAX_WAIVER_DAYS} days "
            f"ahead (latest {latest}); it waives nothing until it is reviewed"
        )
    else:
        return []
    return [WaiverProblem(index, WAIVER_EXPIRY, message)]


def waivers_in_force(
    waivers: Sequence[PolicyWaiver], context: PolicyContext
) -> list[tuple[int, PolicyWaiver]]:
    """The waivers that waive (with their position): those `waiver_problems` finds nothing in."""
    void = {problem.index for problem in waiver_problems(waivers, context)}
    return [(i, waiver) for i, waiver in enumerate(waivers) if i not in void]


def apply_waivers(
    found: Sequence[Verdict], waivers: Sequence[PolicyWaiver], context: PolicyContext
) -> list[Verdict]:
    """Waived copies of the violations a waiver in force covers, plus verdicts on the waivers
    themselves. A verdict of a rule that cannot be waived is never waived."""
    result: list[Verdict] = []
    in_force = waivers_in_force(waivers, context)
    used: set[int] = set()
    for verdict in found:
        index = next((i for i, w in in_force if _covers(w, verdict)), None)
        if index is None:
            result.append(verdict)
        else:
            used.add(index)
            result.append(_waived(verdict, waivers[index].justification))
    result += [problem.verdict() for problem in waiver_problems(waivers, context)]
    for i, waiver in in_force:
        if i not in used:
            names = f" on {', '.join(waiver.resources)}" if waiver.resources else ""
            result.append(
                Verdict(
                    WAIVER_USED.id,
                    WAIVER_USED.severity,
                    f"pdp:policy.waivers[{i}]",
                    f"waiver of {waiver.rule}{names} matches no violation",
                    remediation=WAIVER_USED.remediation,
                )
            )
    return result


def evaluate(
    resources: Sequence[PolicyResource], stack: StackSpec, today: date | None = None
) -> list[Verdict]:
    """Every violation in `resources`, waivers applied (waived verdicts carry the justification).

    `today` (default: the system clock, UTC) is the day waivers' expiry is judged on.
    """
    context = PolicyContext.of(stack, today=today)
    return apply_waivers(violations(resources, context), stack.policy.waivers, context)


def _covers(waiver: PolicyWaiver, verdict: Verdict) -> bool:
    rule = RULES_BY_ID.get(verdict.rule)
    return (
        rule is not None
        and rule.waivable
        and waiver.rule == verdict.rule
        and (not waiver.resources or verdict.resource in waiver.resources)
    )


def _verdict(rule: ResourceRule | PlanRule, resource: PolicyResource, message: str) -> Verdict:
    return Verdict(
        rule.id,
        rule.severity,
        resource.urn,
        message,
        resource=resource.name,
        remediation=rule.remediation,
    )


def _waived(verdict: Verdict, justification: str) -> Verdict:
    return Verdict(
        verdict.rule,
        verdict.severity,
        verdict.urn,
        verdict.message,
        justification,
        verdict.resource,
        verdict.remediation,
    )
