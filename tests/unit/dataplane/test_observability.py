"""The observability chain on every target: collectors, stores, tenancy, integrations."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.components.k8s.otel_collectors import UNTRUSTED_ATTRIBUTES
from pdpkit.components.k8s.telemetry_routing import namespace_tenants
from pdpkit.dataplane.contract import OBSERVABILITY_NAMESPACE
from pdpkit.dataplane.observability import NODE_NAMESPACE
from pdpkit.plan.document import Plan
from pdpkit.plan.run import plan_spec
from pdpkit.spec.loader import load_stack
from pdpkit.spec.observability import SYSTEM_TENANT
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of
from tests.unit.dataplane.observability_plans import plan_with_storage, plan_without_storage

pytestmark = pytest.mark.slow


def releases(plan: Plan) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in plan.helm_releases()}


def namespaces(plan: Plan) -> dict[str, dict[str, str]]:
    return {
        m["metadata"]["name"]: m["metadata"].get("labels", {})
        for m in plan.manifests()
        if m.get("kind") == "Namespace"
    }


def project_namespaces(plan: Plan) -> set[str]:
    return {name for name, labels in namespaces(plan).items() if "pdpkit.io/project" in labels}


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_target_plans_the_whole_chain(stack):
    plan = plan_with_storage(stack)
    found = releases(plan)
    for release, chart, namespace in (
        ("otel-node", "opentelemetry-collector", NODE_NAMESPACE),
        ("otel-gateway", "opentelemetry-collector", OBSERVABILITY_NAMESPACE),
        ("obs-loki", "loki", OBSERVABILITY_NAMESPACE),
        ("tempo", "tempo-distributed", OBSERVABILITY_NAMESPACE),
        ("cortex", "cortex", OBSERVABILITY_NAMESPACE),
        ("kube-state-metrics", "kube-state-metrics", OBSERVABILITY_NAMESPACE),
    ):
        assert found[release]["chart"] == chart, (stack, release)
        assert found[release]["namespace"] == namespace, (stack, release)
    # the collectors export to the stores the chain installs
    gateway = found["otel-gateway"]["values"]["config"]["exporters"]
    assert any(e.startswith("otlphttp/loki-") for e in gateway)
    assert {e["endpoint"] for n, e in gateway.items() if n.startswith("otlp/tempo-")} == {
        f"tempo-distributor.{OBSERVABILITY_NAMESPACE}.svc.cluster.local:4317"
    }
    node = found["otel-node"]["values"]["config"]["exporters"]
    assert {e["endpoint"] for n, e in node.items() if n.startswith("otlphttp/loki-")} == {
        f"http://loki-write.{OBSERVABILITY_NAMESPACE}.svc.cluster.local:3100/otlp"
    }
    metrics = {e["metrics_endpoint"] for n, e in node.items() if n.startswith("otlphttp/cortex-")}
    assert metrics == {
        f"http://cortex-distributor.{OBSERVABILITY_NAMESPACE}.svc.cluster.local:8080"
        "/api/v1/otlp/v1/metrics"
    }
    assert set(node) == {n for n in node if n.startswith(("otlphttp/loki-", "otlphttp/cortex-"))}


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_node_collector_collects_every_metrics_source_per_tenant(stack):
    values = releases(plan_with_storage(stack))["otel-node"]["values"]
    config = values["config"]
    # kubelet/cAdvisor: the chart's preset appends kubeletstats to the `metrics` pipeline
    assert values["presets"]["kubeletMetrics"] == {"enabled": True}
    assert config["service"]["pipelines"]["metrics"]["exporters"] == ["routing/metrics"]
    tenants = set(namespace_tenants(config))
    for tenant in tenants:
        pipeline = config["service"]["pipelines"][f"metrics/{tenant}"]
        # kubelet stats of its namespaces, its annotated pods, its kube-state-metrics series
        assert pipeline["receivers"] == [
            "routing/metrics",
            f"prometheus/{tenant}",
            f"prometheus/ksm-{tenant}",
        ]
        assert pipeline["exporters"] == [f"otlphttp/cortex-{tenant}"]
        assert config["exporters"][f"otlphttp/cortex-{tenant}"]["headers"] == {
            "X-Scope-OrgID": tenant
        }
        (scrape,) = config["receivers"][f"prometheus/{tenant}"]["config"]["scrape_configs"]
        (sd,) = scrape["kubernetes_sd_configs"]
        assert sd["namespaces"]["names"] == [tenant]  # one namespace per tenant
        assert sd["selectors"] == [{"role": "pod", "field": "spec.nodeName=${env:K8S_NODE_NAME}"}]
    # kube-state-metrics series of no project namespace: the system tenant
    system = config["receivers"][f"prometheus/ksm-{SYSTEM_TENANT}"]["config"]["scrape_configs"]
    (drop,) = system[0]["metric_relabel_configs"]
    assert drop["action"] == "drop"
    assert set(drop["regex"].split("|")) == tenants
    assert (
        f"prometheus/ksm-{SYSTEM_TENANT}"
        in (config["service"]["pipelines"][f"metrics/{SYSTEM_TENANT}"]["receivers"])
    )


def test_the_node_collector_may_read_kubelet_stats_and_pods_only():
    from pdpkit.components.k8s.otel_collectors import NODE_RULES

    plan = plan_with_storage("acme-aws-prod")
    values = releases(plan)["otel-node"]["values"]
    assert values["clusterRole"]["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}
    ]
    reconciler = [
        m
        for m in plan.manifests()
        if m.get("kind") == "ClusterRole" and "otel-node-reconciler" in m["metadata"]["name"]
    ]
    (role,) = reconciler
    granted = [r for r in role["rules"] if r["apiGroups"] != ["rbac.authorization.k8s.io"]]
    assert granted == list(NODE_RULES)


def test_kube_state_metrics_reads_no_secret_or_configmap():
    plan = plan_with_storage("acme-gcp-staging")
    ksm = releases(plan)["kube-state-metrics"]["values"]
    assert not {"secrets", "configmaps", "certificatesigningrequests"} & set(ksm["collectors"])
    (role,) = [
        m
        for m in plan.manifests()
        if m.get("kind") == "ClusterRole"
        and "kube-state-metrics-reconciler" in m["metadata"]["name"]
    ]
    resources = {r for rule in role["rules"] for r in rule["resources"]}
    assert "secrets" not in resources and "configmaps" not in resources
    assert {"pods", "deployments", "nodes"} <= resources


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_project_namespaces_admit_the_scrapers_only(stack):
    plan = plan_with_storage(stack)
    policies = [
        m
        for m in plan.manifests()
        if m.get("kind") == "NetworkPolicy" and m["metadata"]["name"] == "allow-metrics-scrape"
    ]
    assert {p["metadata"]["namespace"] for p in policies} == project_namespaces(plan)
    for policy in policies:
        (rule,) = policy["spec"]["ingress"]
        (peer,) = rule["from"]
        assert peer["namespaceSelector"]["matchLabels"] == {
            "kubernetes.io/metadata.name": NODE_NAMESPACE
        }
        assert peer["podSelector"]["matchLabels"]["app.kubernetes.io/instance"] == "otel-node"


CHAIN = {"otel-node", "otel-gateway", "obs-loki", "tempo", "cortex", "kube-state-metrics"}


def test_without_storage_nothing_is_installed_and_no_endpoint_is_injected():
    chain = CHAIN
    for stack in EXAMPLE_STACKS:
        # every target provides the storage: the example plans carry the whole chain
        assert chain <= set(releases(plan_of(stack))), stack
        plan = plan_without_storage(stack)
        assert not chain & set(releases(plan))
        assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in str(plan.manifests())


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_with_observability_off_nothing_is_installed_and_no_endpoint_is_injected(stack):
    spec = load_stack(ROOT, stack)
    off = spec.dataplane.observability.model_copy(update={"enabled": False, "api": None})
    dataplane = spec.dataplane.model_copy(update={"observability": off})
    plan = plan_spec(spec.model_copy(update={"dataplane": dataplane}), ROOT, stack)
    assert not CHAIN & set(releases(plan))
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in str(plan.manifests())
    assert not [r for r in plan.resources if "observability" in r.name], stack
    # and on: the example stacks plan the chain
    assert set(releases(plan_of(stack))) >= CHAIN


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_namespaces_enforce_what_their_pods_meet(stack):
    labels = namespaces(plan_with_storage(stack))
    enforce = "pod-security.kubernetes.io/enforce"
    assert labels[OBSERVABILITY_NAMESPACE][enforce] == "restricted"
    # the node collector mounts host paths: only privileged admits it, and it is alone there
    assert labels[NODE_NAMESPACE][enforce] == "privileged"
    assert [
        r["name"]
        for r in releases(plan_with_storage(stack)).values()
        if r["namespace"] == NODE_NAMESPACE
    ] == ["otel-node"]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_workload_namespace_maps_to_exactly_one_tenant(stack):
    plan = plan_with_storage(stack)
    workload_namespaces = project_namespaces(plan)
    assert workload_namespaces, stack  # every example stack has a platform
    found = releases(plan)
    for release in ("otel-node", "otel-gateway"):
        tenants = namespace_tenants(found[release]["values"]["config"])
        assert set(tenants) == workload_namespaces, (stack, release)
        for namespace, written_as in tenants.items():
            # exactly one tenant, named like the namespace, and never the system's
            assert written_as == {namespace}, (stack, release, namespace)
    # each namespace's label says the same
    for namespace in workload_namespaces:
        assert namespaces(plan)[namespace]["pdpkit.io/tenant"] == namespace
    assert SYSTEM_TENANT not in workload_namespaces


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_an_otlp_record_cannot_claim_another_namespace(stack):
    config = releases(plan_with_storage(stack))["otel-gateway"]["values"]["config"]
    processors = config["processors"]
    deleted = {a["key"] for a in processors["resource/untrusted"]["attributes"]}
    assert deleted == set(UNTRUSTED_ATTRIBUTES)
    assert processors["k8s_attributes"]["pod_association"] == [
        {"sources": [{"from": "connection"}]}
    ]
    for name in ("logs", "traces"):
        pipeline = config["service"]["pipelines"][name]
        assert pipeline["receivers"] == ["otlp"]
        steps = pipeline["processors"]
        assert steps.index("resource/untrusted") < steps.index("k8s_attributes"), name
    # an unattributed OTLP record is dropped, never written to a tenant
    for connector in ("routing/otlp-logs", "routing/otlp-traces"):
        assert "default_pipelines" not in config["connectors"][connector]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_stores_are_multi_tenant_and_keep_what_the_spec_says(stack):
    spec = load_stack(ROOT, stack).dataplane.observability
    found = releases(plan_with_storage(stack))
    loki = found["obs-loki"]["values"]
    assert loki["loki"]["auth_enabled"] is True
    assert loki["loki"]["limits_config"]["retention_period"] == f"{spec.retention.logs_days * 24}h"
    assert loki["loki"]["compactor"]["retention_enabled"] is True
    assert loki["serviceAccount"]["name"] == "loki"
    tempo = found["tempo"]["values"]
    assert tempo["multitenancyEnabled"] is True
    retention = tempo["compactor"]["config"]["compaction"]["block_retention"]
    assert retention == f"{spec.retention.traces_days * 24}h"
    assert tempo["serviceAccount"]["name"] == "tempo"
    cortex = found["cortex"]["values"]
    assert cortex["config"]["auth_enabled"] is True
    limits = cortex["config"]["limits"]
    assert limits["compactor_blocks_retention_period"] == f"{spec.retention.metrics_days * 24}h"
    assert cortex["serviceAccount"]["name"] == "cortex"
    # nothing that writes rules or alert configurations, no unauthenticated nginx in front
    for off in ("ruler", "alertmanager", "nginx"):
        assert cortex[off] == {"enabled": False}, off


def test_each_store_uses_the_targets_storage_and_identity():
    azure = releases(plan_with_storage("acme-azure-dev"))
    assert azure["obs-loki"]["values"]["loki"]["storage"]["azure"]["useFederatedToken"] is True
    assert azure["obs-loki"]["values"]["loki"]["podLabels"] == {
        "azure.workload.identity/use": "true"
    }
    assert azure["tempo"]["values"]["storage"]["trace"]["azure"]["use_federated_token"] is True
    aws = releases(plan_with_storage("acme-aws-prod"))
    assert "eks.amazonaws.com/role-arn" in aws["tempo"]["values"]["serviceAccount"]["annotations"]
    assert aws["obs-loki"]["values"]["loki"]["storage"]["bucketNames"]["chunks"] == "obs-logs"
    assert aws["tempo"]["values"]["storage"]["trace"]["s3"]["bucket"] == "obs-traces"
    cortex_azure = azure["cortex"]["values"]
    assert cortex_azure["config"]["blocks_storage"] == {
        "backend": "azure",
        # no key, no user-assigned id: the workload identity the webhook injects
        "azure": {"container_name": "obs-metrics", "account_name": "acmeobservability"},
    }
    assert cortex_azure["ingester"]["podLabels"] == {"azure.workload.identity/use": "true"}
    assert "eks.amazonaws.com/role-arn" in aws["cortex"]["values"]["serviceAccount"]["annotations"]
    s3 = aws["cortex"]["values"]["config"]["blocks_storage"]["s3"]
    assert s3["bucket_name"] == "obs-metrics"
    assert not {"access_key_id", "secret_access_key"} & set(s3)
    gcp = releases(plan_with_storage("acme-gcp-staging"))
    assert gcp["tempo"]["values"]["storage"]["trace"]["gcs"] == {"bucket_name": "obs-traces"}
    assert gcp["cortex"]["values"]["config"]["blocks_storage"]["gcs"] == {
        "bucket_name": "obs-metrics"
    }
    # on-prem: the S3 access key from the secret store, as environment variables only
    onprem = plan_with_storage("acme-onprem-local")
    secrets = [
        m
        for m in onprem.manifests()
        if m.get("kind") == "ExternalSecret"
        and m["metadata"]["namespace"] == OBSERVABILITY_NAMESPACE
    ]
    assert [s["spec"]["target"]["name"] for s in secrets] == ["observability-s3"]
    env_from = [{"secretRef": {"name": "observability-s3"}}]
    assert releases(onprem)["obs-loki"]["values"]["write"]["extraEnvFrom"] == env_from
    assert releases(onprem)["tempo"]["values"]["global"]["extraEnvFrom"] == env_from
    ingester_env = releases(onprem)["cortex"]["values"]["ingester"]["env"]
    assert {e["valueFrom"]["secretKeyRef"]["name"] for e in ingester_env} == {"observability-s3"}


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_integrations_get_the_otlp_endpoint_and_may_reach_only_the_collector(stack):
    plan = plan_with_storage(stack)
    pods = [
        m["spec"]["template"]
        for m in plan.manifests()
        if m.get("kind") == "Deployment" and "pdpkit.io/environment" in str(m["metadata"])
    ]
    assert pods, stack
    for pod in pods:
        env = {e["name"]: e.get("value") for e in pod["spec"]["containers"][0].get("env", [])}
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == (
            f"http://otel-gateway.{OBSERVABILITY_NAMESPACE}.svc.cluster.local:4318"
        )
        assert pod["metadata"]["labels"]["pdpkit.io/tenant"]
    policies = [
        m
        for m in plan.manifests()
        if m.get("kind") == "NetworkPolicy" and m["metadata"]["name"] == "allow-telemetry"
    ]
    assert {p["metadata"]["namespace"] for p in policies} == project_namespaces(plan)
    for policy in policies:
        (rule,) = policy["spec"]["egress"]
        (peer,) = rule["to"]
        assert peer["namespaceSelector"]["matchLabels"] == {
            "kubernetes.io/metadata.name": OBSERVABILITY_NAMESPACE
        }
        assert peer["podSelector"]["matchLabels"]["app.kubernetes.io/instance"] == "otel-gateway"
        assert sorted(p["port"] for p in rule["ports"]) == [4317, 4318]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_chain_passes_the_policy(stack):
    # the identities in the hand-made storage name no resource of the plan (the target's real
    # storage creates them); the policy says so, and nothing else
    made_up = {
        "arn:aws:iam::123456789012:role/obs-stores",
        "obs-stores@acme.iam.gserviceaccount.com",
    }
    for verdict in plan_with_storage(stack).mandatory_violations():
        assert verdict.rule == "PDP-REFERENCES-RESOLVE", verdict
        assert any(f"({value})" in verdict.message for value in made_up), verdict


def test_stores_run_as_the_accounts_the_target_binds_its_identity_to():
    from pdpkit.dataplane.contract import OBSERVABILITY_STORE_SERVICE_ACCOUNTS

    found = releases(plan_with_storage("acme-aws-prod"))
    for release in ("obs-loki", "tempo", "cortex"):
        values = found[release]["values"]
        assert found[release]["namespace"] == OBSERVABILITY_NAMESPACE
        assert values["serviceAccount"]["create"] is True
        assert values["serviceAccount"]["name"] in OBSERVABILITY_STORE_SERVICE_ACCOUNTS


def test_the_chains_manifests_pass_the_independent_checkers(tmp_path):
    from pdpkit.plan.document import to_yaml_documents
    from tests.checkers import kubernetes_validate_strict, run_checkov
    from tests.unit.platform.recorded import CORE_KINDS

    for stack in EXAMPLE_STACKS:
        objects = plan_with_storage(stack).manifests()
        core = [m for m in objects if m.get("kind") in CORE_KINDS]
        assert any(
            m["kind"] == "NetworkPolicy" and "telemetry" in m["metadata"]["name"] for m in core
        )
        validated, errors = kubernetes_validate_strict(core, "1.35.0")
        assert errors == [], stack
        assert len(validated) == len(core), stack
        (tmp_path / f"{stack}.yaml").write_text(to_yaml_documents(core))
    report = run_checkov(tmp_path)
    assert report.passed > 100
    assert [(f["check_id"], f["resource"]) for f in report.failed] == []


def test_cortexs_restricted_level_rests_on_the_values_pdpkit_sets():
    # cortexproject/cortex-helm-chart v3.3.4 values.yaml: every component's securityContext
    # is {} (rendered only when `enabled`) and its containerSecurityContext only sets a
    # read-only root; the image runs as root (cortexproject/cortex v1.21.1 cmd/cortex/Dockerfile)
    from pdpkit.components.k8s.cortex_store import COMPONENTS, DISABLED

    values = releases(plan_with_storage("acme-onprem-local"))["cortex"]["values"]
    for component in COMPONENTS:
        pod = values[component]["securityContext"]
        assert pod["enabled"] is True and pod["runAsNonRoot"] is True, component
        assert pod["runAsUser"] != 0
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}
        container = values[component]["containerSecurityContext"]
        assert container["enabled"] is True
        assert container["allowPrivilegeEscalation"] is False
        assert container["capabilities"] == {"drop": ["ALL"]}
        assert container["readOnlyRootFilesystem"] is True
    for off in DISABLED:
        assert values[off] == {"enabled": False}, off
    # blocks not yet shipped sit on a volume
    assert values["ingester"]["statefulSet"] == {"enabled": True}
