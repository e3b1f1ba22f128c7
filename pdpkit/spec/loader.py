"""Loading a stack: from `stacks/Pulumi.<stack>.yaml` offline, or from Pulumi config values.

Both paths end in `build_stack`, so the engine and `pdp plan` see the same spec and
the same error messages.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pdpkit.spec.checks import cross_field_problems
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.formats import stack_name_problem
from pdpkit.spec.secret_fields import plain_secret_problems
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.suggestions import choices, closest
from pdpkit.spec.validation_errors import locate, split_path, validation_problems
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


def stack_names(root: Path) -> list[str]:
    """The project's stacks: every ``stacks/Pulumi.<stack>.yaml`` that is a file."""
    return sorted(
        p.name[len("Pulumi.") : -len(".yaml")]
        for p in (root / "stacks").glob("Pulumi.*.yaml")
        if p.is_file()
    )


def load_stack(root: Path, stack: str) -> StackSpec:
    """Load and validate a named stack of the project at `root`."""
    path = stack_path(root, stack)
    if path.is_dir():
        raise SpecError(
            [
                Problem(
                    str(path.relative_to(root)),
                    None,
                    "",
                    f"is a directory, not the config file of stack {stack!r}; "
                    "remove or rename the directory",
                )
            ]
        )
    if not path.is_file():
        known = stack_names(root)
        hint = closest(stack, known)
        raise SpecError(
            [
                Problem(
                    str(path.relative_to(root)),
                    None,
                    "",
                    f"no stack {stack!r}"
                    + (f"; did you mean {hint!r}?" if hint else "")
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
    if path.name.startswith("Pulumi.") and path.name.endswith(".yaml"):
        bad_name = stack_name_problem(path.name[len("Pulumi.") : -len(".yaml")])
        if bad_name is not None:
            raise SpecError([Problem(display, None, "", bad_name)])
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
            if section in SECTIONS and f"{project}:{section}" not in config:
                problems.append(
                    Problem(
                        display,
                        located.locations.get(("config", key), (display, 1))[1],
                        key,
                        f"unknown namespace {namespace!r}; did you mean '{project}:{section}'? "
                        f"(pdp sections are named after the project, `{project}`)",
                    )
                )
            continue  # another provider's config (aws:region, kubernetes:context…)
        if section not in SECTIONS:
            problems.append(
                Problem(
                    display,
                    located.locations.get(("config", key), (display, 1))[1],
                    key,
                    f"unknown key; {choices(key, (f'{project}:{s}' for s in SECTIONS))}",
                )
            )
            continue
        sections[section] = value
    if problems:
        raise SpecError(problems)
    locations = section_locations(located)
    return build_stack(
        sections, locations, display, project, root, secret_paths=section_secrets(located)
    )


def section_secrets(located: LocatedYaml) -> set[KeyPath]:
    """The file's ``secure:`` leaves, keyed like the spec (``("dataplane", "aws", …)``)."""
    return {
        (str(key[1]).partition(":")[2], *key[2:])
        for key in located.secrets
        if len(key) >= 2 and key[0] == "config"
    }


def section_locations(located: LocatedYaml) -> dict[KeyPath, Location]:
    """Locations keyed like the spec (``("dataplane", "cluster", …)``), not like the file.

    The empty path is the ``config:`` line: where a missing section belongs.
    """
    found: dict[KeyPath, Location] = {
        (str(key[1]).partition(":")[2], *key[2:]): where
        for key, where in located.locations.items()
        if len(key) >= 2 and key[0] == "config"
    }
    if ("config",) in located.locations:
        found.setdefault((), located.locations[("config",)])
    return found


def build_stack(
    sections: Mapping[str, Any],
    locations: Mapping[KeyPath, Location] | None = None,
    display: str = "<config>",
    project: str = "pdp",
    root: Path | None = None,
    *,
    secret_paths: Collection[KeyPath] | None = None,
) -> StackSpec:
    """Validate raw sections into a `StackSpec`; raise `SpecError` listing every problem.

    A platform given as ``{path: DIR}`` is read from DIR (relative to `root`).
    `secret_paths`: the key paths whose values arrived encrypted (see `secret_fields`); every
    secret field must be among them. None (a spec built in code, not read from a stack):
    not checked.
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
                    f"required section missing; add `{project}:dataplane:` under config",
                )
            ]
        )
    try:
        stack = StackSpec.model_validate(dict(sections))
    except ValidationError as error:
        raise SpecError(by_line(validation_problems(error, locations, display, project))) from None
    found = cross_field_problems(stack) + file_problems(stack, root or Path.cwd())
    if secret_paths is not None:
        found += plain_secret_problems(stack, secret_paths, locations.keys(), project)
    if found:
        raise SpecError(
            by_line(
                [
                    locate(split_path(path), message, locations, display, project)
                    for path, message in found
                ]
            )
        )
    return stack


def file_problems(stack: StackSpec, root: Path) -> list[tuple[str, str]]:
    """What the spec names on disk and must exist: a ledger given by path."""
    platform = stack.platform
    if platform is None or "ledger" not in platform.model_fields_set:
        return []  # the default ledger is created by the first `pdp release`
    path = root / platform.ledger.path
    if path.is_file():
        return []
    what = "is a directory" if path.is_dir() else "does not exist"
    return [
        (
            "platform.ledger.path",
            f"{platform.ledger.path} {what} (relative to {root.name}/); fix the path, or "
            "create the file empty before the first `pdp release`",
        )
    ]


def by_line(problems: list[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then line (unlocated ones first in their file)."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


def load_platform_dir(root: Path, relative: str, locations: dict[KeyPath, Location]) -> Any:
    """A platform kept in files: `platform.yaml` + one file per integration in `integrations/`."""
    base = root / relative
    display = _display(base / "platform.yaml", root)
    main = read_yaml(base / "platform.yaml", display)
    if not isinstance(main.data, dict):
        raise SpecError(
            [
                Problem(
                    display,
                    1,
                    "",
                    f"expected a mapping (name:, environments:, …); got {_kind(main.data)}",
                )
            ]
        )
    data = main.data
    for key, loc in main.locations.items():
        locations[("platform", *key)] = loc
    listed = data.get("integrations")
    if listed is not None and not isinstance(listed, list):
        line = main.locations.get(("integrations",), (display, 1))[1]
        raise SpecError(
            [
                Problem(
                    display,
                    line,
                    "integrations",
                    f"expected a list of integrations; got {_kind(listed)} {listed!r:.40}",
                )
            ]
        )
    integrations = list(listed or [])
    for file in sorted((base / "integrations").glob("*.yaml")):
        one = read_yaml(file, _display(file, root))
        index = len(integrations)
        integrations.append(one.data)
        for key, loc in one.locations.items():
            locations[("platform", "integrations", index, *key)] = loc
    if integrations:
        data = {**data, "integrations": integrations}
    return data


def _kind(value: Any) -> str:
    kinds: dict[type, str] = {dict: "a mapping", list: "a list", str: "a string"}
    return kinds.get(type(value), type(value).__name__)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
