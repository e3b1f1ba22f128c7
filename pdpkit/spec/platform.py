"""The `pdp:platform` section: environments, integrations, tracks, promotion pipelines.

The platform layer (`pdpkit.platform`) turns this into namespaces and workloads on
the data planes the environments are bound to; the release ledger says which build
runs where.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from pdpkit.spec.base import Cidr, DnsName, Duration, NonEmptyStr, SpecModel, duration_seconds
from pdpkit.spec.endpoint_security import EndpointDefaults, SecretRef
from pdpkit.spec.integration import (
    DIGEST_PATTERN,
    AutoscalingSpec,
    ConfigFileSpec,
    DeploymentTrackSpec,
    EndpointSpec,
    EnvVarSpec,
    HttpGetProbe,
    IntegrationOverride,
    IntegrationSpec,
    ProbeSpec,
    ProbesSpec,
    Quantity,
    Resources,
    ResourcesSpec,
    TcpSocketProbe,
)

__all__ = [
    "DIGEST_PATTERN",
    "AutoscalingSpec",
    "ConfigFileSpec",
    "DeploymentTrackSpec",
    "EgressRule",
    "EndpointDefaults",
    "EndpointSpec",
    "EnvVarSpec",
    "EnvironmentSpec",
    "HttpGetProbe",
    "IntegrationOverride",
    "IntegrationSpec",
    "LedgerSpec",
    "PipelineSpec",
    "PlatformSpec",
    "ProbeSpec",
    "ProbesSpec",
    "ProjectSpec",
    "PromotionGate",
    "PromotionPath",
    "Quantity",
    "QuotaSpec",
    "Resources",
    "ResourcesSpec",
    "SecretRef",
    "TcpSocketProbe",
]


class EgressRule(SpecModel):
    """Traffic an environment's workloads may send outside the cluster."""

    cidr: Cidr
    """Destination range."""
    ports: tuple[int, ...] = (443,)
    """TCP ports. Default 443."""


class QuotaSpec(SpecModel):
    """ResourceQuota of each project namespace in an environment."""

    cpu: Quantity = "8"
    """CPU limit of the namespace. Default 8."""
    memory: Quantity = "16Gi"
    """Memory limit of the namespace. Default 16Gi."""
    pods: int = Field(50, ge=1)
    """Pods allowed in the namespace. Default 50."""


class EnvironmentSpec(SpecModel):
    """A stage integrations are promoted through (dev, staging, prod…)."""

    name: DnsName
    """Environment name (dev, staging, prod…)."""
    data_planes: tuple[DnsName, ...] = Field(min_length=1)
    """Data planes (clusters) the environment runs on."""
    production: bool = False
    """A production environment: stricter gates, protected data."""
    config: dict[str, str] = {}
    """Configuration every integration in the environment can read by key."""
    secrets: dict[str, SecretRef] = {}
    """Secret references every integration in the environment can read by key."""
    egress: tuple[EgressRule, ...] = ()
    """Declared egress beyond the cluster (databases, SaaS APIs)."""
    quota: QuotaSpec = QuotaSpec()
    """ResourceQuota per project namespace; left out: 8 CPU, 16Gi, 50 pods."""
    endpoint_defaults: EndpointDefaults = EndpointDefaults()
    """The identity provider and rate limit endpoints inherit (docs/ingress-security.md);
    left out: none, each external endpoint declares its own ``auth``."""
    not_secrets: tuple[NonEmptyStr, ...] = ()
    """Configuration keys whose values the credential scan flags but which are not
    credentials (its false positives, reviewed); left out: none."""


class ProjectSpec(SpecModel):
    """A group of integrations sharing a namespace per environment and a pipeline."""

    name: DnsName
    """Project name; prefix of its namespaces (`<project>-<env>`)."""
    pipeline: DnsName = "default"
    """Promotion pipeline of the project's integrations."""


class PromotionPath(SpecModel):
    """Builds move from one environment to the next ones."""

    from_: DnsName = Field(alias="from")
    """Environment builds leave."""
    to: tuple[DnsName, ...] = Field(min_length=1)
    """Environments they may be promoted into."""


