"""Golden manifests of the on-prem example platform (reviewable diffs of every object).

Refresh after an intended change: ``PDP_UPDATE_GOLDEN=rewrite pytest tests/unit/platform``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pdpkit.plan.document import to_yaml_documents
from tests.examples import ROOT
from tests.golden_switch import HINT, rewrite_requested
from tests.unit.platform.recorded import manifests, onprem

GOLDEN = ROOT / "tests/golden/platform/acme-onprem-local"


def _by_namespace() -> dict[str, str]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for manifest in manifests(onprem()):
        grouped.setdefault(manifest["metadata"].get("namespace") or "_cluster", []).append(manifest)
    return {
        f"{ns}.yaml": to_yaml_documents(
            sorted(objs, key=lambda o: (o["kind"], o["metadata"]["name"]))
        )
        for ns, objs in sorted(grouped.items())
    }


def test_golden_manifests() -> None:
    rendered = _by_namespace()
    if rewrite_requested():
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for stale in GOLDEN.glob("*.yaml"):
            stale.unlink()
        for name, text in rendered.items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(GOLDEN).glob("*.yaml"))}
    assert sorted(rendered) == sorted(expected), f"namespaces changed; {HINT}"
    for name, text in rendered.items():
        assert text == expected[name], f"{name} differs from the golden file; {HINT}"
