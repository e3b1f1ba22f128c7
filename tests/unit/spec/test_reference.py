"""docs/stack-reference.md is generated from the spec and kept current."""

from __future__ import annotations

from pdpkit.spec.reference import render_reference
from tests.examples import ROOT
from tests.golden_switch import HINT, rewrite_requested

REFERENCE = ROOT / "docs" / "stack-reference.md"


def test_the_reference_is_current() -> None:
    text = render_reference()
    if rewrite_requested():
        REFERENCE.write_text(text, encoding="utf-8")
    assert REFERENCE.read_text(encoding="utf-8") == text, (
        f"docs/stack-reference.md is stale; {HINT}"
    )


def test_every_field_is_documented() -> None:
    text = render_reference()
    undocumented = [
        line for line in text.splitlines() if line.startswith("| `") and line.endswith("|  |")
    ]
    assert not undocumented, undocumented
