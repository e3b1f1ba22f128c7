"""The AWS target: a private EKS data plane in the customer's account.

Order of assembly (and, reversed, of destruction): provider → network (+ VPC endpoints) →
KMS keys → EKS cluster → node role, node groups → registry, secret store, log storage →
Kubernetes provider → shared system layer. The system layer depends on the network, the
endpoints, the cluster and every node group, so `pulumi destroy` deletes the gateways'
Services first (their load balancers go with them, the cleanup finalizer holding the delete
until the NLB is gone), then nodes and cluster, and the VPC last: no orphaned load balancer
or network interface blocks the subnets' deletion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.aws.arn import Account
from pdpkit.components.aws.cluster import EksCluster, EksClusterArgs
from pdpkit.components.aws.dns_challenge import Route53DnsChallenge, Route53DnsChallengeArgs
from pdpkit.components.aws.kms_key import KmsKey, KmsKeyArgs
from pdpkit.components.aws.log_storage import (
    LogStorage,
    LogStorageArgs,
    cloudwatch_logs_key_statement,
)
from pdpkit.components.aws.network import Network, NetworkArgs
from pdpkit.components.aws.node_group import (
    DEFAULT_INSTANCE_TYPE,
    ManagedNodeGroup,
    ManagedNodeGroupArgs,
)
from pdpkit.components.aws.node_role import NodeRole, NodeRoleArgs
from pdpkit.components.aws.registry import Registry, RegistryArgs
from pdpkit.components.aws.secret_store import SecretStore, SecretStoreArgs
from pdpkit.components.aws.vpc_endpoints import VpcEndpoints, VpcEndpointsArgs
from pdpkit.components.aws.vpc_flow_logs import VpcFlowLogs, VpcFlowLogsArgs
from pdpkit.dataplane.aws_account import account_provider
from pdpkit.dataplane.aws_observability import observability_storage
from pdpkit.dataplane.aws_subnets import pool_subnets, subnet_plan
from pdpkit.dataplane.aws_system import CERT_MANAGER, EXTERNAL_SECRETS, LOG_AGENT, system_layer_args
from pdpkit.dataplane.contract import DataPlane, ObservabilityStorage
from pdpkit.dataplane.system_args import SystemLayerArgs
from pdpkit.spec.ci import aws_cli_profile
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import Target, TransparentEncryption


@dataclass(frozen=True)
class AwsInfrastructure:
    """Everything below the system layer, and what the system layer gets."""

    network: Network
    cluster: EksCluster
    node_groups: tuple[ManagedNodeGroup, ...]
    registry: Registry
    secret_store: SecretStore
    log_storage: LogStorage
    dns_challenge: Route53DnsChallenge | None
    """Present when the gateways' issuer is ACME (DNS-01 in Route 53)."""
    system_args: SystemLayerArgs
    observability: ObservabilityStorage | None = None
    """The observability stores' buckets and role; None when observability is off."""


