"""Small builders of Kubernetes objects every system component declares the same way."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.versions import ChartVersion, PodSecurity

__all__ = [
    "MANAGED_BY",
    "PodSecurity",
    "custom_resource",
    "deep_merge",
    "external_secret",
    "helm_release",
    "namespace",
    "namespace_level",
    "operator_release",
    "rendered_chart",
]

MANAGED_BY = {"app.kubernetes.io/managed-by": "pdpkit"}


def namespace_level(
    *charts: ChartVersion, own: PodSecurity = PodSecurity.RESTRICTED
) -> PodSecurity:
    """The strictest level a namespace holding `charts` (and pdpkit's own pods, meeting `own`)
    may enforce: the loosest of what each chart's pods meet (`pdpkit.versions`)."""
    return min((own, *(c.pod_security for c in charts)), key=lambda level: level.strictness)


def namespace(
    resource_name: str, name: str, level: PodSecurity, opts: pulumi.ResourceOptions
) -> k8s.core.v1.Namespace:
    """A namespace with Pod Security admission labels (enforce = audit = warn = `level`);
    derive `level` with `namespace_level` from the charts it holds."""
    labels = {
        **MANAGED_BY,
        "pod-security.kubernetes.io/enforce": level.value,
        "pod-security.kubernetes.io/audit": level.value,
        "pod-security.kubernetes.io/warn": level.value,
    }
    return k8s.core.v1.Namespace(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(name=name, labels=labels),
        opts=opts,
    )


def custom_resource(  # noqa: PLR0917
    resource_name: str,
    api_version: str,
    kind: str,
    name: str,
    namespace: str | None,
    spec: pulumi.Input[dict[str, Any]],
    opts: pulumi.ResourceOptions,
    *,
    labels: dict[str, str] | None = None,
) -> k8s.apiextensions.CustomResource:
    """A custom resource with a fixed name (never auto-named: names are part of the state),
    labelled managed-by pdpkit (plus `labels`)."""
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=api_version,
        kind=kind,
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=name, namespace=namespace, labels={**MANAGED_BY, **(labels or {})}
        ),
        spec=spec,
        opts=opts,
    )


def external_secret(  # noqa: PLR0917
    resource_name: str,
    name: str,
    namespace: str,
    store: str,
    data: dict[str, tuple[str, str | None]],
    opts: pulumi.ResourceOptions,
    *,
    secret_type: str = "Opaque",  # noqa: S107 (a Secret type)
    template_data: dict[str, str] | None = None,
    refresh_interval: str = "1h",
) -> k8s.apiextensions.CustomResource:
    """An ESO `ExternalSecret`: Secret `name` whose keys come from the `ClusterSecretStore`.

    `data` maps each Secret key to ``(remote key, property or None)``. `template_data`
    renders the target's keys from those values (e.g. a ``.dockerconfigjson``).
    """
    target: dict[str, Any] = {"name": name, "creationPolicy": "Owner"}
    if template_data or secret_type != "Opaque":  # noqa: S105 (a Secret type)
        target["template"] = {
            "type": secret_type,
            "engineVersion": "v2",
            **({"data": template_data} if template_data else {}),
        }
    spec = {
        "refreshInterval": refresh_interval,
        "secretStoreRef": {"kind": "ClusterSecretStore", "name": store},
        "target": target,
        "data": [
            {
                "secretKey": key,
                "remoteRef": {"key": remote, **({"property": prop} if prop else {})},
            }
            for key, (remote, prop) in sorted(data.items())
        ],
    }
    return custom_resource(
        resource_name, "external-secrets.io/v1", "ExternalSecret", name, namespace, spec, opts
    )


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`base` with `override` merged in, recursively for nested mappings (Helm values)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def helm_release(  # noqa: PLR0917
    resource_name: str,
    chart: ChartVersion,
    release_name: str,
    namespace: str,
    values: pulumi.Input[dict[str, Any]],
    opts: pulumi.ResourceOptions,
    *,
    version: str | None = None,
    skip_crds: bool = False,
) -> k8s.helm.v3.Release:
    """A Helm release installed by Pulumi, from the versions table (`version` overrides it).

    Atomic with cleanup: a failed install or upgrade rolls back instead of leaving half a
    release; the release name is fixed so chart object names never depend on auto-naming.
    A chart whose release record is known to approach the 1 MiB limit of the Secret Helm
    stores it in is refused (`ChartVersion.release_record_near_limit`): use `rendered_chart`.
    """
    if chart.release_record_near_limit:
        raise ValueError(
            f"{chart.chart} {chart.version} must not be a Helm release: its release record "
            f"approaches the 1 MiB Secret limit ({chart.release_record_near_limit}); "
            "install it with rendered_chart (rendered client-side, applied server-side)"
        )
    return k8s.helm.v3.Release(
        resource_name,
        name=release_name,
        namespace=namespace,
        chart=chart.chart_ref,
        version=version or chart.version,
        repository_opts=None
        if chart.is_oci
        else k8s.helm.v3.RepositoryOptsArgs(repo=chart.repository),
        values=values,
        skip_crds=skip_crds,
        atomic=True,
        cleanup_on_fail=True,
        max_history=5,
        timeout=600,
        opts=opts,
    )


def rendered_chart(  # noqa: PLR0917
    resource_name: str,
    chart: ChartVersion,
    release_name: str,
    namespace: str,
    values: dict[str, Any],
    opts: pulumi.ResourceOptions,
) -> k8s.helm.v4.Chart:
    """A chart rendered client-side (`helm template`) whose objects the provider applies one
    by one with server-side apply (the provider's default since pulumi-kubernetes 4): no Helm
    release, so no release record and no 1 MiB limit. What upstream recommends for large CRD
    charts (envoyproxy/gateway v1.9.0 charts/gateway-crds-helm/README.md:43-44,57).

    Under `pdp plan` (the SDK's mock monitor) this component has no children: the provider
    renders them at run time. The plan records the chart, version and values, and lists it
    with the Helm releases as ``installedBy: pulumi-rendered``.
    """
    return k8s.helm.v4.Chart(
        resource_name,
        name=release_name,  # `.Release.Name` in the templates: fixed, never auto-named
        chart=chart.chart_ref,
        version=chart.version,
        namespace=namespace,
        repository_opts=None
        if chart.is_oci
        else k8s.helm.v4.RepositoryOptsArgs(repo=chart.repository),
        values=values,
        opts=opts,
    )


def operator_release(  # noqa: PLR0917
    name: str,
    chart: ChartVersion,
    release_name: str,
    namespace_name: str,
    values: pulumi.Input[dict[str, Any]],
    child: pulumi.ResourceOptions,
    depends_on: tuple[pulumi.Resource, ...] = (),
) -> k8s.helm.v3.Release:
    """A system operator's `helm_release` (``{name}-release``) into a restricted namespace of
    its own (``{name}-namespace``), created first."""
    ns = namespace(f"{name}-namespace", namespace_name, namespace_level(chart), child)
    return helm_release(
        f"{name}-release",
        chart,
        release_name,
        namespace_name,
        values,
        pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[ns, *depends_on])),
    )
