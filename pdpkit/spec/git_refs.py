"""Branch names as git accepts them: `flux.branch` (a GitRepository's ``ref.branch``) and a
deployment track's `branch` (the generated workflows' ``on.push.branches``).

The rules are git's (git-check-ref-format(1), https://git-scm.com/docs/git-check-ref-format:
"Git imposes the following rules on how references are named", rules 1 and 3-10; with
``--branch`` a name cannot begin with '-'). A name git refuses never matches a push and
never resolves in Flux.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def branch_problem(name: str) -> str | None:
    """Why git refuses `name` as a branch, or None."""
    if name == "@" or name.startswith("-"):
        return "is '@' or begins with '-'"
    if _FORBIDDEN.search(name):
        return "has a space, a control character or one of ~ ^ : ? * [ \\"
    if ".." in name or "@{" in name:
        return "has '..' or '@{'"
    if name.startswith("/") or name.endswith(("/", ".")) or "//" in name:
        return "begins or ends with '/', ends with '.', or has '//'"
    if any(part.startswith(".") or part.endswith(".lock") for part in name.split("/")):
        return "has a part beginning with '.' or ending with '.lock'"
    return None


def branch_problems(stack: StackSpec) -> Iterator[Finding]:
    """Every branch of the stack git would refuse."""
    branches = [("dataplane.flux.branch", stack.dataplane.flux.branch)]
    if stack.platform is not None:
        branches += [
            (f"platform.integrations[{i}].track.branch", it.track.branch)
            for i, it in enumerate(stack.platform.integrations)
            if it.track.branch is not None
        ]
    for path, branch in branches:
        problem = branch_problem(branch)
        if problem is not None:
            yield (
                path,
                f"{branch!r} is not a git branch name: it {problem} (git check-ref-format); "
                "e.g. main or release/1.2",
            )
