"""`WorkloadServiceAccount`: a Google service account one Kubernetes account impersonates,
and the Workload Identity binding and annotation every such account uses."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import projects, serviceaccount

WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"


def bind_workload_identity(
    name: str,
    account: serviceaccount.Account,
    workload_pool: pulumi.Input[str],
    subject: tuple[str, str],
    opts: pulumi.ResourceOptions,
) -> serviceaccount.IAMMember:
    """Let exactly one Kubernetes service account, `subject` = (namespace, name), act as
    `account` (``{name}-workload-identity``)."""
    namespace, service_account = subject
    return serviceaccount.IAMMember(
        f"{name}-workload-identity",
        service_account_id=account.name,
        role=WORKLOAD_IDENTITY_USER,
        member=pulumi.Output.from_input(workload_pool).apply(
            lambda pool: f"serviceAccount:{pool}[{namespace}/{service_account}]"
        ),
        opts=opts,
    )


def gke_annotations(account: serviceaccount.Account) -> pulumi.Output[dict[str, str]]:
    """The Kubernetes service account annotation that names `account`."""
    annotations: pulumi.Output[dict[str, str]] = account.email.apply(
        lambda email: {"iam.gke.io/gcp-service-account": email}
    )
    return annotations


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
        bind_workload_identity(
            name, account, args.workload_pool, (args.namespace, args.service_account), child
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
        self.annotations = gke_annotations(account)
        self.register_outputs(
            {
                "email": self.email,
                "member": self.member,
                "annotations": self.annotations,
            }
        )
