"""Independent checkers on the platform's manifests: kubernetes-validate and checkov."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from pdpkit.plan.document import to_yaml_documents
from tests.checkers import kubernetes_validate_strict, run_checkov
from tests.examples import ROOT
from tests.unit.platform.recorded import CORE_KINDS, cloud, manifests, onprem

RECORDINGS = {
    "acme-onprem-local": onprem,
    "acme-azure-dev": lambda: cloud("acme-azure-dev"),
    "acme-gcp-staging": lambda: cloud("acme-gcp-staging"),
    "acme-aws-prod": lambda: cloud("acme-aws-prod"),
}


@pytest.mark.parametrize("stack", sorted(RECORDINGS))
def test_kubernetes_validate_strict(stack: str) -> None:
    core = [m for m in manifests(RECORDINGS[stack]()) if m["kind"] in CORE_KINDS]
    assert {m["kind"] for m in core} >= {
        "Namespace",
        "NetworkPolicy",
        "Deployment",
        "CronJob",
        "Job",
    }
    validated, errors = kubernetes_validate_strict(core, "1.35.0")
    assert errors == []
    assert len(validated) == len(core)


def test_kubernetes_validate_rejects_what_it_should() -> None:
    """The checker is live: an unknown field fails strict validation."""
    bad: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "x"},
        "spek": {},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, "1.35.0", strict=True)
    validated, errors = kubernetes_validate_strict([bad], "1.35.0")
    assert validated == []
    assert len(errors) == 1 and "spek" in errors[0]


@pytest.mark.slow
def test_checkov_finds_no_failed_check(tmp_path: Path) -> None:
    for stack, recording in RECORDINGS.items():
        by_namespace: dict[str, list[dict[str, Any]]] = {}
        for manifest in manifests(recording()):
            by_namespace.setdefault(manifest["metadata"].get("namespace") or "_cluster", []).append(
                manifest
            )
        for namespace, objects in by_namespace.items():
            (tmp_path / f"{stack}-{namespace}.yaml").write_text(to_yaml_documents(objects))
    report = run_checkov(tmp_path)
    assert report.passed > 500
    assert [(f["check_id"], f["resource"], f["file_path"]) for f in report.failed] == []


@pytest.mark.slow
def test_checkov_is_live(tmp_path: Path) -> None:
    """A root, writable, privileged Deployment must fail: the config does not skip everything."""
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "bad", "namespace": "x"},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {
                    "containers": [
                        {
                            "name": "c",
                            "image": "nginx:latest",
                            "securityContext": {"privileged": True},
                        }
                    ]
                },
            },
        },
    }
    (tmp_path / "bad.yaml").write_text(to_yaml_documents([deployment]))
    assert len(run_checkov(tmp_path).failed) > 5


def test_every_checkov_skip_has_a_written_reason() -> None:
    lines = (ROOT / ".checkov.yaml").read_text().splitlines()
    start = lines.index("skip-check:")
    skipped = 0
    for i in range(start + 1, len(lines)):
        if not lines[i].startswith(" "):
            break
        if match := re.match(r"\s+- (\S+)", lines[i]):
            skipped += 1
            comment = []
            j = i - 1
            while lines[j].strip().startswith("#"):
                comment.insert(0, lines[j].strip())
                j -= 1
            assert comment and comment[0].startswith("# reason:") and len(" ".join(comment)) > 40, (
                match[1]
            )
    assert skipped >= 1