def provision(spec: DataPlaneSpec, provider: pulumi.ProviderResource) -> AwsInfrastructure:
    """Declare the AWS resources of `spec` (all through `provider`)."""
    assert spec.aws is not None
    name, production = spec.name, spec.production
    account = Account(spec.aws.account_id, spec.region)
    opts = pulumi.ResourceOptions(providers={"aws": provider})
    per_zone = (
        spec.aws.nat_gateway_per_zone if spec.aws.nat_gateway_per_zone is not None else production
    )

    network = Network(
        f"{name}-network",
        NetworkArgs(spec.network.address_space, subnet_plan(spec), name, per_zone),
        opts=opts,
    )
    endpoints: list[pulumi.Resource] = []
    if spec.aws.vpc_endpoints:
        endpoints.append(
            VpcEndpoints(
                f"{name}-endpoints",
                VpcEndpointsArgs(
                    vpc_id=network.vpc_id,
                    vpc_cidr=spec.network.address_space,
                    region=spec.region,
                    subnet_ids=network.private_subnet_ids,
                    route_table_ids=network.private_route_table_ids,
                ),
                opts=opts,
            )
        )

    def key(role: str, description: str, statements: tuple[dict[str, Any], ...] = ()) -> KmsKey:
        return KmsKey(
            f"{name}-{role}-kms",
            KmsKeyArgs(account, f"{name}/{role}", description, statements, production=production),
            opts=opts,
        )

    logs_key = key(
        "logs",
        "CloudWatch log groups and the log archive",
        (cloudwatch_logs_key_statement(account),),
    )
    VpcFlowLogs(
        f"{name}-flow-logs",
        VpcFlowLogsArgs(
            account=account,
            vpc_id=network.vpc_id,
            log_group_name=f"/pdp/{name}/vpc-flow-logs",
            retention_days=spec.log_storage.retention_days,
            kms_key_arn=logs_key.arn,
            production=production,
        ),
        opts=opts,
    )
    secrets_key = (
        key("eks", "EKS envelope encryption of Kubernetes secrets")
        if spec.cluster.secrets_encryption
        else None
    )
    cluster = EksCluster(
        name,
        EksClusterArgs(
            cluster_name=name,
            account=account,
            kubernetes_version=spec.cluster.kubernetes_version,
            vpc_cidr=spec.network.address_space,
            subnet_ids=network.private_subnet_ids,
            service_cidr=spec.network.service_cidr,
            log_retention_days=spec.log_storage.retention_days,
            logs_key_arn=logs_key.arn,
            secrets_key_arn=None if secrets_key is None else secrets_key.arn,
            private_endpoint=spec.cluster.private_api_endpoint,
            authorized_ranges=spec.cluster.authorized_ranges,
            admin_principal_arns=()
            if spec.aws.assume_role_arn is None
            else (spec.aws.assume_role_arn,),
            wireguard=spec.cilium.encryption is TransparentEncryption.WIREGUARD,
            production=production,
            kubeconfig_profile=None
            if spec.aws.assume_role_arn is None
            else aws_cli_profile(spec.name),
        ),
        opts=opts,
    )
    node_role = NodeRole(f"{name}-node", NodeRoleArgs(account, name), opts=opts)
    registry = Registry(
        f"{name}-registry",
        RegistryArgs(
            account=account,
            repository=spec.registry.name or name,
            kms_key_arn=key("ecr", "ECR images").arn,
            retention_days=spec.registry.retention_days,
            node_role_name=node_role.role_name,
            production=production,
        ),
        opts=opts,
    )
    node_groups = tuple(
        ManagedNodeGroup(
            f"{name}-{pool.name}",
            ManagedNodeGroupArgs(
                cluster_name=cluster.cluster_name,
                pool=pool.name,
                node_role_arn=node_role.arn,
                subnet_ids=pool_subnets(spec, network, pool.zones),
                instance_type=DEFAULT_INSTANCE_TYPE if pool.vm_size == "standard" else pool.vm_size,
                min_size=pool.min_count,
                max_size=pool.max_count,
                kubernetes_version=spec.cluster.kubernetes_version,
                system=pool.system,
                labels=dict(pool.labels),
                taints=tuple((t.key, t.value, t.effect) for t in pool.taints),
                # every policy of the node role, the ECR pull grant included: AWS requires the
                # role to hold AmazonEKSWorkerNodePolicy and ECR pull permissions "before you
                # create nodes" (the built-in networking add-ons pull from ECR); nothing else
                # orders an attachment before the node group that uses its role.
                # https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
                depends_on=(*node_role.attachments, registry.node_pull, *endpoints),
            ),
            opts=opts,
        )
        for pool in spec.cluster.node_pools
    )
    secret_store = SecretStore(
        f"{name}-secrets",
        SecretStoreArgs(
            account=account,
            store_name=spec.secret_store.name or name,
            secret_prefix=spec.secret_store.secret_prefix,
            oidc_provider_arn=cluster.oidc_provider_arn,
            oidc_issuer=cluster.oidc_issuer,
            namespace=EXTERNAL_SECRETS[0],
            service_account=EXTERNAL_SECRETS[1],
            managed_secrets=(
                spec.agent.token_secret,
                *((spec.agent.image_pull_secret,) if spec.agent.image_pull_secret else ()),
            ),
            production=production,
        ),
        opts=opts,
    )
    logs = LogStorage(
        f"{name}-logs",
        LogStorageArgs(
            account=account,
            store_name=name,
            kms_key_arn=logs_key.arn,
            retention_days=spec.log_storage.retention_days,
            oidc_provider_arn=cluster.oidc_provider_arn,
            oidc_issuer=cluster.oidc_issuer,
            namespace=LOG_AGENT[0],
            service_account=LOG_AGENT[1],
            archive=spec.log_storage.archive,
            archive_retention_days=spec.log_storage.archive_retention_days,
            production=production,
        ),
        opts=opts,
    )
    observability = (
        observability_storage(
            spec,
            account,
            kms_key_arn=key(
                "observability", "Observability stores' buckets (logs, metrics, traces)"
            ).arn,
            oidc_provider_arn=cluster.oidc_provider_arn,
            oidc_issuer=cluster.oidc_issuer,
            opts=opts,
        )
        if spec.observability.enabled
        else None
    )
    dns_challenge = None
    if spec.gateways.tls_issuer != "selfsigned":
        dns_challenge = Route53DnsChallenge(
            f"{name}-dns01",
            Route53DnsChallengeArgs(
                dns_zone=spec.gateways.dns_zone,
                region=spec.region,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                namespace=CERT_MANAGER[0],
                service_account=CERT_MANAGER[1],
            ),
            opts=opts,
        )
    kubernetes = k8s.Provider(
        f"{name}-k8s", kubeconfig=cluster.kubeconfig, enable_server_side_apply=True
    )
    system_args = system_layer_args(
        spec,
        kubernetes=kubernetes,
        secret_store=secret_store,
        logs=logs,
        registry_host=registry.registry_host,
        dns_challenge=dns_challenge,
        # Destroy ordering (module docstring): the system layer goes before all of these.
        depends_on=(network, *endpoints, cluster, *node_groups),
    )
    return AwsInfrastructure(
        network,
        cluster,
        node_groups,
        registry,
        secret_store,
        logs,
        dns_challenge,
        system_args,
        observability,
    )


def build(spec: DataPlaneSpec) -> DataPlane:
    """Provision the AWS data plane of `spec` and the shared system layer on top."""
    from pdpkit.dataplane.system import SystemLayer

    infrastructure = provision(spec, account_provider(spec))
    system = SystemLayer(f"{spec.name}-system", infrastructure.system_args)
    return DataPlane(
        name=spec.name,
        target=Target.AWS,
        kubernetes=infrastructure.system_args.provider,
        secret_store=system.secret_store_name,
        secret_prefix=spec.secret_store.secret_prefix,
        external_gateway=system.external_gateway,
        internal_gateway=system.internal_gateway,
        registry=infrastructure.registry.registry_host,
        zones=tuple(infrastructure.network.private_subnet_ids_by_zone),
        ready=system.ready,
        flux_ready=system.flux_ready,
        api_server_cidrs=system.api_server_cidrs,
        api_server_entity=system.api_server_entity,
        observability_storage=infrastructure.observability,
    )
