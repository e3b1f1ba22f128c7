"""What a target hands the shared system layer: the cloud-specific bits, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.spec.dataplane import DataPlaneSpec


@dataclass(frozen=True)
class WorkloadIdentity:
    """How a system workload authenticates to the cloud without static keys."""

    service_account_annotations: pulumi.Input[dict[str, str]] = field(default_factory=dict)
    """e.g. ``eks.amazonaws.com/role-arn``, ``azure.workload.identity/client-id``,
    ``iam.gke.io/gcp-service-account``."""
    pod_labels: dict[str, str] = field(default_factory=dict)
    """e.g. ``azure.workload.identity/use: "true"``."""


@dataclass(frozen=True)
class LogDestination:
    """Where the log agent ships: one Fluent Bit output (name + parameters)."""

    output: str
    """Fluent Bit output plugin: ``cloudwatch_logs``, ``stackdriver``, ``loki`` or
    ``opensearch`` (keys checked against `fluent_bit_outputs`)."""
    parameters: pulumi.Input[dict[str, Any]]
    """The plugin's parameters (``region``, ``log_group_name``…); may hold Outputs."""
    identity: WorkloadIdentity = field(default_factory=WorkloadIdentity)


@dataclass(frozen=True)
class SystemLayerArgs:
    """Inputs of the shared system layer (`pdpkit.dataplane.system.SystemLayer`)."""

    spec: DataPlaneSpec
    provider: k8s.Provider
    """Provider for the data plane's cluster."""
    install_cilium: bool
    """False where the cloud runs Cilium (AKS Cilium dataplane, GKE Dataplane V2)."""
    secret_store_provider: pulumi.Input[dict[str, Any]]
    """The `ClusterSecretStore` ``spec.provider`` block for the target's secret store."""
    secret_store_identity: WorkloadIdentity
    """Identity of the External Secrets controller."""
    log_destination: LogDestination | None
    """Where the Fluent Bit log agent ships; None: no agent, the cloud ships container logs
    itself (AKS's Container insights add-on)."""
    registry: pulumi.Input[str]
    """Registry host."""
    api_server_cidrs: tuple[str, ...]
    """Real addresses of the API server's endpoints, as pods reach them after Cilium's Service
    translation (agent and integration egress policy): never the ``kubernetes`` Service's
    ClusterIP, which policy never sees (cilium/cilium#33525). May be empty where pdpkit
    installs Cilium: the ``kube-apiserver`` entity allows the API server there."""
    cilium_values: dict[str, Any] = field(default_factory=dict)
    """Target-specific Cilium values merged over the defaults (e.g. ENI/chaining on AWS)."""
    external_load_balancer_annotations: dict[str, str] = field(default_factory=dict)
    """Service annotations of the external gateway's load balancer (e.g. an NLB on AWS)."""
    internal_load_balancer_annotations: dict[str, str] = field(default_factory=dict)
    """Service annotations that make the internal gateway's load balancer private."""
    internal_service_hostnames: tuple[str, ...] = ()
    """Hostnames of the target's own services published on the internal gateway (Harbor
    on-prem): each gets an HTTPS listener there, covered by the gateway's certificate."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """Cluster resources the system layer waits for (node pools)."""
    acme_dns01_solver: dict[str, Any] | None = None
    """A cert-manager ``dns01`` solver block for the cloud's DNS (``azureDNS``, ``route53``,
    ``cloudDNS``, with workload identity). Left out: ACME issuers answer HTTP-01 through the
    external gateway, which cannot issue wildcard hostnames nor internal-only names (use
    ``tlsIssuer: selfsigned`` or provide a DNS-01 solver then)."""
    cert_manager_identity: WorkloadIdentity = field(default_factory=WorkloadIdentity)
    """Identity of the cert-manager controller (for the DNS-01 solver's DNS API)."""
