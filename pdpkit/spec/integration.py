"""An integration of the platform: its workload, probes, endpoints, configuration and track."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from pdpkit.spec.base import DnsName, NonEmptyStr, SpecModel
from pdpkit.spec.cron import CronSchedule
from pdpkit.spec.endpoint_security import EndpointAuth, EndpointLimits, SecretRef
from pdpkit.spec.enums import GatewayVisibility, IntegrationKind
from pdpkit.spec.formats import (
    OCI_DIGEST_REFERENCE,
    GitBranch,
    ImageDigestReference,
    ImageRepository,
)

DIGEST_PATTERN = OCI_DIGEST_REFERENCE
Quantity = Annotated[str, Field(pattern=r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")]
"""A Kubernetes quantity (``500m``, ``512Mi``, ``2``)."""


class Resources(SpecModel):
    cpu: Quantity
    """CPU quantity (500m, 2)."""
    memory: Quantity
    """Memory quantity (512Mi, 2Gi)."""


class ResourcesSpec(SpecModel):
    """Requests and limits of the integration's container."""

    requests: Resources = Resources(cpu="250m", memory="512Mi")
    """Requested resources; default 250m CPU, 512Mi."""
    limits: Resources = Resources(cpu="1", memory="1Gi")
    """Limits; default 1 CPU, 1Gi."""


class HttpGetProbe(SpecModel):
    path: NonEmptyStr = "/healthz"
    """HTTP path. Default /healthz."""
    port: int = Field(ge=1, le=65535)
    """Container port."""


class TcpSocketProbe(SpecModel):
    port: int = Field(ge=1, le=65535)
    """Container port."""


class ProbeSpec(SpecModel):
    """A liveness or readiness probe (Kubernetes' own shape, either httpGet or tcpSocket)."""

    http_get: HttpGetProbe | None = None
    """Probe with an HTTP GET."""
    tcp_socket: TcpSocketProbe | None = None
    """Probe by opening a TCP connection."""
    initial_delay_seconds: int = Field(10, ge=0)
    """Seconds before the first probe. Default 10."""
    period_seconds: int = Field(10, ge=1)
    """Seconds between probes. Default 10."""
    timeout_seconds: int = Field(2, ge=1)
    """Seconds before a probe times out. Default 2."""
    failure_threshold: int = Field(3, ge=1)
    """Failures before acting. Default 3."""

    @model_validator(mode="after")
    def _exactly_one_handler(self) -> ProbeSpec:
        if (self.http_get is None) == (self.tcp_socket is None):
            raise ValueError("a probe needs exactly one of httpGet or tcpSocket")
        return self


class ProbesSpec(SpecModel):
    liveness: ProbeSpec
    """Restart the container when this fails."""
    readiness: ProbeSpec
    """Take the pod out of rotation when this fails."""


class AutoscalingSpec(SpecModel):
    """Horizontal pod autoscaling on CPU."""

    enabled: bool = False
    """Scale on CPU with a HorizontalPodAutoscaler. Default off."""
    max_replicas: int = Field(3, ge=1, le=100)
    """Upper bound (the lower bound is `replicas`). Default 3."""
    target_cpu_utilization: int = Field(70, ge=10, le=100)
    """Target average CPU percentage. Default 70."""


class EndpointSpec(SpecModel):
    """A port exposed through a gateway, under a versioned path."""

    name: DnsName
    """Endpoint name (port name on the Service)."""
    port: int = Field(ge=1, le=65535)
    """Container port."""
    visibility: GatewayVisibility = GatewayVisibility.INTERNAL
    """`internal` (default) or `external` gateway."""
    base_path: str = Field("/", pattern=r"^/[A-Za-z0-9/_.-]*$")
    """Path prefix; the API version is appended (``/orders`` → ``/orders/v1.2``)."""
    auth: EndpointAuth | None = None
    """Who may call it: exactly one of jwt, mtls, apiKey or public; left out: the
    environment's ``endpointDefaults.jwt`` on an external endpoint (refused in production
    when there is none), nothing on an internal one."""
    limits: EndpointLimits = EndpointLimits()
    """Rate limit, body size, timeouts, retries and circuit breaking; left out: the safe
    defaults of `EndpointLimits` and the environment's rate limit."""


