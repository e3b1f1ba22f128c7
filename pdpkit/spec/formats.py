"""Typed strings of the spec: URLs, hostnames, durations and cloud identifiers.

Each type validates its shape where the value is read, so `pdp validate` names the file,
line, the value and what was expected (`validation_errors` turns the ``ValueError`` text
"<what>; expected <allowed>" into a located problem). Rules that depend on the target
(region and zone names per cloud) live in `cloud_names`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator

_HOST_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^{_HOST_LABEL}(\.{_HOST_LABEL})*$")
_EMAIL = re.compile(rf"^[A-Za-z0-9._%+-]+@{_HOST_LABEL}(\.{_HOST_LABEL})+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
# google-github-actions/auth (v2 README): `workload_identity_provider` is the full name
# projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>; the
# pool id "should be 4-32 characters, and may contain the characters [a-z0-9-]" and the only
# location is global (cloud.google.com/iam/docs/reference/rest/v1/
# projects.locations.workloadIdentityPools/create); provider ids follow the same rule.
_WIF_PROVIDER = re.compile(
    r"^projects/\d{6,20}/locations/global/workloadIdentityPools/[a-z0-9-]{4,32}"
    r"/providers/[a-z0-9-]{4,32}$"
)
# Service account e-mails: <6-30 char id>@<project>.iam.gserviceaccount.com
_GCP_SERVICE_ACCOUNT = re.compile(
    r"^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$"
)
# Go's time.ParseDuration units that Flux accepts: the CRD pattern of every Flux interval is
# ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$ (fluxcd/source-controller v1.8.2,
# api/v1/gitrepository_types.go:111, the source-controller of Flux 2.8.5; kustomize- and
# helm-controller carry the same pattern). No `d`: "1d" is rejected by the API server.
_GO_DURATION = re.compile(r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$")
_RUNNER_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_REGISTRY_HOST = re.compile(rf"^{_HOST_LABEL}(\.{_HOST_LABEL})*(:\d{{1,5}})?$")
# distribution/reference v0.5.0 regexp.go:53 (`separator`) and :123 (`pathComponent`): path
# components are lowercase alphanumerics joined by '.', '_', '__' or runs of '-'; here a
# repository is a registry host with a dot or a port, then one or more components.
_IMAGE_REPOSITORY = re.compile(
    rf"^{_HOST_LABEL}(\.{_HOST_LABEL})+(:\d{{1,5}})?(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)+$"
)


def _matches(pattern: re.Pattern[str], what: str, example: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"is not {what}; expected {example}")
        return value

    return check


def _url(schemes: tuple[str, ...], example: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        parts = urlsplit(value)
        host = parts.hostname or ""
        if parts.scheme not in schemes or not _HOSTNAME.match(host) or " " in value:
            allowed = " or ".join(f"{s}://" for s in schemes)
            raise ValueError(f"is not a {allowed} URL with a host name; expected {example}")
        try:
            parts.port  # noqa: B018 (raises on a port outside 0-65535)
        except ValueError:
            raise ValueError(f"has an invalid port; expected {example}") from None
        return value

    return check


def _hostname(wildcard: bool) -> Callable[[str], str]:
    def check(value: str) -> str:
        name = value.removeprefix("*.") if wildcard else value
        if len(value) > 253 or not _HOSTNAME.match(name) or "." not in name:
            allowed = "a DNS name (wildcards as *.apps.example.com)" if wildcard else "a DNS name"
            raise ValueError(f"is not a fully qualified host name; expected {allowed}")
        return value

    return check


HttpsUrl = Annotated[str, AfterValidator(_url(("https",), "https://vault.example.com"))]
"""An ``https://`` URL with a host name."""

HttpUrl = Annotated[str, AfterValidator(_url(("http", "https"), "https://minio.example.com:9000"))]
"""An ``http://`` or ``https://`` URL with a host name (in-network services)."""

WssUrl = Annotated[str, AfterValidator(_url(("wss",), "wss://cp.example.com/agent"))]
"""A WebSocket-over-TLS URL (``wss://``)."""

# fluxcd/source-controller v1.7.4 api/v1/gitrepository_types.go:83: the url must match
# ^(http|https|ssh)://.*$; pdpkit authenticates with username/password (https) only.
GitHttpsUrl = Annotated[
    str, AfterValidator(_url(("https",), "https://github.com/acme/pdp-updates.git"))
]
"""The https URL of a Git repository."""

Hostname = Annotated[str, AfterValidator(_hostname(wildcard=False))]
"""A fully qualified DNS name (``registry.acme.internal``)."""

WildcardHostname = Annotated[str, AfterValidator(_hostname(wildcard=True))]
"""A fully qualified DNS name, optionally a wildcard (``*.apps.example.com``)."""

RegistryHost = Annotated[
    str,
    AfterValidator(
        _matches(_REGISTRY_HOST, "a registry host", "a host[:port] like registry.acme.internal")
    ),
]
"""A container registry host, optionally with a port (``registry.acme.internal:5000``)."""

ImageRepository = Annotated[
    str,
    AfterValidator(
        _matches(
            _IMAGE_REPOSITORY,
            "an image repository with its registry host",
            "registry.example.com/team/app (no tag or digest)",
        )
    ),
]
"""A container image repository, registry host first (``acmecr.azurecr.io/orders/api``)."""

Email = Annotated[
    str, AfterValidator(_matches(_EMAIL, "an e-mail address", "platform@example.com"))
]
"""An e-mail address (the ACME account contact)."""

GoDuration = Annotated[
    str,
    AfterValidator(
        _matches(
            _GO_DURATION,
            "a Kubernetes (Go) duration",
            "a duration in ms, s, m or h like 30s, 10m or 1h30m (no d)",
        )
    ),
]
"""A duration Flux accepts: numbers with ms, s, m or h (``10m``, ``1h30m``)."""

Uuid = Annotated[
    str,
    AfterValidator(
        _matches(_UUID, "a UUID", "8-4-4-4-12 hex digits like 3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a9b")
    ),
]
"""A UUID (Azure subscription, tenant, client and object ids)."""

IamRoleArn = Annotated[
    str,
    AfterValidator(
        _matches(_IAM_ROLE_ARN, "an IAM role ARN", "arn:aws:iam::<12-digit account>:role/<name>")
    ),
]
"""An AWS IAM role ARN (``arn:aws:iam::123456789012:role/pdp-ci``)."""

WorkloadIdentityProvider = Annotated[
    str,
    AfterValidator(
        _matches(
            _WIF_PROVIDER,
            "a workload identity provider",
            "projects/<project number>/locations/global/workloadIdentityPools/<pool>"
            "/providers/<provider>",
        )
    ),
]
"""The full resource name of a GCP workload identity pool provider."""

GcpServiceAccount = Annotated[
    str,
    AfterValidator(
        _matches(
            _GCP_SERVICE_ACCOUNT,
            "a service account e-mail",
            "<name>@<project>.iam.gserviceaccount.com",
        )
    ),
]
"""A GCP service account e-mail (``pdp-ci@acme-pdp.iam.gserviceaccount.com``)."""

RunnerLabel = Annotated[
    str,
    AfterValidator(
        _matches(
            _RUNNER_LABEL,
            "a runner label",
            "letters, digits, '.', '_' and '-' like self-hosted or acme-aws-prod",
        )
    ),
]
"""A GitHub Actions runner label."""
