"""`LogStorage`: Log Analytics workspace, Container insights collection rule, archive account."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import monitor, operationalinsights, storage

STORAGE_NAME = re.compile(r"^[a-z0-9]{3,24}$")
CONTAINER_LOGS_TABLE = "ContainerLogV2"
"""Where Container insights writes container logs (the default schema with managed identity
authentication: learn.microsoft.com/azure/azure-monitor/containers/
container-insights-logs-schema)."""
CONTAINER_INSIGHTS_STREAMS = ("Microsoft-ContainerLogV2", "Microsoft-KubeEvents")
"""Container logs and Kubernetes events; stream ``Microsoft-X`` lands in table ``X``."""
CONTAINER_INSIGHTS_EXTENSION = "ContainerInsights"
"""The data source the AKS monitoring add-on (ama-logs) reads its settings from; the rule
layout follows Microsoft's own onboarding template (microsoft/Docker-Provider
scripts/onboarding/aks/onboarding-msi-bicep/existingClusterOnboarding.bicep@b67e13a)."""
WORKSPACE_RETENTION = (30, 730)
"""Interactive retention Log Analytics accepts (PerGB2018); longer keeping is the archive's job."""


@dataclass(frozen=True)
class LogStorageArgs:
    """Inputs of `LogStorage`."""

    resource_group_name: pulumi.Input[str]
    location: str
    retention_days: int = 30
    """Days logs stay queryable in the workspace (clamped to 30-730)."""
    archive_account_name: str | None = None
    """Storage account (3-24 lowercase letters and digits) for the archive; left out: none."""
    archive_retention_days: int = 365
    """Days archived logs are kept before the lifecycle policy deletes them."""
    production: bool = False
    """Protect and retain the workspace and the archive."""
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.archive_account_name is not None and not STORAGE_NAME.match(
            self.archive_account_name
        ):
            raise ValueError(
                f"storage account name {self.archive_account_name!r} is not valid: "
                "3-24 lowercase letters and digits"
            )


