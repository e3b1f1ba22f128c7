"""The `pdp:dataplane` section: one private data plane (cluster and what runs in it)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from pdpkit.spec.base import Cidr, DnsName, NonEmptyStr, SpecModel, Version
from pdpkit.spec.ci import CiSpec
from pdpkit.spec.enums import ManagementModel, Target, TransparentEncryption
from pdpkit.spec.formats import (
    Email,
    GitBranch,
    GitHttpsUrl,
    GoDuration,
    Hostname,
    WildcardHostname,
    WssUrl,
)
from pdpkit.spec.observability import ObservabilitySpec
from pdpkit.spec.secret_keys import RULES
from pdpkit.spec.targets import AwsSpec, AzureSpec, GcpSpec, OnpremSpec


class SubnetSpec(SpecModel):
    """A subnet of the data plane's network."""

    name: DnsName
    """Subnet name; also its role (``nodes``, ``private-endpoints``, ``apiserver``, ``public``)."""
    cidr: Cidr
    """Address range, inside `NetworkSpec.address_space`."""
    zone: str | None = None
    """Availability zone for zonal subnets (AWS); left out: regional."""


class NetworkSpec(SpecModel):
    """Addressing of the data plane. Ignored on `onprem`, where the network is given."""

    address_space: Cidr = "10.10.0.0/16"
    """The VNet / VPC range. Default 10.10.0.0/16."""
    subnets: tuple[SubnetSpec, ...] = ()
    """Subnets; left out: the target derives a nodes subnet (and per-zone subnets on AWS)."""
    pod_cidr: Cidr = "100.64.0.0/16"
    """Pod range (overlay / secondary range). Must not overlap the address space."""
    service_cidr: Cidr = "100.65.0.0/16"
    """Kubernetes Service range. Must not overlap pods or the address space."""
    availability_zones: tuple[NonEmptyStr, ...] = ("1", "2", "3")
    """Zones to spread nodes over (Azure "1","2","3"; AWS/GCP zone names)."""


class Taint(SpecModel):
    """A Kubernetes node taint."""

    key: NonEmptyStr
    """Taint key."""
    value: str = ""
    """Taint value; default empty."""
    effect: str = Field("NoSchedule", pattern="^(NoSchedule|PreferNoSchedule|NoExecute)$")
    """NoSchedule (default), PreferNoSchedule or NoExecute."""


class NodePoolSpec(SpecModel):
    """A group of identical nodes."""

    name: DnsName = Field(max_length=12)
    """Pool name (AKS allows at most 12 characters)."""
    vm_size: NonEmptyStr = "standard"
    """Machine size in the cloud's vocabulary (Standard_D4ds_v5, m6i.xlarge, e2-standard-4)."""
    min_count: int = Field(1, ge=0, le=1000)
    """Autoscaler minimum."""
    max_count: int = Field(3, ge=1, le=1000)
    """Autoscaler maximum."""
    zones: tuple[NonEmptyStr, ...] = ()
    """Zones of the pool; left out: the network's availability zones."""
    system: bool = False
    """A system pool runs critical add-ons only (tainted CriticalAddonsOnly)."""
    labels: dict[str, str] = {}
    """Kubernetes labels on the pool's nodes."""
    taints: tuple[Taint, ...] = ()
    """Kubernetes taints on the pool's nodes."""

    @model_validator(mode="after")
    def _min_le_max(self) -> NodePoolSpec:
        if self.min_count > self.max_count:
            raise ValueError(
                f"minCount {self.min_count} is greater than maxCount {self.max_count}; "
                "make minCount <= maxCount"
            )
        return self


