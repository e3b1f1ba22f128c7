"""YAML reading that remembers where every key came from (file and line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pdpkit.spec.errors import Problem, SpecError

KeyPath = tuple[str | int, ...]
Location = tuple[str, int]
UNKNOWN_SECRET = "[secret]"  # noqa: S105 (a placeholder, not a password)
_SCALARS = yaml.constructor.SafeConstructor()
"""What an encrypted config value (``secure: v1:…``) reads as offline: an unknown secret."""


class LocatedYaml:
    """A parsed YAML document with the file and line of every key path."""

    def __init__(
        self, data: Any, locations: dict[KeyPath, Location], secrets: set[KeyPath]
    ) -> None:
        self.data = data
        self.locations = locations
        self.secrets = secrets
        """Key paths whose values were encrypted in the file."""


def read_yaml(path: Path, display: str | None = None) -> LocatedYaml:
    """Parse one YAML file; raise `SpecError` (never a yaml exception) on bad syntax."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(
            [Problem(name, None, "", f"cannot read the file: {error.strerror}")]
        ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(
            [Problem(name, line, "", f"YAML syntax error: {problem}; fix the YAML at this line")]
        ) from None
    if node is None:
        raise SpecError(
            [Problem(name, None, "", "the file is empty; expected a mapping with `config:`")]
        )
    locations: dict[KeyPath, Location] = {}
    secrets: set[KeyPath] = set()
    data = _convert(node, (), name, locations, secrets)
    return LocatedYaml(data, locations, secrets)


def _convert(
    node: yaml.Node,
    path: KeyPath,
    name: str,
    locations: dict[KeyPath, Location],
    secrets: set[KeyPath],
) -> Any:
    locations[path] = (name, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        if keys == {"secure"} and len(node.value) == 1:
            secrets.add(path)
            return UNKNOWN_SECRET
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = (
                _SCALARS.construct_object(key_node)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if not isinstance(key, str | int | bool | float):
                raise SpecError(
                    [Problem(name, key_node.start_mark.line + 1, "", "keys must be plain scalars")]
                )
            key = str(key)
            if key in result:
                raise SpecError(
                    [
                        Problem(
                            name,
                            key_node.start_mark.line + 1,
                            ".".join(map(str, path)) + f".{key}",
                            "duplicate key; each key may appear once",
                        )
                    ]
                )
            locations[(*path, key)] = (name, key_node.start_mark.line + 1)
            result[key] = _convert(value_node, (*path, key), name, locations, secrets)
            locations[(*path, key)] = (name, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, i), name, locations, secrets)
            for i, item in enumerate(node.value)
        ]
    return _SCALARS.construct_object(node, deep=True)
