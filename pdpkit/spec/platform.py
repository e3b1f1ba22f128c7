"""The `pdp:platform` section: environments, integrations, tracks, promotion pipelines.

The platform layer (`pdpkit.platform`) turns this into namespaces and workloads on
the data planes the environments are bound to; the release ledger says which build
runs where.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from pdpkit.spec.base import Cidr, DnsName, Duration, NonEmptyStr, SpecModel
from pdpkit.spec.enums import GatewayVisibility, IntegrationKind

DIGEST_PATTERN = r"^\S+@sha256:[0-9a-f]{64}$"
Quantity = Annotated[str, Field(pattern=r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")]
"""A Kubernetes quantity (``500m``, ``512Mi``, ``2``)."""


class SecretRef(SpecModel):
    """A secret in the data plane's secret store, resolved by External Secrets."""

    key: NonEmptyStr
    """Remote key, relative to the data plane's secret prefix."""
    property: str | None = None
    """Property of a JSON secret; left out: the whole value."""


class EgressRule(SpecModel):
    """Traffic an environment's workloads may send outside the cluster."""

    cidr: Cidr
    ports: tuple[int, ...] = (443,)
    """TCP ports. Default 443."""


class QuotaSpec(SpecModel):
    """ResourceQuota of each project namespace in an environment."""

    cpu: Quantity = "8"
    memory: Quantity = "16Gi"
    pods: int = Field(50, ge=1)


class EnvironmentSpec(SpecModel):
    """A stage integrations are promoted through (dev, staging, prod…)."""

    name: DnsName
    data_planes: tuple[DnsName, ...] = Field(min_length=1)
    """Data planes (clusters) the environment runs on."""
    production: bool = False
    config: dict[str, str] = {}
    """Configuration every integration in the environment can read by key."""
    secrets: dict[str, SecretRef] = {}
    """Secret references every integration in the environment can read by key."""
    egress: tuple[EgressRule, ...] = ()
    """Declared egress beyond the cluster (databases, SaaS APIs)."""
    quota: QuotaSpec = QuotaSpec()


class ProjectSpec(SpecModel):
    """A group of integrations sharing a namespace per environment and a pipeline."""

    name: DnsName
    pipeline: DnsName = "default"
    """Promotion pipeline of the project's integrations."""


class Resources(SpecModel):
    cpu: Quantity
    memory: Quantity


class ResourcesSpec(SpecModel):
    """Requests and limits of the integration's container."""

    requests: Resources = Resources(cpu="250m", memory="512Mi")
    limits: Resources = Resources(cpu="1", memory="1Gi")


class HttpGetProbe(SpecModel):
    path: NonEmptyStr = "/healthz"
    port: int = Field(ge=1, le=65535)


class TcpSocketProbe(SpecModel):
    port: int = Field(ge=1, le=65535)


class ProbeSpec(SpecModel):
    """A liveness or readiness probe (Kubernetes' own shape, either httpGet or tcpSocket)."""

    http_get: HttpGetProbe | None = None
    tcp_socket: TcpSocketProbe | None = None
    initial_delay_seconds: int = Field(10, ge=0)
    period_seconds: int = Field(10, ge=1)
    timeout_seconds: int = Field(2, ge=1)
    failure_threshold: int = Field(3, ge=1)

    @model_validator(mode="after")
    def _exactly_one_handler(self) -> ProbeSpec:
        if (self.http_get is None) == (self.tcp_socket is None):
            raise ValueError("a probe needs exactly one of httpGet or tcpSocket")
        return self


class ProbesSpec(SpecModel):
    liveness: ProbeSpec
    readiness: ProbeSpec


class AutoscalingSpec(SpecModel):
    """Horizontal pod autoscaling on CPU."""

    enabled: bool = False
    max_replicas: int = Field(3, ge=1, le=100)
    target_cpu_utilization: int = Field(70, ge=10, le=100)


class EndpointSpec(SpecModel):
    """A port exposed through a gateway, under a versioned path."""

    name: DnsName
    port: int = Field(ge=1, le=65535)
    visibility: GatewayVisibility = GatewayVisibility.INTERNAL
    base_path: str = Field("/", pattern=r"^/[A-Za-z0-9/_.-]*$")
    """Path prefix; the API version is appended (``/orders`` → ``/orders/v1.2``)."""


class EnvVarSpec(SpecModel):
    """An environment variable: a literal, a configuration key or a secret."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$")
    value: str | None = None
    config: str | None = None
    """Key of the environment's or the integration's configuration."""
    secret: SecretRef | None = None

    @model_validator(mode="after")
    def _exactly_one_source(self) -> EnvVarSpec:
        if sum(x is not None for x in (self.value, self.config, self.secret)) != 1:
            raise ValueError(f"env {self.name} needs exactly one of value, config or secret")
        return self


class ConfigFileSpec(SpecModel):
    """A file mounted read-only into the container."""

    mount_path: str = Field(pattern=r"^/\S+$")
    content: str


class DeploymentTrackSpec(SpecModel):
    """Where builds of an integration come from, and the API version they carry."""

    branch: str | None = None
    """Git branch whose builds feed the pipeline's first environment."""
    registry_repository: str | None = None
    """Registry repository whose new digests feed the first environment (instead of a branch)."""
    api_version: str = Field("v1.0", pattern=r"^v\d+\.\d+$")
    """API major.minor version carried in endpoint paths (``v1.2``)."""

    @model_validator(mode="after")
    def _one_source(self) -> DeploymentTrackSpec:
        if (self.branch is None) == (self.registry_repository is None):
            raise ValueError("a deployment track needs exactly one of branch or registryRepository")
        return self


