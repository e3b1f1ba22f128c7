"""The independent checkers (checkov, kubernetes-validate), one way to run each for every test.

Neither is optional: CI installs checkov with scripts/install-checkers.sh, so a missing
binary fails the test run instead of skipping what it should have checked.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import kubernetes_validate
import pytest

from tests.examples import ROOT


def checkov_binary() -> Path:
    """checkov from `PDP_CHECKOV`, else `.tools/checkov/bin/checkov` of the repository."""
    path = Path(os.environ.get("PDP_CHECKOV") or ROOT / ".tools" / "checkov" / "bin" / "checkov")
    if not path.is_file():
        pytest.fail(
            f"checkov not found at {path}: run scripts/install-checkers.sh "
            "(CI does) or set PDP_CHECKOV"
        )
    return path


class CheckovReport(NamedTuple):
    """What checkov said about a directory of manifests."""

    failed: list[dict[str, Any]]
    passed: int


def run_checkov(directory: Path) -> CheckovReport:
    """checkov's Kubernetes checks over every manifest in `directory`, with `.checkov.yaml`."""
    result = subprocess.run(
        [
            str(checkov_binary()),
            "--config-file",
            str(ROOT / ".checkov.yaml"),
            "--framework",
            "kubernetes",
            "--directory",
            str(directory),
            "--output",
            "json",
            "--quiet",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=directory,
        timeout=600,
    )
    if not result.stdout.strip().startswith(("{", "[")):
        pytest.fail(f"checkov gave no report:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    return CheckovReport(
        failed=[
            check for r in reports for check in (r.get("results") or {}).get("failed_checks", [])
        ],
        passed=sum((r.get("summary") or {}).get("passed", 0) for r in reports),
    )


def is_builtin(manifest: dict[str, Any]) -> bool:
    """A kind of Kubernetes itself (v1, apps/v1, *.k8s.io), not a custom resource."""
    api_version = manifest["apiVersion"]
    group = api_version.split("/")[0] if "/" in api_version else ""
    return (not group or "." not in group or group.endswith(".k8s.io")) and not group.startswith(
        "gateway.networking"
    )


class Validation(NamedTuple):
    """What `kubernetes-validate --strict` checked and what it rejected."""

    validated: list[dict[str, Any]]
    errors: list[str]


def kubernetes_validate_strict(manifests: Iterable[dict[str, Any]], version: str) -> Validation:
    """Every built-in manifest against the upstream schema of `version`, unknown fields refused.

    Custom resources have no upstream schema and are passed over; a built-in kind without
    a schema is an error (a typo in apiVersion or kind must not slip through).
    """
    validated: list[dict[str, Any]] = []
    errors: list[str] = []
    for manifest in manifests:
        if not is_builtin(manifest):
            continue
        name = f"{manifest['kind']}/{manifest['metadata'].get('name')}"
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{name}: {'.'.join(map(str, error.path))}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            errors.append(f"{name}: {error.message}")
        else:
            validated.append(manifest)
    return Validation(validated, errors)
