"""`NodeServiceAccount`: the dedicated, least-privilege Google service account of GKE nodes."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import projects, serviceaccount

NODE_ROLE = "roles/container.defaultNodeServiceAccount"
"""Google's minimal role for GKE nodes: write logs and metrics, read node metadata. Nothing
else at project level; registry read access is granted on the repository only."""


@dataclass(frozen=True)
class NodeServiceAccountArgs:
    """Inputs of `NodeServiceAccount`."""

    project: str
    account_id: str
    """6-30 characters: lowercase letters, digits, '-'."""


class NodeServiceAccount(pulumi.ComponentResource):
    """A service account for nodes instead of the Compute Engine default account (which
    holds Editor on the project). Workloads never use it: they get their own identity
    through Workload Identity, and node metadata is hidden from pods (GKE_METADATA)."""

    email: pulumi.Output[str]
    member: pulumi.Output[str]
    """``serviceAccount:<email>``, for IAM bindings."""

    def __init__(
        self, name: str, args: NodeServiceAccountArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:NodeServiceAccount", name, None, opts)
        account = serviceaccount.Account(
            f"{name}-account",
            account_id=args.account_id,
            project=args.project,
            display_name="GKE nodes (pdpkit)",
            description="Nodes of the data plane's GKE cluster; least privilege",
            opts=pulumi.ResourceOptions(parent=self),
        )
        member = account.email.apply(lambda email: f"serviceAccount:{email}")
        projects.IAMMember(
            f"{name}-node-role",
            project=args.project,
            role=NODE_ROLE,
            member=member,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.email = account.email
        self.member = member
        self.register_outputs({"email": self.email, "member": self.member})
