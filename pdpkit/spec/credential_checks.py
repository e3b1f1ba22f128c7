"""Credentials written into integration configuration are refused when the stack is loaded.

A literal env var, a configuration value or a config file line is scanned with Yelp's
detect-secrets (pinned in pyproject.toml): its keyword detector catches assignments to names
like ``*_PASSWORD*``, ``*_PWD``, ``*_TOKEN``, ``*_SECRET*`` (``DB_PASSWORD_PLAIN``,
``ORDERS_DB_PWD``, ``password = "…"``), its basic-auth detector URLs with a password
(``postgres://user:pass@db``), and its token detectors private keys, AWS, GitHub, Slack,
Stripe… tokens. The K8S-NO-PLAIN-SECRETS policy rule still judges the rendered manifests by
variable name.

Not used: the two high-entropy detectors (scanning a single value, detect-secrets reports every
string; detect-secrets 1.5.0 ``core/scan.py`` ``scan_line`` runs with ``enable_eager_search``)
and the public-IP detector (an address is not a credential).

A false positive is marked explicitly: the name goes under ``notSecrets`` of its integration or
environment; a config file line carries detect-secrets' own ``pragma: allowlist secret``.
A finding never repeats the value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.core.scan import scan_line
from detect_secrets.settings import transient_settings

from pdpkit.spec.findings import Finding
from pdpkit.spec.integration import ConfigFileSpec, EnvVarSpec
from pdpkit.spec.platform import PlatformSpec

UNUSED_DETECTORS = frozenset(
    {"Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector"}
)
"""detect-secrets plugins (class names) the scan leaves out, and why: see the module doc."""

_NOT_A_SECRET = "; if it is not a credential, list {name} under notSecrets of the {owner}"  # noqa: S105 (advice, not a password)


def credential_problems(platform: PlatformSpec | None) -> list[Finding]:
    """Every value of the platform's configuration that looks like a credential."""
    if platform is None:
        return []
    values = list(_values(platform))
    if not values:
        return []
    detectors: list[type] = list(get_mapping_from_secret_type_to_class().values())
    plugins = sorted(
        plugin.__name__ for plugin in detectors if plugin.__name__ not in UNUSED_DETECTORS
    )
    found: list[Finding] = []
    # detect-secrets keeps its settings in a process-wide singleton; transient_settings
    # restores them on the way out.
    with transient_settings({"plugins_used": [{"name": name} for name in plugins]}):
        for path, name, line, fix in values:
            kinds = sorted({secret.type for secret in scan_line(line)})
            if kinds:
                found.append(
                    (
                        path,
                        f"{name} looks like a credential in the clear ({', '.join(kinds)}, "
                        f"detect-secrets); keep it in the secret store and {fix}",
                    )
                )
    return found


_Value = tuple[str, str, str, str]
"""(key path, what to call it, the line to scan, what to do instead)."""


def _values(platform: PlatformSpec) -> Iterator[_Value]:
    for i, env in enumerate(platform.environments):
        where = f"platform.environments[{i}]"
        allowed = set(env.not_secrets)
        yield from _config(
            f"{where}.config",
            env.config,
            allowed,
            "reference it under the environment's `secrets:`",
            "environment",
        )
    for i, integration in enumerate(platform.integrations):
        where = f"platform.integrations[{i}]"
        allowed = set(integration.not_secrets)
        reference = "read it through an env var with `secret: {key: …}`"
        yield from _config(f"{where}.config", integration.config, allowed, reference)
        yield from _env(f"{where}.env", integration.env, allowed)
        yield from _files(f"{where}.configFiles", integration.config_files)
        for env_name, override in integration.overrides.items():
            at = f"{where}.overrides.{env_name}"
            yield from _config(f"{at}.config", override.config, allowed, reference)
            yield from _env(f"{at}.env", override.env, allowed)


def _assignment(name: str, value: str) -> str:
    # one line, quoted: the keyword detector reads `NAME = "value"` in any file type
    return f"{name} = {json.dumps(value)}"


def _config(
    path: str,
    config: Mapping[str, str],
    allowed: set[str],
    reference: str,
    owner: str = "integration",
) -> Iterator[_Value]:
    for key, value in config.items():
        if key not in allowed:
            fix = reference + _NOT_A_SECRET.format(name=key, owner=owner)
            yield f"{path}.{key}", f"configuration key {key}", _assignment(key, value), fix


def _env(path: str, env: Iterable[EnvVarSpec], allowed: set[str]) -> Iterator[_Value]:
    for j, var in enumerate(env):
        if var.value is not None and var.name not in allowed:
            yield (
                f"{path}[{j}].value",
                f"env {var.name}",
                _assignment(var.name, var.value),
                f"reference it as `{{name: {var.name}, secret: {{key: …}}}}`"
                + _NOT_A_SECRET.format(name=var.name, owner="integration"),
            )


def _files(path: str, files: Iterable[ConfigFileSpec]) -> Iterator[_Value]:
    for k, file in enumerate(files):
        for n, line in enumerate(file.content.splitlines(), start=1):
            yield (
                f"{path}[{k}].content",
                f"line {n} of {file.mount_path}",
                line,
                "let the file read it from an env var with `secret: {key: …}`; if it is not "
                "a credential, end the line with `pragma: allowlist secret` (in a comment)",
            )
