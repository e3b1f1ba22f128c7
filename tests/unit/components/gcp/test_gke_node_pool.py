"""GkeNodePool: autoscaled, shielded, auto-repaired, surge upgrades without losing capacity."""

from __future__ import annotations

from pdpkit.components.gcp.gke_node_pool import GkeNodePool, GkeNodePoolArgs, NodeTaint, pool_zones
from tests.unit.components.gcp.recording import record_program

CLUSTER = "projects/acme-pdp-test/locations/europe-west1/clusters/dp"


def test_pool_autoscales_over_its_zones_with_secure_nodes() -> None:
    def program() -> dict[str, object]:
        pool = GkeNodePool(
            "dp-system",
            GkeNodePoolArgs(
                project="acme-pdp-test",
                region="europe-west1",
                cluster=CLUSTER,
                pool_name="system",
                machine_type="e2-standard-4",
                min_count=1,
                max_count=4,
                zones=("europe-west1-b", "europe-west1-c"),
                service_account="dp-nodes@acme-pdp-test.iam.gserviceaccount.com",
                node_tag="dp-node",
                labels={"pdpkit.io/pool": "system"},
                taints=(NodeTaint("CriticalAddonsOnly", "true", "NoSchedule"),),
            ),
        )
        return {"name": pool.pool_name}

    recorded = record_program(program)
    pool = recorded.one("gcp:container/nodePool:NodePool")
    inputs = pool.inputs
    assert inputs["cluster"] == CLUSTER and inputs["name"] == "system"
    assert inputs["autoscaling"] == {
        "totalMinNodeCount": 1,
        "totalMaxNodeCount": 4,
        "locationPolicy": "BALANCED",
    }
    assert inputs["management"] == {"autoRepair": True, "autoUpgrade": True}
    assert inputs["upgradeSettings"]["maxUnavailable"] == 0
    node = inputs["nodeConfig"]
    assert node["serviceAccount"] == "dp-nodes@acme-pdp-test.iam.gserviceaccount.com"
    assert node["shieldedInstanceConfig"] == {
        "enableSecureBoot": True,
        "enableIntegrityMonitoring": True,
    }
    assert node["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    assert node["metadata"] == {"disable-legacy-endpoints": "true"}
    assert node["imageType"] == "COS_CONTAINERD"
    assert node["taints"] == [
        {"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}
    ]
    assert node["tags"] == ["dp-node"]
    assert recorded.outputs["name"] == "system"


def test_a_pool_never_starts_above_its_maximum() -> None:
    zones = ("europe-west1-b", "europe-west1-c", "europe-west1-d")
    assert pool_zones(zones, 2) == zones[:2]
    assert pool_zones(zones, 5) == zones
    assert pool_zones((), 3) == ()
