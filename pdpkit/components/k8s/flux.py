"""Flux (source, helm and kustomize controllers) pointed at the update repository."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_reconciler import LOCKDOWN_VALUES, reconciler_account
from pdpkit.components.k8s.objects import (
    custom_resource,
    deep_merge,
    external_secret,
    helm_release,
    namespace,
    namespace_level,
)
from pdpkit.versions import chart

NAMESPACE = "flux-system"
UPDATES = "pdp-updates"
"""Name of the GitRepository and Kustomization, and of the only namespace the update
repository may change."""
UPDATES_ACCOUNT = "pdp-updates-reconciler"
CREDENTIALS = "pdp-updates-credentials"


@dataclass(frozen=True)
class FluxArgs:
    """Inputs of `Flux`."""

    provider: k8s.Provider
    repository_url: str
    """HTTPS URL of the update repository the control plane publishes to."""
    branch: str = "main"
    path: str = "./"
    interval: str = "10m"
    credentials_key: str | None = None
    """Remote key (prefix included) with ``username`` and ``password`` for a private
    repository, read through `secret_store`; left out: anonymous."""
    secret_store: str = "pdp-secret-store"  # noqa: S105 (a store name)
    secrets_ready: tuple[pulumi.Resource, ...] = ()
    """The ESO release and store (only needed with `credentials_key`)."""
    depends_on: tuple[pulumi.Resource, ...] = ()


class Flux(pulumi.ComponentResource):
    """Flux installed by Pulumi (it must exist before it can reconcile anything), plus the
    `GitRepository` and `Kustomization` of the update repository.

    Only the source, helm and kustomize controllers run: no image automation (images are
    pinned by digest and promoted through the release ledger) and no notification controller.

    Least privilege: the controllers run under Flux's multi-tenancy lockdown (no cluster-admin;
    see `flux_reconciler`). What the update repository may change: namespaced objects in the
    ``pdp-updates`` namespace only (Pod Security `restricted`), through the built-in `edit`
    ClusterRole bound there: workloads, services, config maps and secrets, and Flux objects of
    that namespace (flux2-2.18.3 templates/aggregate-clusterroles.yaml aggregates them into
    `edit`; they can only impersonate accounts of that namespace, which `edit` cannot bind to
    any role). Nothing
    cluster-scoped, no Roles or RoleBindings (`edit` has none), nothing in flux-system,
    kube-system or any system component's namespace; the Kustomization's ``targetNamespace``
    puts every namespaced object there.
    """

    release: k8s.helm.v3.Release
    git_repository: k8s.apiextensions.CustomResource
    kustomization: k8s.apiextensions.CustomResource
    namespace: str

    def __init__(self, name: str, args: FluxArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:k8s:Flux", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = namespace(f"{name}-namespace", NAMESPACE, namespace_level(chart("flux")), child)
        self.release = helm_release(
            f"{name}-release",
            chart("flux"),
            "flux",
            NAMESPACE,
            deep_merge(
                {
                    "installCRDs": True,
                    "sourceController": {"create": True},
                    "helmController": {"create": True},
                    "kustomizeController": {"create": True},
                    "notificationController": {"create": False},
                    "imageAutomationController": {"create": False},
                    "imageReflectionController": {"create": False},
                    "policies": {"create": True},
                },
                LOCKDOWN_VALUES,
            ),
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[ns, *args.depends_on])
            ),
        )
        after_release = pulumi.ResourceOptions.merge(
            child, pulumi.ResourceOptions(depends_on=[self.release])
        )
        repository_spec: dict[str, object] = {
            "url": args.repository_url,
            "ref": {"branch": args.branch},
            "interval": args.interval,
        }
        repository_needs: list[pulumi.Resource] = []
        if args.credentials_key is not None:
            credentials = external_secret(
                f"{name}-credentials",
                CREDENTIALS,
                NAMESPACE,
                args.secret_store,
                {
                    "username": (args.credentials_key, "username"),
                    "password": (args.credentials_key, "password"),
                },
                pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(depends_on=[ns, *args.secrets_ready])
                ),
            )
            repository_spec["secretRef"] = {"name": CREDENTIALS}
            repository_needs.append(credentials)
        self.git_repository = custom_resource(
            f"{name}-repository",
            "source.toolkit.fluxcd.io/v1",
            "GitRepository",
            UPDATES,
            NAMESPACE,
            repository_spec,
            pulumi.ResourceOptions.merge(
                after_release, pulumi.ResourceOptions(depends_on=repository_needs)
            ),
        )
        updates_ns = namespace(f"{name}-updates-namespace", UPDATES, namespace_level(), child)
        updates_account = reconciler_account(
            f"{name}-updates",
            UPDATES_ACCOUNT,
            NAMESPACE,
            {UPDATES: "edit"},
            (),
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[ns, updates_ns])
            ),
        )
        self.kustomization = custom_resource(
            f"{name}-kustomization",
            "kustomize.toolkit.fluxcd.io/v1",
            "Kustomization",
            UPDATES,
            NAMESPACE,
            {
                "interval": args.interval,
                "path": args.path,
                "prune": True,
                "wait": True,
                "timeout": "5m",
                "sourceRef": {"kind": "GitRepository", "name": UPDATES},
                # kustomize-controller impersonates this account (flux2-2.18.3 lockdown values)
                "serviceAccountName": UPDATES_ACCOUNT,
                "targetNamespace": UPDATES,
            },
            pulumi.ResourceOptions.merge(
                after_release,
                pulumi.ResourceOptions(depends_on=[self.git_repository, *updates_account]),
            ),
        )
        self.namespace = NAMESPACE
        self.register_outputs(
            {
                "release": self.release,
                "git_repository": self.git_repository,
                "kustomization": self.kustomization,
                "namespace": self.namespace,
            }
        )
