"""A chart Flux installs and keeps updated: a HelmRepository and a HelmRelease."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

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
    holds_data: bool = False
    """Protect and retain the HelmRelease (a registry, a log store in production stacks):
    deleting it would make Flux uninstall the chart and its volumes."""


class FluxHelmRelease(pulumi.ComponentResource):
    """A chart declared by Pulumi and applied by Flux, so updates within the stack's semver
    channel roll out without a `pulumi up`; the pinned version is the floor and the default."""

    repository: k8s.apiextensions.CustomResource
    release: k8s.apiextensions.CustomResource
    version: str

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
                    depends_on=[self.repository],
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
            }
        )
