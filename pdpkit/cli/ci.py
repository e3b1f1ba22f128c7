"""`pdp ci generate`: write the GitHub workflows for the stacks under stacks/, and the
CODEOWNERS block that gives each release ledger to its gates' approvers.

The stacks fleet.yaml groups are left out of ``pdp-preview/up/drift.yml``: the fleet's
engine handles them (`pdp fleet ci generate`, or the operator). Generating twice gives the
same bytes; files this command wrote before (``pdp-*.yml``) that no stack needs any more are
removed, other workflows are left alone. CODEOWNERS lines outside the generated block are
kept. ``--check`` writes nothing and exits 1 when
a file is not what it would write.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pdpkit.cli.generated_files import sync_generated
from pdpkit.cli.main import EXIT_INVALID, EXIT_OK
from pdpkit.fleet.loader import fleet_path, load_fleet
from pdpkit.platform.promotion_reviews import OwnerError
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.loader import find_project_root, load_stack, stack_names
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.codeowners import LOCATIONS, CodeownersError, owner_lines, with_block
from pdpkit.workflows.generate import generate, platforms
from pdpkit.workflows.values import UnsafeWorkflowValueError


def pulumi_cli_version() -> str:
    """The Pulumi CLI version CI installs: the SDK's own (pinned in pyproject.toml)."""
    try:
        return version("pulumi")
    except PackageNotFoundError:  # pragma: no cover - pulumi is a dependency
        return "3"


def discover(root: Path) -> list[tuple[str, StackSpec]]:
    """Every stack of the project (stacks/Pulumi.*.yaml), validated.

    Raises one `SpecError` listing the problems of every stack that is not valid, so a bad
    file is reported together with the others, not instead of them.
    """
    stacks: list[tuple[str, StackSpec]] = []
    problems: list[Problem] = []
    for name in stack_names(root):
        try:
            stacks.append((name, load_stack(root, name)))
        except SpecError as error:
            problems += error.problems
    if problems:
        raise SpecError(problems)
    return stacks


def fleet_stacks(root: Path) -> frozenset[str]:
    """The stacks fleet.yaml groups (none without fleet.yaml): the fleet's engine previews,
    applies and drift-checks them, never the per-stack workflows.

    Raises `SpecError` when fleet.yaml is not valid: which stacks the per-stack workflows
    may apply is not guessed from a broken file."""
    if not fleet_path(root).is_file():
        return frozenset()
    return frozenset(load_fleet(root).stacks)


def run(args: argparse.Namespace) -> int:
    try:
        root = find_project_root()
        stacks = discover(root)
        fleet = fleet_stacks(root) if stacks else frozenset()
    except SpecError as error:
        for problem in error.problems:
            print(problem.render(), file=sys.stderr)
        print(
            "pdp ci generate: fix the stacks (and fleet.yaml) above first; nothing written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if not stacks:
        print(
            "pdp ci generate: no stacks under stacks/ (Pulumi.<stack>.yaml); nothing written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    out = Path(args.out)
    out = out if out.is_absolute() else Path.cwd() / out
    try:
        files = generate(stacks, pulumi_cli_version(), fleet)
        owners = _codeowners(root, out, stacks)
    except (UnsafeWorkflowValueError, CodeownersError, OwnerError) as error:
        print(f"pdp ci generate: {error}; nothing written", file=sys.stderr)
        return EXIT_INVALID
    wanted: dict[Path, str | None] = {out / name: text for name, text in files.items()}
    if out.is_dir():
        for stale in sorted(out.glob("pdp-*.yml")):
            if stale.name not in files:
                wanted[stale] = None
    if owners is not None:
        wanted[owners[0]] = owners[1]
    refused = sync_generated(
        wanted,
        check=getattr(args, "check", False),
        command="pdp ci generate",
        up_to_date=f"{len(files)} workflow(s) and CODEOWNERS up to date",
    )
    if refused is not None:
        return refused
    print(f"{len(files)} workflow(s) for {len(stacks)} stack(s) in {args.out}")
    if fleet:
        print(
            f"{len(fleet)} stack(s) of fleet.yaml are previewed, applied and drift-checked by "
            "the fleet's engine: run `pdp fleet ci generate`"
        )
    return EXIT_OK


def _codeowners(
    root: Path, out: Path, stacks: list[tuple[str, StackSpec]]
) -> tuple[Path, str | None] | None:
    """The CODEOWNERS file to keep and its text (None: nothing to write there), or None
    when `out` is not a repository's ``.github/workflows`` (no repository to own)."""
    if out.name != "workflows" or out.parent.name != ".github":
        return None
    repository = out.parent.parent
    try:
        folder = root.resolve().relative_to(repository.resolve()).as_posix()
    except ValueError:
        return None  # the project is not inside the repository the workflows are for
    prefix = "" if folder == "." else f"{folder}/"
    path = next(
        (repository / p for p in LOCATIONS if (repository / p).is_file()),
        repository / LOCATIONS[0],
    )
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    lines = owner_lines([p for p, _ in platforms(stacks)], prefix)
    return path, with_block(existing, lines, str(path))
