"""What a data plane offers the platform layer, whatever the target."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.spec.enums import Target


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
    registry_pull_secret: str | None = None
    """A ``kubernetes.io/dockerconfigjson`` Secret for `registry` present in every namespace
    pdpkit creates, which pods name in ``imagePullSecrets``; None: the nodes pull from
    `registry` with the data plane's own identity (AcrPull, ECR pull policy, Artifact
    Registry reader), or, on Harbor, each integration brings its ``imagePullSecret``."""
