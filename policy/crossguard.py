"""pdpkit.policy rules as CrossGuard policies, with the stack's context and waivers.

A resource rule becomes a `ResourceValidationPolicy`, a plan rule a `StackValidationPolicy`;
enforcement levels follow severities (mandatory -> MANDATORY, advisory -> ADVISORY). The
stack (and so its production flag, log retention and waivers) is the one Pulumi runs:
``PULUMI_STACK`` (set by the engine for the analyzer), or ``PDP_STACK``. Waived violations are
not reported by their rule; the advisory policy ``PDP-WAIVED`` lists them with their
justification, so a preview shows every waiver as the offline plan does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from pdpkit.policy import RULES, PlanRule, PolicyContext, PolicyResource, ResourceRule, Rule
from pdpkit.policy.catalog import WAIVER_RULES
from pdpkit.policy.evaluation import (
    apply_waivers,
    violations,
    waiver_problems,
    waivers_in_force,
)
from pdpkit.spec.enums import Severity
from pdpkit.spec.stack import PolicyWaiver

POLICY_PACK_NAME = "pdpkit"
ROOT = Path(__file__).resolve().parents[1]
UNKNOWN = "[unknown]"
LEVELS = {
    Severity.MANDATORY: EnforcementLevel.MANDATORY,
    Severity.ADVISORY: EnforcementLevel.ADVISORY,
}


def stack_settings(root: Path = ROOT) -> tuple[PolicyContext, tuple[PolicyWaiver, ...]]:
    """The running stack's policy context and waivers (defaults when no stack file is found)."""
    stack = (os.environ.get("PDP_STACK") or os.environ.get("PULUMI_STACK") or "").rsplit("/", 1)[-1]
    if not stack or not (root / "stacks" / f"Pulumi.{stack}.yaml").is_file():
        return PolicyContext(), ()
    from pdpkit.spec.loader import load_stack

    spec = load_stack(root, stack)
    return PolicyContext.of(spec), spec.policy.waivers


def plain(value: Any) -> Any:
    """A plain copy of CrossGuard's props; values unknown during preview read as ``[unknown]``."""
    if isinstance(value, Mapping):
        copied = {}
        for key in list(value.keys()):
            try:
                copied[key] = plain(value[key])
            except UnknownValueError:
                copied[key] = UNKNOWN
        return copied
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        copied_list = []
        for i in range(len(value)):
            try:
                copied_list.append(plain(value[i]))
            except UnknownValueError:
                copied_list.append(UNKNOWN)
        return copied_list
    return value


def waived(rule_id: str, name: str, waivers: Sequence[PolicyWaiver]) -> str | None:
    """The justification of the waiver (in force: see `policies`) covering `name`, if any."""
    for waiver in waivers:
        if waiver.rule == rule_id and (not waiver.resources or name in waiver.resources):
            return waiver.justification
    return None


def resource_policy(
    rule: ResourceRule, context: PolicyContext, waivers: Sequence[PolicyWaiver]
) -> Policy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in rule.types or (
            rule.waivable and waived(rule.id, args.name, waivers)
        ):
            return
        for message in rule.violations(args.resource_type, plain(args.props), context):
            report_violation(f"{message}. {rule.remediation}", None)

    return ResourceValidationPolicy(
        name=rule.id,
        description=rule.description,
        enforcement_level=LEVELS[rule.severity],
        validate=validate,
        remediation_steps=rule.remediation,
    )


def stack_resources(args: StackValidationArgs) -> list[PolicyResource]:
    return [
        PolicyResource(
            urn=r.urn,
            type=r.resource_type,
            name=r.name,
            inputs=plain(r.props),
            protect=bool(r.opts.protect),
            retain_on_delete=None,  # CrossGuard does not expose retainOnDelete
            parent=r.parent.urn if r.parent is not None else "",
            dependencies=tuple(d.urn for d in r.dependencies),
        )
        for r in args.resources
    ]


def stack_policy(rule: PlanRule, context: PolicyContext, waivers: Sequence[PolicyWaiver]) -> Policy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for resource, message in rule.violations(stack_resources(args), context):
            if not (rule.waivable and waived(rule.id, resource.name, waivers)):
                report_violation(f"{message}. {rule.remediation}", resource.urn)

    return StackValidationPolicy(
        name=rule.id,
        description=rule.description,
        enforcement_level=LEVELS[rule.severity],
        validate=validate,
        remediation_steps=rule.remediation,
    )


def waiver_policy(context: PolicyContext, waivers: Sequence[PolicyWaiver]) -> Policy:
    """Reports every waived violation and every waiver naming an unknown rule."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        found = violations(stack_resources(args), context)
        for verdict in apply_waivers(found, waivers, context):
            if verdict.waiver is not None:
                report_violation(
                    f"{verdict.rule} waived: {verdict.message} ({verdict.waiver})", verdict.urn
                )

    return StackValidationPolicy(
        name="PDP-WAIVED",
        description="Violations the stack waives, with their justification.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=validate,
    )


def waiver_rule_policies(context: PolicyContext, waivers: Sequence[PolicyWaiver]) -> list[Policy]:
    """The policy's rules over the waivers themselves (unknown or unwaivable rule, production
    scope, expiry), each reporting the waivers that break it."""
    problems = waiver_problems(waivers, context)
    made: list[Policy] = []
    for rule in WAIVER_RULES:
        if not rule.crossguard:
            continue
        mine = [p for p in problems if p.rule.id == rule.id]

        def validate(
            _args: StackValidationArgs,
            report_violation: ReportViolation,
            mine: list[Any] = mine,
        ) -> None:
            for problem in mine:
                report_violation(f"{problem.where}: {problem.message}", None)

        made.append(
            StackValidationPolicy(
                name=rule.id,
                description=rule.description,
                enforcement_level=LEVELS[rule.severity],
                validate=validate,
                remediation_steps=rule.remediation,
            )
        )
    return made


def policies(
    context: PolicyContext | None = None, waivers: Sequence[PolicyWaiver] | None = None
) -> list[Policy]:
    """Every policy of the pack for `context` and `waivers` (default: the running stack's)."""
    if context is None or waivers is None:
        context, waivers = stack_settings()
    in_force = [waiver for _, waiver in waivers_in_force(waivers, context)]
    made: list[Policy] = []
    rule: Rule
    for rule in RULES:
        if not rule.crossguard:
            continue
        if isinstance(rule, ResourceRule):
            made.append(resource_policy(rule, context, in_force))
        elif rule.check is not None:
            made.append(stack_policy(rule, context, in_force))
    return [*made, *waiver_rule_policies(context, waivers), waiver_policy(context, waivers)]
