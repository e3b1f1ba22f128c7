"""Which stacks a change can affect: the stacks a pull request previews.

A stack's program reads, besides pdpkit and the entry point (``__main__.py``):

- its stack file, ``stacks/Pulumi.<stack>.yaml`` (Pulumi reads it as the stack's config);
- the platform directory it names (``pdp:platform: {path: DIR}``: ``DIR/platform.yaml`` and
  ``DIR/integrations/*.yaml``, `pdpkit.spec.loader.load_platform_dir`);
- its platform's release ledger (``platform.ledger.path``: the digests deployed).

A change to anything every stack runs affects every stack: `EVERY_STACK` (the package,
the entry point, the project file, the dependency pins, the policy pack that previews run
with). ``fleet.yaml`` holds each customer's backend, secrets provider and identities: a
change to a customer's entry affects that customer's stacks (`changed_customers`, comparing
the entries before and after); a change elsewhere in it (waves, the operator's settings)
affects no preview; without the file as it was before, every stack. Anything else (docs,
tests, other workflows) affects none. A deleted stack file is reported
as removed: the engine would need ``pulumi destroy``, which no workflow runs unattended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from pdpkit.spec.stack import StackSpec

EVERY_STACK = (
    "pdpkit/**",
    "__main__.py",
    "Pulumi.yaml",
    "pyproject.toml",
    "requirements*.txt",
    "policy/**",
)
"""Paths (globs, ``**`` any depth) whose change affects every stack."""


@dataclass(frozen=True)
class StackInputs:
    """The repository paths one stack's program reads (besides `EVERY_STACK`)."""

    stack: str
    files: frozenset[str]
    directories: frozenset[str] = frozenset()


@dataclass
class Affected:
    """The stacks to preview, and why each one."""

    stacks: dict[str, list[str]] = field(default_factory=dict)
    """stack → the changed paths that affect it (sorted by stack)."""
    removed: list[str] = field(default_factory=list)
    """Stacks whose stack file the change deletes."""


def stack_inputs(stack: str, spec: StackSpec, platform_dir: str | None) -> StackInputs:
    """The inputs of `stack`: its stack file, its platform directory and ledger."""
    files = {f"stacks/Pulumi.{stack}.yaml"}
    directories: set[str] = set()
    if platform_dir:
        directories.add(str(PurePosixPath(platform_dir)))
    if spec.platform is not None:
        files.add(str(PurePosixPath(spec.platform.ledger.path)))
    return StackInputs(stack, frozenset(files), frozenset(directories))


def _matches(path: str, pattern: str) -> bool:
    if pattern.endswith("/**"):
        return path.startswith(pattern[:-2])
    return fnmatchcase(path, pattern)


FLEET_FILE = "fleet.yaml"


def changed_customers(before: object, after: object) -> set[str] | None:
    """Names of the customers whose ``fleet.yaml`` entry differs between the two decoded
    files (added or changed; removed ones have no stack left to preview). None when either
    is not a fleet file: then every stack counts as affected."""

    def entries(document: object) -> dict[str, object] | None:
        if not isinstance(document, Mapping):
            return None
        customers = document.get("customers")
        if not isinstance(customers, list):
            return None
        found: dict[str, object] = {}
        for item in customers:
            if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
                return None
            found[item["name"]] = item
        return found

    old, new = entries(before), entries(after)
    if old is None or new is None:
        return None
    return {name for name, item in new.items() if old.get(name) != item}


def affected(
    changed: Iterable[str],
    inputs: Iterable[StackInputs],
    deleted: Iterable[str] = (),
    *,
    fleet_customers: Mapping[str, str] | None = None,
    customers_changed: set[str] | None = None,
) -> Affected:
    """The stacks `changed` (repository-relative paths) affects; `deleted` paths are gone.

    `fleet_customers` (stack → customer) and `customers_changed` (`changed_customers`) narrow
    a change of ``fleet.yaml`` to the stacks of the customers whose entry changed; without
    them it affects every stack."""
    inputs = list(inputs)
    deleted_set = {str(PurePosixPath(p)) for p in deleted}
    result = Affected()
    reasons: dict[str, list[str]] = {}
    for raw in sorted({str(PurePosixPath(p)) for p in changed} | deleted_set):
        if raw == FLEET_FILE and fleet_customers is not None and customers_changed is not None:
            for one in inputs:
                if fleet_customers.get(one.stack) in customers_changed:
                    reasons.setdefault(one.stack, []).append(raw)
            continue
        if raw == FLEET_FILE or any(_matches(raw, pattern) for pattern in EVERY_STACK):
            for one in inputs:
                reasons.setdefault(one.stack, []).append(raw)
            continue
        for one in inputs:
            if raw in one.files or any(raw.startswith(f"{d}/") for d in one.directories):
                reasons.setdefault(one.stack, []).append(raw)
    for path in sorted(deleted_set):
        pure = PurePosixPath(path)
        if pure.parent == PurePosixPath("stacks") and fnmatchcase(pure.name, "Pulumi.*.yaml"):
            stack = pure.name[len("Pulumi.") : -len(".yaml")]
            result.removed.append(stack)
            reasons.pop(stack, None)  # its file is gone at the head: nothing to preview
    result.stacks = {stack: reasons[stack] for stack in sorted(reasons)}
    return result


def platform_dirs(stack_files: Mapping[str, object]) -> dict[str, str | None]:
    """stack → the ``pdp:platform.path`` its raw stack file names (None: inline or none)."""
    found: dict[str, str | None] = {}
    for stack, data in stack_files.items():
        path = None
        if isinstance(data, Mapping):
            config = data.get("config")
            if isinstance(config, Mapping):
                platform = next(
                    (v for k, v in config.items() if str(k).endswith(":platform")), None
                )
                if isinstance(platform, Mapping) and isinstance(platform.get("path"), str):
                    path = platform["path"]
        found[stack] = path
    return found
