"""What the rules see and say: resources, context, rules and verdicts. Pure: no Pulumi."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pdpkit.spec.enums import Severity
from pdpkit.spec.stack import StackSpec

LOG_RETENTION_FLOOR_DAYS = 30
"""No log store keeps logs for fewer days than this, whatever the stack says."""


class Scope(StrEnum):
    """What a rule looks at (the first part of its id)."""

    AZURE = "azure"
    AWS = "aws"
    GCP = "gcp"
    KUBERNETES = "kubernetes"
    PDP = "pdp"
    """The data plane as a whole (data protection, the policy's own waivers)."""


@dataclass(frozen=True)
class PolicyResource:
    """A resource as the rules see it: its recorded wire inputs (camelCase) and options."""

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    protect: bool = False
    retain_on_delete: bool | None = False
    """None where it cannot be known (CrossGuard does not show it)."""
    parent: str = ""
    dependencies: tuple[str, ...] = ()
    """URNs this resource depends on (explicitly or through its inputs)."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """What the provider answered (``id`` included); only the offline plan knows them
    (CrossGuard sees inputs only), empty where unknown."""


@dataclass(frozen=True)
class Verdict:
    """One violation of one rule by one resource."""

    rule: str
    severity: Severity
    urn: str
    message: str
    waiver: str | None = None
    """The stack's justification when the rule is waived for this resource."""
    resource: str = ""
    """Logical name of the resource (what waivers name); empty for the stack as a whole."""
    remediation: str = ""


@dataclass(frozen=True)
class PolicyContext:
    """What the rules need to know of the stack besides the resources."""

    production: bool = False
    """Production stacks protect and retain everything that holds data."""
    min_log_retention_days: int = LOG_RETENTION_FLOOR_DAYS
    """Log stores keep logs at least this long."""
    observability_retention_days: Mapping[str, int] = field(default_factory=dict)
    """Days each observability signal (``logs``, ``metrics``, ``traces``) stays queryable;
    empty when observability is off (or the stack is unknown)."""
    declared_ids: frozenset[str] = frozenset()
    """Ids of cloud objects the stack declares and the plan does not create (admin groups, the
    deployer role, the DNS zone…): references to them resolve."""
    declared_patterns: tuple[str, ...] = ()
    """Regular expressions (full match) of declared ids (a project's service agents)."""
    today: date = field(default_factory=lambda: today_utc())  # noqa: PLW0108 (defined below)
    """The day waivers' expiry dates are judged on: the system clock (UTC). Tests pass
    another day in code; nothing in the environment moves it."""

    @classmethod
    def of(cls, stack: StackSpec, today: date | None = None) -> PolicyContext:
        declared_ids, declared_patterns = _declared(stack)
        return cls(
            production=stack.dataplane.production,
            min_log_retention_days=max(
                LOG_RETENTION_FLOOR_DAYS, stack.dataplane.log_storage.retention_days
            ),
            observability_retention_days=_observability_retention(stack),
            declared_ids=declared_ids,
            declared_patterns=declared_patterns,
            today=today or today_utc(),
        )


def _observability_retention(stack: StackSpec) -> dict[str, int]:
    observability = stack.dataplane.observability
    if not observability.enabled:
        return {}
    retention = observability.retention
    return {
        "logs": retention.logs_days,
        "metrics": retention.metrics_days,
        "traces": retention.traces_days,
    }


def today_utc() -> date:
    """Today by the system clock, in UTC (the policy's only clock)."""
    return datetime.now(UTC).date()


def _declared(stack: StackSpec) -> tuple[frozenset[str], tuple[str, ...]]:
    """The external ids a stack declares (what `PDP-REFERENCES-RESOLVE` accepts unresolved)."""
    spec = stack.dataplane
    ids: set[str] = set()
    patterns: list[str] = []
    if spec.azure is not None:
        subscription = f"/subscriptions/{spec.azure.subscription_id}"
        ids |= {subscription, spec.azure.tenant_id, *spec.azure.admin_group_object_ids}
        if spec.azure.dns_zone_resource_group is not None:
            ids.add(
                f"{subscription}/resourceGroups/{spec.azure.dns_zone_resource_group}"
                f"/providers/Microsoft.Network/dnszones/{spec.gateways.dns_zone}"
            )
    if spec.aws is not None and spec.aws.assume_role_arn is not None:
        ids.add(spec.aws.assume_role_arn)
    if spec.gcp is not None and spec.gcp.project_number is not None:
        # Google-managed service agents of the declared project:
        # serviceAccount:service-<number>@<service>.iam.gserviceaccount.com
        patterns.append(
            rf"serviceAccount:service-{spec.gcp.project_number}@[a-z0-9-]+\.iam\.gserviceaccount\.com"
        )
    return frozenset(ids), tuple(patterns)


ResourceCheck = Callable[[str, Mapping[str, Any], PolicyContext], Iterable[str]]
"""(resource type, inputs, context) -> one message per violation."""
PlanCheck = Callable[
    [Sequence[PolicyResource], PolicyContext], Iterable[tuple[PolicyResource, str]]
]
"""(every resource, context) -> (offending resource, message) per violation."""


@dataclass(frozen=True)
class RuleInfo:
    """The documented face of a rule (`pdp policy list`, docs/policy.md)."""

    id: str
    """``<SCOPE>-<SERVICE>-<CHECK>``; what waivers name."""
    severity: Severity
    scope: Scope
    description: str
    """What the rule requires, and why."""
    remediation: str
    """How to comply."""
    crossguard: bool = True
    """Also enforced by the CrossGuard pack (False where only the offline plan can judge)."""
    waivable: bool = True
    """A stack may waive it (`pdp:policy.waivers`). False for the rules that bound an
    exception already granted (``*-API-RANGES``), prove the pipeline's integrity
    (``K8S-RELEASE-VERIFIED``), describe wiring that fails for real whatever a waiver says
    (``PDP-REFERENCES-RESOLVE``), and judge the waivers themselves (``PDP-WAIVER-*``)."""


@dataclass(frozen=True)
class ResourceRule(RuleInfo):
    """A rule over one resource's type and inputs."""

    types: tuple[str, ...] = ()
    check: ResourceCheck | None = None

    def violations(
        self, type_: str, inputs: Mapping[str, Any], context: PolicyContext
    ) -> list[str]:
        if type_ not in self.types or self.check is None:
            return []
        return list(self.check(type_, inputs, context))


@dataclass(frozen=True)
class PlanRule(RuleInfo):
    """A rule over the whole plan (relations between resources, resource options)."""

    check: PlanCheck | None = None

    def violations(
        self, resources: Sequence[PolicyResource], context: PolicyContext
    ) -> list[tuple[PolicyResource, str]]:
        return [] if self.check is None else list(self.check(resources, context))


Rule = ResourceRule | PlanRule


def resource_rule(
    rule_id: str,
    severity: Severity,
    types: Sequence[str],
    description: str,
    remediation: str,
    *,
    crossguard: bool = True,
    waivable: bool = True,
) -> Callable[[ResourceCheck], ResourceRule]:
    """Decorate a check function into a `ResourceRule`."""
    scope = scope_of(rule_id)

    def wrap(check: ResourceCheck) -> ResourceRule:
        return ResourceRule(
            rule_id,
            severity,
            scope,
            description,
            remediation,
            crossguard=crossguard,
            waivable=waivable,
            types=tuple(types),
            check=check,
        )

    return wrap


def plan_rule(
    rule_id: str,
    severity: Severity,
    description: str,
    remediation: str,
    *,
    crossguard: bool = True,
    waivable: bool = True,
) -> Callable[[PlanCheck], PlanRule]:
    """Decorate a check function into a `PlanRule`."""
    scope = scope_of(rule_id)

    def wrap(check: PlanCheck) -> PlanRule:
        return PlanRule(
            rule_id,
            severity,
            scope,
            description,
            remediation,
            crossguard=crossguard,
            waivable=waivable,
            check=check,
        )

    return wrap


_SCOPES = {
    "AZ": Scope.AZURE,
    "AWS": Scope.AWS,
    "GCP": Scope.GCP,
    "K8S": Scope.KUBERNETES,
    "PDP": Scope.PDP,
}


def scope_of(rule_id: str) -> Scope:
    return _SCOPES[rule_id.split("-", 1)[0]]


MANDATORY = Severity.MANDATORY
ADVISORY = Severity.ADVISORY
