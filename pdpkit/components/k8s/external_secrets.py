"""External Secrets Operator and the ClusterSecretStore of the target's secret store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import custom_resource, operator_release
from pdpkit.versions import chart

NAMESPACE = "external-secrets"
SERVICE_ACCOUNT = "external-secrets"
"""Targets bind workload identity to ``system:serviceaccount:external-secrets:external-secrets``."""


@dataclass(frozen=True)
class ExternalSecretsArgs:
    """Inputs of `ExternalSecrets`."""

    provider: k8s.Provider
    store_provider: pulumi.Input[dict[str, Any]]
    """The `ClusterSecretStore` ``spec.provider`` block (azurekv / aws / gcpsm / vault)."""
    store_name: str = "pdp-secret-store"
    service_account_annotations: pulumi.Input[dict[str, str]] = field(default_factory=dict)
    """Workload identity of the controller (role ARN, client id, GCP service account)."""
    pod_labels: dict[str, str] = field(default_factory=dict)
    """e.g. ``azure.workload.identity/use: "true"``."""
    depends_on: tuple[pulumi.Resource, ...] = ()


class ExternalSecrets(pulumi.ComponentResource):
    """ESO as a Pulumi Helm release (its CRDs serve Pulumi's own ExternalSecrets) + the store."""

    release: k8s.helm.v3.Release
    store: k8s.apiextensions.CustomResource
    store_name: str
    service_account: str
    namespace: str

    def __init__(
        self, name: str, args: ExternalSecretsArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:k8s:ExternalSecrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        self.release = operator_release(
            name,
            chart("externalSecrets"),
            "external-secrets",
            NAMESPACE,
            {
                "installCRDs": True,
                "replicaCount": 2,
                "leaderElect": True,
                "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
                "serviceAccount": {
                    "create": True,
                    "name": SERVICE_ACCOUNT,
                    "annotations": args.service_account_annotations,
                },
                "podLabels": args.pod_labels,
                "webhook": {"replicaCount": 2},
            },
            child,
            args.depends_on,
        )
        self.store_name = args.store_name
        self.store = custom_resource(
            f"{name}-store",
            "external-secrets.io/v1",
            "ClusterSecretStore",
            args.store_name,
            None,
            pulumi.Output.from_input(args.store_provider).apply(
                lambda provider: {"provider": provider, "refreshInterval": 300}
            ),
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[self.release])),
        )
        self.service_account = SERVICE_ACCOUNT
        self.namespace = NAMESPACE
        self.register_outputs(
            {
                "release": self.release,
                "store": self.store,
                "store_name": self.store_name,
                "service_account": self.service_account,
                "namespace": self.namespace,
            }
        )
