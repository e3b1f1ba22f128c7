"""`fleet.yaml`: the customers a managed-service team operates, their stacks and how to reach them.

Pure and validated like the stack spec (`pdpkit.spec`): every shape rule lives here, every rule
across customers and stacks in `checks` and `isolation`. Example::

    customers:
      - name: acme
        management: customerSubscription
        stacks: [acme-azure-dev, acme-aws-prod]
        wave: canary
        backend: s3://acme-pdp-state?region=eu-west-1
        secretsProvider: awskms:///arn:aws:kms:eu-west-1:210987654321:key/…?region=eu-west-1
        identity:
          aws: {roleArn: arn:aws:iam::210987654321:role/pdpkit-deployer}
          azure: {clientId: …, tenantId: …}
        maintenanceWindow: {days: [sat], start: "02:00", hours: 4, timezone: Europe/Amsterdam}
    waves:
      - {name: canary, maxParallel: 2}
      - {name: general, maxParallel: 10}
    engine: githubActions   # or `operator` (with an `operator:` section)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field

from pdpkit.fleet.locations import backend_location, secrets_location
from pdpkit.spec.base import DnsName, Duration, SpecModel
from pdpkit.spec.enums import ManagementModel, Target
from pdpkit.spec.formats import (
    GcpServiceAccount,
    GitHttpsUrl,
    GoDuration,
    IamRoleArn,
    StackName,
    Uuid,
    WorkloadIdentityProvider,
)
from pdpkit.spec.yamlmap import KeyPath

FleetFinding = tuple[KeyPath, str]
"""A problem across fleet.yaml and the stacks: its key path in fleet.yaml (or a stack file's
path as the only element) and the message."""

CUSTOMER_NAME_MAX = 40
"""Longest customer name: it prefixes the customer's namespace (``pdp-<customer>``) and its
service account in the management cluster, both DNS labels of at most 63 characters."""


def _backend(value: str) -> str:
    backend_location(value)
    return value


def _secrets_provider(value: str) -> str:
    secrets_location(value)
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            "is not a time zone of the IANA database; expected e.g. Europe/Amsterdam, UTC"
        ) from None
    return value


BackendUrl = Annotated[str, AfterValidator(_backend)]
"""A Pulumi state backend URL without credentials (`locations.backend_location`)."""
SecretsProviderUrl = Annotated[str, AfterValidator(_secrets_provider)]
"""A Pulumi secrets provider URL naming a key (`locations.secrets_location`)."""
TimeZone = Annotated[str, AfterValidator(_timezone)]
"""An IANA time zone name (``Europe/Amsterdam``)."""
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
"""A wall-clock time ``HH:MM`` (24-hour)."""


class Engine(StrEnum):
    """What applies the fleet's stacks: exactly one engine, for the whole fleet."""

    GITHUB_ACTIONS = "githubActions"
    """The generated workflows (`pdp fleet ci generate`): ``fleet-up.yml`` applies in waves on
    push to the default branch, ``fleet-drift.yml`` checks drift nightly."""
    OPERATOR = "operator"
    """The Pulumi Kubernetes Operator of a management cluster (`pdp fleet render`): its
    ``Stack`` objects apply and check drift; the workflows only preview pull requests."""


class Weekday(StrEnum):
    """A day of the week, as in a maintenance window."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


_WEEKDAYS = list(Weekday)


class MaintenanceWindow(SpecModel):
    """When a customer accepts changes: on these days, from ``start`` for ``hours`` hours,
    in the customer's time zone (a window may run past midnight into the next day)."""

    days: tuple[Weekday, ...] = Field(min_length=1)
    """Days the window opens (``[sat, sun]``)."""
    start: ClockTime
    """Local time it opens (``"02:00"``; quote it: YAML reads 02:00 as a number)."""
    hours: int = Field(ge=1, le=24)
    """How long it stays open."""
    timezone: TimeZone = "UTC"
    """IANA time zone of ``start``; left out: UTC."""

    def contains(self, moment: datetime) -> bool:
        """Whether the window is open at `moment` (an aware datetime)."""
        local = moment.astimezone(ZoneInfo(self.timezone))
        hour, minute = (int(x) for x in self.start.split(":"))
        for back in (0, 1):  # a window opened yesterday may still be open
            day = local.date() - timedelta(days=back)
            if _WEEKDAYS[day.weekday()] not in self.days:
                continue
            opens = datetime(
                day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(self.timezone)
            )
            if opens <= local < opens + timedelta(hours=self.hours):
                return True
        return False


class AwsIdentity(SpecModel):
    """The role the customer's AWS stacks deploy as (``aws.assumeRoleArn`` of each stack)."""

    role_arn: IamRoleArn
    """The customer's deployment role (each AWS stack's ``aws.assumeRoleArn``), assumed with
    the stack's ``aws.externalId``."""
    source_role_arn: IamRoleArn | None = None
    """The vendor-side role the customer's runs hold first (through IRSA or EKS Pod Identity
    on the management cluster, or GitHub's OIDC token) and the only principal ``roleArn``
    trusts: one per customer, so one customer's runs cannot assume another's role. Left out:
    the runs assume ``roleArn`` directly (it must then trust their OIDC issuer)."""


class AzureIdentity(SpecModel):
    """The Entra identity the customer's Azure stacks deploy as (federated, no secret)."""

    client_id: Uuid
    """Client id of the app registration or user-assigned identity with a federated
    credential for the customer's service account."""
    tenant_id: Uuid
    """Tenant the identity lives in and authenticates against: the customer's (federated
    credential on the customer's app) or the vendor's (Azure Lighthouse delegation)."""


