"""`pdp ci generate`: write the GitHub workflows for the stacks under stacks/.

Generating twice gives the same bytes; files this command wrote before (``pdp-*.yml``)
that no stack needs any more are removed, other workflows are left alone.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pdpkit.cli.main import EXIT_INVALID, EXIT_OK
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.loader import find_project_root, load_stack, stack_names
from pdpkit.spec.stack import StackSpec
from pdpkit.workflows.generate import generate
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


def run(args: argparse.Namespace) -> int:
    try:
        root = find_project_root()
        stacks = discover(root)
    except SpecError as error:
        for problem in error.problems:
            print(problem.render(), file=sys.stderr)
        print("pdp ci generate: fix the stacks above first; nothing written", file=sys.stderr)
        return EXIT_INVALID
    if not stacks:
        print(
            "pdp ci generate: no stacks under stacks/ (Pulumi.<stack>.yaml); nothing written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        files = generate(stacks, pulumi_cli_version())
    except UnsafeWorkflowValueError as error:
        print(f"pdp ci generate: {error}; nothing written", file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.out)
    out = out if out.is_absolute() else Path.cwd() / out
    out.mkdir(parents=True, exist_ok=True)
    for stale in sorted(out.glob("pdp-*.yml")):
        if stale.name not in files:
            stale.unlink()
            print(f"removed {stale}")
    for name, text in files.items():
        path = out / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    print(f"{len(files)} workflow(s) for {len(stacks)} stack(s) in {args.out}")
    return EXIT_OK
