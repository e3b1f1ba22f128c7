"""Per-target sections of `pdp:dataplane`: what only one cloud (or on-prem) needs."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from pdpkit.spec.base import Cidr, NonEmptyStr, SpecModel
from pdpkit.spec.enums import LogStoreKind, RegistryKind
from pdpkit.spec.formats import Hostname, HttpsUrl, HttpUrl, IamRoleArn, RegistryHost, Uuid


class AzureSpec(SpecModel):
    """Azure: the subscription and tenant the data plane lives in."""

    subscription_id: Uuid
    """Subscription (UUID) the data plane lives in."""
    tenant_id: Uuid
    """Entra ID tenant (UUID) of the subscription."""
    admin_group_object_ids: tuple[Uuid, ...] = ()
    """Entra ID groups that get cluster-admin (Azure RBAC)."""
    api_server_vnet_integration: bool = False
    """Project the API server into a delegated subnet of the VNet."""
    dns_zone_resource_group: str | None = Field(None, pattern=r"^[-\w._()]{1,90}$")
    """Resource group of the Azure DNS zone `gateways.dnsZone` (same subscription). Set it to
    prove Let's Encrypt certificates by DNS-01 (needed for wildcard hostnames); left out:
    HTTP-01 through the external gateway."""


class AwsSpec(SpecModel):
    """AWS: the account, and the role to assume in a customer account."""

    account_id: str = Field(pattern=r"^\d{12}$")
    """12-digit AWS account id the data plane lives in."""
    assume_role_arn: IamRoleArn | None = None
    """Role pdpkit assumes in the customer's account; left out: the caller's credentials."""
    external_id: SecretStr | None = None
    """External id the customer's trust policy requires (confused-deputy protection)."""
    vpc_endpoints: bool = True
    """Interface/gateway endpoints so nodes reach AWS APIs without the internet."""
    nat_gateway_per_zone: bool | None = None
    """One NAT gateway per zone; left out: on in production stacks, one shared otherwise."""

    @model_validator(mode="after")
    def _external_id_with_role(self) -> AwsSpec:
        if self.external_id is not None and self.assume_role_arn is None:
            raise ValueError("externalId is set but assumeRoleArn is not; set both or neither")
        return self