class GcpIdentity(SpecModel):
    """The service account the customer's GCP stacks impersonate through workload identity
    federation."""

    workload_identity_provider: WorkloadIdentityProvider
    """Full name of the pool provider trusting the management cluster's (or CI's) issuer."""
    service_account: GcpServiceAccount
    """The customer's deployment service account."""


class OnpremIdentity(SpecModel):
    """How runs reach the customer's own clusters: a kubeconfig kept in the customer's
    namespace of the management cluster (never in git)."""

    kubeconfig_secret: DnsName
    """Name of the Secret (key ``kubeconfig``) in the customer's namespace."""


class CustomerIdentity(SpecModel):
    """One identity per target the customer's stacks use; nothing shared with another
    customer (`isolation`)."""

    aws: AwsIdentity | None = None
    """Required when the customer has AWS stacks."""
    azure: AzureIdentity | None = None
    """Required when the customer has Azure stacks."""
    gcp: GcpIdentity | None = None
    """Required when the customer has GCP stacks."""
    onprem: OnpremIdentity | None = None
    """Required when the customer has on-prem stacks."""

    def for_target(self, target: Target) -> SpecModel | None:
        """The identity the stacks of `target` run as, if declared."""
        found: SpecModel | None = getattr(self, target.value)
        return found


class CustomerSpec(SpecModel):
    """One customer: the stacks operated for it and where its state, keys and identities are."""

    name: DnsName = Field(max_length=CUSTOMER_NAME_MAX)
    """The customer's name: its namespace in the management cluster is ``pdp-<name>``."""
    management: ManagementModel
    """Whose account the data planes live in and who operates them."""
    stacks: tuple[StackName, ...] = Field(min_length=1)
    """The customer's stacks (``stacks/Pulumi.<stack>.yaml``); a stack belongs to one customer."""
    wave: DnsName | None = None
    """The rollout wave (a name from ``waves``); left out: the last wave."""
    backend: BackendUrl
    """Where the customer's Pulumi state lives: its own bucket, container or organization."""
    secrets_provider: SecretsProviderUrl
    """The customer's own key that encrypts its stacks' secrets."""
    identity: CustomerIdentity
    """What the customer's runs authenticate as, per target."""
    maintenance_window: MaintenanceWindow | None = None
    """When changes may be applied; left out: any time."""


class WaveSpec(SpecModel):
    """A rollout wave: its customers are updated together, at most ``maxParallel`` stacks at
    a time, after every earlier wave succeeded."""

    name: DnsName
    """The wave's name (``canary``)."""
    max_parallel: int = Field(10, ge=1, le=256)
    """Most stacks of the wave updated at once; left out: 10."""


class OperatorSpec(SpecModel):
    """The Pulumi Kubernetes Operator engine (`pdp fleet render`)."""

    repository_url: GitHttpsUrl
    """This repository, as the management cluster's Flux clones it (the program source)."""
    credentials_secret: DnsName | None = None
    """Secret (in each customer namespace) with the git credentials of a private repository;
    left out: cloned anonymously."""
    program_dir: str | None = Field(None, pattern=r"^[A-Za-z0-9._/-]+$")
    """Directory of ``Pulumi.yaml`` inside the repository; left out: its root."""
    drift_interval: Duration = "24h"
    """How often each stack's drift check (a preview that expects no changes, after a
    refresh) runs; left out: daily. At least 1m (the operator's floor is 60 seconds)."""
    prerequisite_within: GoDuration = "2h"
    """A production stack runs only after its customer's non-production stacks succeeded
    within this long (the operator re-runs them first when older); left out: 2h."""
    workspace_cpu: str = Field("1", pattern=r"^\d+(\.\d+)?m?$")
    """CPU request of each stack's workspace pod; left out: 1 (Pulumi with a cloud provider
    plugin; a starting point, measure yours)."""
    workspace_memory: str = Field("4Gi", pattern=r"^\d+(Mi|Gi)$")
    """Memory request and limit of each workspace pod; left out: 4Gi (the cloud provider
    plugins are large; a starting point)."""


class FleetSpec(SpecModel):
    """The whole of `fleet.yaml`."""

    customers: tuple[CustomerSpec, ...] = Field(min_length=1)
    """Every customer operated; together their stacks are every stack in ``stacks/``."""
    waves: tuple[WaveSpec, ...] = (WaveSpec(name="all"),)
    """Rollout waves, first to last; left out: one wave ``all`` of 10 stacks at a time."""
    engine: Engine = Engine.GITHUB_ACTIONS
    """What applies the fleet's stacks and checks them for drift: ``githubActions`` (the
    workflows of ``pdp fleet ci generate``) or ``operator`` (the objects of ``pdp fleet
    render``); left out: githubActions, which needs nothing but this repository. One engine
    for the whole fleet: the stacks of a fleet are never applied by two (and ``pdp ci
    generate`` leaves them out of its per-stack workflows)."""
    operator: OperatorSpec | None = None
    """Settings of the in-cluster engine: required with ``engine: operator``, refused
    otherwise (settings no engine reads)."""

    def wave_of(self, customer: CustomerSpec) -> WaveSpec:
        """The customer's wave (the last one when it names none)."""
        if customer.wave is None:
            return self.waves[-1]
        return next(w for w in self.waves if w.name == customer.wave)
