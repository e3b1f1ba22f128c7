"""Isolation by construction: no two customers share a state location, a secrets key or a
credential, and no customer's runs use a static key.

What counts as shared:
- backends: the same bucket/container/organization, or one's path a prefix of the other's
  (``s3://state/acme`` holds ``s3://state/acme/eu``): `locations.Location.contains`;
- secrets providers: the same key (an AWS KMS alias counts as one key wherever it resolves);
- credentials: an AWS role, an Azure client id, a GCP service account;
- ``customerSubscription`` accounts: a customer's own AWS account, Azure subscription or GCP
  project cannot also be another customer's.

Static keys refused in the stack files: the providers' key settings (`PROVIDER_KEY_SETTINGS`);
in fleet.yaml: an AWS access key id anywhere, credentials in a URL (`locations`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pdpkit.fleet.locations import (
    AWS_ACCESS_KEY_ID,
    Location,
    backend_location,
    secrets_location,
)
from pdpkit.fleet.model import CustomerSpec, FleetFinding, FleetSpec
from pdpkit.spec.enums import ManagementModel
from pdpkit.spec.errors import SpecError
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.yamlmap import KeyPath, read_yaml

PROVIDER_KEY_SETTINGS = {
    # pulumi-aws Provider inputs accessKey, secretKey, token (registry: packages/aws,
    # api-docs/provider and installation-configuration)
    "aws:accessKey": "an AWS access key",
    "aws:secretKey": "an AWS secret key",
    "aws:token": "an AWS session token",
    # pulumi-azure-native Provider inputs clientSecret, clientCertificatePath,
    # clientCertificatePassword (registry: packages/azure-native/api-docs/provider)
    "azure-native:clientSecret": "an Entra client secret",
    "azure-native:clientCertificatePath": "an Entra client certificate",
    "azure-native:clientCertificatePassword": "an Entra client certificate password",
    # pulumi-gcp Provider inputs credentials (a service account key JSON) and accessToken
    # (registry: packages/gcp/installation-configuration, service-account)
    "gcp:credentials": "a GCP service account key",
    "gcp:accessToken": "a GCP access token",
}
"""Pulumi provider config keys that hold a static credential, with what each holds."""


def isolation_findings(spec: FleetSpec, stacks: Mapping[str, StackSpec]) -> list[FleetFinding]:
    """Every customer sharing a location, a key or a credential with an earlier one.

    Linear in the fleet: exact values by lookup; locations by their prefixes (a location
    overlaps an earlier one when one is a prefix of the other: `Location.contains`).
    """
    found: list[FleetFinding] = []
    exact: dict[tuple[str, Any], tuple[int, str]] = {}
    whole: dict[tuple[str, str, tuple[str, ...]], tuple[int, str]] = {}
    """Each earlier location itself."""
    prefixes: dict[tuple[str, str, tuple[str, ...]], tuple[int, str]] = {}
    """Every prefix of each earlier location (to find an earlier one inside a new one)."""
    for index, customer in enumerate(spec.customers):
        for kind, value, path in _resources(index, customer, stacks):
            if isinstance(value, Location):
                key = (kind, value.kind, value.parts)
                owner = prefixes.get(key) or next(
                    (
                        whole[(kind, value.kind, value.parts[:cut])]
                        for cut in range(1, len(value.parts) + 1)
                        if (kind, value.kind, value.parts[:cut]) in whole
                    ),
                    None,
                )
            else:
                owner = exact.get((kind, value))
            if owner is not None and owner[1] != customer.name:
                found.append(
                    (
                        path,
                        f"{_describe(kind, value)} is also used by customer {owner[1]!r} "
                        f"(customers[{owner[0]}]); each customer needs its own "
                        f"{_NOUN[kind]}: give {customer.name!r} one of its own",
                    )
                )
                continue
            mine = (index, customer.name)
            if isinstance(value, Location):
                whole.setdefault((kind, value.kind, value.parts), mine)
                for cut in range(1, len(value.parts) + 1):
                    prefixes.setdefault((kind, value.kind, value.parts[:cut]), mine)
            else:
                exact.setdefault((kind, value), mine)
    return found


_NOUN = {
    "backend": "state location",
    "secrets": "secrets key",
    "aws-role": "AWS role",
    "azure-client": "Azure identity",
    "gcp-sa": "GCP service account",
    "aws-account": "AWS account",
    "azure-subscription": "Azure subscription",
    "gcp-project": "GCP project",
}


def _describe(kind: str, value: Any) -> str:
    return f"the {_NOUN[kind]} {value}"


def _resources(
    index: int, customer: CustomerSpec, stacks: Mapping[str, StackSpec]
) -> Iterator[tuple[str, Any, KeyPath]]:
    base: KeyPath = ("customers", index)
    yield "backend", backend_location(customer.backend), (*base, "backend")
    yield "secrets", secrets_location(customer.secrets_provider), (*base, "secretsProvider")
    identity, who = customer.identity, (*base, "identity")
    if identity.aws:
        yield "aws-role", identity.aws.role_arn, (*who, "aws", "roleArn")
        if identity.aws.source_role_arn:
            yield "aws-role", identity.aws.source_role_arn, (*who, "aws", "sourceRoleArn")
    if identity.azure:
        yield "azure-client", identity.azure.client_id.lower(), (*who, "azure", "clientId")
    if identity.gcp:
        yield "gcp-sa", identity.gcp.service_account, (*who, "gcp", "serviceAccount")
    if customer.management is not ManagementModel.CUSTOMER_SUBSCRIPTION:
        return
    for position, name in enumerate(customer.stacks):
        plane = stacks[name].dataplane if name in stacks else None
        path: KeyPath = (*base, "stacks", position)
        if plane is None:
            continue
        if plane.aws is not None:
            yield "aws-account", plane.aws.account_id, path
        if plane.azure is not None:
            yield "azure-subscription", plane.azure.subscription_id.lower(), path
        if plane.gcp is not None:
            yield "gcp-project", plane.gcp.project, path


def static_key_findings(
    fleet_data: Any, root: Path, stack_names: Sequence[str]
) -> list[FleetFinding]:
    """AWS access key ids in fleet.yaml, and provider key settings in the stack files."""
    found: list[FleetFinding] = [
        (
            path,
            "holds an AWS access key id: a static key never goes in fleet.yaml; remove it, "
            "deactivate the key, and use the customer's role (identity.aws.roleArn)",
        )
        for path, value in _strings(fleet_data, ())
        if AWS_ACCESS_KEY_ID.search(value)
    ]
    for name in stack_names:
        relative = f"stacks/Pulumi.{name}.yaml"
        try:
            config = read_yaml(root / relative, relative).data.get("config")
        except (SpecError, AttributeError):
            continue  # the stack's own load reports it
        if not isinstance(config, dict):
            continue
        for key in sorted(set(config) & set(PROVIDER_KEY_SETTINGS)):
            found.append(
                (
                    (relative,),
                    f"`{key}` sets {PROVIDER_KEY_SETTINGS[key]}: a fleet stack runs only as "
                    "its customer's identity (fleet.yaml `identity`); remove the key from "
                    "the stack and revoke it",
                )
            )
    return found


def _strings(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))
