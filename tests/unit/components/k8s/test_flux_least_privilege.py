"""Flux holds no cluster-admin: each Kustomization/HelmRelease reconciles as its own account."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.components.k8s.flux import Flux, FluxArgs
from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.flux_reconciler import CHART_CLUSTER_RULES
from pdpkit.versions import chart
from tests.examples import EXAMPLE_STACKS, plan_of

# fluxcd-community/helm-charts flux2-2.18.3 charts/flux2/values.yaml:23-35 and 322-323: the
# defaults of the values the cluster-admin binding depends on.
CHART_DEFAULTS = {
    "rbac.create": True,
    "multitenancy.enabled": False,
    "multitenancy.privileged": True,
}


def _value(values: dict[str, Any], path: str) -> Any:
    node: Any = values
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return CHART_DEFAULTS[path]
        node = node[key]
    return node


def renders_cluster_admin_binding(values: dict[str, Any]) -> bool:
    """The condition of flux2-2.18.3 templates/cluster-reconciler-clusterrolebinding.yaml:1,
    which binds kustomize-controller and helm-controller to `rbac.roleRef.name` (cluster-admin)."""
    return _value(values, "rbac.create") and (
        not _value(values, "multitenancy.enabled") or _value(values, "multitenancy.privileged")
    )


def flux(run):
    return run(
        lambda p: Flux("flux", FluxArgs(provider=p, repository_url="https://git.example/u.git"))
    )


def test_the_condition_model_matches_the_chart_defaults() -> None:
    # the values pdpkit set before: the chart bound both reconcilers to cluster-admin
    assert renders_cluster_admin_binding({"installCRDs": True, "policies": {"create": True}})


def test_flux_controllers_get_no_cluster_admin_binding(run) -> None:
    values = flux(run).releases()["flux"]["values"]
    assert not renders_cluster_admin_binding(values)
    assert values["multitenancy"]["defaultServiceAccount"] == "default"
    assert "--no-remote-bases=true" in values["kustomizeController"]["container"]["additionalArgs"]


def test_update_repository_may_change_only_the_pdp_updates_namespace(run) -> None:
    recorded = flux(run)
    (kustomization,) = recorded.kind("Kustomization")
    assert kustomization["spec"]["serviceAccountName"] == "pdp-updates-reconciler"
    assert kustomization["spec"]["targetNamespace"] == "pdp-updates"
    (account,) = recorded.kind("ServiceAccount")
    assert account["metadata"]["namespace"] == kustomization["metadata"]["namespace"]
    (binding,) = recorded.kind("RoleBinding")
    assert binding["metadata"]["namespace"] == "pdp-updates"
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": "edit",
    }
    assert not recorded.kind("ClusterRoleBinding")
    assert not recorded.kind("ClusterRole")
    namespaces = {n["metadata"]["name"]: n for n in recorded.kind("Namespace")}
    labels = namespaces["pdp-updates"]["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    needs = recorded.named("flux-kustomization").dependencies
    assert recorded.named("flux-updates-pdp-updates-edit").urn in needs


def _release(run, chart_name: str, **kwargs):
    return run(
        lambda p: FluxHelmRelease(
            "fb",
            FluxHelmReleaseArgs(
                provider=p,
                chart=chart(chart_name),
                release_name="fluent-bit",
                target_namespace="pdp-logging",
                values={},
                **kwargs,
            ),
        )
    )


def test_a_flux_helm_release_reconciles_as_its_own_account(run) -> None:
    recorded = _release(run, "logAgent")
    (release,) = recorded.kind("HelmRelease")
    assert release["spec"]["serviceAccountName"] == "fluent-bit-reconciler"
    # the Helm release record goes where the account may write Secrets, not flux-system
    assert release["spec"]["storageNamespace"] == "pdp-logging"
    (binding,) = recorded.kind("RoleBinding")
    assert binding["metadata"]["namespace"] == "pdp-logging"
    assert binding["roleRef"]["name"] == "admin"
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "fluent-bit-reconciler", "namespace": "flux-system"}
    ]
    (cluster_role,) = recorded.kind("ClusterRole")
    assert cluster_role["rules"] == list(CHART_CLUSTER_RULES["logAgent"])
    (cluster_binding,) = recorded.kind("ClusterRoleBinding")
    assert cluster_binding["roleRef"]["name"] == cluster_role["metadata"]["name"]
    needs = recorded.named("fb-release").dependencies
    assert recorded.named("fb-reconciler-cluster-binding").urn in needs


def test_a_chart_without_cluster_scoped_objects_gets_no_cluster_role(run) -> None:
    recorded = _release(run, "harbor")
    assert not recorded.kind("ClusterRole")
    assert not recorded.kind("ClusterRoleBinding")


def test_a_chart_whose_cluster_needs_are_not_recorded_is_refused(run) -> None:
    with pytest.raises(Exception, match="no entry in CHART_CLUSTER_RULES"):
        _release(run, "envoyGateway")


def test_cluster_rules_never_grant_wildcards_nor_escalation() -> None:
    for rules in CHART_CLUSTER_RULES.values():
        for rule in rules:
            assert "*" not in rule["apiGroups"] + rule["resources"] + rule["verbs"]
            assert not {"escalate", "bind", "impersonate"} & set(rule["verbs"])


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_no_stack_binds_anything_to_cluster_admin_and_flux_objects_name_an_account(
    stack: str,
) -> None:
    manifests = plan_of(stack).manifests()
    for manifest in manifests:
        if manifest.get("kind") in {"ClusterRoleBinding", "RoleBinding"}:
            assert manifest["roleRef"]["name"] != "cluster-admin", manifest["metadata"]
        if manifest.get("kind") in {"Kustomization", "HelmRelease"}:
            assert manifest["spec"]["serviceAccountName"], manifest["metadata"]
    released = {
        m["spec"]["chart"]["spec"]["chart"] for m in manifests if m.get("kind") == "HelmRelease"
    }
    known = {chart(name).chart for name in CHART_CLUSTER_RULES}
    # releases whose component passes its cluster rules itself, read from the chart at the
    # pinned version: the collectors (otel_collectors.GATEWAY_RULES, NODE_RULES) and
    # kube-state-metrics (kube_state_metrics.RULES)
    explicit = {"opentelemetry-collector", "kube-state-metrics"}
    assert released <= known | explicit
