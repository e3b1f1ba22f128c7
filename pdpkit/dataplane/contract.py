"""What a data plane offers the platform layer, whatever the target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.spec.enums import Target

OBSERVABILITY_NAMESPACE = "pdp-observability"
"""Namespace of the in-plane observability collectors and stores (docs/observability.md)."""

OBSERVABILITY_STORE_SERVICE_ACCOUNTS = ("loki", "mimir", "tempo")
"""Service accounts (in `OBSERVABILITY_NAMESPACE`) of the stores that read and write the
observability buckets; the target's workload identity is bound to exactly these."""


class Signal(StrEnum):
    """A kind of telemetry, each kept in its own bucket/container."""

    LOGS = "logs"
    METRICS = "metrics"
    TRACES = "traces"


@dataclass(frozen=True)
class ObservabilityStorage:
    """Object storage the target provides for the in-plane stores (Loki, Mimir, Tempo).

    The target creates one private, encrypted bucket (or container) per signal and an
    identity the stores' service accounts assume through the cluster's workload identity;
    on-prem, where there is none, an S3 access key read from the secret store.
    """

    backend: str
    """Storage client the stores use: ``azure``, ``s3`` or ``gcs``."""
    buckets: Mapping[Signal, pulumi.Input[str]]
    """Bucket (Azure: container) per signal."""
    service_account_annotations: Mapping[str, pulumi.Input[str]]
    """Annotations on the stores' service accounts (IRSA role, GCP service account, Azure
    client id)."""
    pod_labels: Mapping[str, str]
    """Labels the stores' pods need (Azure: ``azure.workload.identity/use``)."""
    endpoint: pulumi.Input[str] | None = None
    """S3 endpoint (``s3.eu-west-1.amazonaws.com``, the on-prem store's URL)."""
    region: str | None = None
    """S3 region."""
    account_name: pulumi.Input[str] | None = None
    """Azure storage account holding the containers."""
    credentials_secret: str | None = None
    """On-prem only: key in the secret store (under the prefix) of an S3 access key
    (``accessKeyId``, ``secretAccessKey``); None: workload identity."""


@dataclass(frozen=True)
class GatewayRef:
    """A Gateway API gateway integrations attach HTTPRoutes to."""

    name: str
    namespace: str
    hostnames: tuple[str, ...]


@dataclass(frozen=True)
class DataPlane:
    """A provisioned data plane: its cluster, secret store and gateways."""

    name: str
    target: Target
    kubernetes: k8s.Provider
    """Provider for the data plane's cluster; every Kubernetes object uses it."""
    secret_store: str
    """Name of the `ClusterSecretStore` that resolves the secret store's keys."""
    secret_prefix: str
    """Prefix every remote key is read under."""
    external_gateway: GatewayRef
    internal_gateway: GatewayRef
    registry: pulumi.Output[str]
    """Registry host images are pulled from."""
    zones: tuple[str, ...]
    """Topology zones nodes run in (topology spread)."""
    ready: tuple[pulumi.Resource, ...]
    """What custom resources of the platform need first (CRDs of ESO and Gateway API)."""
    api_server_cidrs: tuple[str, ...] = ()
    """Real addresses of the API server's endpoints (egress of integrations that mount a
    token); never a Service ClusterIP (pdpkit.components.k8s.api_server_egress)."""
    api_server_entity: bool = False
    """Whether a CiliumNetworkPolicy may allow the API server by Cilium's ``kube-apiserver``
    entity (pdpkit installed Cilium, so the CRD exists)."""
    observability_storage: ObservabilityStorage | None = None
    """Object storage and identity of the in-plane observability stores (what the system
    layer's Loki, Mimir and Tempo are configured with); None: observability is off."""
    registry_pull_secret: str | None = None
    """A ``kubernetes.io/dockerconfigjson`` Secret for `registry` present in every namespace
    pdpkit creates, which pods name in ``imagePullSecrets``; None: the nodes pull from
    `registry` with the data plane's own identity (AcrPull, ECR pull policy, Artifact
    Registry reader), or, on Harbor, each integration brings its ``imagePullSecret``."""
