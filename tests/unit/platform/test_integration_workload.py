"""IntegrationWorkload: hardened pods, immutable configuration, kinds, images, HPA and PDB."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec.platform import IntegrationSpec, PlatformSpec
from tests.unit.platform.recorded import objects, one, onprem, record_platform, stack_platform

DIGEST = "registry.example/x@sha256:" + "a" * 64


def _pod(workload: dict[str, Any]) -> dict[str, Any]:
    spec = workload["spec"]
    template = (
        spec["jobTemplate"]["spec"]["template"] if "jobTemplate" in spec else spec["template"]
    )
    return template["spec"]


def _workloads() -> list[dict[str, Any]]:
    return [w for kind in ("Deployment", "CronJob", "Job") for w in objects(onprem(), kind)]


def test_every_pod_is_hardened() -> None:
    assert len(_workloads()) == 9
    for workload in _workloads():
        pod = _pod(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        assert pod["serviceAccountName"] == workload["metadata"]["labels"]["app.kubernetes.io/name"]
        (container,) = pod["containers"]
        ctx = container["securityContext"]
        assert ctx["readOnlyRootFilesystem"] is True and ctx["allowPrivilegeEscalation"] is False
        assert ctx["capabilities"] == {"drop": ["ALL"]} and ctx["runAsUser"] >= 10000
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"]
        assert "@sha256:" in container["image"]
        assert container["resources"]["requests"] and container["resources"]["limits"]


def test_services_roll_with_zero_unavailable_probes_and_zone_spread() -> None:
    deployment = one(onprem(), "Deployment", "orders-prod", "order-api")
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod = _pod(deployment)
    container = pod["containers"][0]
    assert container["livenessProbe"]["tcpSocket"] == {"port": 8290}
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": 9201}
    spread = pod["topologySpreadConstraints"][0]
    assert spread["topologyKey"] == "topology.kubernetes.io/zone"
    assert "replicas" not in deployment["spec"]  # the HPA owns the count


def test_hpa_and_pdb_follow_the_overrides() -> None:
    hpa = one(onprem(), "HorizontalPodAutoscaler", "orders-prod", "order-api")["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 8)
    assert hpa["metrics"][0]["resource"]["target"]["averageUtilization"] == 60
    dev = one(onprem(), "HorizontalPodAutoscaler", "orders-dev", "order-api")["spec"]
    assert (dev["minReplicas"], dev["maxReplicas"]) == (2, 4)
    pdb = one(onprem(), "PodDisruptionBudget", "orders-prod", "order-api")["spec"]
    assert pdb["maxUnavailable"] == 1
    assert pdb["selector"]["matchLabels"]["app.kubernetes.io/name"] == "order-api"


def test_config_is_content_hashed_immutable_and_merged() -> None:
    dev = [
        c
        for c in objects(onprem(), "ConfigMap", "orders-dev")
        if c["metadata"]["name"].startswith("order-api-config-")
    ]
    prod = [
        c
        for c in objects(onprem(), "ConfigMap", "orders-prod")
        if c["metadata"]["name"].startswith("order-api-config-")
    ]
    assert len(dev) == len(prod) == 1
    assert dev[0]["immutable"] is True
    assert dev[0]["data"]["LOG_LEVEL"] == "debug" and prod[0]["data"]["LOG_LEVEL"] == "warn"
    assert dev[0]["data"]["PAGE_SIZE"] == "50"
    assert (
        dev[0]["metadata"]["name"] != prod[0]["metadata"]["name"]
    )  # different content, different name
    env = {
        e["name"]: e
        for e in _pod(one(onprem(), "Deployment", "orders-dev", "order-api"))["containers"][0][
            "env"
        ]
    }
    assert env["LOG_LEVEL"]["valueFrom"]["configMapKeyRef"]["name"] == dev[0]["metadata"]["name"]
    assert env["PAYMENTS_URL"]["value"].startswith("https://")
    assert env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"].startswith("order-api-secrets-")


def _order_api_variant(**changes: Any) -> PlatformSpec:
    platform = stack_platform("acme-onprem-local")
    integrations = tuple(
        i.model_copy(update=changes) if i.name == "order-api" else i for i in platform.integrations
    )
    return platform.model_copy(update={"integrations": integrations})


def test_a_config_change_rolls_a_new_revision() -> None:
    before = one(onprem(), "Deployment", "orders-dev", "order-api")
    after_recording = record_platform(
        _order_api_variant(config={"PAGE_SIZE": "100"}), "acme-onprem-local"
    )
    after = one(after_recording, "Deployment", "orders-dev", "order-api")

    def revision(d: dict[str, Any]) -> str:
        return d["spec"]["template"]["metadata"]["annotations"]["pdpkit.io/revision"]

    assert revision(before) != revision(after)
    names = {c["metadata"]["name"] for c in objects(after_recording, "ConfigMap", "orders-dev")}
    assert not any(
        c["metadata"]["name"] in names
        for c in objects(onprem(), "ConfigMap", "orders-dev")
        if c["metadata"]["name"].startswith("order-api-config-")
    )


def test_config_files_are_mounted_read_only() -> None:
    pod = _pod(one(onprem(), "Deployment", "orders-dev", "order-api"))
    mount = next(m for m in pod["containers"][0]["volumeMounts"] if m["name"] == "config-files")
    assert mount == {
        "name": "config-files",
        "mountPath": "/home/wso2carbon/conf/deployment.toml",
        "subPath": "0-deployment.toml",
        "readOnly": True,
    }
    files = next(v for v in pod["volumes"] if v["name"] == "config-files")["configMap"]["name"]
    data = one(onprem(), "ConfigMap", "orders-dev", files)
    assert (
        data["immutable"] is True and 'hostname = "order-api"' in data["data"]["0-deployment.toml"]
    )


def test_secrets_come_from_external_secrets_with_overrides() -> None:
    def secret_for(ns: str) -> dict[str, Any]:
        found = [
            s
            for s in objects(onprem(), "ExternalSecret", ns)
            if s["metadata"]["name"].startswith("order-api-secrets-")
        ]
        assert len(found) == 1
        return found[0]["spec"]

    assert secret_for("orders-prod")["data"] == [
        {
            "secretKey": "DB_PASSWORD",
            "remoteRef": {"key": "pdp/acme-onprem-local/prod/orders-db", "property": "password"},
        }
    ]
    assert secret_for("orders-dev")["secretStoreRef"] == {
        "kind": "ClusterSecretStore",
        "name": "vault-backend",
    }


def test_scheduled_and_manual_tasks() -> None:
    cron = one(onprem(), "CronJob", "finance-dev", "invoice-sync")["spec"]
    assert cron["schedule"] == "*/15 * * * *" and cron["concurrencyPolicy"] == "Forbid"
    (job,) = objects(onprem(), "Job", "finance-dev")
    assert job["spec"]["suspend"] is True
    assert job["metadata"]["name"].startswith("ledger-export-")
    assert _pod(job)["restartPolicy"] == "Never"
    assert _pod(job)["containers"][0]["envFrom"][0]["configMapRef"]["name"].startswith(
        "ledger-export-config-"
    )


def test_image_pull_secret_is_a_dockerconfigjson_external_secret() -> None:
    from tests.unit.platform.recorded import cloud

    recording = cloud("acme-azure-dev")
    pull = [
        s
        for s in objects(recording, "ExternalSecret", "partners-dev")
        if s["metadata"]["name"].startswith("partner-gateway-pull-")
    ]
    assert len(pull) == 1
    spec = pull[0]["spec"]
    assert spec["target"]["template"]["type"] == "kubernetes.io/dockerconfigjson"
    assert spec["data"][0]["secretKey"] == ".dockerconfigjson"
    pod = _pod(one(recording, "Deployment", "partners-dev", "partner-gateway"))
    assert pod["imagePullSecrets"] == [{"name": pull[0]["metadata"]["name"]}]


def test_ledger_image_wins_and_missing_images_are_reported() -> None:
    platform = _order_api_variant(image=None)
    recording = record_platform(platform, "acme-onprem-local", {("order-api", "prod"): DIGEST})
    assert (
        _pod(one(recording, "Deployment", "orders-prod", "order-api"))["containers"][0]["image"]
        == DIGEST
    )
    assert not objects(recording, "Deployment", "orders-dev")
    dev = recording.outputs["integrations"]["order-api"]["dev"]
    assert dev["deployed"] is False and "pdp release order-api" in dev["reason"]


@pytest.mark.parametrize("token", [True, False])
def test_service_account_token_only_when_asked(token: bool) -> None:
    recording = record_platform(
        _order_api_variant(service_account_token=token), "acme-onprem-local"
    )
    assert (
        _pod(one(recording, "Deployment", "orders-dev", "order-api"))[
            "automountServiceAccountToken"
        ]
        is token
    )
    assert (
        one(recording, "ServiceAccount", "orders-dev", "order-api")["automountServiceAccountToken"]
        is token
    )


def test_single_replica_has_no_pdb() -> None:
    spec = IntegrationSpec.model_validate(
        {
            "name": "solo",
            "project": "orders",
            "image": DIGEST,
            "replicas": 1,
            "probes": {
                "liveness": {"tcpSocket": {"port": 80}},
                "readiness": {"tcpSocket": {"port": 80}},
            },
        }
    )
    platform = stack_platform("acme-onprem-local")
    recording = record_platform(
        platform.model_copy(update={"integrations": (spec,)}), "acme-onprem-local"
    )
    assert one(recording, "Deployment", "orders-dev", "solo")["spec"]["replicas"] == 1
    assert not objects(recording, "PodDisruptionBudget") and not objects(
        recording, "HorizontalPodAutoscaler"
    )
