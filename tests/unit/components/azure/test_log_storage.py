"""LogStorage: workspace retention, archive hardening and lifecycle, Container insights rule."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from pdpkit.components.azure.log_storage import CONTAINER_LOGS_TABLE, LogStorage, LogStorageArgs
from tests.unit.components.azure.recorded import RG, Recorded, record_program

WORKSPACE = "azure-native:operationalinsights:Workspace"
ACCOUNT = "azure-native:storage:StorageAccount"
ARGS = LogStorageArgs(
    resource_group_name=RG,
    location="westeurope",
    retention_days=45,
    archive_account_name="acmeazuredevlogs1a2b3",
    archive_retention_days=365,
)


@cache
def default() -> Recorded:
    """The component with the module's ARGS, recorded once."""
    return record_program(lambda: LogStorage("pdp-logs", ARGS))


def test_workspace_retention_and_local_auth(run):
    ws = default().one(WORKSPACE).inputs
    assert ws["retentionInDays"] == 45
    assert ws["features"]["disableLocalAuth"] is True


def test_retention_is_clamped_to_what_log_analytics_accepts(run):
    assert (
        run(lambda: LogStorage("l", replace(ARGS, retention_days=7)))
        .one(WORKSPACE)
        .inputs["retentionInDays"]
        == 30
    )
    assert (
        run(lambda: LogStorage("l", replace(ARGS, retention_days=3650)))
        .one(WORKSPACE)
        .inputs["retentionInDays"]
        == 730
    )


def test_archive_account_is_hardened(run):
    account = default().one(ACCOUNT).inputs
    assert account["minimumTlsVersion"] == "TLS1_2"
    assert account["allowBlobPublicAccess"] is False
    assert account["enableHttpsTrafficOnly"] is True
    assert account["networkRuleSet"]["defaultAction"] == "Deny"


def test_lifecycle_deletes_after_archive_retention(run):
    policy = default().one("azure-native:storage:ManagementPolicy")
    rules = {r["name"]: r for r in policy.inputs["policy"]["rules"]}
    blob = rules["age-out-logs"]["definition"]["actions"]["baseBlob"]
    assert blob["delete"] == {"daysAfterModificationGreaterThan": 365}
    assert blob["tierToArchive"] == {"daysAfterModificationGreaterThan": 90}
    exported = rules["expire-exported-logs"]["definition"]["actions"]["baseBlob"]
    assert exported == {"delete": {"daysAfterModificationGreaterThan": 365}}


def test_container_logs_are_exported_to_the_archive(run):
    plan = default()
    export = plan.one("azure-native:operationalinsights:DataExport").inputs
    assert export["tableNames"] == [CONTAINER_LOGS_TABLE]
    assert export["resourceId"].endswith("/storageAccounts/acmeazuredevlogs1a2b3")


def test_container_insights_rule_collects_container_logs_into_the_workspace(run):
    # layout of microsoft/Docker-Provider scripts/onboarding/aks/onboarding-msi-bicep/
    # existingClusterOnboarding.bicep: a ContainerInsights extension data source whose streams
    # flow to a Log Analytics destination
    plan = default()
    assert plan.of_type("azure-native:operationalinsights:Table") == []  # no custom table
    assert plan.of_type("azure-native:monitor:DataCollectionEndpoint") == []
    rule = plan.one("azure-native:monitor:DataCollectionRule").inputs
    (extension,) = rule["dataSources"]["extensions"]
    assert extension["extensionName"] == "ContainerInsights"
    assert "Microsoft-ContainerLogV2" in extension["streams"]
    assert extension["extensionSettings"]["dataCollectionSettings"]["enableContainerLogV2"]
    (flow,) = rule["dataFlows"]
    assert flow["streams"] == extension["streams"] and flow["destinations"] == ["workspace"]
    (destination,) = rule["destinations"]["logAnalytics"]
    assert destination["name"] == "workspace"
    assert CONTAINER_LOGS_TABLE == "ContainerLogV2"


def test_no_archive_when_off(run):
    plan = run(lambda: LogStorage("pdp-logs", replace(ARGS, archive_account_name=None)))
    assert plan.of_type(ACCOUNT) == []
    assert plan.of_type("azure-native:operationalinsights:DataExport") == []


def test_protected_in_production(run):
    plan = run(lambda: LogStorage("pdp-logs", replace(ARGS, production=True)))
    for type_ in (WORKSPACE, ACCOUNT):
        assert plan.one(type_).protect and plan.one(type_).retain_on_delete
