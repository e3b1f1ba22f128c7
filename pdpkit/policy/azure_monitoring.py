"""Azure audit trails: diagnostic settings are separate resources (azure-native:monitor), so these
rules look at each AKS cluster and Key Vault together with the diagnostic settings aimed at it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pdpkit.policy.azure import AKS, KEY_VAULT
from pdpkit.policy.model import MANDATORY, PolicyContext, plan_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import dig, is_false, items

DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
# Log categories of Microsoft.ContainerService/managedClusters: kube-audit (every API request),
# kube-audit-admin (the same without get/list), guard (Entra ID and Azure RBAC decisions)
# (learn.microsoft.com, azure-monitor/reference/supported-logs/
# microsoft-containerservice-managedclusters-logs). Key Vault's audit category is AuditEvent
# (learn.microsoft.com, azure-monitor/reference/supported-logs/microsoft-keyvault-vaults-logs).
AKS_AUDIT = frozenset({"kube-audit", "kube-audit-admin"})
AKS_AUTHZ = "guard"
KV_AUDIT = "AuditEvent"
GROUPS = frozenset({"audit", "allLogs"})
"""Category groups that include the audit categories. LogSettings.categoryGroup exists in
pulumi-azure-native 3.29.0 (monitor/_inputs.py); the group names are Azure Monitor's, not
verified here against a pinned source."""


def settings_of(target: Resource, resources: Sequence[Resource]) -> list[Resource]:
    """Diagnostic settings aimed at `target` (they depend on it, or their resourceUri names it)."""
    name = str(
        dig(target.inputs, "resourceName") or dig(target.inputs, "vaultName") or target.name
    ).lower()
    return [
        r
        for r in resources
        if r.type == DIAGNOSTIC_SETTING
        and (
            target.urn in r.dependencies
            or str(dig(r.inputs, "resourceUri") or "").lower().endswith(f"/{name}")
        )
    ]


def enabled_categories(settings: Sequence[Resource]) -> set[str]:
    """Log categories the settings collect (a category group such as ``audit`` counts too)."""
    found: set[str] = set()
    for setting in settings:
        for log in items(setting.inputs, "logs"):
            if is_false(dig(log, "enabled")):
                continue
            for key in ("category", "categoryGroup"):
                if dig(log, key):
                    found.add(str(dig(log, key)))
    return found


@plan_rule(
    "AZ-AKS-AUDIT-LOGS",
    MANDATORY,
    "Every AKS cluster sends its Kubernetes audit log (kube-audit or kube-audit-admin) and its "
    "Entra ID / Azure RBAC decisions (guard) to the data plane's log store through a diagnostic "
    "setting: who did what, from where.",
    "Add an azure-native monitor.DiagnosticSetting on the cluster with kube-audit-admin and "
    "guard enabled (or the audit / allLogs category group).",
)
def aks_audit_logs(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for cluster in (r for r in resources if r.type == AKS):
        categories = enabled_categories(settings_of(cluster, resources))
        if categories & GROUPS:
            continue
        missing = [
            label
            for label, present in (
                ("kube-audit-admin", bool(categories & AKS_AUDIT)),
                (AKS_AUTHZ, AKS_AUTHZ in categories),
            )
            if not present
        ]
        if missing:
            yield cluster, f"no diagnostic setting collects {' and '.join(missing)}"


@plan_rule(
    "AZ-KV-AUDIT-LOGS",
    MANDATORY,
    "Every Key Vault sends its AuditEvent log (each read of a secret or use of a key) to the "
    "data plane's log store through a diagnostic setting.",
    "Add an azure-native monitor.DiagnosticSetting on the vault with the AuditEvent category "
    "(or the audit / allLogs category group) enabled.",
)
def kv_audit_logs(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for vault in (r for r in resources if r.type == KEY_VAULT):
        categories = enabled_categories(settings_of(vault, resources))
        if not categories & {KV_AUDIT, *GROUPS}:
            yield vault, "no diagnostic setting collects AuditEvent"
