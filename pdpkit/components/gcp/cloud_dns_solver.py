"""`CloudDnsSolver`: cert-manager's identity for ACME DNS-01 in one Cloud DNS zone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_gcp import dns

from pdpkit.components.gcp.workload_service_account import (
    WorkloadServiceAccount,
    WorkloadServiceAccountArgs,
)

DNS_ADMIN = "roles/dns.admin"


@dataclass(frozen=True)
class CloudDnsSolverArgs:
    """Inputs of `CloudDnsSolver`."""

    project: str
    """Project of the data plane (where the service account lives)."""
    account_id: str
    workload_pool: pulumi.Input[str]
    namespace: str
    service_account: str
    """cert-manager's Kubernetes service account."""
    zone_project: str
    managed_zone: str
    """Resource name of the Cloud DNS managed zone."""


class CloudDnsSolver(pulumi.ComponentResource):
    """A Google service account only cert-manager's Kubernetes service account can use,
    holding ``roles/dns.admin`` on one managed zone (zone-level IAM: no other zone, no
    project-wide DNS role), and the matching ``cloudDNS`` solver block. The solver names
    the zone (``hostedZoneName``), so cert-manager never needs to list the project's zones."""

    annotations: pulumi.Output[dict[str, str]]
    solver: dict[str, Any]
    """The cert-manager ``dns01`` solver block (``{"cloudDNS": {...}}``)."""

    def __init__(
        self, name: str, args: CloudDnsSolverArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:CloudDnsSolver", name, None, opts)
        account = WorkloadServiceAccount(
            f"{name}-identity",
            WorkloadServiceAccountArgs(
                project=args.project,
                account_id=args.account_id,
                display_name="cert-manager DNS-01 (pdpkit)",
                workload_pool=args.workload_pool,
                namespace=args.namespace,
                service_account=args.service_account,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        dns.DnsManagedZoneIamMember(
            f"{name}-zone-admin",
            project=args.zone_project,
            managed_zone=args.managed_zone,
            role=DNS_ADMIN,
            member=account.member,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.annotations = account.annotations
        self.solver = {
            "cloudDNS": {"project": args.zone_project, "hostedZoneName": args.managed_zone}
        }
        self.register_outputs({"annotations": self.annotations, "solver": self.solver})
