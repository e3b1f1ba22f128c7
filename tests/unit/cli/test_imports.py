"""The CLI stays light: `pdp --help` and `pdp validate` import no cloud SDK (nor Pulumi)."""

from __future__ import annotations

import subprocess
import sys

from tests.examples import ROOT

PROBE = """
import sys
from pdpkit.cli.main import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {{
    "pulumi", "pulumi_kubernetes", "pulumi_azure_native", "pulumi_aws", "pulumi_gcp"}})
print("IMPORTED", ",".join(heavy))
"""


def imported_by(argv: list[str]) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("IMPORTED"))
    return set(filter(None, line.removeprefix("IMPORTED ").split(",")))


def test_help_imports_neither_pulumi_nor_a_cloud_sdk() -> None:
    assert imported_by(["--help"]) == set()


def test_validate_imports_neither_pulumi_nor_a_cloud_sdk() -> None:
    assert imported_by(["validate"]) == set()


def test_the_ledger_commands_import_no_pulumi() -> None:
    assert imported_by(["releases", "--stack", "acme-onprem-local"]) == set()
