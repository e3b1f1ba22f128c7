"""The stack file reference (docs/stack-reference.md), generated from the spec's docstrings."""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from pdpkit.spec.stack import StackSpec
from pdpkit.spec.yamlmap import MAX_BYTES, MAX_DEPTH, MAX_INT_DIGITS, MAX_VALUES

HEADER = f"""# Stack file reference

Generated from `pdpkit.spec` (do not edit: `PDP_UPDATE_GOLDEN=rewrite pytest tests/unit/spec`).
A stack file is `stacks/Pulumi.<stack>.yaml`; its keys live under `config:` in the
project's namespace: `pdp:dataplane`, `pdp:platform` (inline, or `{{path: DIR}}` holding
`platform.yaml` and `integrations/*.yaml`) and `pdp:policy`. Unknown keys are errors.

Files are UTF-8 (a byte order mark is fine) and at most {MAX_BYTES:,} bytes, nested at most
{MAX_DEPTH} levels. Anchors, aliases and merge keys (`<<: *defaults`) work, up to
{MAX_VALUES:,} values once expanded; tags other than `!!str`, `!!int`, `!!float`, `!!bool`,
`!!null` and `!!timestamp` are refused, and so are integers longer than {MAX_INT_DIGITS} digits
(quote identifiers). Each problem is reported as
`FILE:LINE key.path: message`.
"""


def render_reference() -> str:
    """Markdown describing every section, field, type and default of a stack file."""
    seen: list[type[BaseModel]] = []
    _collect(StackSpec, seen)
    parts = [HEADER]
    for model in seen:
        parts.append(f"\n## {model.__name__}\n")
        doc = next(iter((model.__doc__ or "").strip().splitlines()), "")
        if doc:
            parts.append(f"\n{doc}\n")
        if not model.model_fields:
            parts.append("\nNo keys: write ``{}``.\n")
            continue
        parts.append("\n| key | type | default | description |\n| --- | --- | --- | --- |\n")
        for name, field in model.model_fields.items():
            default = "**required**" if field.is_required() else _default(field.default)
            description = (field.description or "").replace("\n", " ").replace("|", "\\|")
            key = field.alias or name
            parts.append(f"| `{key}` | {_type(field.annotation)} | {default} | {description} |\n")
    return "".join(parts)


def _collect(model: type[BaseModel], seen: list[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.append(model)
    for field in model.model_fields.values():
        for nested in _models(field.annotation):
            _collect(nested, seen)


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _type(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type(a) for a in args if a is not type(None)) + " (optional)"
    if origin is tuple:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"map of {_type(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " \\| ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _default(value: Any) -> str:
    if value is PydanticUndefined or value is None:
        return ""
    if isinstance(value, BaseModel):
        return "(defaults)"
    if isinstance(value, Enum):
        return f"`{value.value}`"
    if value in ((), {}):
        return "empty"
    return f"`{value}`"
