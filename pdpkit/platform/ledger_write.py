"""Writing the release ledger safely: one writer at a time, compare-and-swap, atomic rename.

Two `pdp release` runs that read the same file and each write their own result would
lose one build (the later rename wins). So a command that changes the ledger:

1. takes an exclusive lock (`ledger_lock`, ``flock`` on ``.<ledger>.lock`` next to the
   ledger; the kernel releases it when the process dies, so a crash leaves no stale lock),
   waiting a bounded time and naming the holder when it gives up;
2. reads the ledger, computes the new one;
3. writes it (`save_ledger`): a temporary file with the ledger's mode in the same folder,
   ``fsync``, then, only if the file still has the content it was read from (its SHA-256,
   for writers that do not take the lock: an editor, ``git checkout``), ``os.replace``;
4. reads the file back and reports success only when it holds what was written.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pdpkit.platform.ledger import Ledger, file_digest, format_time, ledger_path
from pdpkit.spec.platform import PlatformSpec

LOCK_TIMEOUT_SECONDS = 60.0
"""How long a command waits for another one writing the same ledger."""
NEW_FILE_MODE = 0o644
"""Mode of a ledger file created anew (an existing file keeps its own)."""


class LedgerBusyError(Exception):
    """Another command holds the ledger's lock; the message names it."""


class LedgerChangedError(Exception):
    """The ledger changed under this command; nothing of its result was kept."""


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def ledger_lock(path: Path, *, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the exclusive lock of the ledger at `path` (waits up to `timeout` seconds)."""
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LedgerBusyError(
                    f"{path.name} is being written by another command ({_holder(lock)}); "
                    f"waited {timeout:g}s for it. Run this command again once it has "
                    f"finished (the lock {lock.name} is released when that process exits)"
                ) from None
            time.sleep(0.05)
            continue
        # the holder before us removes the lock file when done: a lock on a removed
        # file excludes nobody, so lock the file that is there now
        try:
            current = lock.stat().st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        holder = (
            f"pid {os.getpid()} on {socket.gethostname()} since "
            f"{format_time(datetime.now(UTC))}: pdp {' '.join(sys.argv[1:])}"
        )
        os.write(fd, holder.encode("utf-8", "replace"))
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
        os.close(fd)


def _holder(lock: Path) -> str:
    try:
        text = lock.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return "it has just finished"
    return text or "starting"


def save_ledger(ledger: Ledger, platform: PlatformSpec, root: Path, order: tuple[str, ...]) -> Path:
    """Write `ledger` atomically, keeping the file's mode; refuse if the file changed since
    `ledger` was read (`Ledger.read_digest`), and confirm the write survived.

    Raises `LedgerChangedError` when the file is not what it was read as, before or after.
    """
    path = ledger_path(platform, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ledger.to_text(order)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if ledger.read_digest is not None and file_digest(path) != ledger.read_digest:
            raise LedgerChangedError(
                f"{platform.ledger.path} changed while this command ran (another writer, "
                "an editor or git); nothing was written: run the command again"
            )
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).unlink()
        raise
    if file_digest(path) != hashlib.sha256(text.encode("utf-8")).hexdigest():
        raise LedgerChangedError(
            f"{platform.ledger.path} was replaced by another writer right after this command "
            "wrote it; its change may be lost: check `pdp releases` and run it again"
        )
    return path