class ClusterSpec(SpecModel):
    """The Kubernetes cluster."""

    kubernetes_version: Version = "1.35"
    """Kubernetes MAJOR.MINOR (patch chosen by the cloud). Must be supported by every pinned
    component and offered by the target's service (`pdpkit.versions`); default 1.35."""
    private_api_endpoint: bool = True
    """The API server has no public endpoint. Default on."""
    authorized_ranges: tuple[Cidr, ...] = ()
    """When the endpoint is public: the only ranges that may reach it (required then)."""
    node_pools: tuple[NodePoolSpec, ...] = Field(min_length=1)
    """At least one pool; mark one `system: true` on AKS."""
    maintenance_window: str = Field(
        "Sun 02:00-06:00",
        pattern=r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$",
    )
    """Weekly window for upgrades (day HH:MM-HH:MM, UTC)."""
    upgrade_channel: str = Field("patch", pattern="^(none|patch|stable|rapid|regular)$")
    """Automatic upgrade channel (AKS upgrade channel / GKE release channel)."""
    secrets_encryption: bool = True
    """Encrypt Kubernetes secrets at rest with a customer-managed key (KMS)."""

    @model_validator(mode="after")
    def _public_needs_ranges(self) -> ClusterSpec:
        if not self.private_api_endpoint and not self.authorized_ranges:
            raise ValueError(
                "a public API endpoint needs authorizedRanges; set privateApiEndpoint: true "
                "or list the CIDRs allowed to reach the API server"
            )
        return self


class RegistrySpec(SpecModel):
    """The container registry of the data plane."""

    name: str | None = None
    """Registry name; left out: derived from the data plane name."""
    public_access: bool = False
    """Reachable from the internet. Default off (private endpoint)."""
    retention_days: int = Field(30, ge=1, le=365)
    """Untagged images are deleted after this many days."""


class SecretStoreSpec(SpecModel):
    """The key vault / secret store the External Secrets Operator reads."""

    name: str | None = None
    """Vault name; left out: derived from the data plane name."""
    secret_prefix: NonEmptyStr = "pdp/"  # noqa: S105 (a key prefix)
    """Only secrets under this prefix are readable by the data plane. A key is this prefix and
    the reference's key concatenated, so the prefix ends with its separator. Left out: ``pdp-``
    on Azure and GCP (their secret names hold no ``/``), ``pdp/`` elsewhere."""
    soft_delete_days: int = Field(90, ge=7, le=90)
    """Days a deleted secret can be recovered (Azure Key Vault)."""


class LogStorageSpec(SpecModel):
    """Where logs are kept, in the customer's infrastructure."""

    retention_days: int = Field(30, ge=7, le=3650)
    """Days logs stay queryable."""
    archive: bool = True
    """Also archive logs to object storage."""
    archive_retention_days: int = Field(365, ge=30, le=3650)
    """Days archived logs are kept before deletion."""


class CiliumSpec(SpecModel):
    """Cilium, where pdpkit installs it (not on AKS Cilium dataplane nor GKE Dataplane V2)."""

    version: Version | None = None
    """Chart version; left out: the versions table."""
    encryption: TransparentEncryption = TransparentEncryption.WIREGUARD
    """Transparent node-to-node encryption. Default WireGuard."""
    hubble: bool = True
    """Hubble flow observability (relay, no UI exposed)."""


class GatewaySpec(SpecModel):
    """One Gateway API gateway."""

    hostnames: tuple[WildcardHostname, ...] = Field(min_length=1)
    """Hostnames served (wildcards allowed: *.apps.example.com)."""


class WafMode(StrEnum):
    """What the web application firewall on the external gateway does with a request that
    the OWASP Core Rule Set scores as an attack."""

    BLOCKING = "blocking"
    """Refuse it (HTTP 403) and log it (Coraza ``SecRuleEngine On``)."""
    DETECTION = "detection"
    """Let it through and log it (``SecRuleEngine DetectionOnly``): for tuning out false
    positives before blocking."""
    OFF = "off"
    """No firewall on the gateway (refused in production by policy K8S-GW-WAF)."""


OCI_DIGEST_REF = r"^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$"
"""``registry/path[:tag]@sha256:<64 hex>``: an OCI reference pinned by digest."""


