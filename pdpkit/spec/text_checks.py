"""Control characters in any string of the stack (YAML's ``"\\0"``, ``"\\x1b"`` escapes).

Every string of the spec ends up in a Kubernetes object, a cloud API call, an environment
variable or a file. A NUL cannot be in an environment variable at all (the kernel's
``execve`` takes NUL-terminated strings, so the container never starts), and the other
control characters are invisible in reviews and logs while changing what a value means.
Tab, line feed and carriage return are text (multi-line configuration files, PEM bundles);
every other C0 or C1 control character and DEL is refused, wherever it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, SecretStr

from pdpkit.spec.findings import Finding

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_problems(model: BaseModel, path: str = "") -> Iterator[Finding]:
    """A finding at each key or value holding a control character other than tab/LF/CR."""
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        yield from _walk(getattr(model, name), f"{path}.{key}" if path else key)


def _walk(value: Any, path: str) -> Iterator[Finding]:
    if isinstance(value, BaseModel):
        yield from control_character_problems(value, path)
    elif isinstance(value, str):
        found = CONTROL.search(value)
        if found:
            yield (
                path,
                f"contains the control character U+{ord(found.group()):04X} at position "
                f"{found.start()}; remove it (only tab, line feed and carriage return may "
                "appear in a value)",
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}"
            found = CONTROL.search(str(key))
            if found:
                yield (
                    where,
                    f"the key contains the control character U+{ord(found.group()):04X}; remove it",
                )
            yield from _walk(item, where)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(value, SecretStr):
        return  # a Pulumi secret: never inspected or echoed
