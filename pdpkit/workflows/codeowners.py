"""The block of ``CODEOWNERS`` lines `pdp ci generate` keeps: each platform's ledger owned
by the approvers of its gates, so that branch protection's "require review from Code
Owners" asks them for every ledger change.

The block sits between two marker comments and is the file's last lines: in CODEOWNERS
"the last matching pattern takes the most precedence" (docs.github.com, "About code
owners"), so no earlier line of the user's can take the ledger away from its approvers.
Everything outside the block is the user's and kept byte for byte. GitHub reads the first
of ``.github/CODEOWNERS``, ``CODEOWNERS`` and ``docs/CODEOWNERS`` that exists (same page,
"CODEOWNERS file location"); the block goes into that file, so that it never shadows a
file the user keeps elsewhere. Pure text in, text out; `pdpkit.cli.ci` reads and writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdpkit.platform.promotion_reviews import codeowners
from pdpkit.spec.platform import PlatformSpec

BEGIN = "# BEGIN pdp ci generate: release ledgers owned by their gates' approvers"
END = "# END pdp ci generate"
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
"""Where GitHub looks for the file, in the order it looks."""


class CodeownersError(ValueError):
    """The existing file's generated block cannot be found or replaced safely."""


def owner_lines(platforms: Sequence[PlatformSpec], prefix: str = "") -> list[str]:
    """One line per platform whose gates require approvals (ledger paths under `prefix`,
    the project's folder in the repository, ``""`` at its root)."""
    return [line.rstrip("\n") for p in platforms if (line := codeowners(p, prefix))]


def with_block(existing: str | None, lines: Sequence[str], where: str) -> str | None:
    """`existing` (None: no file) with the generated block replaced by `lines`, at the
    end; None when there is nothing to write (no file and no line)."""
    kept = _without_block(existing or "", where)
    if not lines:
        return kept if existing is not None else None
    block = "\n".join(
        [
            BEGIN,
            "# Written by `pdp ci generate` from the promotion gates; edit the gates, not",
            "# these lines. Lines above this block are yours and kept.",
            *lines,
            END,
        ]
    )
    return f"{kept}\n\n{block}\n" if kept else f"{block}\n"


def _without_block(text: str, where: str) -> str:
    lines = text.splitlines()
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not begins and not ends:
        return text.rstrip("\n").rstrip() if text.strip() else ""
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise CodeownersError(
            f"{where}: the generated block is damaged (expected one {BEGIN!r} line followed "
            f"by one {END!r} line; found {len(begins)} and {len(ends)}); delete what is left "
            "of it and run `pdp ci generate` again"
        )
    before = lines[: begins[0]]
    while before and not before[-1].strip():
        before.pop()  # the blank line this command put before the block
    return "\n".join(before + lines[ends[0] + 1 :]).rstrip()
