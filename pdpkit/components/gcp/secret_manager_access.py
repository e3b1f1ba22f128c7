"""`SecretManagerAccess`: Secret Manager as the secret store, read through Workload Identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_gcp import projects, serviceaccount

from pdpkit.components.gcp.workload_service_account import bind_workload_identity, gke_annotations

ACCESSOR_ROLE = "roles/secretmanager.secretAccessor"


@dataclass(frozen=True)
class SecretManagerAccessArgs:
    """Inputs of `SecretManagerAccess`."""

    project: str
    project_number: pulumi.Input[str]
    """Secret Manager names secrets ``projects/<number>/secrets/<id>`` in IAM conditions."""
    account_id: str
    """Google service account id (6-30 characters)."""
    secret_prefix: str
    """Only secrets whose id starts with this are readable (``pdp-``)."""
    workload_pool: pulumi.Input[str]
    """``<project>.svc.id.goog``."""
    namespace: str
    """Namespace of the External Secrets controller's Kubernetes service account."""
    service_account: str
    """Name of that Kubernetes service account."""
    cluster_name: pulumi.Input[str]
    cluster_location: str


class SecretManagerAccess(pulumi.ComponentResource):
    """A Google service account for the External Secrets Operator, usable only by its
    Kubernetes service account (``roles/iam.workloadIdentityUser`` for
    ``serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>]``), holding
    ``roles/secretmanager.secretAccessor`` on the project under an IAM condition that limits
    it to secrets whose name starts with the prefix. Secret Manager has no folder or prefix
    resource, so a conditional project grant is the tightest scope that also covers secrets
    created later; it reads payloads only (no list, no write, no IAM).

    `provider` is the ``ClusterSecretStore`` ``spec.provider`` block (``gcpsm``).
    """

    email: pulumi.Output[str]
    member: pulumi.Output[str]
    provider: pulumi.Output[dict[str, Any]]
    """``{"gcpsm": {"projectID", "auth": {"workloadIdentity": {...}}}}``."""
    condition: pulumi.Output[str]
    """The CEL expression of the accessor grant."""
    annotations: pulumi.Output[dict[str, str]]
    """``iam.gke.io/gcp-service-account: <email>`` for the Kubernetes service account."""

    def __init__(
        self, name: str, args: SecretManagerAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:SecretManagerAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = serviceaccount.Account(
            f"{name}-account",
            account_id=args.account_id,
            project=args.project,
            display_name="External Secrets (pdpkit)",
            description=f"Reads Secret Manager secrets prefixed {args.secret_prefix!r}",
            opts=child,
        )
        member = account.email.apply(lambda email: f"serviceAccount:{email}")
        bind_workload_identity(
            name, account, args.workload_pool, (args.namespace, args.service_account), child
        )
        condition = pulumi.Output.from_input(args.project_number).apply(
            lambda number: (
                f'resource.name.startsWith("projects/{number}/secrets/{args.secret_prefix}")'
            )
        )
        projects.IAMMember(
            f"{name}-accessor",
            project=args.project,
            role=ACCESSOR_ROLE,
            member=member,
            condition=projects.IAMMemberConditionArgs(
                title=f"only secrets prefixed {args.secret_prefix}",
                description="pdpkit: the data plane reads its own secrets only",
                expression=condition,
            ),
            opts=child,
        )
        self.email = account.email
        self.member = member
        self.condition = condition
        self.annotations = gke_annotations(account)
        self.provider = pulumi.Output.from_input(args.cluster_name).apply(
            lambda cluster: {
                "gcpsm": {
                    "projectID": args.project,
                    "auth": {
                        "workloadIdentity": {
                            "clusterLocation": args.cluster_location,
                            "clusterName": cluster,
                            "clusterProjectID": args.project,
                            "serviceAccountRef": {
                                "name": args.service_account,
                                "namespace": args.namespace,
                            },
                        }
                    },
                }
            }
        )
        self.register_outputs(
            {
                "email": self.email,
                "member": self.member,
                "provider": self.provider,
                "condition": self.condition,
                "annotations": self.annotations,
            }
        )
