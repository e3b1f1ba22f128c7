"""Log shipping on every target works with what the pinned upstream really accepts.

- Fluent Bit (chart fluent-bit 0.48.10, app 3.2.10) refuses an output section with a key its
  core or the plugin does not know, and crash-loops: every rendered output section of every
  example plan is checked against the keys read from the source (`fluent_bit_outputs`).
- AKS: Fluent Bit's ``azure_logs_ingestion`` needs a client secret (no managed or workload
  identity, fluent/fluent-bit#10777), so AKS ships container logs with its own Container
  insights add-on, authenticated by managed identity, into the data plane's workspace.
"""

from __future__ import annotations

import re

import pytest

from pdpkit.components.k8s.fluent_bit_outputs import PLUGIN_KEYS, unknown_keys
from pdpkit.plan.recorder import RecordedResource
from tests.examples import EXAMPLE_STACKS, plan_of

AZURE = "acme-azure-dev"


def fluent_bit_releases(stack: str) -> list[RecordedResource]:
    return [
        r
        for r in plan_of(stack).resources
        if r.type.endswith(":HelmRelease")
        and r.inputs["spec"]["chart"]["spec"]["chart"] == "fluent-bit"
    ]


def output_sections(config: str) -> list[tuple[str, list[str]]]:
    """(plugin, keys) of each ``[OUTPUT]`` section of a classic Fluent Bit configuration."""
    sections = []
    for rest in re.split(r"^\[OUTPUT\]\s*$", config, flags=re.MULTILINE)[1:]:
        section = re.split(r"^\[", rest, flags=re.MULTILINE)[0]
        pairs = [line.split(None, 1) for line in section.splitlines() if line.strip()]
        plugin = next(value for key, value in pairs if key.lower() == "name")
        sections.append((plugin, [key for key, _ in pairs]))
    return sections


@pytest.mark.parametrize("stack", [s for s in EXAMPLE_STACKS if s != AZURE])
def test_every_output_section_uses_only_keys_the_pinned_fluent_bit_knows(stack: str) -> None:
    (release,) = fluent_bit_releases(stack)
    sections = output_sections(release.inputs["spec"]["values"]["config"]["outputs"])
    assert sections, "no output rendered: nothing checked"
    for plugin, keys in sections:
        assert plugin in PLUGIN_KEYS, f"{plugin}: its keys are not recorded"
        assert not unknown_keys(plugin, keys), (plugin, unknown_keys(plugin, keys))


def test_the_old_azure_output_would_have_been_refused() -> None:
    # what pdpkit rendered before: auth_type is no key of azure_logs_ingestion 3.2.10
    old = ["Name", "Match", "auth_type", "client_id", "tenant_id", "dce_url", "dcr_id"]
    assert unknown_keys("azure_logs_ingestion", old) == ["auth_type"]
    assert "client_secret" in PLUGIN_KEYS["azure_logs_ingestion"]


def _one(type_: str) -> RecordedResource:
    (found,) = [r for r in plan_of(AZURE).resources if r.type == type_]
    return found


def test_aks_runs_no_fluent_bit_but_container_insights_with_managed_identity() -> None:
    assert fluent_bit_releases(AZURE) == []
    cluster = _one("azure-native:containerservice:ManagedCluster")
    workspace = _one("azure-native:operationalinsights:Workspace")
    addon = cluster.inputs["addonProfiles"]["omsagent"]
    assert addon["enabled"] is True
    assert addon["config"]["useAADAuth"] == "true"  # managed identity, no shared key
    workspace_id = addon["config"]["logAnalyticsWorkspaceResourceID"]
    assert workspace_id.endswith(f"/workspaces/{workspace.inputs['workspaceName']}")


def test_the_cluster_is_associated_with_the_container_insights_rule() -> None:
    cluster = _one("azure-native:containerservice:ManagedCluster")
    rule = _one("azure-native:monitor:DataCollectionRule")
    association = _one("azure-native:monitor:DataCollectionRuleAssociation")
    assert association.inputs["associationName"] == "ContainerInsightsExtension"
    assert association.inputs["resourceUri"].endswith(
        f"/managedClusters/{cluster.inputs['resourceName']}"
    )
    assert association.inputs["dataCollectionRuleId"].endswith(
        f"/dataCollectionRules/{rule.inputs['dataCollectionRuleName']}"
    )
    assert {cluster.urn, rule.urn} <= set(association.dependencies)
    (extension,) = rule.inputs["dataSources"]["extensions"]
    assert extension["extensionName"] == "ContainerInsights"
    assert "Microsoft-ContainerLogV2" in extension["streams"]