class WafSpec(SpecModel):
    """The web application firewall on every listener of the external gateway: Coraza with
    the OWASP Core Rule Set, running inside the gateway's Envoy (docs/ingress-security.md)."""

    mode: WafMode | None = None
    """``blocking``, ``detection`` or ``off``; left out: blocking when the data plane is
    production, detection otherwise."""
    module: str | None = None
    """The coraza-proxy-wasm OCI image pinned by digest (``registry/path:tag@sha256:…``), e.g.
    a copy in the data plane's own registry; left out: the release pinned in
    `pdpkit.versions.CORAZA_WASM`."""

    @field_validator("mode", mode="before")
    @classmethod
    def _yaml_off(cls, value: Any) -> Any:
        """YAML 1.1 reads an unquoted ``off`` as false: take it for the mode it spells."""
        return WafMode.OFF if value is False else value

    @field_validator("module")
    @classmethod
    def _pinned(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(OCI_DIGEST_REF, value):
            raise ValueError(
                "must be an OCI image pinned by digest, registry/path:tag@sha256:<64 hex> "
                "(e.g. registry.example.com/waf/coraza-proxy-wasm:0.6.0@sha256:…); "
                "`crane digest <image>` prints the digest"
            )
        return value

    def effective_mode(self, production: bool) -> WafMode:
        """The mode in force: the declared one, else blocking in production."""
        if self.mode is not None:
            return self.mode
        return WafMode.BLOCKING if production else WafMode.DETECTION


class ExternalGatewaySpec(GatewaySpec):
    """The internet-facing gateway: its hostnames, who may reach it, and its firewall."""

    source_ranges: tuple[Cidr, ...] | None = Field(None, min_length=1)
    """Client ranges (CIDRs) the external load balancer accepts; everything else is dropped
    by the cloud's firewall for the load balancer (NSG, security group, VPC firewall rule) or,
    on-prem, by the nodes. Required in production. Left out elsewhere: open to everyone.
    ``0.0.0.0/0`` or ``::/0`` opens the gateway to the internet on purpose (refused in
    production by policy K8S-GW-SOURCE-RANGES unless waived)."""
    waf: WafSpec = WafSpec()
    """The web application firewall; left out: blocking in production, detection elsewhere."""


class GatewaysSpec(SpecModel):
    """The external and internal gateways every integration endpoint is exposed on."""

    external: ExternalGatewaySpec
    """The internet-facing gateway."""
    internal: GatewaySpec
    """The gateway reachable only inside the network."""
    tls_issuer: str = Field("letsencrypt", pattern="^(letsencrypt|letsencrypt-staging|selfsigned)$")
    """cert-manager issuer for the gateways' certificates."""
    acme_email: Email = "platform@example.com"
    """Contact for the ACME account (letsencrypt issuers)."""
    dns_zone: Hostname
    """DNS zone the hostnames live in (for DNS-01 challenges)."""


class FluxSpec(SpecModel):
    """Flux, pointed at the update repository the control plane publishes to."""

    repository_url: GitHttpsUrl
    """Git URL of the update repository (https)."""
    branch: GitBranch = "main"
    """Branch Flux follows. Default main."""
    path: NonEmptyStr = "./"
    """Path of the Kustomization in the repository."""
    interval: GoDuration = "10m"
    """How often Flux reconciles: ms, s, m or h (``10m``, ``1h30m``; Flux has no ``d``)."""
    channels: dict[str, NonEmptyStr] = {}
    """Semver range per component (``logAgent: "~3.2"``); left out: the pinned version."""
    credentials_secret: NonEmptyStr | None = None
    """Key in the secret store (under the secret prefix) with ``username`` and ``password``
    of a private update repository; left out: the repository is read anonymously."""


class AgentSpec(SpecModel):
    """The PDP agent: dials the control plane outbound, never listens."""

    control_plane_url: WssUrl
    """WebSocket URL of the control plane (``wss://…``)."""
    data_plane_id: NonEmptyStr
    """The id the control plane knows this data plane by."""
    token_secret: NonEmptyStr
    """Key of the agent's token in the secret store (under the secret prefix)."""
    image: NonEmptyStr = Field(pattern=r"^\S+@sha256:[0-9a-f]{64}$")
    """Agent image, pinned by digest."""
    image_pull_secret: NonEmptyStr | None = None
    """Key in the secret store (under the secret prefix) of a docker config JSON for the
    agent image's registry; required unless the image is in the data plane's own registry,
    which its nodes pull from with their own identity."""
    control_plane_cidrs: tuple[Cidr, ...] = ("0.0.0.0/0",)
    """Egress allowed to the control plane (its published ranges); port 443 only."""


class DataPlaneSpec(SpecModel):
    """One private data plane."""

    name: DnsName
    """Name of the data plane; prefix of every cloud resource name."""
    target: Target
    """Where it runs: `azure`, `aws`, `gcp` or `onprem`; the matching section is required."""
    region: NonEmptyStr
    """Cloud region (``westeurope``, ``eu-west-1``, ``europe-west1``; any label on-prem)."""
    production: bool = False
    """Production stacks protect and retain everything that holds data."""
    management: ManagementModel = ManagementModel.CUSTOMER_SUBSCRIPTION
    """Who owns the account and who operates it. Default customerSubscription."""
    network: NetworkSpec = NetworkSpec()
    """Addressing; left out: 10.10.0.0/16 with derived subnets (ignored on-prem)."""
    cluster: ClusterSpec
    """The Kubernetes cluster and its node pools."""
    registry: RegistrySpec = RegistrySpec()
    """Container registry settings; left out: private, 30-day retention."""
    secret_store: SecretStoreSpec = SecretStoreSpec()
    """Key vault / secret store settings; left out: derived name, the target's default prefix."""
    log_storage: LogStorageSpec = LogStorageSpec()
    """Log retention and archive; left out: 30 days queryable, 365 days archived."""
    cilium: CiliumSpec = CiliumSpec()
    """Cilium settings where pdpkit installs it; left out: WireGuard and Hubble on."""
    observability: ObservabilitySpec = ObservabilitySpec()
    """Logs, metrics and traces kept in the plane; left out: on, small, no query API."""
    gateways: GatewaysSpec
    """The external and internal Gateway API gateways."""
    flux: FluxSpec
    """The update repository Flux reconciles."""
    agent: AgentSpec
    """The PDP agent that dials the control plane."""
    ci: CiSpec = CiSpec()
    """Where the generated workflows run and the identity they use; left out: a self-hosted
    runner labelled with the data plane's name (no cloud identity: required on the clouds)."""
    tags: dict[str, str] = {}
    """Tags / labels on every cloud resource (plus ``managed-by: pdpkit``)."""
    azure: AzureSpec | None = None
    """Azure settings (required when target is azure)."""
    aws: AwsSpec | None = None
    """AWS settings (required when target is aws)."""
    gcp: GcpSpec | None = None
    """GCP settings (required when target is gcp)."""
    onprem: OnpremSpec | None = None
    """On-prem settings (required when target is onprem)."""

    @model_validator(mode="before")
    @classmethod
    def _target_secret_prefix(cls, data: Any) -> Any:
        """A left-out prefix takes the target's default (`secret_keys.RULES`)."""
        if not isinstance(data, dict) or str(data.get("target")) not in set(Target):
            return data
        field = "secret_store" if "secret_store" in data else "secretStore"
        store = data.get(field) or {}
        if not isinstance(store, dict) or {"secretPrefix", "secret_prefix"} & set(store):
            return data
        prefix = RULES[Target(str(data["target"]))].example_prefix
        return {**data, field: {**store, "secretPrefix": prefix}}

    @model_validator(mode="after")
    def _target_section(self) -> DataPlaneSpec:
        sections = {"azure": self.azure, "aws": self.aws, "gcp": self.gcp, "onprem": self.onprem}
        if sections[self.target.value] is None:
            raise ValueError(
                f"target is {self.target.value} but the {self.target.value} section is missing; "
                f"add `{self.target.value}:` with its settings"
            )
        others = sorted(k for k, v in sections.items() if v is not None and k != self.target.value)
        if others:
            raise ValueError(
                f"target is {self.target.value} but sections for {', '.join(others)} are present; "
                "remove them"
            )
        return self
