"""Small builders of Kubernetes objects every system component declares the same way."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.versions import ChartVersion

MANAGED_BY = {"app.kubernetes.io/managed-by": "pdpkit"}


class PodSecurity(StrEnum):
    """Pod Security Standards level enforced on a namespace."""

    RESTRICTED = "restricted"
    BASELINE = "baseline"
    PRIVILEGED = "privileged"
    """Only for node agents that need host paths or host networking (log agent)."""


def namespace(
    resource_name: str, name: str, level: PodSecurity, opts: pulumi.ResourceOptions
) -> k8s.core.v1.Namespace:
    """A namespace with Pod Security admission labels (enforce = audit = warn = `level`)."""
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
) -> k8s.apiextensions.CustomResource:
    """A custom resource with a fixed name (never auto-named: names are part of the state)."""
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=api_version,
        kind=kind,
        metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace=namespace, labels=MANAGED_BY),
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
    """
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
    ns = namespace(f"{name}-namespace", namespace_name, PodSecurity.RESTRICTED, child)
    return helm_release(
        f"{name}-release",
        chart,
        release_name,
        namespace_name,
        values,
        pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[ns, *depends_on])),
    )
