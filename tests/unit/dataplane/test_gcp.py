"""The GCP assembly: every part of issue 6 wired together, secure by default, offline."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pulumi

from pdpkit.components.gcp import names
from pdpkit.dataplane import gcp
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.loader import load_stack
from tests.examples import ROOT
from tests.unit.components.gcp.recording import Recorded, record_program

STACK = "acme-gcp-staging"
NUMBER = "482917365104"


@cache
def staging_spec() -> DataPlaneSpec:
    return load_stack(ROOT, STACK).dataplane


def variant(**cluster: Any) -> DataPlaneSpec:
    spec = staging_spec()
    production = cluster.pop("production", spec.production)
    gcp_section = cluster.pop("gcp", None)
    return spec.model_copy(
        update={
            "production": production,
            "cluster": spec.cluster.model_copy(update=cluster),
            **({"gcp": gcp_section} if gcp_section is not None else {}),
        }
    )


def provisioned(spec: DataPlaneSpec) -> Recorded:
    def program() -> dict[str, Any]:
        infra = gcp.provision(spec)
        args = infra.system_args
        return {
            "secretStoreProvider": args.secret_store_provider,
            "esoAnnotations": args.secret_store_identity.service_account_annotations,
            "logOutput": args.log_destination.output,
            "logParameters": args.log_destination.parameters,
            "logAnnotations": args.log_destination.identity.service_account_annotations,
            "registry": args.registry,
            "apiServerCidrs": list(args.api_server_cidrs),
            "internalLb": args.internal_load_balancer_annotations,
            "installCilium": args.install_cilium,
            "dependsOn": [pulumi.Output.from_input(r.urn) for r in args.depends_on],
            "kubeconfig": infra.cluster.kubeconfig,
            "secretPrefix": infra.secret_prefix,
            "dns01": args.acme_dns01_solver,
            "certManagerAnnotations": args.cert_manager_identity.service_account_annotations,
        }

    return record_program(program)


@cache
def staging() -> Recorded:
    return provisioned(staging_spec())


@cache
def production() -> Recorded:
    return provisioned(variant(production=True))


def test_cluster_keeps_the_logical_name_the_policy_waiver_names() -> None:
    cluster = staging().one("gcp:container/cluster:Cluster")
    assert cluster.name == "acme-gcp-staging-cluster"
    waivers = load_stack(ROOT, STACK).policy.waivers
    assert any(cluster.name in w.resources for w in waivers)


def test_network_carries_the_spec_ranges() -> None:
    subnet = staging().one("gcp:compute/subnetwork:Subnetwork").inputs
    assert subnet["ipCidrRange"] == "10.40.0.0/20"
    assert [r["ipCidrRange"] for r in subnet["secondaryIpRanges"]] == [
        "100.64.0.0/14",
        "100.68.0.0/20",
    ]
    webhooks = staging().resources["acme-gcp-staging-allow-webhooks"].inputs
    assert webhooks["sourceRanges"] == ["172.16.0.0/28"]


def test_staging_cluster_secure_defaults() -> None:
    inputs = staging().one("gcp:container/cluster:Cluster").inputs
    assert inputs["datapathProvider"] == "ADVANCED_DATAPATH"
    assert inputs["workloadIdentityConfig"]["workloadPool"] == "acme-pdp-staging.svc.id.goog"
    assert inputs["privateClusterConfig"]["enablePrivateNodes"] is True
    assert inputs["privateClusterConfig"]["enablePrivateEndpoint"] is False  # waived in the stack
    assert [b["cidrBlock"] for b in inputs["masterAuthorizedNetworksConfig"]["cidrBlocks"]] == [
        "203.0.113.0/24"
    ]
    assert inputs["enableShieldedNodes"] is True
    assert inputs["removeDefaultNodePool"] is True
    assert inputs["releaseChannel"] == {"channel": "REGULAR"}
    assert inputs["nodeLocations"] == ["europe-west1-b", "europe-west1-c", "europe-west1-d"]
    assert inputs["deletionProtection"] is False


def test_secrets_are_encrypted_with_the_ring_key_granted_to_the_gke_agent_first() -> None:
    recorded = staging()
    cluster = recorded.one("gcp:container/cluster:Cluster")
    key = recorded.resources["acme-gcp-staging-kms-gke-secrets"]
    grant = recorded.resources["acme-gcp-staging-kms-gke-secrets-user-0"]
    assert cluster.inputs["databaseEncryption"]["state"] == "ENCRYPTED"
    assert cluster.inputs["databaseEncryption"]["keyName"] == (
        "projects/acme-pdp-staging/locations/europe-west1/keyRings/acme-gcp-staging-keys"
        "/cryptoKeys/gke-secrets"
    )
    assert key.urn in cluster.dependencies and grant.urn in cluster.dependencies
    assert grant.inputs["member"] == (
        f"serviceAccount:service-{NUMBER}@container-engine-robot.iam.gserviceaccount.com"
    )


def test_node_pools_follow_the_spec_and_the_system_pool_is_tainted() -> None:
    pools = {
        p.inputs["name"]: p.inputs for p in staging().of_type("gcp:container/nodePool:NodePool")
    }
    assert set(pools) == {"system", "apps"}
    assert pools["apps"]["autoscaling"]["totalMaxNodeCount"] == 5
    assert len(pools["apps"]["nodeLocations"]) == 3
    assert pools["system"]["nodeLocations"] == ["europe-west1-b", "europe-west1-c"]
    for pool in pools.values():
        start = pool["initialNodeCount"] * len(pool["nodeLocations"])
        assert start <= pool["autoscaling"]["totalMaxNodeCount"]
    assert pools["apps"]["nodeConfig"]["machineType"] == "e2-standard-8"
    assert pools["apps"]["nodeConfig"]["labels"]["workload"] == "integrations"
    assert pools["system"]["nodeConfig"]["taints"] == [
        {"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}
    ]
    account = "acme-gcp-staging-nodes@acme-pdp-staging.iam.gserviceaccount.com"
    assert all(p["nodeConfig"]["serviceAccount"] == account for p in pools.values())


def test_registry_with_cmek_cleanup_and_node_reader_only() -> None:
    recorded = staging()
    repo = recorded.one("gcp:artifactregistry/repository:Repository").inputs
    assert repo["format"] == "DOCKER"
    assert repo["kmsKeyName"].endswith("/cryptoKeys/registry")
    assert repo["cleanupPolicies"][0]["condition"]["olderThan"] == f"{30 * 86400}s"
    reader = recorded.one("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember").inputs
    assert reader["role"] == "roles/artifactregistry.reader"
    assert reader["member"] == (
        "serviceAccount:acme-gcp-staging-nodes@acme-pdp-staging.iam.gserviceaccount.com"
    )
    node_roles = [
        g.inputs["role"]
        for g in recorded.of_type("gcp:projects/iAMMember:IAMMember")
        if "nodes@" in g.inputs["member"]
    ]
    assert node_roles == ["roles/container.defaultNodeServiceAccount"]
    assert recorded.outputs["registry"] == (
        "europe-west1-docker.pkg.dev/acme-pdp-staging/acme-gcp-staging"
    )


def test_secret_store_is_secret_manager_through_workload_identity() -> None:
    recorded = staging()
    provider = recorded.outputs["secretStoreProvider"]["gcpsm"]
    assert provider["projectID"] == "acme-pdp-staging"
    identity = provider["auth"]["workloadIdentity"]
    assert identity["clusterName"] == "acme-gcp-staging"
    assert identity["clusterLocation"] == "europe-west1"
    eso = "acme-gcp-staging-eso@acme-pdp-staging.iam.gserviceaccount.com"
    assert recorded.outputs["esoAnnotations"] == {"iam.gke.io/gcp-service-account": eso}
    binding = recorded.resources["acme-gcp-staging-secrets-workload-identity"].inputs
    ref = identity["serviceAccountRef"]
    assert binding["member"] == (
        f"serviceAccount:acme-pdp-staging.svc.id.goog[{ref['namespace']}/{ref['name']}]"
    )
    accessor = recorded.resources["acme-gcp-staging-secrets-accessor"].inputs
    assert accessor["condition"]["expression"] == (
        f'resource.name.startsWith("projects/{NUMBER}/secrets/pdp-")'
    )
    assert recorded.outputs["secretPrefix"] == "pdp-"


def test_logs_stay_in_the_project() -> None:
    recorded = staging()
    bucket = recorded.one("gcp:logging/projectBucketConfig:ProjectBucketConfig").inputs
    assert bucket["retentionDays"] == 30
    (archive,) = (
        r.inputs
        for r in recorded.of_type("gcp:storage/bucket:Bucket")
        if r.name == "acme-gcp-staging-logs-archive"
    )
    assert archive["name"] == "acme-pdp-staging-acme-gcp-staging-logs"
    assert archive["publicAccessPrevention"] == "enforced"
    assert archive["uniformBucketLevelAccess"] is True
    assert archive["versioning"] == {"enabled": True}
    assert archive["encryption"]["defaultKmsKeyName"].endswith("/cryptoKeys/log-archive")
    assert {"age": 365} in [r["condition"] for r in archive["lifecycleRules"]]
    assert recorded.outputs["logOutput"] == "stackdriver"
    assert recorded.outputs["logParameters"]["k8s_cluster_name"] == "acme-gcp-staging"
    assert recorded.outputs["logAnnotations"] == {
        "iam.gke.io/gcp-service-account": (
            "acme-gcp-staging-logs@acme-pdp-staging.iam.gserviceaccount.com"
        )
    }


def test_system_layer_inputs() -> None:
    recorded = staging()
    assert recorded.outputs["installCilium"] is False
    assert recorded.outputs["internalLb"] == {"networking.gke.io/load-balancer-type": "Internal"}
    assert recorded.outputs["apiServerCidrs"] == ["172.16.0.0/28"]
    pools = {p.urn for p in recorded.of_type("gcp:container/nodePool:NodePool")}
    assert set(recorded.outputs["dependsOn"]) == pools
    provider = recorded.one("pulumi:providers:kubernetes")
    kubeconfig = json.loads(provider.inputs["kubeconfig"])
    assert kubeconfig["users"][0]["user"]["exec"]["command"] == "gke-gcloud-auth-plugin"
    assert kubeconfig["clusters"][0]["cluster"]["server"].startswith("https://34.")


def test_acme_dns01_uses_the_stack_zone_and_cert_managers_own_identity() -> None:
    recorded = staging()
    assert recorded.outputs["dns01"] == {
        "cloudDNS": {"project": "acme-pdp-staging", "hostedZoneName": "staging-apps-acme"}
    }
    email = "acme-gcp-staging-dns01@acme-pdp-staging.iam.gserviceaccount.com"
    assert recorded.outputs["certManagerAnnotations"] == {"iam.gke.io/gcp-service-account": email}
    grant = recorded.one("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember").inputs
    assert grant["managedZone"] == "staging-apps-acme" and grant["role"] == "roles/dns.admin"
    without = provisioned(
        variant(gcp=staging_spec().gcp.model_copy(update={"dns_managed_zone": None}))
    )  # type: ignore[union-attr]
    assert without.outputs["dns01"] is None
    assert not without.of_type("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember")


def test_production_protects_and_retains_everything_that_holds_data() -> None:
    recorded = production()
    held_types = (
        "gcp:container/cluster:Cluster",
        "gcp:artifactregistry/repository:Repository",
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:logging/projectBucketConfig:ProjectBucketConfig",
        "gcp:storage/bucket:Bucket",
    )
    held = [r for t in held_types for r in recorded.of_type(t)]
    # cluster, registry, ring, keys (gke-secrets, registry, log-archive, observability), log
    # bucket, archive bucket, three observability buckets
    assert len(held) == 12
    assert all(r.protect and r.retain_on_delete for r in held)
    assert recorded.one("gcp:container/cluster:Cluster").inputs["deletionProtection"] is True
    assert not any(r.protect for r in staging().resources.values())


def test_private_endpoint_admits_the_vpc_and_the_kubeconfig_points_inside() -> None:
    recorded = provisioned(variant(private_api_endpoint=True, authorized_ranges=()))
    inputs = recorded.one("gcp:container/cluster:Cluster").inputs
    assert inputs["privateClusterConfig"]["enablePrivateEndpoint"] is True
    blocks = inputs["masterAuthorizedNetworksConfig"]["cidrBlocks"]
    assert [b["cidrBlock"] for b in blocks] == ["10.40.0.0/20"]
    server = json.loads(recorded.outputs["kubeconfig"])["clusters"][0]["cluster"]["server"]
    assert server == "https://172.16.0.2"


def test_without_secrets_encryption_or_cmek_no_keys_are_made() -> None:
    spec = variant(
        secrets_encryption=False,
        gcp=staging_spec().gcp.model_copy(update={"customer_managed_keys": False}),  # type: ignore[union-attr]
    )
    recorded = provisioned(spec)
    assert not recorded.of_type("gcp:kms/cryptoKey:CryptoKey")
    assert recorded.one("gcp:container/cluster:Cluster").inputs["databaseEncryption"] == {
        "state": "DECRYPTED"
    }
    assert "kmsKeyName" not in recorded.one("gcp:artifactregistry/repository:Repository").inputs


def test_project_number_is_looked_up_when_the_spec_leaves_it_out() -> None:
    """Only Google knows the number: offline, the lookup is unknown and the plan says so."""
    spec = variant(gcp=staging_spec().gcp.model_copy(update={"project_number": None}))  # type: ignore[union-attr]
    recorded = provisioned(spec)
    grant = recorded.resources["acme-gcp-staging-kms-gke-secrets-user-0"].inputs
    assert grant["member"] == "[unknown]"


def test_names_fit_gcp_limits() -> None:
    long = "a-very-long-data-plane-name-for-tests"
    ids = {names.account_id(long, role) for role in ("nodes", "eso", "logs")}
    assert len(ids) == 3 and all(6 <= len(i) <= 30 for i in ids)
    assert names.account_id("dp-one", "eso") == "dp-one-eso"
    assert len(names.archive_bucket_name("a-thirty-character-project-id", long)) <= 63
    spec = staging_spec()
    assert (
        gcp.nodes_cidr(
            spec.model_copy(update={"network": spec.network.model_copy(update={"subnets": ()})})
        )
        == "10.40.0.0/20"
    )
    assert set(gcp.RELEASE_CHANNELS) == {"none", "patch", "stable", "regular", "rapid"}


def test_generic_zones_let_gke_choose() -> None:
    spec = staging_spec()
    generic = spec.model_copy(
        update={"network": spec.network.model_copy(update={"availability_zones": ("1", "2", "3")})}
    )
    recorded = provisioned(generic)
    assert "nodeLocations" not in recorded.one("gcp:container/cluster:Cluster").inputs
    assert all(
        "nodeLocations" not in p.inputs for p in recorded.of_type("gcp:container/nodePool:NodePool")
    )
