"""GkeCluster: private, Dataplane V2, Workload Identity, shielded, KMS, protected in production."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from pdpkit.components.gcp.gke_cluster import REPLACEMENT_FORCING, GkeCluster, GkeClusterArgs
from pdpkit.components.gcp.maintenance_window import MaintenanceWindow
from tests.unit.components.gcp.recording import Recorded, record_program

KEY = "projects/acme-pdp-test/locations/europe-west1/keyRings/dp-keys/cryptoKeys/gke-secrets"


def _args(**overrides: Any) -> GkeClusterArgs:
    values: dict[str, Any] = {
        "project": "acme-pdp-test",
        "region": "europe-west1",
        "cluster_name": "dp",
        "network": "projects/acme-pdp-test/global/networks/dp-vpc",
        "subnetwork": "projects/acme-pdp-test/regions/europe-west1/subnetworks/dp-nodes",
        "pods_range_name": "pods",
        "services_range_name": "services",
        "node_zones": ("europe-west1-b", "europe-west1-c"),
        "master_cidr": "172.16.0.0/28",
        "private_endpoint": True,
        "authorized_ranges": ("10.40.0.0/20",),
        "kubernetes_version": "1.31",
        "release_channel": "REGULAR",
        "maintenance": MaintenanceWindow.from_weekly("Sun 02:00-06:00"),
        "node_service_account": "dp-nodes@acme-pdp-test.iam.gserviceaccount.com",
        "node_tag": "dp-node",
        "secrets_key": KEY,
        "deletion_protection": False,
        "protect": False,
    }
    values.update(overrides)
    return GkeClusterArgs(**values)


def _record(args: GkeClusterArgs) -> Recorded:
    def program() -> dict[str, object]:
        cluster = GkeCluster("dp", args)
        return {"kubeconfig": cluster.kubeconfig, "endpoint": cluster.endpoint}

    return record_program(program)


@pytest.fixture(scope="module")
def private() -> Recorded:
    return _record(_args())


def test_the_cluster_resource_is_named_after_the_component(private: Recorded) -> None:
    cluster = private.one("gcp:container/cluster:Cluster")
    assert cluster.name == "dp-cluster"
    assert cluster.parent == private.resources["dp"].urn


def test_private_nodes_private_endpoint_and_authorized_networks(private: Recorded) -> None:
    inputs = private.one("gcp:container/cluster:Cluster").inputs
    assert inputs["privateClusterConfig"]["enablePrivateNodes"] is True
    assert inputs["privateClusterConfig"]["enablePrivateEndpoint"] is True
    assert inputs["privateClusterConfig"]["masterIpv4CidrBlock"] == "172.16.0.0/28"
    networks = inputs["masterAuthorizedNetworksConfig"]
    assert [b["cidrBlock"] for b in networks["cidrBlocks"]] == ["10.40.0.0/20"]
    assert networks["gcpPublicCidrsAccessEnabled"] is False
    assert private.outputs["endpoint"] == "172.16.0.2"


def test_dataplane_v2_without_calico_and_vpc_native_ranges(private: Recorded) -> None:
    inputs = private.one("gcp:container/cluster:Cluster").inputs
    assert inputs["datapathProvider"] == "ADVANCED_DATAPATH"
    assert inputs["addonsConfig"]["networkPolicyConfig"] == {"disabled": True}
    assert "networkPolicy" not in inputs
    assert inputs["networkingMode"] == "VPC_NATIVE"
    assert inputs["ipAllocationPolicy"]["clusterSecondaryRangeName"] == "pods"
    assert inputs["ipAllocationPolicy"]["servicesSecondaryRangeName"] == "services"


def test_identity_and_hardening(private: Recorded) -> None:
    inputs = private.one("gcp:container/cluster:Cluster").inputs
    assert inputs["workloadIdentityConfig"] == {"workloadPool": "acme-pdp-test.svc.id.goog"}
    assert inputs["enableShieldedNodes"] is True
    assert inputs["enableLegacyAbac"] is False
    assert inputs["masterAuth"]["clientCertificateConfig"]["issueClientCertificate"] is False
    assert inputs["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": KEY}
    assert inputs["releaseChannel"] == {"channel": "REGULAR"}
    assert inputs["maintenancePolicy"]["recurringWindow"]["recurrence"] == "FREQ=DAILY"


def test_default_pool_is_removed_and_its_nodes_never_use_the_default_account(
    private: Recorded,
) -> None:
    inputs = private.one("gcp:container/cluster:Cluster").inputs
    assert inputs["removeDefaultNodePool"] is True and inputs["initialNodeCount"] == 1
    node = inputs["nodeConfig"]
    assert node["serviceAccount"] == "dp-nodes@acme-pdp-test.iam.gserviceaccount.com"
    assert node["shieldedInstanceConfig"] == {
        "enableSecureBoot": True,
        "enableIntegrityMonitoring": True,
    }
    assert node["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}


def test_without_a_key_secrets_use_google_managed_encryption() -> None:
    recorded = _record(_args(secrets_key=None))
    inputs = recorded.one("gcp:container/cluster:Cluster").inputs
    assert inputs["databaseEncryption"] == {"state": "DECRYPTED"}


def test_public_endpoint_is_restricted_and_kubeconfig_uses_the_auth_plugin() -> None:
    recorded = _record(_args(private_endpoint=False, authorized_ranges=("203.0.113.0/24",)))
    inputs = recorded.one("gcp:container/cluster:Cluster").inputs
    assert inputs["privateClusterConfig"]["enablePrivateEndpoint"] is False
    assert inputs["privateClusterConfig"]["enablePrivateNodes"] is True
    kubeconfig = json.loads(recorded.outputs["kubeconfig"])
    cluster = kubeconfig["clusters"][0]["cluster"]
    assert cluster["server"] == f"https://{recorded.outputs['endpoint']}"
    assert not recorded.outputs["endpoint"].startswith("172.16.")
    pem = base64.b64decode(cluster["certificate-authority-data"]).decode()
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    user = kubeconfig["users"][0]["user"]
    assert user["exec"]["command"] == "gke-gcloud-auth-plugin"
    assert "token" not in user and "client-key-data" not in user


def test_staging_is_deletable_production_is_protected_retained_and_deletion_protected(
    private: Recorded,
) -> None:
    staging = private.one("gcp:container/cluster:Cluster")
    assert staging.inputs["deletionProtection"] is False
    assert not staging.protect and not staging.retain_on_delete
    production = _record(_args(deletion_protection=True, protect=True)).one(
        "gcp:container/cluster:Cluster"
    )
    assert production.inputs["deletionProtection"] is True
    assert production.protect and production.retain_on_delete


def test_replacement_forcing_settings_are_declared() -> None:
    assert {
        "datapathProvider",
        "ipAllocationPolicy",
        "privateClusterConfig.enablePrivateNodes",
        "privateClusterConfig.masterIpv4CidrBlock",
    } <= set(REPLACEMENT_FORCING)


@pytest.mark.parametrize(
    ("text", "start", "end", "recurrence"),
    [
        ("Sun 02:00-06:00", "2025-01-12T02:00:00Z", "2025-01-12T06:00:00Z", "FREQ=DAILY"),
        ("Sat 20:00-10:00", "2025-01-11T20:00:00Z", "2025-01-12T10:00:00Z", "FREQ=WEEKLY;BYDAY=SA"),
        ("Mon 00:00-12:00", "2025-01-06T00:00:00Z", "2025-01-06T12:00:00Z", "FREQ=WEEKLY;BYDAY=MO"),
    ],
)
def test_maintenance_window_meets_gke_minimum(
    text: str, start: str, end: str, recurrence: str
) -> None:
    window = MaintenanceWindow.from_weekly(text)
    assert (window.start_time, window.end_time, window.recurrence) == (start, end, recurrence)


@pytest.mark.parametrize("text", ["Sunday 02:00-06:00", "Sun 02:00-04:00", "Sun 25:00-06:00"])
def test_maintenance_window_rejects_what_gke_would(text: str) -> None:
    with pytest.raises(ValueError, match="maintenance window"):
        MaintenanceWindow.from_weekly(text)
