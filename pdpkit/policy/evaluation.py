"""`evaluate`: every rule over every resource, then the stack's waivers."""

from __future__ import annotations

from collections.abc import Sequence

from pdpkit.policy.catalog import RULES, RULES_BY_ID, WAIVER_KNOWN_RULE, WAIVER_USED
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


def apply_waivers(found: Sequence[Verdict], waivers: Sequence[PolicyWaiver]) -> list[Verdict]:
    """Waived copies of the violations a waiver covers, plus verdicts on the waivers themselves."""
    result: list[Verdict] = []
    used: set[int] = set()
    for verdict in found:
        index = next((i for i, w in enumerate(waivers) if _covers(w, verdict)), None)
        if index is None:
            result.append(verdict)
        else:
            used.add(index)
            result.append(_waived(verdict, waivers[index].justification))
    for i, waiver in enumerate(waivers):
        where = f"pdp:policy.waivers[{i}]"
        if waiver.rule not in RULES_BY_ID:
            close = closest(waiver.rule, RULES_BY_ID)
            hint = f"; did you mean {close}?" if close else "; see `pdp policy list`"
            result.append(
                Verdict(
                    WAIVER_KNOWN_RULE.id,
                    WAIVER_KNOWN_RULE.severity,
                    where,
                    f"waiver for unknown rule {waiver.rule}{hint}",
                    remediation=WAIVER_KNOWN_RULE.remediation,
                )
            )
        elif i not in used:
            names = f" on {', '.join(waiver.resources)}" if waiver.resources else ""
            result.append(
                Verdict(
                    WAIVER_USED.id,
                    WAIVER_USED.severity,
                    where,
                    f"waiver of {waiver.rule}{names} matches no violation",
                    remediation=WAIVER_USED.remediation,
                )
            )
    return result


def evaluate(resources: Sequence[PolicyResource], stack: StackSpec) -> list[Verdict]:
    """Every violation in `resources`, waivers applied (waived verdicts carry the justification)."""
    return apply_waivers(violations(resources, PolicyContext.of(stack)), stack.policy.waivers)


def _covers(waiver: PolicyWaiver, verdict: Verdict) -> bool:
    return waiver.rule == verdict.rule and (
        not waiver.resources or verdict.resource in waiver.resources
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