class IntegrationOverride(SpecModel):
    """What an environment changes of an integration; everything else is shared."""

    replicas: int | None = Field(None, ge=0, le=100)
    autoscaling: AutoscalingSpec | None = None
    resources: ResourcesSpec | None = None
    config: dict[str, str] = {}
    env: tuple[EnvVarSpec, ...] = ()
    """Variables added or replaced by name."""


class IntegrationSpec(SpecModel):
    """A deployable integration (service, scheduled task or manual task)."""

    name: DnsName
    project: DnsName
    kind: IntegrationKind = IntegrationKind.SERVICE
    image: str | None = Field(None, pattern=DIGEST_PATTERN)
    """Bootstrap image (``repo@sha256:…``) where the release ledger has no release yet."""
    image_pull_secret: SecretRef | None = None
    """Docker config JSON in the secret store, for private registries."""
    track: DeploymentTrackSpec = DeploymentTrackSpec(branch="main")
    replicas: int = Field(1, ge=0, le=100)
    autoscaling: AutoscalingSpec = AutoscalingSpec()
    resources: ResourcesSpec = ResourcesSpec()
    probes: ProbesSpec | None = None
    """Required for services; tasks may leave it out."""
    endpoints: tuple[EndpointSpec, ...] = ()
    schedule: str | None = Field(None, pattern=r"^(\S+\s+){4}\S+$")
    """Cron schedule (scheduled tasks only)."""
    env: tuple[EnvVarSpec, ...] = ()
    env_from_config: bool = False
    """Expose every configuration key as a variable (``envFrom``)."""
    env_from_secrets: tuple[SecretRef, ...] = ()
    """Secrets whose every property becomes a variable (``envFrom``); left out: none."""
    config: dict[str, str] = {}
    """Environment-independent configuration."""
    config_files: tuple[ConfigFileSpec, ...] = ()
    service_account_token: bool = False
    """Mount a Kubernetes API token (only for integrations that call the API)."""
    run_as_user: int = Field(10001, ge=1, le=2147483647)
    """UID the container runs as (never 0). Default 10001; WSO2 MI images run as 802."""
    overrides: dict[str, IntegrationOverride] = {}
    """Per-environment overrides, by environment name."""

    @model_validator(mode="after")
    def _kind_rules(self) -> IntegrationSpec:
        if self.kind is IntegrationKind.SCHEDULED_TASK and self.schedule is None:
            raise ValueError("a scheduledTask needs a schedule (cron, e.g. '*/15 * * * *')")
        if self.kind is not IntegrationKind.SCHEDULED_TASK and self.schedule is not None:
            raise ValueError(f"schedule is only for scheduledTask, this is a {self.kind.value}")
        if self.kind is IntegrationKind.SERVICE and self.probes is None:
            raise ValueError("a service needs probes (liveness and readiness)")
        if self.kind is not IntegrationKind.SERVICE and self.endpoints:
            raise ValueError(f"endpoints are only for services, this is a {self.kind.value}")
        return self


class PromotionPath(SpecModel):
    """Builds move from one environment to the next ones."""

    from_: DnsName = Field(alias="from")
    to: tuple[DnsName, ...] = Field(min_length=1)


class PromotionGate(SpecModel):
    """What a promotion into an environment requires."""

    environment: DnsName
    required_approvals: int = Field(0, ge=0, le=10)
    approvers: tuple[NonEmptyStr, ...] = ()
    """Who may approve: user names or ``group:NAME``; left out: anyone but the promoter."""
    soak_time: Duration | None = None
    """How long the build must have run in the previous environment."""
    auto_promote: bool = False
    """Promote automatically once the gate is met (no approvals allowed then)."""

    @model_validator(mode="after")
    def _auto_without_approvals(self) -> PromotionGate:
        if self.auto_promote and self.required_approvals:
            raise ValueError("autoPromote cannot be combined with requiredApprovals")
        return self


class PipelineSpec(SpecModel):
    """A promotion pipeline: a graph of environments with gates."""

    name: DnsName
    paths: tuple[PromotionPath, ...] = Field(min_length=1)
    gates: tuple[PromotionGate, ...] = ()


class LedgerSpec(SpecModel):
    """Where the release ledger lives (a YAML file in the repository)."""

    path: NonEmptyStr = "releases/ledger.yaml"
    """Path relative to the project root."""


class PlatformSpec(SpecModel):
    """Environments, integrations and promotion, on top of one or more data planes."""

    name: DnsName
    data_planes: tuple[DnsName, ...] = ()
    """Data planes managed by other stacks that environments may bind to."""
    environments: tuple[EnvironmentSpec, ...] = Field(min_length=1)
    """In promotion order."""
    projects: tuple[ProjectSpec, ...] = Field(min_length=1)
    integrations: tuple[IntegrationSpec, ...] = ()
    pipelines: tuple[PipelineSpec, ...] = Field(min_length=1)
    ledger: LedgerSpec = LedgerSpec()
    groups: dict[DnsName, tuple[NonEmptyStr, ...]] = {}
    """Approver groups by name (members are user names, e.g. GitHub logins), referenced by
    promotion gates as ``group:NAME``; left out: gates may name users only."""
