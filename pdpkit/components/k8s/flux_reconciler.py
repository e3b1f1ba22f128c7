"""The service accounts Flux reconciles under: least privilege instead of cluster-admin.

With the flux2 chart's multi-tenancy lockdown (`LOCKDOWN_VALUES`), kustomize-controller
and helm-controller hold no cluster-admin binding; they impersonate the service account
named in each Kustomization/HelmRelease (``spec.serviceAccountName``), and an object
without one impersonates the namespace's ``default`` account, which has no permissions.
Each account here is granted what its content needs and nothing else.

The account is looked up in the Flux object's own namespace: fluxcd/kustomize-controller
v1.8.3 internal/controller/kustomization_controller.go:391-395
(``WithServiceAccount(default, spec.serviceAccountName, obj.GetNamespace())``) and
fluxcd/helm-controller v1.5.3 internal/controller/helmrelease_controller.go:694-701
(``WithImpersonate(spec.serviceAccountName, obj.GetNamespace())``), the controller versions
flux2-2.18.3 ships (values.yaml:158 and :54).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import MANAGED_BY

LOCKDOWN_VALUES: dict[str, Any] = {
    # fluxcd-community/helm-charts flux2-2.18.3 charts/flux2/values.yaml:23-35 (multitenancy.*).
    # templates/cluster-reconciler-clusterrolebinding.yaml:1 renders the ClusterRoleBinding to
    # `rbac.roleRef.name` (cluster-admin, values.yaml:328-329) only when multitenancy is off or
    # `privileged`; with enabled+!privileged, cluster-reconciler-impersonator-clusterrole(binding)
    # .yaml grant only `impersonate` on serviceaccounts, and kustomize-controller.yaml:42-45 /
    # helm-controller.yaml:42-45 add `--no-cross-namespace-refs=true` and
    # `--default-service-account=<defaultServiceAccount>`.
    "multitenancy": {"enabled": True, "privileged": False, "defaultServiceAccount": "default"},
    # Kustomize remote bases would let the update repository pull manifests from anywhere,
    # bypassing source-controller (fluxcd/kustomize-controller#638 added the flag, still in
    # v1.8.3 main.go:115; the chart
    # has no value for it, so it goes through kustomizeController.container.additionalArgs,
    # flux2-2.18.3 values.yaml:171-172, rendered by kustomize-controller.yaml:56).
    "kustomizeController": {"container": {"additionalArgs": ["--no-remote-bases=true"]}},
}

RBAC_OBJECTS = {
    "apiGroups": ["rbac.authorization.k8s.io"],
    "resources": ["clusterroles", "clusterrolebindings"],
    "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
}
"""Lets a chart's own ClusterRole(Binding)s be managed. Kubernetes' RBAC escalation check
still applies (kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-
prevention-and-bootstrapping): the account can only create or bind a ClusterRole whose
permissions it already holds cluster-wide, i.e. those listed next to it below, no more."""

CHART_CLUSTER_RULES: dict[str, tuple[dict[str, Any], ...]] = {
    # fluent/helm-charts fluent-bit-0.48.10 templates/clusterrole.yaml: get/list/watch on
    # namespaces and pods (rbac.nodeAccess and rbac.eventsAccess are false, values.yaml:35-38);
    # templates/clusterrolebinding.yaml binds it to the chart's service account.
    "logAgent": (
        RBAC_OBJECTS,
        {"apiGroups": [""], "resources": ["namespaces", "pods"], "verbs": ["get", "list", "watch"]},
    ),
    # grafana/loki helm-loki-6.30.1 production/helm/loki/templates/backend/clusterrole.yaml:
    # with rbac.namespaced false (values.yaml:834) and sidecar.rules.enabled true
    # (values.yaml:3562), get/watch/list on configmaps and secrets, cluster-wide, bound by
    # backend/clusterrolebinding.yaml. (Setting rbac.namespaced: true would remove this need.)
    "loki": (
        RBAC_OBJECTS,
        {
            "apiGroups": [""],
            "resources": ["configmaps", "secrets"],
            "verbs": ["get", "watch", "list"],
        },
    ),
    # opensearch-project/helm-charts opensearch-2.30.1 and goharbor/harbor-helm v1.19.1: no
    # cluster-scoped object in charts/opensearch/templates/ nor templates/ (no `kind: Cluster*`).
    "opensearch": (),
    "harbor": (),
    # grafana/helm-charts tempo-distributed-1.61.3: the only cluster-scoped objects are the
    # meta-monitoring agent's (templates/metamonitoring/grafana-agent-cluster-role*.yaml),
    # rendered only with metaMonitoring.grafanaAgent, which pdpkit leaves off.
    "tempo": (),
    # cortexproject/cortex-helm-chart v3.3.4 templates/clusterrole.yaml:1: the only
    # cluster-scoped object, rendered only with the ruler's or alertmanager's sidecar (off).
    "cortex": (),
}
"""Cluster-scoped permissions each Flux-released chart's objects need, keyed like
`pdpkit.versions.CHARTS`; everything namespaced comes from `admin` in its target namespace."""


def reconciler_account(  # noqa: PLR0917
    name: str,
    account: str,
    flux_namespace: str,
    namespace_roles: dict[str, str],
    cluster_rules: tuple[dict[str, Any], ...],
    opts: pulumi.ResourceOptions,
) -> tuple[pulumi.Resource, ...]:
    """A service account in `flux_namespace` (where the Flux object lives: Flux impersonates
    an account of the object's own namespace) bound to the ClusterRole named by
    `namespace_roles[ns]` inside each namespace ``ns`` only, plus `cluster_rules` cluster-wide.

    Returns every resource created, for the Flux object to depend on.
    """
    subject = k8s.rbac.v1.SubjectArgs(kind="ServiceAccount", name=account, namespace=flux_namespace)
    service_account = k8s.core.v1.ServiceAccount(
        f"{name}-account",
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=account, namespace=flux_namespace, labels=MANAGED_BY
        ),
        automount_service_account_token=False,
        opts=opts,
    )
    created: list[pulumi.Resource] = [service_account]
    for namespace, role in sorted(namespace_roles.items()):
        created.append(
            k8s.rbac.v1.RoleBinding(
                f"{name}-{namespace}-{role}",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=f"flux-{account}", namespace=namespace, labels=MANAGED_BY
                ),
                role_ref=k8s.rbac.v1.RoleRefArgs(
                    api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=role
                ),
                subjects=[subject],
                opts=opts,
            )
        )
    if cluster_rules:
        cluster_role = k8s.rbac.v1.ClusterRole(
            f"{name}-cluster-role",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"flux-{account}", labels=MANAGED_BY),
            rules=[
                k8s.rbac.v1.PolicyRuleArgs(
                    api_groups=rule["apiGroups"], resources=rule["resources"], verbs=rule["verbs"]
                )
                for rule in cluster_rules
            ],
            opts=opts,
        )
        created.append(cluster_role)
        created.append(
            k8s.rbac.v1.ClusterRoleBinding(
                f"{name}-cluster-binding",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=f"flux-{account}", labels=MANAGED_BY),
                role_ref=k8s.rbac.v1.RoleRefArgs(
                    api_group="rbac.authorization.k8s.io",
                    kind="ClusterRole",
                    name=f"flux-{account}",
                ),
                subjects=[subject],
                opts=pulumi.ResourceOptions.merge(
                    opts, pulumi.ResourceOptions(depends_on=[cluster_role])
                ),
            )
        )
    return tuple(created)
