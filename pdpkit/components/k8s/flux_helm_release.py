"""A chart Flux installs and keeps updated: a HelmRepository and a HelmRelease."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_reconciler import CHART_CLUSTER_RULES, reconciler_account
from pdpkit.components.k8s.objects import custom_resource
from pdpkit.versions import ChartVersion


@dataclass(frozen=True)
class FluxHelmReleaseArgs:
    """Inputs of `FluxHelmRelease`."""

    provider: k8s.Provider
    chart: ChartVersion
    release_name: str
    """Helm release name (also the name of the Flux objects)."""
    target_namespace: str
    """Namespace the chart is installed in (created by the caller, with its labels)."""
    values: pulumi.Input[dict[str, Any]]
    channel: str | None = None
    """Semver range Flux may upgrade within (``~0.48.0``); left out: the pinned version."""
    flux_namespace: str = "flux-system"
    interval: str = "10m"
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What ships the Flux CRDs (the Flux release), and the target namespace."""
    cluster_rules: tuple[dict[str, Any], ...] | None = None
    """Cluster-scoped RBAC rules the chart's objects need; left out: the chart's entry in
    `CHART_CLUSTER_RULES` (a chart without one is refused)."""
    holds_data: bool = False
    """Protect and retain the HelmRelease (a registry, a log store in production stacks):
    deleting it would make Flux uninstall the chart and its volumes."""


class FluxHelmRelease(pulumi.ComponentResource):
    """A chart declared by Pulumi and applied by Flux, so updates within the stack's semver
    channel roll out without a `pulumi up`; the pinned version is the floor and the default.

    helm-controller applies it as the release's own service account (``<release>-reconciler``):
    `admin` in the target namespace (where the Helm release record is stored too) and the
    chart's cluster-scoped needs from `CHART_CLUSTER_RULES`; nothing else.
    """

    repository: k8s.apiextensions.CustomResource
    release: k8s.apiextensions.CustomResource
    version: str
    service_account: str

    def __init__(
        self, name: str, args: FluxHelmReleaseArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:k8s:FluxHelmRelease", name, None, opts)
        child = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=list(args.depends_on)
        )
        source = args.chart
        repository_spec: dict[str, Any] = {"interval": "1h"}
        if source.is_oci:
            repository_spec |= {"type": "oci", "url": source.oci_repository}
        else:
            repository_spec["url"] = source.repository
        self.repository = custom_resource(
            f"{name}-repository",
            "source.toolkit.fluxcd.io/v1",
            "HelmRepository",
            args.release_name,
            args.flux_namespace,
            repository_spec,
            child,
        )
        self.version = args.channel or source.version
        cluster_rules = args.cluster_rules
        if cluster_rules is None and source.name not in CHART_CLUSTER_RULES:
            raise ValueError(
                f"chart {source.name!r} has no entry in CHART_CLUSTER_RULES "
                "(pdpkit/components/k8s/flux_reconciler.py): read its templates at the pinned "
                "version and list the cluster-scoped permissions its objects need (or none)"
            )
        self.service_account = f"{args.release_name}-reconciler"
        account = reconciler_account(
            f"{name}-reconciler",
            self.service_account,
            args.flux_namespace,
            {args.target_namespace: "admin"},
            CHART_CLUSTER_RULES[source.name] if cluster_rules is None else cluster_rules,
            child,
        )
        remediation = {"retries": 3}
        self.release = custom_resource(
            f"{name}-release",
            "helm.toolkit.fluxcd.io/v2",
            "HelmRelease",
            args.release_name,
            args.flux_namespace,
            pulumi.Output.from_input(args.values).apply(
                lambda values: {
                    "interval": args.interval,
                    "releaseName": args.release_name,
                    "targetNamespace": args.target_namespace,
                    # helm-controller impersonates it (multi-tenancy lockdown, flux_reconciler);
                    # the release record lives where the account may write Secrets (default: the
                    # HelmRelease's namespace, flux-system: fluxcd/helm-controller v1.5.3
                    # api/v2/helmrelease_types.go:95-101, GetStorageNamespace :1504-1510)
                    "serviceAccountName": self.service_account,
                    "storageNamespace": args.target_namespace,
                    "chart": {
                        "spec": {
                            "chart": source.chart,
                            "version": self.version,
                            "sourceRef": {
                                "kind": "HelmRepository",
                                "name": args.release_name,
                                "namespace": args.flux_namespace,
                            },
                            "interval": "1h",
                        }
                    },
                    "install": {"crds": "CreateReplace", "remediation": remediation},
                    "upgrade": {
                        "crds": "CreateReplace",
                        "cleanupOnFail": True,
                        "remediation": {**remediation, "remediateLastFailure": True},
                    },
                    "values": values,
                }
            ),
            pulumi.ResourceOptions.merge(
                child,
                pulumi.ResourceOptions(
                    depends_on=[self.repository, *account],
                    protect=args.holds_data,
                    retain_on_delete=args.holds_data,
                ),
            ),
        )
        self.register_outputs(
            {
                "repository": self.repository,
                "release": self.release,
                "version": self.version,
                "service_account": self.service_account,
            }
        )
