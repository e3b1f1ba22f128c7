"""`pdp validate`: check stack files, one line per problem."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.loader import find_project_root, load_stack, load_stack_file, stack_path


def run(args: argparse.Namespace) -> int:
    try:
        root = find_project_root()
    except SpecError as error:
        root = None
        if args.stack:
            return _report([(",".join(args.stack), error.problems)], args.format)
    targets: list[tuple[str, Path | str]] = [(str(f), Path(f)) for f in args.file]
    targets += [(str(stack_path(root, s).relative_to(root)) if root else s, s) for s in args.stack]
    if not targets and root is not None:
        targets = [
            (str(p.relative_to(root)), p) for p in sorted((root / "stacks").glob("Pulumi.*.yaml"))
        ]
    results: list[tuple[str, list[Problem]]] = []
    for label, target in targets:
        try:
            if isinstance(target, Path):
                load_stack_file(target, root=root if root else None)
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
                    "valid": bad == 0,
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
    else:
        for label, problems in results:
            if problems:
                for problem in problems:
                    print(problem.render(), file=sys.stderr)
            else:
                print(f"{label}: valid")
        if not results:
            print("no stack files found under stacks/", file=sys.stderr)
            return 1
        print(
            f"{len(results) - bad} of {len(results)} stack file(s) valid"
            if bad
            else f"{len(results)} stack file(s) valid"
        )
    return 1 if bad or not results else 0
