"""What the GCP target hands the shared system layer: Dataplane V2 (Google's Cilium), the
Secret Manager store, Cloud Logging through Fluent Bit, Workload Identity, internal load
balancers and Cloud DNS DNS-01."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.gcp import names
from pdpkit.components.gcp.cloud_dns_solver import CloudDnsSolver, CloudDnsSolverArgs
from pdpkit.components.gcp.secret_manager_access import SecretManagerAccess
from pdpkit.components.gcp.workload_service_account import (
    WorkloadServiceAccount,
    WorkloadServiceAccountArgs,
)
from pdpkit.components.k8s import cert_manager, log_agent
from pdpkit.dataplane.system_args import LogDestination, SystemLayerArgs, WorkloadIdentity
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.targets import GcpSpec

INTERNAL_LB = {"networking.gke.io/load-balancer-type": "Internal"}
"""An internal passthrough Network Load Balancer. For the external gateway GKE creates a VPC
firewall rule allowing the Service's loadBalancerSourceRanges to the nodes ("Load balancer
source ranges: configures optional firewall rules in GKE and in the VPC",
cloud.google.com/kubernetes-engine/docs/how-to/service-parameters; kubernetes/
cloud-provider-gcp v36.3.8 providers/gce/gce_loadbalancer_external.go:1187-1191
ensureAllowNodeFirewall, 1145-1166 firewallObject: SourceRanges from the Service)."""


def gcp_section(spec: DataPlaneSpec) -> GcpSpec:
    """The stack's `gcp` section (the spec guarantees one for target gcp; typed optional)."""
    if spec.gcp is None:
        raise ValueError(f"data plane {spec.name} has no gcp section")
    return spec.gcp


def stackdriver(project: str, region: str, cluster: str) -> dict[str, Any]:
    """Fluent Bit ``stackdriver`` output: workload logs as ``k8s_container`` entries of this
    cluster, which the log sink routes into the data plane's log bucket."""
    return {
        "resource": "k8s_container",
        "k8s_cluster_name": cluster,
        "k8s_cluster_location": region,
        "export_to_project_id": project,
        "tag_prefix": "kube.var.log.containers.",
        "severity_key": "severity",
        "workers": 1,
    }


def log_writer_account(
    spec: DataPlaneSpec, workload_pool: pulumi.Input[str]
) -> WorkloadServiceAccount:
    """The Google service account the log agent writes to Cloud Logging as."""
    gcp = gcp_section(spec)
    return WorkloadServiceAccount(
        f"{spec.name}-log-agent",
        WorkloadServiceAccountArgs(
            project=gcp.project,
            account_id=names.account_id(spec.name, "logs"),
            display_name="Log agent (pdpkit)",
            workload_pool=workload_pool,
            namespace=log_agent.NAMESPACE,
            service_account=log_agent.SERVICE_ACCOUNT,
            project_roles=("roles/logging.logWriter",),
        ),
    )


def dns01_solver(spec: DataPlaneSpec, workload_pool: pulumi.Input[str]) -> CloudDnsSolver | None:
    """cert-manager's Cloud DNS identity and solver, when the spec names a managed zone."""
    gcp = gcp_section(spec)
    if gcp.dns_managed_zone is None:
        return None
    return CloudDnsSolver(
        f"{spec.name}-dns01",
        CloudDnsSolverArgs(
            project=gcp.project,
            account_id=names.account_id(spec.name, "dns01"),
            workload_pool=workload_pool,
            namespace=cert_manager.NAMESPACE,
            service_account=cert_manager.SERVICE_ACCOUNT,
            zone_project=gcp.dns_project or gcp.project,
            managed_zone=gcp.dns_managed_zone,
        ),
    )


def system_layer_args(
    spec: DataPlaneSpec,
    *,
    kubernetes: k8s.Provider,
    secrets: SecretManagerAccess,
    log_writer: WorkloadServiceAccount,
    registry_host: pulumi.Output[str],
    dns_solver: CloudDnsSolver | None,
    depends_on: tuple[pulumi.Resource, ...],
) -> SystemLayerArgs:
    """The system layer's inputs on GKE."""
    gcp = gcp_section(spec)
    return SystemLayerArgs(
        spec=spec,
        provider=kubernetes,
        install_cilium=False,  # Dataplane V2 is Cilium, run by Google
        secret_store_provider=secrets.provider,
        secret_store_identity=WorkloadIdentity(service_account_annotations=secrets.annotations),
        log_destination=LogDestination(
            output="stackdriver",
            parameters=stackdriver(gcp.project, spec.region, spec.name),
            identity=WorkloadIdentity(service_account_annotations=log_writer.annotations),
        ),
        registry=registry_host,
        api_server_cidrs=(gcp.master_ipv4_cidr,),
        internal_load_balancer_annotations=dict(INTERNAL_LB),
        depends_on=depends_on,
        acme_dns01_solver=dns_solver.solver if dns_solver else None,
        cert_manager_identity=WorkloadIdentity(
            service_account_annotations=dns_solver.annotations if dns_solver else {}
        ),
    )
