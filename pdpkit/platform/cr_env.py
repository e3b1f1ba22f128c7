"""Environment variables of a WSO2 `Integration` CR (``spec.env``, ``spec.envFrom``) for pdpkit.

``valueFrom.secretKeyRef {name, key}`` becomes a secret-store reference (the Secret's name is
the remote key, its key the property); ConfigMap references become configuration keys that an
environment provides. Every conversion that moves a value out of the cluster says so in a warning.
"""

from __future__ import annotations

import re
from typing import Any

from pdpkit.platform.cr_values import IntegrationCrError, known, mapping, name_of


def convert_env(items: Any) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    if not isinstance(items, list):
        raise IntegrationCrError("spec.env", f"got {items!r}; expected a list")
    env: list[dict[str, Any]] = []
    keys: list[str] = []
    warnings: list[str] = []
    for i, item in enumerate(items):
        where = f"spec.env[{i}]"
        entry = mapping(item, where)
        known(entry, {"name", "value", "valueFrom"}, where)
        var = entry.get("name")
        if not isinstance(var, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", var):
            raise IntegrationCrError(f"{where}.name", f"got {var!r}; expected a variable name")
        if ("value" in entry) == ("valueFrom" in entry):
            raise IntegrationCrError(where, f"{var} needs exactly one of value or valueFrom")
        if "value" in entry:
            value = entry["value"]
            if not isinstance(value, str | int | float | bool):
                raise IntegrationCrError(f"{where}.value", f"got {value!r}; expected a string")
            env.append(
                {
                    "name": var,
                    "value": str(value).lower() if isinstance(value, bool) else str(value),
                }
            )
            continue
        source = mapping(entry["valueFrom"], f"{where}.valueFrom")
        kinds = [k for k in source if k in {"secretKeyRef", "configMapRef", "configMapKeyRef"}]
        if len(kinds) != 1 or len(source) != 1:
            raise IntegrationCrError(
                f"{where}.valueFrom",
                f"got keys {sorted(source)}; expected one of secretKeyRef, configMapRef",
            )
        ref = mapping(source[kinds[0]], f"{where}.valueFrom.{kinds[0]}")
        known(ref, {"name", "key"}, f"{where}.valueFrom.{kinds[0]}")
        ref_name = name_of(ref.get("name"), f"{where}.valueFrom.{kinds[0]}.name")
        key = name_of(ref.get("key"), f"{where}.valueFrom.{kinds[0]}.key")
        if kinds[0] == "secretKeyRef":
            env.append({"name": var, "secret": {"key": ref_name, "property": key}})
            warnings.append(
                f"{where}: {var} reads property {key!r} of secret {ref_name!r} in the secret store"
            )
        else:
            env.append({"name": var, "config": key})
            keys.append(key)
            warnings.append(
                f"{where}: {var} reads key {key!r} of ConfigMap {ref_name!r}: provide {key!r} as "
                "configuration (environments[].config or the integration's config)"
            )
    return env, keys, warnings


def convert_env_from(items: Any) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(items, list):
        raise IntegrationCrError("spec.envFrom", f"got {items!r}; expected a list")
    out: dict[str, Any] = {}
    warnings: list[str] = []
    secrets: list[dict[str, str]] = []
    for i, item in enumerate(items):
        where = f"spec.envFrom[{i}]"
        entry = mapping(item, where)
        if len(entry) != 1 or next(iter(entry)) not in {
            "configMapRef",
            "secretRef",
            "secretKeyRef",
        }:
            raise IntegrationCrError(
                where, f"got keys {sorted(entry)}; expected one of configMapRef, secretRef"
            )
        kind = next(iter(entry))
        ref = mapping(entry[kind], f"{where}.{kind}")
        known(ref, {"name"}, f"{where}.{kind}")
        ref_name = name_of(ref.get("name"), f"{where}.{kind}.name")
        if kind == "configMapRef":
            out["envFromConfig"] = True
            warnings.append(
                f"{where}: every key of ConfigMap {ref_name!r} becomes a variable: provide them as "
                "configuration (environments[].config or the integration's config)"
            )
        else:
            secrets.append({"key": ref_name})
            warnings.append(
                f"{where}: every property of secret {ref_name!r} (secret store) becomes a variable"
            )
    if secrets:
        out["envFromSecrets"] = secrets
    return out, warnings
