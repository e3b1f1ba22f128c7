"""Where a customer's state and secrets live: the backend and secrets-provider URLs.

A URL is reduced to the *location* it names (a bucket and prefix, a container, an org, a
key) so that the isolation check (`isolation`) can compare customers: two URLs that differ
only in a query parameter or a trailing slash name the same place.

The forms are Pulumi's:
- state backends, ``pulumi login`` (pulumi.com/docs/iac/cli/commands/pulumi_login and
  /docs/iac/guides/basics/using-a-diy-backend): ``s3://<bucket-path>``,
  ``azblob://<container-path>`` (``?storage_account=<name>``: pulumi/pulumi#10900),
  ``gs://<bucket-path>``, and ``https://`` for Pulumi Cloud (self-hosted or api.pulumi.com);
  pdpkit adds the Pulumi Cloud organization as the path (``https://api.pulumi.com/<org>``),
  because there the org, not the URL, separates customers.
- secrets providers, ``pulumi stack change-secrets-provider``
  (pulumi.com/docs/cli/commands/pulumi_stack_change-secrets-provider): ``awskms://<key id,
  alias/<name> or arn>?region=…``, ``azurekeyvault://<vault>.vault.azure.net/keys/<name>``,
  ``gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>``, ``hashivault://<key>``.
  ``passphrase`` is refused: the passphrase is a static key shared by whoever runs the stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

BACKEND_SCHEMES = ("s3", "azblob", "gs", "https")
SECRETS_SCHEMES = ("awskms", "azurekeyvault", "gcpkms", "hashivault")

BACKEND_EXAMPLE = (
    "s3://<bucket>[/<prefix>]?region=<region>, azblob://<container>?storage_account=<account>, "
    "gs://<bucket>[/<prefix>] or https://api.pulumi.com/<org>"
)
SECRETS_EXAMPLE = (
    "awskms://alias/<name>?region=<region>, azurekeyvault://<vault>.vault.azure.net/keys/<key>, "
    "gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k> or hashivault://<key>"
)

# Query parameters and user-info that carry a credential in the URL itself. gocloud.dev's
# blob URL openers (which Pulumi's DIY backends use) read credentials from the environment,
# never from these; their presence means someone pasted a key into fleet.yaml.
_CREDENTIAL_PARAMS = re.compile(
    r"(?i)^(access[_-]?key(_id)?|secret([_-]?access)?[_-]?key|secret|session[_-]?token|token|"
    r"password|passphrase|sig|sas|sas[_-]?token|storage[_-]?key|account[_-]?key|key)$"
)
# AWS access key ids: AKIA (long-term) and ASIA (temporary) followed by 16 upper-case
# characters (docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html, "unique
# identifiers" prefixes).
AWS_ACCESS_KEY_ID = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b")
_GCP_KEY = re.compile(r"^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$")
_AZURE_KEY = re.compile(r"^[A-Za-z0-9-]{3,24}\.vault\.azure\.net$")


@dataclass(frozen=True)
class Location:
    """The place a URL names, comparable across customers."""

    kind: str
    """``s3``, ``azblob``, ``gs``, ``pulumi-cloud``, ``awskms``, ``azurekeyvault``…"""
    parts: tuple[str, ...]
    """The bucket (or account and container, host and org, key) and the path prefix."""

    def contains(self, other: Location) -> bool:
        """This location is `other`'s or a prefix of it (``s3://b/x`` holds ``s3://b/x/y``)."""
        return (
            self.kind == other.kind
            and len(self.parts) <= len(other.parts)
            and other.parts[: len(self.parts)] == self.parts
        )

    def __str__(self) -> str:
        return f"{self.kind}:{'/'.join(self.parts)}"


def static_credential(url: str) -> str | None:
    """What in `url` is a credential (user-info, a key parameter, an access key id), if any."""
    parts = urlsplit(url)
    if parts.password or (parts.username and parts.scheme in BACKEND_SCHEMES):
        return "user-info (user:password@) in the URL"
    for name, _value in parse_qsl(parts.query, keep_blank_values=True):
        if _CREDENTIAL_PARAMS.match(name):
            return f"the query parameter {name!r}"
    if AWS_ACCESS_KEY_ID.search(url):
        return "an AWS access key id"
    return None


def _path_parts(path: str) -> tuple[str, ...]:
    return tuple(p for p in path.split("/") if p)


def backend_location(url: str) -> Location:
    """The state location of a backend URL; raises ValueError "<what>; expected <forms>"."""
    parts = urlsplit(url)
    if parts.scheme not in BACKEND_SCHEMES:
        raise ValueError(f"is not a state backend URL pdpkit accepts; expected {BACKEND_EXAMPLE}")
    leaked = static_credential(url)
    if leaked:
        raise ValueError(
            f"carries a static credential ({leaked}); expected a URL without credentials: "
            "the customer's runs authenticate with the customer's identity"
        )
    host = parts.hostname or ""
    if not host or " " in url:
        raise ValueError(f"names no bucket or container; expected {BACKEND_EXAMPLE}")
    path = _path_parts(parts.path)
    if parts.scheme == "https":
        if len(path) != 1:
            raise ValueError(
                "a Pulumi Cloud backend names the customer's organization as its path; "
                "expected https://api.pulumi.com/<org>"
            )
        return Location("pulumi-cloud", (host, path[0]))
    if parts.scheme == "azblob":
        query = dict(parse_qsl(parts.query))
        account = query.get("storage_account")
        if not account:
            raise ValueError(
                "names no storage account; expected azblob://<container>?storage_account=<account>"
                " (the account in the customer's or the vendor's subscription, per the "
                "management model)"
            )
        return Location("azblob", (account, host, *path))
    return Location(parts.scheme, (host, *path))


def secrets_location(url: str) -> Location:
    """The key a secrets-provider URL names; raises ValueError "<what>; expected <forms>"."""
    if url in ("passphrase", "default"):
        why = (
            "a passphrase is a static key everyone who runs the stack shares"
            if url == "passphrase"
            else "`default` is the Pulumi Cloud organization's key, shared by every stack in it"
        )
        raise ValueError(
            f"{url!r} is refused: {why}; expected a per-customer key: {SECRETS_EXAMPLE}"
        )
    parts = urlsplit(url)
    if parts.scheme not in SECRETS_SCHEMES:
        raise ValueError(f"is not a secrets provider URL; expected {SECRETS_EXAMPLE}")
    leaked = static_credential(url)
    if leaked:
        raise ValueError(f"carries a static credential ({leaked}); remove it")
    key = (parts.netloc + parts.path).strip("/")
    if not key:
        raise ValueError(f"names no key; expected {SECRETS_EXAMPLE}")
    if parts.scheme == "gcpkms" and not _GCP_KEY.match(key):
        raise ValueError(
            "is not a Cloud KMS key name; expected "
            "gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>"
        )
    if parts.scheme == "azurekeyvault":
        path = _path_parts(parts.path)
        if not _AZURE_KEY.match(parts.netloc) or len(path) < 2 or path[0] != "keys":
            raise ValueError(
                "is not a Key Vault key URL; expected "
                "azurekeyvault://<vault>.vault.azure.net/keys/<key>"
            )
    if parts.scheme == "awskms":
        # An alias or key id resolves in the account of whoever calls KMS: the same URL in
        # two customers' accounts names two keys, but nothing in fleet.yaml shows that, so
        # it counts as one; a key ARN (awskms:///arn:aws:kms:…) names the account.
        region = dict(parse_qsl(parts.query)).get("region", "")
        return Location("awskms", (key, region))
    return Location(parts.scheme, (key.lower() if parts.scheme != "gcpkms" else key,))
