"""The assembled acme-gcp-staging stack: GCP infrastructure with the system layer on top."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from pdpkit.components.gcp.gke_cluster import UNSUPPORTED_VULNERABILITY_MODES
from pdpkit.plan.document import Plan
from pdpkit.plan.recorder import RecordedResource
from tests.examples import ROOT, plan_of

STACK = "acme-gcp-staging"


def plan() -> Plan:
    return plan_of(STACK)


def of_type(type_: str) -> list[RecordedResource]:
    return [r for r in plan().resources if r.type == type_]


def named(name: str) -> RecordedResource:
    return next(r for r in plan().resources if r.name == name)


def test_stack_plans_with_gcp_infrastructure_and_the_system_layer() -> None:
    types = {r.type for r in plan().resources}
    for expected in (
        "gcp:compute/network:Network",
        "gcp:compute/routerNat:RouterNat",
        "gcp:container/cluster:Cluster",
        "gcp:container/nodePool:NodePool",
        "gcp:artifactregistry/repository:Repository",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:logging/projectBucketConfig:ProjectBucketConfig",
        "gcp:storage/bucket:Bucket",
        "pdpkit:dataplane:SystemLayer",
        "kubernetes:external-secrets.io/v1:ClusterSecretStore",
    ):
        assert expected in types, expected
    assert not plan().mandatory_violations()
    assert plan().recording.outputs["registry"] == (
        "europe-west1-docker.pkg.dev/acme-pdp-staging/acme-gcp-staging"
    )


def test_cilium_is_not_installed_on_dataplane_v2() -> None:
    assert named("acme-gcp-staging-cluster").inputs["datapathProvider"] == "ADVANCED_DATAPATH"
    charts = {r.inputs.get("chart") for r in of_type("kubernetes:helm.sh/v3:Release")}
    assert "cilium" not in charts and "external-secrets" in charts


def test_cluster_secret_store_reads_secret_manager_as_the_annotated_account() -> None:
    store = of_type("kubernetes:external-secrets.io/v1:ClusterSecretStore")[0]
    assert set(store.inputs["spec"]["provider"]) == {"gcpsm"}
    email = "acme-gcp-staging-eso@acme-pdp-staging.iam.gserviceaccount.com"
    eso = next(
        r
        for r in of_type("kubernetes:helm.sh/v3:Release")
        if r.inputs["chart"] == "external-secrets"
    )
    assert eso.inputs["values"]["serviceAccount"]["annotations"] == {
        "iam.gke.io/gcp-service-account": email
    }
    ref = store.inputs["spec"]["provider"]["gcpsm"]["auth"]["workloadIdentity"]["serviceAccountRef"]
    assert eso.inputs["values"]["serviceAccount"]["name"] == ref["name"]
    binding = named("acme-gcp-staging-secrets-workload-identity").inputs["member"]
    assert binding.endswith(f"[{ref['namespace']}/{ref['name']}]")
    agent_keys = [
        d["remoteRef"]["key"]
        for r in of_type("kubernetes:external-secrets.io/v1:ExternalSecret")
        for d in r.inputs["spec"].get("data", [])
    ]
    assert agent_keys and all(k.startswith("pdp-") for k in agent_keys)


def test_log_agent_ships_to_cloud_logging_with_its_own_identity() -> None:
    releases = [
        r
        for r in of_type("kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease")
        if r.inputs["spec"]["chart"]["spec"]["chart"] == "fluent-bit"
    ]
    values: dict[str, Any] = releases[0].inputs["spec"]["values"]
    assert "Name stackdriver" in values["config"]["outputs"]
    assert "k8s_cluster_name acme-gcp-staging" in values["config"]["outputs"]
    assert values["serviceAccount"]["annotations"] == {
        "iam.gke.io/gcp-service-account": (
            "acme-gcp-staging-logs@acme-pdp-staging.iam.gserviceaccount.com"
        )
    }
    namespace = releases[0].inputs["spec"]["targetNamespace"]
    member = named("acme-gcp-staging-log-agent-workload-identity").inputs["member"]
    assert member.endswith(f"[{namespace}/fluent-bit]")


def test_internal_gateway_gets_an_internal_load_balancer() -> None:
    text = json.dumps([r.inputs for r in plan().resources])
    assert '"networking.gke.io/load-balancer-type": "Internal"' in text


def test_kubernetes_objects_use_the_gke_provider_and_wait_for_node_pools() -> None:
    provider = named("acme-gcp-staging-k8s")
    kubernetes = [r for r in plan().resources if r.type.startswith("kubernetes:") and r.custom]
    # the recorder keeps the provider reference's id part (`provider-<name>` offline)
    assert kubernetes and {r.provider for r in kubernetes} == {f"provider-{provider.name}"}
    pools = {r.urn for r in of_type("gcp:container/nodePool:NodePool")}
    releases = of_type("kubernetes:helm.sh/v3:Release")
    assert any(pools <= set(r.dependencies) for r in releases)


@pytest.mark.slow
def test_a_gcp_plan_imports_neither_azure_nor_aws() -> None:
    probe = (
        "import sys, pathlib\n"
        "from pdpkit.plan.run import plan_stack\n"
        f"plan_stack(pathlib.Path('.'), {STACK!r})\n"
        "print('IMPORTED', sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pulumi_gcp', 'pulumi_aws', 'pulumi_azure_native'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "IMPORTED ['pulumi_gcp']" in result.stdout


def test_acme_issuer_solves_dns01_in_cloud_dns_as_cert_manager() -> None:
    issuer = of_type("kubernetes:cert-manager.io/v1:ClusterIssuer")[0]
    solvers = issuer.inputs["spec"]["acme"]["solvers"]
    assert solvers[0]["dns01"] == {
        "cloudDNS": {"project": "acme-pdp-staging", "hostedZoneName": "staging-apps-acme"}
    }
    release = next(
        r for r in of_type("kubernetes:helm.sh/v3:Release") if r.inputs["chart"] == "cert-manager"
    )
    annotations = release.inputs["values"]["serviceAccount"]["annotations"]
    assert annotations == {
        "iam.gke.io/gcp-service-account": (
            "acme-gcp-staging-dns01@acme-pdp-staging.iam.gserviceaccount.com"
        )
    }


def test_the_cluster_asks_only_for_security_posture_settings_standard_gke_still_offers() -> None:
    # GKE shut down the standard tier of workload vulnerability scanning on 2025-07-31 and
    # deprecated Advanced Vulnerability Insights (cloud.google.com/kubernetes-engine/docs/
    # deprecations/vulnerability-scanning-gkee): neither can be enabled on a Standard cluster
    (cluster,) = of_type("gcp:container/cluster:Cluster")
    posture = cluster.inputs["securityPostureConfig"]
    assert posture == {"mode": "BASIC", "vulnerabilityMode": "VULNERABILITY_DISABLED"}
    assert posture["vulnerabilityMode"] not in UNSUPPORTED_VULNERABILITY_MODES
