"""`pdp validate`: check stack files, one line per problem.

Each file is checked on its own: a file that cannot be read or parsed is reported with the
others' results, never instead of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pdpkit.cli.wording import plural
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.loader import find_project_root, load_stack, load_stack_file, stack_path


def run(args: argparse.Namespace) -> int:
    try:
        root: Path | None = find_project_root()
    except SpecError as error:
        root = None
        if args.stack or not args.file:
            label = ",".join(args.stack) or "pdp validate"
            return _report([(label, error.problems)], args.format)
    targets: list[tuple[str, Path | str]] = [(str(f), Path(f)) for f in args.file]
    if root is not None:
        targets += [(str(stack_path(root, s).relative_to(root)), s) for s in args.stack]
        if not targets:
            targets = [
                (str(p.relative_to(root)), p)
                for p in sorted((root / "stacks").glob("Pulumi.*.yaml"))
            ]
    results: list[tuple[str, list[Problem]]] = []
    for label, target in targets:
        try:
            if isinstance(target, Path):
                load_stack_file(target, root=root)
            else:
                load_stack(root, target)  # type: ignore[arg-type]
            results.append((label, []))
        except SpecError as error:
            results.append((label, error.problems))
    return _report(results, args.format)


def _report(results: list[tuple[str, list[Problem]]], fmt: str) -> int:
    bad = sum(1 for _, problems in results if problems)
    if fmt == "json":
        print(
            json.dumps(
                {
                    "valid": bad == 0 and bool(results),
                    "stacks": [
                        {
                            "file": label,
                            "valid": not problems,
                            "problems": [p.as_dict() for p in problems],
                        }
                        for label, problems in results
                    ],
                },
                indent=2,
            )
        )
        return 1 if bad or not results else 0
    for label, problems in results:
        if problems:
            for problem in problems:
                print(problem.render(), file=sys.stderr)
        else:
            print(f"{label}: valid")
    if not results:
        print("no stack files found under stacks/ (Pulumi.<stack>.yaml)", file=sys.stderr)
        return 1
    count = sum(len(problems) for _, problems in results)
    print(
        f"{len(results) - bad} of {plural(len(results), 'stack file')} valid; "
        f"{plural(count, 'problem')} in {plural(bad, 'file')}"
        if bad
        else f"{plural(len(results), 'stack file')} valid"
    )
    return 1 if bad else 0