class PromotionGate(SpecModel):
    """What a promotion into an environment requires."""

    environment: DnsName
    """The environment this gate guards."""
    required_approvals: int = Field(0, ge=0, le=10)
    """Approvals needed to promote into it. Default 0."""
    approvers: tuple[NonEmptyStr, ...] = ()
    """Who may approve: GitHub logins or ``group:NAME``; left out: anyone but the promoter."""
    soak_time: Duration | None = None
    """How long the build must have run in the previous environment."""
    auto_promote: bool = False
    """Promote automatically once the gate is met (no approvals allowed then)."""

    @field_validator("soak_time")
    @classmethod
    def _bounded_soak(cls, value: str | None) -> str | None:
        # a soak beyond a year is a typo, and beyond ~2.7 million years timedelta overflows
        if value is not None and duration_seconds(value) > MAX_SOAK_SECONDS:
            raise ValueError(
                f"soak time {value} is longer than {MAX_SOAK_SECONDS // 86400}d; "
                "use a duration of at most a year (e.g. 24h, 7d)"
            )
        return value

    @model_validator(mode="after")
    def _auto_without_approvals(self) -> PromotionGate:
        if self.auto_promote and self.required_approvals:
            raise ValueError("autoPromote cannot be combined with requiredApprovals")
        return self


MAX_SOAK_SECONDS = 366 * 86400
"""The longest soak time a gate may ask for."""

LEDGER_PATH_PATTERN = (
    r"^(?!.*(^|/)\.\.?(/|$))"  # no "." or ".." segment
    r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\.ya?ml$"
)
"""A relative path inside the repository: no leading ``/``, no ``.``/``..`` segment, only
letters, digits, ``_.-`` (it reaches workflow steps and file writes)."""


class PipelineSpec(SpecModel):
    """A promotion pipeline: a graph of environments with gates."""

    name: DnsName
    """Pipeline name."""
    paths: tuple[PromotionPath, ...] = Field(min_length=1)
    """Promotion paths (an acyclic graph)."""
    gates: tuple[PromotionGate, ...] = ()
    """Gates per target environment."""


class LedgerSpec(SpecModel):
    """Where the release ledger lives (a YAML file in the repository)."""

    path: NonEmptyStr = "releases/ledger.yaml"
    """Path relative to the project root (``releases/acme.yaml``); never absolute, never
    leaving the repository."""

    @field_validator("path")
    @classmethod
    def _inside_the_repository(cls, value: str) -> str:
        if not re.fullmatch(LEDGER_PATH_PATTERN, value):
            raise ValueError(
                f"{value!r} is not a relative path inside the repository ending in .yaml; "
                "use letters, digits, '_', '.', '-' and '/' only, no leading '/' and no "
                "'.' or '..' segment (e.g. releases/acme.yaml)"
            )
        return value


class PlatformSpec(SpecModel):
    """Environments, integrations and promotion, on top of one or more data planes."""

    name: DnsName
    """Platform name; names its ledger and workflows."""
    data_planes: tuple[DnsName, ...] = ()
    """Data planes managed by other stacks that environments may bind to."""
    environments: tuple[EnvironmentSpec, ...] = Field(min_length=1)
    """In promotion order."""
    projects: tuple[ProjectSpec, ...] = Field(min_length=1)
    """Groups of integrations (a namespace per environment each)."""
    integrations: tuple[IntegrationSpec, ...] = ()
    """The integrations (inline, or one file each under integrations/)."""
    pipelines: tuple[PipelineSpec, ...] = Field(min_length=1)
    """Promotion pipelines; each project names one."""
    ledger: LedgerSpec = LedgerSpec()
    """Where the release ledger is kept; left out: releases/ledger.yaml."""
    groups: dict[DnsName, tuple[NonEmptyStr, ...]] = {}
    """Approver groups by name (members are GitHub logins: their pull request reviews prove
    approvals), referenced by promotion gates as ``group:NAME``; left out: gates may name
    users only."""