class GcpSpec(SpecModel):
    """GCP: the project the data plane lives in."""

    project: str = Field(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
    """GCP project id the data plane lives in."""
    project_number: str | None = Field(None, pattern=r"^\d{6,20}$")
    """The project's number (service agents and IAM conditions use it); left out: looked up
    with ``organizations.getProject`` when the program runs (answered offline by the fakes)."""
    master_ipv4_cidr: Cidr = "172.16.0.0/28"
    """The /28 range of the GKE control plane's private endpoint."""
    customer_managed_keys: bool = True
    """Encrypt the registry and the log archive bucket with Cloud KMS keys of the data plane
    (CMEK). Left out: on. Kubernetes secrets follow ``cluster.secretsEncryption``."""
    dns_managed_zone: str | None = Field(None, pattern=r"^[a-z][a-z0-9-]{0,62}$")
    """Cloud DNS managed zone (its resource name) serving ``gateways.dnsZone``. Set: ACME
    certificates are issued over DNS-01 (wildcards work) by cert-manager as a service account
    that administers this zone only. Left out: HTTP-01 through the external gateway."""
    dns_project: str | None = Field(None, pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
    """Project of that zone; left out: ``project``."""

    @model_validator(mode="after")
    def _master_range_is_28(self) -> GcpSpec:
        if not self.master_ipv4_cidr.endswith("/28"):
            raise ValueError(
                f"masterIpv4Cidr {self.master_ipv4_cidr} is not a /28; GKE needs exactly a /28 "
                "for the control plane (e.g. 172.16.0.0/28)"
            )
        return self


class ExistingRegistrySpec(SpecModel):
    """A registry that already exists on-prem."""

    server: RegistryHost
    """Registry host (``registry.acme.internal``)."""
    pull_secret_key: NonEmptyStr
    """Key in the secret store holding the docker config JSON for pulls."""


class HarborSpec(SpecModel):
    """Harbor installed in the cluster, storing images on S3-compatible storage."""

    hostname: Hostname
    """Hostname Harbor is served on (internal gateway)."""
    bucket: NonEmptyStr = "harbor"
    """Bucket for image layers. Default harbor."""
    admin_password: SecretStr
    """Initial admin password (a Pulumi secret: ``pulumi config set --secret``)."""


class S3StorageSpec(SpecModel):
    """S3-compatible object storage (MinIO, Ceph RGW, NetApp StorageGRID…)."""

    endpoint: HttpUrl
    """URL of the S3-compatible endpoint."""
    region: NonEmptyStr = "us-east-1"
    """Region the storage reports. Default us-east-1."""
    credentials_secret_key: NonEmptyStr
    """Key in the secret store with ``accessKeyId`` and ``secretAccessKey``."""


class ObservabilityBucketsSpec(SpecModel):
    """Buckets of the observability stores on the S3-compatible storage, one per signal."""

    logs: NonEmptyStr = "pdp-observability-logs"
    """Loki's bucket. Default pdp-observability-logs."""
    metrics: NonEmptyStr = "pdp-observability-metrics"
    """Cortex's bucket (metrics). Default pdp-observability-metrics."""
    traces: NonEmptyStr = "pdp-observability-traces"
    """Tempo's bucket. Default pdp-observability-traces."""


class VaultSpec(SpecModel):
    """An existing HashiCorp Vault with the Kubernetes auth method enabled."""

    address: HttpsUrl
    """Vault URL (https)."""
    mount_path: NonEmptyStr = "secret"
    """KV v2 mount holding the data plane's secrets."""
    auth_mount_path: NonEmptyStr = "kubernetes"
    """Mount path of the Kubernetes auth method. Default kubernetes."""
    role: NonEmptyStr = "external-secrets"
    """Vault role bound to the External Secrets service account."""


class OnpremSpec(SpecModel):
    """On-prem: an existing cluster and the services around it."""

    kubeconfig: str | None = None
    """Path of the kubeconfig; left out: the ambient one (KUBECONFIG / ~/.kube/config)."""
    context: NonEmptyStr
    """kubeconfig context of the cluster."""
    registry_kind: RegistryKind = RegistryKind.EXISTING
    """`existing` (default: a registry you run) or `harbor` (installed in the cluster)."""
    existing_registry: ExistingRegistrySpec | None = None
    """The existing registry (required when registryKind is existing)."""
    harbor: HarborSpec | None = None
    """Harbor settings (required when registryKind is harbor)."""
    vault: VaultSpec
    """The HashiCorp Vault External Secrets reads."""
    storage: S3StorageSpec
    """S3-compatible storage for logs (and Harbor)."""
    log_store: LogStoreKind = LogStoreKind.LOKI
    """`loki` (default) or `opensearch`, on the S3-compatible storage."""
    log_bucket: NonEmptyStr = "pdp-logs"
    """Bucket of the log store. Default pdp-logs."""
    observability_buckets: ObservabilityBucketsSpec = ObservabilityBucketsSpec()
    """Buckets of the observability stores (``observability.enabled``), on `storage` with its
    credentials; left out: pdp-observability-logs, -metrics and -traces. Create them on the
    storage before `pulumi up` (pdpkit does not manage the on-prem store's buckets)."""
    api_server_cidr: str | None = None
    """Removed; leave it out. Pods are allowed the API server by Cilium's ``kube-apiserver``
    entity (pdpkit installs Cilium on-prem): the ``kubernetes`` Service address this key held
    never matched a policy, as Cilium enforces policy after translating it
    (cilium/cilium#33525)."""

    @field_validator("api_server_cidr")
    @classmethod
    def _api_server_cidr_removed(cls, value: str | None) -> None:
        if value is not None:
            raise ValueError(
                f"apiServerCidr is no longer used (got {value!r}): a Service address never "
                "matches a network policy under Cilium, which enforces policy after translating "
                "it to the API server's endpoint (cilium/cilium#33525); pdpkit now allows the "
                "API server by Cilium's kube-apiserver entity. Delete the key."
            )

    @model_validator(mode="after")
    def _registry_matches_kind(self) -> OnpremSpec:
        if self.registry_kind is RegistryKind.EXISTING and self.existing_registry is None:
            raise ValueError("registryKind is existing but existingRegistry is missing; add it")
        if self.registry_kind is RegistryKind.HARBOR and self.harbor is None:
            raise ValueError("registryKind is harbor but harbor is missing; add it")
        return self
