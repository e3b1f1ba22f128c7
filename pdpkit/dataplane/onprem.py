"""The on-prem target: an existing cluster, Vault, S3 storage (docs/targets/onprem.md)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.external_secrets import NAMESPACE as ESO_NAMESPACE
from pdpkit.components.k8s.external_secrets import SERVICE_ACCOUNT as ESO_SERVICE_ACCOUNT
from pdpkit.components.onprem.harbor import Harbor, HarborArgs
from pdpkit.components.onprem.loki import Loki, LokiArgs
from pdpkit.components.onprem.opensearch import OpenSearch, OpenSearchArgs
from pdpkit.components.onprem.registry_pull_secret import (
    RegistryPullSecret,
    RegistryPullSecretArgs,
)
from pdpkit.components.onprem.s3 import S3Bucket
from pdpkit.dataplane.contract import DataPlane, ObservabilityStorage, Signal
from pdpkit.dataplane.system import SystemLayer
from pdpkit.dataplane.system_args import LogDestination, SystemLayerArgs, WorkloadIdentity
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import LogStoreKind, RegistryKind
from pdpkit.spec.secret_keys import secret_key
from pdpkit.spec.targets import OnpremSpec

LOKI_HOST = "loki-gateway.pdp-logs.svc.cluster.local"
OPENSEARCH_HOST = "opensearch-cluster-master.pdp-logs.svc.cluster.local"


def vault_provider(onprem: OnpremSpec) -> dict[str, Any]:
    """`ClusterSecretStore` provider: Vault KV v2, Kubernetes auth as ESO's service account."""
    vault = onprem.vault
    return {
        "vault": {
            "server": vault.address,
            "path": vault.mount_path,
            "version": "v2",
            "auth": {
                "kubernetes": {
                    "mountPath": vault.auth_mount_path,
                    "role": vault.role,
                    "serviceAccountRef": {"name": ESO_SERVICE_ACCOUNT, "namespace": ESO_NAMESPACE},
                }
            },
        }
    }


def log_destination(spec: DataPlaneSpec, onprem: OnpremSpec) -> LogDestination:
    """Fluent Bit output for the in-plane store (Loki or OpenSearch, in pdp-logs)."""
    if onprem.log_store is LogStoreKind.LOKI:
        return LogDestination(
            output="loki",
            parameters={
                "host": LOKI_HOST,
                "port": 80,
                "labels": f"job=fluent-bit, data_plane={spec.name}",
                "auto_kubernetes_labels": True,
            },
        )
    return LogDestination(
        output="opensearch",
        parameters={
            "Host": OPENSEARCH_HOST,
            "Port": 9200,
            "tls": True,
            "tls.verify": True,
            "Logstash_Format": True,
            "Logstash_Prefix": spec.name,
            "Suppress_Type_Name": True,
        },
    )


def observability_storage(spec: DataPlaneSpec, onprem: OnpremSpec) -> ObservabilityStorage | None:
    """The stores' buckets on the S3-compatible storage, with its access key (no workload
    identity on-prem); None when observability is off."""
    if not spec.observability.enabled:
        return None
    buckets = onprem.observability_buckets
    return ObservabilityStorage(
        backend="s3",
        buckets={
            Signal.LOGS: buckets.logs,
            Signal.METRICS: buckets.metrics,
            Signal.TRACES: buckets.traces,
        },
        service_account_annotations={},
        pod_labels={},
        endpoint=onprem.storage.endpoint,
        region=onprem.storage.region,
        # relative to the data plane's secret prefix, like every key the platform reads
        credentials_secret=onprem.storage.credentials_secret_key,
    )


