"""Concurrent writers lose nothing (issue 16 #4): the ledger's lock, compare-and-swap, modes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pdpkit.platform.ledger import Ledger, Release, load_ledger
from pdpkit.platform.ledger_write import (
    LedgerBusyError,
    LedgerChangedError,
    ledger_lock,
    lock_path,
    save_ledger,
)
from pdpkit.spec.loader import load_stack
from tests.examples import ROOT, scratch_project
from tests.unit.platform.platforms import T0, A, B, platform

LAB = "acme-onprem-local"
LEDGER = "releases/acme-lab.yaml"
REPO = "harbor.lab.acme.example/orders/order-api"
ORDER = ("dev", "staging", "prod")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    scratch_project(tmp_path)
    return tmp_path


def _pdp(project: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PDP_NOW": "2099-01-01T00:00:00Z",  # ignored (issue 16 #2)
    }
    env.pop("GITHUB_ACTOR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "pdpkit.cli.main", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_twenty_concurrent_releases_all_survive(project: Path) -> None:
    """20 `pdp release` processes at once: once 4-5 builds survived and all exited 0."""
    builds = [f"{REPO}@sha256:{n:064x}" for n in range(1, 21)]
    (project / LEDGER).chmod(0o640)
    processes = [
        _pdp(project, "release", "order-api", "--stack", LAB, "--image", b, "--by", "ci")
        for b in builds
    ]
    results = [(p.wait(timeout=600), *p.communicate()) for p in processes]
    platform = load_stack(project, LAB).platform
    assert platform is not None
    slot = load_ledger(platform, project).get("order-api", "dev")
    assert slot is not None
    recorded = {r.image for r in slot.releases}
    for build, (code, out, err) in zip(builds, results, strict=True):
        assert "Traceback" not in err
        if code == 0:
            assert "wrote releases/acme-lab.yaml" in out
            assert build in recorded, f"{build} reported written but lost"
        else:  # a loser says so and exits non-zero, never 0
            assert code == 1 and "not written" in err, err
            assert build not in recorded
    assert sum(code == 0 for code, _, _ in results) == len(builds)  # the lock queues them
    assert (project / LEDGER).stat().st_mode & 0o777 == 0o640  # the mode is kept
    assert sorted(p.name for p in (project / "releases").iterdir()) == [
        "acme-lab.yaml",
        "acme.yaml",
    ]  # no lock or temporary file left behind


def test_a_held_lock_names_its_holder_and_waits_a_bounded_time(project: Path) -> None:
    path = project / LEDGER
    before = path.read_bytes()
    with ledger_lock(path):
        started = time.monotonic()
        with pytest.raises(LedgerBusyError) as error, ledger_lock(path, timeout=0.3):
            pass
        assert 0.3 <= time.monotonic() - started < 5
    message = str(error.value)
    assert f"pid {os.getpid()}" in message and "acme-lab.yaml" in message
    assert "waited 0.3s" in message
    assert path.read_bytes() == before
    assert not lock_path(path).exists()  # released and removed


def test_a_command_waiting_on_the_lock_exits_1_with_a_clear_message(project: Path) -> None:
    from pdpkit.cli import releases
    from pdpkit.cli.main import build_parser

    args = build_parser().parse_args(
        ["release", "order-api", "--stack", LAB, "--image", f"{REPO}@sha256:{'a' * 64}"]
    )
    before = (project / LEDGER).read_bytes()
    cwd = Path.cwd()
    os.chdir(project)
    try:
        with ledger_lock(project / LEDGER):
            code = releases.run(args, lock_timeout=0.2)
    finally:
        os.chdir(cwd)
    assert code == 1
    assert (project / LEDGER).read_bytes() == before


def test_a_write_over_a_changed_file_is_refused(tmp_path: Path) -> None:
    """Compare-and-swap: a writer that does not take the lock (an editor, git) is not
    overwritten by a command that read the file before it changed."""
    spec = platform()
    save_ledger(
        Ledger("test").record("api", "dev", Release(A, "r", T0, "ci")), spec, tmp_path, ORDER
    )
    read = load_ledger(spec, tmp_path)
    path = tmp_path / spec.ledger.path
    edited = path.read_text() + "# edited meanwhile\n"
    path.write_text(edited)
    with pytest.raises(LedgerChangedError, match="changed while this command ran"):
        save_ledger(read.record("api", "dev", Release(B, "r", T0, "ci")), spec, tmp_path, ORDER)
    assert path.read_text() == edited


def test_a_write_keeps_the_mode_and_a_new_file_is_0644(tmp_path: Path) -> None:
    spec = platform()
    ledger = Ledger("test").record("api", "dev", Release(A, "r", T0, "ci"))
    path = save_ledger(ledger, spec, tmp_path, ORDER)
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    save_ledger(
        load_ledger(spec, tmp_path).record("api", "dev", Release(B, "r", T0, "ci")),
        spec,
        tmp_path,
        ORDER,
    )
    assert path.stat().st_mode & 0o777 == 0o600
