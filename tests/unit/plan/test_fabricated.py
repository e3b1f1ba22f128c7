"""Fabricated values: what the fakes made up is recorded per resource, in plan.json and in the
table, so a reviewer knows which values no real provider ever answered."""

from __future__ import annotations

from rich.console import Console

from pdpkit.cli.plan import FABRICATED_MARK, render_table
from pdpkit.plan.fakes.run import leaf_paths
from tests.examples import plan_of

CLUSTER = "azure-native:containerservice:ManagedCluster"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"


def test_plan_json_carries_outputs_and_fabricated_paths() -> None:
    document = plan_of("acme-azure-dev").document()
    by_type = {r["type"]: r for r in document["resources"]}
    cluster = by_type[CLUSTER]
    kubelet = cluster["outputs"]["identityProfile"]["kubeletidentity"]
    assert kubelet["objectId"] != kubelet["clientId"]
    assert {
        "identityProfile.kubeletidentity.objectId",
        "identityProfile.kubeletidentity.clientId",
        "oidcIssuerProfile.issuerURL",
    } <= set(cluster["fabricated"])
    # an ARM id is derived from names: recorded, not fabricated
    assert cluster["outputs"]["id"].startswith("/subscriptions/3f2b9c1e-")
    assert "id" not in cluster["fabricated"]
    identity = by_type[IDENTITY]
    assert sorted(identity["fabricated"]) == ["clientId", "principalId"]
    # the tenant is the one the stack declares to the provider, so it is not made up
    assert identity["outputs"]["tenantId"] == "8c7d6e5f-4a3b-4c2d-9e1f-0a1b2c3d4e5f"
    # components have no provider answer
    assert all(
        not r["outputs"] and not r["fabricated"]
        for r in document["resources"]
        if r["type"].startswith("pdpkit:")
    )


def test_every_fabricated_path_names_a_recorded_output() -> None:
    for stack in ("acme-aws-prod", "acme-gcp-staging", "acme-azure-dev"):
        for resource in plan_of(stack).recording.resources:
            assert set(resource.fabricated) <= set(leaf_paths(resource.outputs)), resource.name


def test_the_table_marks_fabricated_values_with_a_count_and_a_legend() -> None:
    plan = plan_of("acme-azure-dev")
    console = Console(record=True, width=250)
    render_table(plan, console)
    text = console.export_text()
    cluster = next(r for r in plan.recording.resources if r.type == CLUSTER)
    assert f"{cluster.name} {CLUSTER} {FABRICATED_MARK}{len(cluster.fabricated)}" in text
    made = [r for r in plan.recording.resources if r.fabricated]
    total = sum(len(r.fabricated) for r in made)
    assert f"{FABRICATED_MARK}N: N output values made up by the offline fakes" in text
    assert f"{total} in {len(made)} resources" in text