class EnvVarSpec(SpecModel):
    """An environment variable: a literal, a configuration key or a secret."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$")
    """Variable name."""
    value: str | None = None
    """A literal value."""
    config: str | None = None
    """Key of the environment's or the integration's configuration."""
    secret: SecretRef | None = None
    """A secret from the data plane's secret store."""

    @model_validator(mode="after")
    def _exactly_one_source(self) -> EnvVarSpec:
        if sum(x is not None for x in (self.value, self.config, self.secret)) != 1:
            raise ValueError(f"env {self.name} needs exactly one of value, config or secret")
        return self


class ConfigFileSpec(SpecModel):
    """A file mounted read-only into the container."""

    mount_path: str = Field(pattern=r"^/\S+$")
    """Absolute path of the file in the container."""
    content: str
    """File content."""


class DeploymentTrackSpec(SpecModel):
    """Where builds of an integration come from, and the API version they carry."""

    branch: GitBranch | None = None
    """Git branch whose builds feed the pipeline's first environment."""
    registry_repository: ImageRepository | None = None
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
    """Replicas in this environment."""
    autoscaling: AutoscalingSpec | None = None
    """Autoscaling in this environment."""
    resources: ResourcesSpec | None = None
    """Requests and limits in this environment."""
    config: dict[str, str] = {}
    """Configuration keys added or replaced."""
    env: tuple[EnvVarSpec, ...] = ()
    """Variables added or replaced by name."""


class IntegrationSpec(SpecModel):
    """A deployable integration (service, scheduled task or manual task)."""

    name: DnsName
    """Integration name (DNS label); names its workload."""
    project: DnsName
    """Project it belongs to."""
    kind: IntegrationKind = IntegrationKind.SERVICE
    """`service` (Deployment), `scheduledTask` (CronJob) or `manualTask` (Job)."""
    image: ImageDigestReference | None = None
    """Bootstrap image (``repo@sha256:…``) where the release ledger has no release yet."""
    image_pull_secret: SecretRef | None = None
    """Docker config JSON in the secret store, for private registries."""
    track: DeploymentTrackSpec = DeploymentTrackSpec(branch="main")
    """Deployment track; left out: branch main, API v1.0."""
    replicas: int = Field(1, ge=0, le=100)
    """Replicas (minimum when autoscaling). Default 1."""
    autoscaling: AutoscalingSpec = AutoscalingSpec()
    """Autoscaling; left out: off."""
    resources: ResourcesSpec = ResourcesSpec()
    """Requests and limits; left out: 250m/512Mi requests, 1/1Gi limits."""
    probes: ProbesSpec | None = None
    """Required for services; tasks may leave it out."""
    endpoints: tuple[EndpointSpec, ...] = ()
    """Ports exposed through the gateways (services only)."""
    schedule: CronSchedule | None = None
    """Cron schedule in UTC (scheduled tasks only): five fields or a descriptor (``@daily``)."""
    env: tuple[EnvVarSpec, ...] = ()
    """Environment variables."""
    env_from_config: bool = False
    """Expose every configuration key as a variable (``envFrom``)."""
    env_from_secrets: tuple[SecretRef, ...] = ()
    """Secrets whose every property becomes a variable (``envFrom``); left out: none."""
    config: dict[str, str] = {}
    """Environment-independent configuration."""
    config_files: tuple[ConfigFileSpec, ...] = ()
    """Files mounted from configuration."""
    service_account_token: bool = False
    """Mount a Kubernetes API token (only for integrations that call the API)."""
    run_as_user: int = Field(10001, ge=1, le=2147483647)
    """UID the container runs as (never 0). Default 10001; WSO2 MI images run as 802."""
    overrides: dict[str, IntegrationOverride] = {}
    """Per-environment overrides, by environment name."""
    not_secrets: tuple[NonEmptyStr, ...] = ()
    """Env var names and configuration keys whose literal values the credential scan flags
    but which are not credentials (its false positives, reviewed); left out: none."""

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
