"""How a secret's key in the data plane's store is formed, and what each store accepts.

A key is the data plane's ``secretStore.secretPrefix`` followed by the reference's own key,
concatenated as written: the prefix carries its separator (``pdp/acme/`` + ``dev/db`` on
AWS or Vault, ``pdp-`` + ``dev-db`` on Azure or GCP). The same concatenation names the
secrets pdpkit creates, the IAM grants on ``<prefix>*`` and every ExternalSecret
``remoteRef.key``, so they always agree.

The rules below are the stores' own (each with its source), plus what External Secrets (chart
external-secrets 2.8.0, app v2.8.0) does with the key:

- Azure Key Vault: an object name is 1-127 characters of ``0-9 a-z A-Z -``
  (learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates, "Object
  identifiers"). External Secrets' Azure provider also reads the text before a ``/`` as the
  object type (``secret``, ``key``, ``cert``) and the text after it as the name
  (external-secrets/external-secrets v2.8.0 providers/v1/azure/keyvault/keyvault.go:1444
  ``getObjType``), so ``pdp-/dev-db`` asks for an object of type ``pdp-``.
- GCP Secret Manager: a secret id is at most 255 characters of letters, digits, ``-`` and
  ``_`` (cloud.google.com/python/docs/reference/secretmanager, CreateSecretRequest.secret_id);
  External Secrets puts the key verbatim into ``projects/<p>/secrets/<key>``
  (providers/v1/gcp/secretmanager/client.go:678 ``getName``), so a ``/`` breaks the name.
- AWS Secrets Manager: a name is 1-512 characters of ASCII letters, digits and ``/_+=.@-``
  (docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html, Name).
- HashiCorp Vault (KV through External Secrets): the key is a path of ``/``-separated segments
  under the store's mount (providers/v1/vault/client_get.go:289 ``buildPath``). Vault accepts
  almost any character in a path; pdpkit's own, stricter rule (not Vault's) is non-empty
  segments of ``A-Z a-z 0-9 . _ -``, so keys stay portable and readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pdpkit.spec.enums import Target


@dataclass(frozen=True)
class SecretKeyRule:
    """What one secret store accepts as a secret's name."""

    store: str
    """The store, as messages name it."""
    pattern: re.Pattern[str]
    """A whole key must match this."""
    max_length: int
    """Longest key the store accepts."""
    allowed: str
    """The rule in words, for messages."""
    separators: str
    """Characters a prefix may end with (it carries the separator to the reference's key)."""
    example_prefix: str
    """A prefix that works, for messages."""


RULES: dict[Target, SecretKeyRule] = {
    Target.AZURE: SecretKeyRule(
        store="Azure Key Vault",
        pattern=re.compile(r"[0-9A-Za-z-]+"),
        max_length=127,
        allowed="1-127 letters, digits and '-' (no '/', no '_')",
        separators="-",
        example_prefix="pdp-",
    ),
    Target.GCP: SecretKeyRule(
        store="GCP Secret Manager",
        pattern=re.compile(r"[0-9A-Za-z_-]+"),
        max_length=255,
        allowed="1-255 letters, digits, '-' and '_' (no '/')",
        separators="-_",
        example_prefix="pdp-",
    ),
    Target.AWS: SecretKeyRule(
        store="AWS Secrets Manager",
        pattern=re.compile(r"[0-9A-Za-z/_+=.@-]+"),
        max_length=512,
        allowed="1-512 letters, digits and '/_+=.@-'",
        separators="/-_.",
        example_prefix="pdp/",
    ),
    Target.ONPREM: SecretKeyRule(
        store="HashiCorp Vault",
        pattern=re.compile(r"[0-9A-Za-z._-]+(/[0-9A-Za-z._-]+)*"),
        max_length=512,
        allowed="'/'-separated non-empty segments of letters, digits, '.', '_' and '-'",
        separators="/",
        example_prefix="pdp/",
    ),
}


def secret_key(prefix: str, key: str) -> str:
    """The store key of `key` under the data plane's `prefix`: the two, concatenated."""
    return f"{prefix}{key}"


def prefix_problem(target: Target, prefix: str) -> str | None:
    """Why `prefix` cannot start the secret keys of `target`'s store, or None."""
    rule = RULES[target]
    # a prefix is a key's start: checked with a one-character stand-in for the rest
    if not rule.pattern.fullmatch(prefix + "x"):
        sep = rule.separators[0]
        fixed = "".join(c if rule.pattern.fullmatch(c) else sep for c in prefix)
        fixed = fixed if fixed.endswith(tuple(rule.separators)) else fixed + sep
        suggestion = fixed if rule.pattern.fullmatch(fixed + "x") else rule.example_prefix
        return (
            f"{prefix!r} cannot start a {rule.store} secret name ({rule.allowed}); "
            f"use {suggestion!r}"
        )
    if not prefix.endswith(tuple(rule.separators)):
        ends = " or ".join(repr(s) for s in rule.separators)
        return (
            f"{prefix!r} does not end with a separator; keys are the prefix and the reference "
            f"concatenated, so end it with {ends} (e.g. {prefix + rule.separators[0]!r})"
        )
    return None


def key_problem(target: Target, prefix: str, key: str) -> str | None:
    """Why ``prefix + key`` is not a secret name `target`'s store accepts, or None."""
    rule = RULES[target]
    full = secret_key(prefix, key)
    if {".", ".."} & set(full.split("/")):
        # pdpkit's rule: a '.' or '..' segment reads as a relative path (Vault resolves
        # ExternalSecret keys as paths under the mount), naming another secret than written
        return (
            f"{key!r} makes the key {full!r}, which has a '.' or '..' segment; name the "
            "secret by its plain path under the prefix (e.g. 'dev/orders-db')"
        )
    if not rule.pattern.fullmatch(full):
        hint = (
            f"; e.g. {key.replace('/', '-')!r}" if "/" in key and "/" not in rule.separators else ""
        )
        return (
            f"{key!r} makes the key {full!r}, not a {rule.store} secret name ({rule.allowed}){hint}"
        )
    if len(full) > rule.max_length:
        return (
            f"{key!r} makes the key {full!r} of {len(full)} characters; {rule.store} allows "
            f"at most {rule.max_length}: shorten the key or the prefix"
        )
    return None
