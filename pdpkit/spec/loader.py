"""Loading a stack: from `stacks/Pulumi.<stack>.yaml` offline, or from Pulumi config values.

Both paths end in `build_stack`, so the engine and `pdp plan` see the same spec and
the same error messages.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pdpkit.spec.checks import cross_field_problems
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.yamlmap import KeyPath, LocatedYaml, Location, read_yaml

PROJECT_FILE = "Pulumi.yaml"
SECTIONS = ("dataplane", "platform", "policy")


def find_project_root(start: Path | None = None) -> Path:
    """The nearest directory from `start` upward holding `Pulumi.yaml`."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    raise SpecError(
        [
            Problem(
                str(here),
                None,
                "",
                f"no {PROJECT_FILE} here or in any parent directory; "
                "run pdp inside a pdpkit project",
            )
        ]
    )


def project_name(root: Path) -> str:
    """The Pulumi project name: the namespace of the stack's config keys."""
    located = read_yaml(root / PROJECT_FILE, PROJECT_FILE)
    name = located.data.get("name") if isinstance(located.data, dict) else None
    if not isinstance(name, str):
        raise SpecError([Problem(PROJECT_FILE, 1, "name", "the project needs a `name`")])
    return name


def stack_path(root: Path, stack: str) -> Path:
    """Where a stack's config file lives (`stackConfigDir: stacks`)."""
    return root / "stacks" / f"Pulumi.{stack}.yaml"


def load_stack(root: Path, stack: str) -> StackSpec:
    """Load and validate a named stack of the project at `root`."""
    path = stack_path(root, stack)
    if not path.is_file():
        known = sorted(
            p.name[len("Pulumi.") : -len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml")
        )
        hint = difflib.get_close_matches(stack, known, n=1)
        raise SpecError(
            [
                Problem(
                    str(path.relative_to(root)),
                    None,
                    "",
                    f"no stack {stack!r}"
                    + (f"; did you mean {hint[0]!r}?" if hint else "")
                    + f" (stacks: {', '.join(known) or 'none'})",
                )
            ]
        )
    return load_stack_file(path, root=root, project=project_name(root))


def load_stack_file(path: Path, root: Path | None = None, project: str | None = None) -> StackSpec:
    """Load and validate a stack config file (``config: {pdp:dataplane: …}``)."""
    root = root or find_project_root(path.parent)
    project = project or project_name(root)
    display = _display(path, root)
    located = read_yaml(path, display)
    config = located.data.get("config") if isinstance(located.data, dict) else None
    if not isinstance(config, dict):
        raise SpecError(
            [
                Problem(
                    display,
                    1,
                    "config",
                    "expected a mapping `config:` holding "
                    f"`{project}:dataplane` (and optionally `{project}:platform`)",
                )
            ]
        )
    sections: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in config.items():
        namespace, _, section = key.partition(":")
        if namespace != project:
            continue  # another provider's config (aws:region, kubernetes:context…)
        if section not in SECTIONS:
            hint = difflib.get_close_matches(section, SECTIONS, n=1)
            problems.append(
                Problem(
                    display,
                    located.locations.get(("config", key), (display, 1))[1],
                    key,
                    f"unknown key{_hint(hint)}; expected one of "
                    + ", ".join(f"{project}:{s}" for s in SECTIONS),
                )
            )
            continue
        sections[section] = value
    if problems:
        raise SpecError(problems)
    locations = section_locations(located)
    return build_stack(sections, locations, display, project, root)


def section_locations(located: LocatedYaml) -> dict[KeyPath, Location]:
    """Locations keyed like the spec (``("dataplane", "cluster", …)``), not like the file."""
    return {
        (str(key[1]).partition(":")[2], *key[2:]): where
        for key, where in located.locations.items()
        if len(key) >= 2 and key[0] == "config"
    }


def build_stack(
    sections: Mapping[str, Any],
    locations: Mapping[KeyPath, Location] | None = None,
    display: str = "<config>",
    project: str = "pdp",
    root: Path | None = None,
) -> StackSpec:
    """Validate raw sections into a `StackSpec`; raise `SpecError` listing every problem.

    A platform given as ``{path: DIR}`` is read from DIR (relative to `root`).
    """
    locations = dict(locations or {})
    sections = dict(sections)
    platform = sections.get("platform")
    if (
        isinstance(platform, dict)
        and set(platform) == {"path"}
        and isinstance(platform["path"], str)
    ):
        sections["platform"] = load_platform_dir(root or Path.cwd(), platform["path"], locations)
    if "dataplane" not in sections:
        raise SpecError(
            [
                Problem(
                    display,
                    locations.get((), (display, None))[1],
                    f"{project}:dataplane",
                    "required section missing; add `{project}:dataplane:` under config",
                )
            ]
        )
    try:
        stack = StackSpec.model_validate(dict(sections))
    except ValidationError as error:
        raise SpecError(_problems(error, locations, display, project)) from None
    found = cross_field_problems(stack)
    if found:
        raise SpecError(
            [_locate(_split(path), message, locations, display, project) for path, message in found]
        )
    return stack


def load_platform_dir(root: Path, relative: str, locations: dict[KeyPath, Location]) -> Any:
    """A platform kept in files: `platform.yaml` + one file per integration in `integrations/`."""
    base = root / relative
    main = read_yaml(base / "platform.yaml", _display(base / "platform.yaml", root))
    data = main.data if isinstance(main.data, dict) else {}
    for key, loc in main.locations.items():
        locations[("platform", *key)] = loc
    integrations = list(data.get("integrations") or [])
    for file in sorted((base / "integrations").glob("*.yaml")):
        one = read_yaml(file, _display(file, root))
        index = len(integrations)
        integrations.append(one.data)
        for key, loc in one.locations.items():
            locations[("platform", "integrations", index, *key)] = loc
    if integrations:
        data = {**data, "integrations": integrations}
    return data


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _split(dotted: str) -> KeyPath:
    parts: list[str | int] = []
    for chunk in dotted.replace("[", ".[").split("."):
        if chunk.startswith("["):
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
            text += f"{project}:{part}" if i == 0 else f".{part}"
    return text


def _locate(
    path: KeyPath, message: str, locations: Mapping[KeyPath, Location], display: str, project: str
) -> Problem:
    for cut in range(len(path), -1, -1):
        if path[:cut] in locations:
            file, line = locations[path[:cut]]
            return Problem(file, line, _dotted(path, project), message)
    return Problem(display, None, _dotted(path, project), message)


def _hint(matches: list[str]) -> str:
    return f"; did you mean {matches[0]!r}?" if matches else ""


def _problems(
    error: ValidationError, locations: Mapping[KeyPath, Location], display: str, project: str
) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        got = _short(item.get("input"))
        if kind == "extra_forbidden":
            known = known_keys(loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            message = f"unknown key{_hint(hint)}; expected one of {', '.join(sorted(known))}"
        elif kind == "missing":
            message = "required key missing; add it"
        else:
            text = str(item["msg"]).removeprefix("Value error, ")
            what, _, expected = text.partition("; expected ")
            expected = expected or _expected(item)
            message = f"{what}; got {got}" + (f"; expected {expected}" if expected else "")
        problems.append(_locate(loc, message, locations, display, project))
    return problems


def _expected(item: Any) -> str:
    ctx = item.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    if "pattern" in ctx:
        return f"a value matching {ctx['pattern']}"
    return ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed in the mapping at `loc` of a stack (for "did you mean")."""
    model: Any = StackSpec
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