def build(spec: DataPlaneSpec) -> DataPlane:
    """Declare the on-prem data plane of `spec`."""
    onprem = spec.onprem
    if onprem is None:  # the spec validator guarantees it; keeps mypy and readers honest
        raise ValueError("target is onprem but the onprem section is missing")
    observability = observability_storage(spec, onprem)
    # The provider reads the kubeconfig when it connects (pulumi up), never at plan time.
    provider = k8s.Provider(
        f"{spec.name}-kubernetes",
        kubeconfig=onprem.kubeconfig,
        context=onprem.context,
    )
    # No cloud firewall on-prem: the nodes enforce the external gateway's
    # loadBalancerSourceRanges for the address the site's load balancer (MetalLB, kube-vip…)
    # announces: kube-proxy's per-Service firewall chain ("only works for VIP-like
    # loadbalancers that preserve source IPs", kubernetes/kubernetes pkg/proxy/iptables/
    # proxier.go, KUBE-FW; read from a stored copy, release not pinned), or Cilium's kube-proxy
    # replacement where a site runs it (cilium/cilium Documentation/network/kubernetes/
    # kubeproxy-free.rst, "LoadBalancer Source Ranges Checks"). Traffic from inside the cluster
    # is not filtered there.
    system = SystemLayer(
        f"{spec.name}-system",
        SystemLayerArgs(
            spec=spec,
            provider=provider,
            install_cilium=True,
            secret_store_provider=vault_provider(onprem),
            # Vault's Kubernetes auth checks the service account token; no cloud identity
            secret_store_identity=WorkloadIdentity(),
            log_destination=log_destination(spec, onprem),
            registry=_registry_host(onprem),
            # no address: the kube-apiserver entity allows it (pdpkit installs Cilium here)
            api_server_cidrs=(),
            internal_service_hostnames=_internal_services(onprem),
        ),
    )
    prefix = spec.secret_store.secret_prefix
    storage_key = secret_key(prefix, onprem.storage.credentials_secret_key)
    channels = spec.flux.channels
    if onprem.log_store is LogStoreKind.LOKI:
        Loki(
            f"{spec.name}-loki",
            LokiArgs(
                provider=provider,
                storage=S3Bucket(
                    onprem.storage.endpoint, onprem.storage.region, onprem.log_bucket, storage_key
                ),
                secret_store=system.secret_store_name,
                retention_days=spec.log_storage.retention_days,
                production=spec.production,
                channel=channels.get("loki"),
                flux_namespace=system.flux_namespace,
                flux_ready=system.flux_ready,
                secrets_ready=system.ready,
            ),
        )
    else:
        OpenSearch(
            f"{spec.name}-opensearch",
            OpenSearchArgs(
                provider=provider,
                storage=S3Bucket(
                    onprem.storage.endpoint, onprem.storage.region, onprem.log_bucket, storage_key
                ),
                secret_store=system.secret_store_name,
                production=spec.production,
                channel=channels.get("opensearch"),
                flux_namespace=system.flux_namespace,
                flux_ready=system.flux_ready,
                secrets_ready=system.ready,
            ),
        )
    pull: RegistryPullSecret | None = None
    if onprem.registry_kind is RegistryKind.HARBOR and onprem.harbor is not None:
        harbor = onprem.harbor
        Harbor(
            f"{spec.name}-harbor",
            HarborArgs(
                provider=provider,
                hostname=harbor.hostname,
                admin_password=pulumi.Output.secret(harbor.admin_password.get_secret_value()),
                storage=S3Bucket(
                    onprem.storage.endpoint, onprem.storage.region, harbor.bucket, storage_key
                ),
                secret_store=system.secret_store_name,
                gateway=(system.internal_gateway.name, system.internal_gateway.namespace),
                production=spec.production,
                channel=channels.get("harbor"),
                flux_namespace=system.flux_namespace,
                flux_ready=system.flux_ready,
                secrets_ready=system.ready,
                gateway_ready=system.ready,
            ),
        )
    elif onprem.existing_registry is not None:
        pull = RegistryPullSecret(
            f"{spec.name}-registry-pull",
            RegistryPullSecretArgs(
                provider=provider,
                server=onprem.existing_registry.server,
                remote_key=secret_key(prefix, onprem.existing_registry.pull_secret_key),
                secret_store=system.secret_store_name,
                depends_on=system.ready,
            ),
        )
    return DataPlane(
        name=spec.name,
        target=spec.target,
        kubernetes=provider,
        secret_store=system.secret_store_name,
        secret_prefix=prefix,
        external_gateway=system.external_gateway,
        internal_gateway=system.internal_gateway,
        registry=pulumi.Output.from_input(_registry_host(onprem)),
        zones=tuple(spec.network.availability_zones),
        ready=system.ready,
        flux_ready=system.flux_ready,
        api_server_cidrs=system.api_server_cidrs,
        registry_pull_secret=None if pull is None else pull.secret_name,
        api_server_entity=system.api_server_entity,
        observability_storage=observability,
    )


def _internal_services(onprem: OnpremSpec) -> tuple[str, ...]:
    """Hostnames the internal gateway serves besides the integrations' (Harbor)."""
    if onprem.registry_kind is RegistryKind.HARBOR and onprem.harbor is not None:
        return (onprem.harbor.hostname,)
    return ()


def _registry_host(onprem: OnpremSpec) -> str:
    if onprem.registry_kind is RegistryKind.HARBOR and onprem.harbor is not None:
        return onprem.harbor.hostname
    if onprem.existing_registry is not None:
        return onprem.existing_registry.server
    raise ValueError("an on-prem data plane needs harbor or existingRegistry")