class LogStorage(pulumi.ComponentResource):
    """Where the data plane's logs live, inside the customer's subscription.

    - a Log Analytics workspace with local (shared key) auth disabled: only Entra identities
      read or write;
    - a Container insights data collection rule (`container_insights_rule_id`): what the AKS
      monitoring add-on collects (container logs as ``ContainerLogV2``, Kubernetes events) and
      that it writes to this workspace; the cluster associates it (`AksCluster`);
    - an archive storage account (TLS 1.2, HTTPS only, no public blobs, default-deny firewall
      that trusted Azure services bypass), a lifecycle policy that cools, archives and finally
      deletes logs after `archive_retention_days`, and a workspace data export of the container
      log table to it. Platform logs reach the archive through diagnostic settings.
    """

    workspace_id: pulumi.Output[str]
    workspace_name: pulumi.Output[str]
    workspace_customer_id: pulumi.Output[str]
    archive_storage_id: pulumi.Output[str | None]
    container_insights_rule_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: LogStorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:LogStorage", name, None, opts)
        self._args = args
        child = pulumi.ResourceOptions(parent=self)
        keep = pulumi.ResourceOptions(
            parent=self, protect=args.production, retain_on_delete=args.production
        )
        low, high = WORKSPACE_RETENTION
        retention = min(max(args.retention_days, low), high)
        workspace = operationalinsights.Workspace(
            f"{name}-workspace",
            workspace_name=f"{name}-workspace",
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=retention,
            features=operationalinsights.WorkspaceFeaturesArgs(
                disable_local_auth=True, enable_log_access_using_only_resource_permissions=True
            ),
            tags=args.tags,
            opts=keep,
        )
        rule = monitor.DataCollectionRule(
            f"{name}-container-insights",
            data_collection_rule_name=f"{name}-container-insights",
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="Linux",
            data_sources=monitor.DataCollectionRuleDataSourcesArgs(
                extensions=[
                    monitor.ExtensionDataSourceArgs(
                        name="ContainerInsightsExtension",
                        extension_name=CONTAINER_INSIGHTS_EXTENSION,
                        streams=list(CONTAINER_INSIGHTS_STREAMS),
                        extension_settings={
                            "dataCollectionSettings": {
                                "interval": "1m",
                                "namespaceFilteringMode": "Off",
                                "enableContainerLogV2": True,
                            }
                        },
                    )
                ]
            ),
            destinations=monitor.DataCollectionRuleDestinationsArgs(
                log_analytics=[
                    monitor.LogAnalyticsDestinationArgs(
                        name="workspace", workspace_resource_id=workspace.id
                    )
                ]
            ),
            data_flows=[
                monitor.DataFlowArgs(
                    streams=list(CONTAINER_INSIGHTS_STREAMS), destinations=["workspace"]
                )
            ],
            tags=args.tags,
            opts=child,
        )
        archive_id: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if args.archive_account_name is not None:
            archive_id = self._archive(name, args.archive_account_name, workspace, rule, keep)
        self.workspace_id = workspace.id
        self.workspace_name = workspace.name
        self.workspace_customer_id = workspace.customer_id
        self.archive_storage_id = archive_id
        self.container_insights_rule_id = rule.id
        self.register_outputs(
            {
                "workspace_id": self.workspace_id,
                "workspace_name": self.workspace_name,
                "workspace_customer_id": self.workspace_customer_id,
                "archive_storage_id": self.archive_storage_id,
                "container_insights_rule_id": self.container_insights_rule_id,
            }
        )

    def _archive(
        self,
        name: str,
        account_name: str,
        workspace: operationalinsights.Workspace,
        rule: monitor.DataCollectionRule,
        keep: pulumi.ResourceOptions,
    ) -> pulumi.Output[str | None]:
        args = self._args
        account = storage.StorageAccount(
            f"{name}-archive",
            account_name=account_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="StorageV2",
            sku=storage.SkuArgs(name="Standard_ZRS"),
            access_tier="Cool",
            minimum_tls_version="TLS1_2",
            enable_https_traffic_only=True,
            allow_blob_public_access=False,
            allow_cross_tenant_replication=False,
            default_to_o_auth_authentication=True,
            # diagnostic settings and data export are trusted services: they pass the firewall
            network_rule_set=storage.NetworkRuleSetArgs(
                default_action="Deny", bypass="AzureServices"
            ),
            tags=args.tags,
            opts=keep,
        )
        days = args.archive_retention_days
        storage.ManagementPolicy(
            f"{name}-archive-lifecycle",
            management_policy_name="default",
            account_name=account.name,
            resource_group_name=args.resource_group_name,
            policy=storage.ManagementPolicySchemaArgs(
                rules=[
                    storage.ManagementPolicyRuleArgs(
                        name="age-out-logs",
                        type="Lifecycle",
                        enabled=True,
                        definition=storage.ManagementPolicyDefinitionArgs(
                            filters=storage.ManagementPolicyFilterArgs(blob_types=["blockBlob"]),
                            actions=storage.ManagementPolicyActionArgs(
                                base_blob=storage.ManagementPolicyBaseBlobArgs(
                                    tier_to_cool=_after(min(30, days - 1)),
                                    tier_to_archive=_after(min(90, days - 1)),
                                    delete=_after(days),
                                )
                            ),
                        ),
                    ),
                    # append blobs (data export) cannot change tier; they are only deleted
                    storage.ManagementPolicyRuleArgs(
                        name="expire-exported-logs",
                        type="Lifecycle",
                        enabled=True,
                        definition=storage.ManagementPolicyDefinitionArgs(
                            filters=storage.ManagementPolicyFilterArgs(blob_types=["appendBlob"]),
                            actions=storage.ManagementPolicyActionArgs(
                                base_blob=storage.ManagementPolicyBaseBlobArgs(delete=_after(days))
                            ),
                        ),
                    ),
                ]
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        operationalinsights.DataExport(
            f"{name}-export",
            data_export_name=f"{name}-export",
            workspace_name=workspace.name,
            resource_group_name=args.resource_group_name,
            resource_id=account.id,
            # ContainerLogV2 exists once the rule collects into the workspace; export of a log
            # line that is not JSON is not supported (learn.microsoft.com/azure/azure-monitor/
            # containers/container-insights-logs-schema), control-plane logs reach the archive
            # through diagnostic settings regardless
            table_names=[CONTAINER_LOGS_TABLE],
            enable=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[rule]),
        )
        archive_id: pulumi.Output[str | None] = account.id.apply(lambda i: i)
        return archive_id


def _after(days: int) -> storage.DateAfterModificationArgs:
    return storage.DateAfterModificationArgs(days_after_modification_greater_than=days)
