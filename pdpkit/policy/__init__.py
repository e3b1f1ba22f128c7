"""Policy as code: rules as pure functions over (resource type, inputs).

`evaluate` is what `pdp plan` calls; the CrossGuard pack (``policy/`` at the repository
root) wraps the same rules. Every rule has an id ``<SCOPE>-<SERVICE>-<CHECK>``, a
severity, a description and a remediation (`RULES`, ``pdp policy list``).
"""

from __future__ import annotations

from pdpkit.policy.catalog import RULES, RULES_BY_ID
from pdpkit.policy.evaluation import apply_waivers, evaluate, violations
from pdpkit.policy.model import (
    PlanRule,
    PolicyContext,
    PolicyResource,
    ResourceRule,
    Rule,
    Scope,
    Verdict,
)

__all__ = [
    "RULES",
    "RULES_BY_ID",
    "PlanRule",
    "PolicyContext",
    "PolicyResource",
    "ResourceRule",
    "Rule",
    "Scope",
    "Verdict",
    "apply_waivers",
    "evaluate",
    "violations",
]
