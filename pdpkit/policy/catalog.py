"""Every rule, in a stable order: the rule modules' rules, then the policy's own."""

from __future__ import annotations

from types import ModuleType

from pdpkit.policy import (
    aws,
    aws_s3,
    azure,
    azure_monitoring,
    data_protection,
    gcp,
    kubernetes,
    kubernetes_plan,
    references,
)
from pdpkit.policy.model import ADVISORY, MANDATORY, PlanRule, ResourceRule, Rule, Scope

WAIVER_KNOWN_RULE = PlanRule(
    "PDP-WAIVER-KNOWN-RULE",
    MANDATORY,
    Scope.PDP,
    "Every waiver in pdp:policy names a rule that exists (a misspelt id would waive nothing "
    "and hide that the exception is not in force).",
    "Use an id from `pdp policy list`.",
)
WAIVER_USED = PlanRule(
    "PDP-WAIVER-USED",
    ADVISORY,
    Scope.PDP,
    "Every waiver matches at least one violation; a stale waiver is an exception nobody needs.",
    "Remove the waiver, or fix its resource names.",
    crossguard=False,
)


def _rules_of(module: ModuleType) -> list[Rule]:
    return [v for v in vars(module).values() if isinstance(v, ResourceRule | PlanRule)]


RULES: tuple[Rule, ...] = (
    *(
        rule
        for module in (
            azure,
            azure_monitoring,
            aws,
            aws_s3,
            gcp,
            kubernetes,
            kubernetes_plan,
            data_protection,
            references,
        )
        for rule in _rules_of(module)
    ),
    WAIVER_KNOWN_RULE,
    WAIVER_USED,
)
"""Every rule of the policy (what `pdp policy list` shows)."""

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
