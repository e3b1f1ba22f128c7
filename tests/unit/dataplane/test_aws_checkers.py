"""Independent checkers on the Kubernetes manifests of the acme-aws-prod plan."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest

from tests.examples import plan_of
from tests.unit.dataplane.test_onprem_checkov import checkov

STACK = "acme-aws-prod"


@pytest.mark.slow
def test_aws_manifests_validate_against_kubernetes_schemas() -> None:
    manifests = plan_of(STACK).manifests()
    builtin = [
        m
        for m in manifests
        if "." not in m["apiVersion"].split("/")[0] or m["apiVersion"].endswith(".k8s.io/v1")
    ]
    assert builtin
    for manifest in builtin:
        if manifest["apiVersion"].startswith("gateway.networking.k8s.io"):
            continue  # a CRD: not in the upstream schemas
        kubernetes_validate.validate(manifest, "1.31.0", strict=True)


@pytest.mark.slow
def test_aws_manifests_pass_checkov(tmp_path: Path) -> None:
    plan_of(STACK).write(tmp_path)
    files = [
        arg for path in sorted((tmp_path / "manifests").glob("*.yaml")) for arg in ("-f", str(path))
    ]
    result = subprocess.run(
        [str(checkov()), *files, "--framework", "kubernetes", "-o", "json", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    failed = report.get("results", {}).get("failed_checks", []) if isinstance(report, dict) else []
    assert not [(f["check_id"], f["resource"]) for f in failed], result.stdout[-2000:]
    assert report.get("summary", {}).get("passed", 0) > 100, result.stdout[:600]
