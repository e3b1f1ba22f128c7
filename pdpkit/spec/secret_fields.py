"""Secret fields arrive encrypted: a `SecretStr` of the spec written in the clear is an error.

Every field of the spec that holds a secret value (not a reference to the secret store) is a
`SecretStr`; `tests/unit/spec/test_secret_fields.py` keeps it so. Its value must come from
``pulumi config set --secret``:

- offline (`pdp validate`, `pdp plan`), the stack file says so: its ``secure:`` leaves
  (`LocatedYaml.secrets`);
- under the engine the program reads the same file, and a value the file does not hold
  (from a Pulumi ESC environment) counts as encrypted when the engine lists its config key
  among the secret ones (``PULUMI_CONFIG_SECRET_KEYS``): the engine marks a whole
  structured key, not its leaves, so a value the file does hold is judged by the file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, SecretStr

from pdpkit.spec.findings import Finding
from pdpkit.spec.yamlmap import KeyPath


def secret_field_paths(value: Any, path: KeyPath = ()) -> Iterator[KeyPath]:
    """The key paths (as written in the file, camelCase) of every secret value set in `value`."""
    if isinstance(value, SecretStr):
        yield path
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from secret_field_paths(getattr(value, name), (*path, field.alias or name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from secret_field_paths(item, (*path, key))
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from secret_field_paths(item, (*path, index))


def plain_secret_problems(
    spec: BaseModel,
    encrypted: Collection[KeyPath],
    written: Collection[KeyPath],
    project: str,
) -> list[Finding]:
    """Secret fields of `spec` that did not arrive encrypted.

    `encrypted`: the ``secure:`` leaves of the stack file, plus a section's path
    (``("dataplane",)``) when the engine marks its whole config key secret; `written`: the
    paths the stack file holds.
    """
    found: list[Finding] = []
    for path in secret_field_paths(spec):
        if path in encrypted:
            continue
        if path not in written and any(path[:n] in encrypted for n in range(1, len(path))):
            continue  # not in the file: the engine's own (encrypted) value
        dotted = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path)
        dotted = dotted.replace(".[", "[")
        found.append(
            (
                dotted,
                "holds a secret in plain text; a secret must arrive encrypted: remove the "
                f"line and run `pulumi config set --path --secret '{project}:{dotted}' <value>` "
                "(it writes `secure: v1:…`)",
            )
        )
    return found
