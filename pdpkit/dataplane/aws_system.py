"""What the AWS target hands the shared system layer: Cilium chained with the VPC CNI, the
Secrets Manager store, CloudWatch Logs, IRSA annotations, internal NLBs, Route 53 DNS-01."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.aws.dns_challenge import Route53DnsChallenge
from pdpkit.components.aws.log_storage import LogStorage
from pdpkit.components.aws.secret_store import SecretStore
from pdpkit.components.k8s import cert_manager, external_secrets, log_agent
from pdpkit.dataplane.system_args import LogDestination, SystemLayerArgs, WorkloadIdentity
from pdpkit.spec.dataplane import DataPlaneSpec

EXTERNAL_SECRETS = (external_secrets.NAMESPACE, external_secrets.SERVICE_ACCOUNT)
"""(namespace, service account) of the External Secrets controller: its IRSA subject."""
CERT_MANAGER = (cert_manager.NAMESPACE, cert_manager.SERVICE_ACCOUNT)
"""(namespace, service account) of the cert-manager controller: its IRSA subject."""
LOG_AGENT = (log_agent.NAMESPACE, log_agent.SERVICE_ACCOUNT)
"""(namespace, service account) of the log agent: its IRSA subject."""
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"

CILIUM_CHAINED_WITH_VPC_CNI: dict[str, Any] = {
    # The VPC CNI keeps IP address management (pods get VPC addresses, EKS supports it as a
    # managed add-on); Cilium is chained after it for network policy, Hubble and WireGuard.
    "cni": {"chainingMode": "aws-cni", "exclusive": False},
    "enableIPv4Masquerade": False,  # the VPC CNI SNATs to the node's address
    "routingMode": "native",  # pod addresses are routable in the VPC: no tunnel
    "endpointRoutes": {"enabled": True},
    "kubeProxyReplacement": False,  # kube-proxy stays (an EKS default add-on)
}
"""Cilium values for the chained mode (docs.cilium.io "AWS VPC CNI plugin" chaining)."""

EXTERNAL_NLB_ANNOTATIONS = {
    # A Network Load Balancer (not the in-tree default Classic LB), internet-facing. Type
    # "nlb" is reconciled by the in-tree service controller (cloud-provider-aws), not by the
    # AWS Load Balancer Controller unless a cluster offloads it explicitly (kubernetes-sigs.
    # github.io/aws-load-balancer-controller guide/service/nlb, "Configuration"); pdpkit
    # installs no LBC. That controller enforces the gateway's loadBalancerSourceRanges on the
    # nodes: ingress rules from those CIDRs to the NodePorts in the nodes' cluster security
    # group, 0.0.0.0/0 when none are given (kubernetes/cloud-provider-aws v1.35.2
    # pkg/providers/v1/aws.go:2357,2490-2498; aws_loadbalancer.go:958
    # updateInstanceSecurityGroupsForNLB). An NLB keeps the client's address on instance
    # targets and the gateway Service is externalTrafficPolicy Local, so the rule sees it.
    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
}
INTERNAL_NLB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",  # in-tree controller
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",  # AWS LB controller
}


def irsa(role_arn: pulumi.Output[str]) -> WorkloadIdentity:
    """The service account annotation that makes a workload assume `role_arn`."""
    return WorkloadIdentity(
        service_account_annotations=role_arn.apply(lambda arn: {IRSA_ANNOTATION: arn})
    )


def api_server_cidrs(spec: DataPlaneSpec) -> tuple[str, ...]:
    """Where pods reach the API: the endpoint's interfaces in the VPC. Not the ``kubernetes``
    Service address: Cilium (chained here) enforces policy after translating it
    (cilium/cilium#33525); the ``kube-apiserver`` entity policy covers the rest."""
    return (spec.network.address_space,)


def system_layer_args(
    spec: DataPlaneSpec,
    *,
    kubernetes: k8s.Provider,
    secret_store: SecretStore,
    logs: LogStorage,
    registry_host: pulumi.Output[str],
    dns_challenge: Route53DnsChallenge | None,
    depends_on: tuple[pulumi.Resource, ...],
) -> SystemLayerArgs:
    """The system layer's inputs on EKS."""
    return SystemLayerArgs(
        spec=spec,
        provider=kubernetes,
        install_cilium=True,
        cilium_values=CILIUM_CHAINED_WITH_VPC_CNI,
        secret_store_provider=secret_store.provider,
        secret_store_identity=irsa(secret_store.role_arn),
        log_destination=LogDestination(
            output="cloudwatch_logs",
            parameters=logs.log_group_name.apply(
                lambda group: {
                    "region": spec.region,
                    "log_group_name": group,
                    "log_stream_prefix": "k8s.",
                    "auto_create_group": False,  # the group is ours: encrypted, with retention
                }
            ),
            identity=irsa(logs.agent_role_arn),
        ),
        registry=registry_host,
        api_server_cidrs=api_server_cidrs(spec),
        external_load_balancer_annotations=dict(EXTERNAL_NLB_ANNOTATIONS),
        internal_load_balancer_annotations=dict(INTERNAL_NLB_ANNOTATIONS),
        acme_dns01_solver=None if dns_challenge is None else dns_challenge.solver,
        cert_manager_identity=WorkloadIdentity()
        if dns_challenge is None
        else irsa(dns_challenge.role_arn),
        depends_on=depends_on,
    )
