"""Writing generated files: what changed is written, what is no longer generated is removed,
and ``--check`` writes nothing and says what is stale (`pdp ci generate`, `pdp fleet ci
generate`)."""

from __future__ import annotations

import sys
from pathlib import Path

from pdpkit.cli.main import EXIT_INVALID, EXIT_OK


def sync_generated(
    wanted: dict[Path, str | None], *, check: bool, command: str, up_to_date: str
) -> int | None:
    """Bring the files of `wanted` (path -> text; None: remove it) to disk. With `check`, write
    nothing: exit `EXIT_INVALID` when a file differs, else print `up_to_date` and exit
    `EXIT_OK`. Without it, write or remove what differs and return None (the caller goes on)."""
    changed = [
        path
        for path, text in wanted.items()
        if (path.read_text(encoding="utf-8") if path.is_file() else None) != text
    ]
    if check:
        for path in changed:
            state = "is out of date" if wanted[path] is not None else "is no longer generated"
            print(f"{command} --check: {path} {state}", file=sys.stderr)
        if changed:
            print(f"run `{command}` and commit the result", file=sys.stderr)
            return EXIT_INVALID
        print(up_to_date)
        return EXIT_OK
    for path in changed:
        text = wanted[path]
        if text is None:
            path.unlink()
            print(f"removed {path}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return None
