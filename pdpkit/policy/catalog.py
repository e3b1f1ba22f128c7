"""Every rule, in a stable order: the rule modules' rules, then the policy's own."""

from __future__ import annotations

from types import ModuleType

from pdpkit.policy import (
    aws,
    aws_s3,
    azure,
    azure_monitoring,
    data_protection,
    gateway_routes,
    gcp,
    ingress,
    kubernetes,
    kubernetes_plan,
    object_storage,
    observability_api,
    references,
    releases,
)
from pdpkit.policy.model import ADVISORY, MANDATORY, PlanRule, ResourceRule, Rule, Scope

MAX_WAIVER_DAYS = 90
"""A waiver's `expires` is at most this many days ahead: an exception is reviewed at least
every quarter (and a date decades away is no expiry at all)."""

WAIVER_KNOWN_RULE = PlanRule(
    "PDP-WAIVER-KNOWN-RULE",
    MANDATORY,
    Scope.PDP,
    "Every waiver in pdp:policy names a rule that exists (a misspelt id would waive nothing "
    "and hide that the exception is not in force).",
    "Use an id from `pdp policy list`.",
    waivable=False,
)
WAIVER_WAIVABLE = PlanRule(
    "PDP-WAIVER-WAIVABLE",
    MANDATORY,
    Scope.PDP,
    "No waiver names a rule that cannot be waived (`pdp policy list` marks them): the "
    "`*-API-RANGES` rules bound a public endpoint that is already an exception, "
    "K8S-RELEASE-VERIFIED proves the ledger, K8S-ROUTE-INTERNAL-STAYS-INTERNAL keeps private "
    "endpoints private, PDP-REFERENCES-RESOLVE describes wiring that "
    "fails for real, and the PDP-WAIVER-* rules judge the waivers. Such a waiver waives nothing.",
    "Remove the waiver and fix the violation.",
    waivable=False,
)
WAIVER_SCOPED = PlanRule(
    "PDP-WAIVER-SCOPED",
    MANDATORY,
    Scope.PDP,
    "In a production stack (dataplane.production) every waiver names the resources it covers "
    "and the day it ends (`resources`, `expires`): an exception in production is as narrow "
    "and as short as it can be. Until it does, it waives nothing.",
    "List the logical names (as `pdp plan` shows them) under resources, and add "
    "expires: YYYY-MM-DD.",
    waivable=False,
)
WAIVER_EXPIRY = PlanRule(
    "PDP-WAIVER-EXPIRY",
    MANDATORY,
    Scope.PDP,
    "A waiver's `expires` day has not passed (then the waiver lapses and the violations are "
    f"back) and is at most {MAX_WAIVER_DAYS} days ahead (UTC, by the system clock).",
    f"Fix the violation, or review the exception and set expires at most {MAX_WAIVER_DAYS} "
    "days ahead.",
    waivable=False,
)
WAIVER_USED = PlanRule(
    "PDP-WAIVER-USED",
    ADVISORY,
    Scope.PDP,
    "Every waiver matches at least one violation; a stale waiver is an exception nobody needs.",
    "Remove the waiver, or fix its resource names.",
    crossguard=False,
    waivable=False,
)
WAIVER_RULES = (WAIVER_KNOWN_RULE, WAIVER_WAIVABLE, WAIVER_SCOPED, WAIVER_EXPIRY, WAIVER_USED)
"""The policy's rules over its own waivers (judged by `evaluation.waiver_problems`)."""


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
            object_storage,
            kubernetes,
            kubernetes_plan,
            ingress,
            gateway_routes,
            observability_api,
            releases,
            data_protection,
            references,
        )
        for rule in _rules_of(module)
    ),
    *WAIVER_RULES,
)
"""Every rule of the policy (what `pdp policy list` shows)."""

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
