"""Diagnostic settings: route a resource's platform logs to the workspace and the archive."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import monitor


@dataclass(frozen=True)
class LogRouting:
    """Where diagnostic logs go: the Log Analytics workspace, and the archive account if any."""

    workspace_id: pulumi.Input[str]
    archive_storage_id: pulumi.Input[str | None] = None
    """Storage account that keeps a copy for the archive retention; left out: workspace only."""


def diagnostic_setting(
    name: str,
    resource_id: pulumi.Input[str],
    routing: LogRouting,
    categories: tuple[str, ...],
    parent: pulumi.Resource,
) -> monitor.DiagnosticSetting:
    """Send `categories` of `resource_id`'s logs (and all metrics) to `routing`.

    Resource-specific ("Dedicated") tables keep each category queryable on its own
    (``AKSAuditAdmin``, ``AKSControlPlane``…) instead of the legacy ``AzureDiagnostics`` table.
    """
    return monitor.DiagnosticSetting(
        name,
        name=name,
        resource_uri=resource_id,
        workspace_id=routing.workspace_id,
        storage_account_id=routing.archive_storage_id,
        log_analytics_destination_type="Dedicated",
        logs=[monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in categories],
        metrics=[monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)],
        opts=pulumi.ResourceOptions(parent=parent),
    )
