"""Closed sets of the stack spec."""

from enum import StrEnum


class Target(StrEnum):
    """Where the data plane runs."""

    AZURE = "azure"
    AWS = "aws"
    GCP = "gcp"
    ONPREM = "onprem"


class ManagementModel(StrEnum):
    """Who owns the cloud account and who operates the data plane."""

    VENDOR_SUBSCRIPTION = "vendorSubscription"
    """The platform vendor's account; the vendor operates it."""
    CUSTOMER_SUBSCRIPTION = "customerSubscription"
    """The customer's account; the vendor operates it through a delegated role."""
    CUSTOMER_SELF_MANAGED = "customerSelfManaged"
    """The customer's account, operated by the customer."""


class TransparentEncryption(StrEnum):
    """Cilium's node-to-node encryption."""

    WIREGUARD = "wireguard"
    IPSEC = "ipsec"
    OFF = "off"


class GatewayVisibility(StrEnum):
    """Which gateway exposes an endpoint."""

    EXTERNAL = "external"
    INTERNAL = "internal"


class RegistryKind(StrEnum):
    """Container registry on an on-prem data plane."""

    EXISTING = "existing"
    HARBOR = "harbor"


class LogStoreKind(StrEnum):
    """In-plane log store on an on-prem data plane."""

    LOKI = "loki"
    OPENSEARCH = "opensearch"


class IntegrationKind(StrEnum):
    """How an integration runs."""

    SERVICE = "service"
    SCHEDULED_TASK = "scheduledTask"
    MANUAL_TASK = "manualTask"


class Severity(StrEnum):
    """How a policy violation is treated."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"
