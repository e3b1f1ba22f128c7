"""pydantic's validation errors as located `Problem`s: where in which file, what was
received, what is allowed ("did you mean" for unknown keys)."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from pdpkit.spec.errors import Problem
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.suggestions import choices
from pdpkit.spec.yamlmap import KeyPath, Location


def split_path(dotted: str) -> KeyPath:
    """``a.b[2].c`` as the key path ``("a", "b", 2, "c")``; a user's mapping key holding
    brackets (``config.x[y``) stays a string, located at its nearest known parent."""
    parts: list[str | int] = []
    for chunk in dotted.replace("[", ".[").split("."):
        if chunk.startswith("[") and chunk.endswith("]") and chunk[1:-1].isdigit():
            parts.append(int(chunk[1:-1]))
        elif chunk:
            parts.append(chunk)
    return tuple(parts)


def _dotted(path: KeyPath, project: str) -> str:
    text = ""
    for i, part in enumerate(path):
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += (f"{project}:{part}" if project else str(part)) if i == 0 else f".{part}"
    return text


def locate(
    path: KeyPath, message: str, locations: Mapping[KeyPath, Location], display: str, project: str
) -> Problem:
    """A problem at `path`, pointed at the nearest enclosing key the YAML files located."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in locations:
            file, line = locations[path[:cut]]
            return Problem(file, line, _dotted(path, project), message)
    return Problem(display, None, _dotted(path, project), message)


def validation_problems(
    error: ValidationError,
    locations: Mapping[KeyPath, Location],
    display: str,
    project: str,
    root: type[BaseModel] = StackSpec,
) -> list[Problem]:
    """pydantic's errors as located problems that say what was wrong and how to fix it.

    An error on a mapping or list that also has an error inside it is a consequence of that
    one (a validator that ran on what was left), so only the inner error is reported.
    """
    items = error.errors(include_url=False)
    locs = [tuple(item["loc"]) for item in items]
    problems = []
    for item, loc in zip(items, locs, strict=True):
        if any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs):
            continue
        problems.append(locate(loc, _message(item, loc, root), locations, display, project))
    return problems


_TYPES = {
    "model_type": "a mapping (indented `key: value` lines)",
    "model_attributes_type": "a mapping (indented `key: value` lines)",
    "dict_type": "a mapping (indented `key: value` lines)",
    "list_type": "a list (`- item` lines or [a, b])",
    "tuple_type": "a list (`- item` lines or [a, b])",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string (quote it if YAML reads it as something else)",
}
"""What a value of each pydantic type error must be, in the file's terms."""


def _message(item: Any, loc: tuple[Any, ...], root: type[BaseModel] = StackSpec) -> str:
    kind = item["type"]
    got = _short(item.get("input"))
    if kind == "extra_forbidden":
        return f"unknown key; {choices(str(loc[-1]), known_keys(loc[:-1], root))}"
    if kind == "missing":
        return "required key missing; add it"
    if kind in ("enum", "literal_error"):
        return f"got {got}; expected one of {_expected(item)}"
    if kind in _TYPES:
        return f"wrong type: got {got}; expected {_TYPES[kind]}"
    text = str(item["msg"]).removeprefix("Value error, ")
    what, _, expected = text.partition("; expected ")
    expected = expected or _expected(item)
    return f"{what}; got {got}" + (f"; expected {expected}" if expected else "")


def _expected(item: Any) -> str:
    ctx = item.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    if "pattern" in ctx:
        return f"a value matching {ctx['pattern']}"
    return ""


def _short(value: Any) -> str:
    """The value received, as the file spells it (``true``, ``[4]``, ``2026-01-01``)."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def known_keys(loc: tuple[Any, ...], root: type[BaseModel] = StackSpec) -> list[str]:
    """The keys allowed in the mapping at `loc` of a stack, or of another file's `root`
    model (for "did you mean")."""
    model: Any = root
    for part in loc:
        model = _descend(model, part)
        if model is None:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or n for n, f in model.model_fields.items()]
    return []


def _descend(annotation: Any, part: Any) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return _unwrap(field.annotation)
        return None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is tuple and args:
        return _unwrap(args[0])
    if origin is dict and len(args) == 2:
        return _unwrap(args[1])
    return None


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        models = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(models[0]) if len(models) == 1 else annotation
    return annotation
