"""`WorkloadServiceAccount`: a Google service account one Kubernetes account impersonates."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import projects, serviceaccount

from pdpkit.components.gcp.secret_manager_access import WORKLOAD_IDENTITY_USER


@dataclass(frozen=True)
class WorkloadServiceAccountArgs:
    """Inputs of `WorkloadServiceAccount`."""

    project: str
    account_id: str
    """Google service account id (6-30 characters)."""
    display_name: str
    workload_pool: pulumi.Input[str]
    """``<project>.svc.id.goog``."""
    namespace: str
    service_account: str
    """The Kubernetes service account allowed to act as this account (and no other)."""
    project_roles: tuple[str, ...] = ()
    """Project-level roles; keep them to what the workload does (``roles/logging.logWriter``)."""


class WorkloadServiceAccount(pulumi.ComponentResource):
    """A Google service account bound through Workload Identity to exactly one Kubernetes
    service account, with the listed project roles. The Kubernetes service account carries
    the annotation ``iam.gke.io/gcp-service-account: <email>`` (see `annotations`)."""

    email: pulumi.Output[str]
    member: pulumi.Output[str]
    annotations: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        name: str,
        args: WorkloadServiceAccountArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("pdpkit:gcp:WorkloadServiceAccount", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = serviceaccount.Account(
            f"{name}-account",
            account_id=args.account_id,
            project=args.project,
            display_name=args.display_name,
            description=f"Workload Identity of {args.namespace}/{args.service_account}",
            opts=child,
        )
        member = account.email.apply(lambda email: f"serviceAccount:{email}")
        serviceaccount.IAMMember(
            f"{name}-workload-identity",
            service_account_id=account.name,
            role=WORKLOAD_IDENTITY_USER,
            member=pulumi.Output.from_input(args.workload_pool).apply(
                lambda pool: f"serviceAccount:{pool}[{args.namespace}/{args.service_account}]"
            ),
            opts=child,
        )
        for role in args.project_roles:
            projects.IAMMember(
                f"{name}-{role.rsplit('/', 1)[-1].replace('.', '-').lower()}",
                project=args.project,
                role=role,
                member=member,
                opts=child,
            )
        self.email = account.email
        self.member = member
        self.annotations = account.email.apply(
            lambda email: {"iam.gke.io/gcp-service-account": email}
        )
        self.register_outputs(
            {
                "email": self.email,
                "member": self.member,
                "annotations": self.annotations,
            }
        )
