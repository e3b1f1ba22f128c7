"""Figures in the docs are the plans' own: each `<!-- figures: STACK -->` sentence is checked.

Rewrite them with ``PDP_UPDATE_GOLDEN=rewrite`` (tests/golden_switch.py) after a change that
moves the counts, and review the diff like any golden file.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from pdpkit.plan.document import Plan
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of
from tests.golden_switch import HINT, rewrite_requested

DOCS = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
MARKER = re.compile(r"<!-- figures: (?P<stack>[\w-]+) -->(?P<text>.*?)<!-- /figures -->", re.S)
FAMILY = {"pulumi": "provider"}


def figures(plan: Plan) -> str:
    """``N resources in M components (X aws, Y kubernetes, 2 providers), P protected or retained``."""
    custom = [r for r in plan.resources if r.custom]
    families = Counter(FAMILY.get(r.type.split(":", 1)[0], r.type.split(":", 1)[0]) for r in custom)
    parts = ", ".join(
        f"{n} {family}{'s' if family == 'provider' and n != 1 else ''}"
        for family, n in sorted(families.items(), key=lambda item: (-item[1], item[0]))
    )
    protected = sum(1 for r in custom if r.protect or r.retain_on_delete)
    return (
        f"{len(custom)} resources in {len(plan.resources) - len(custom)} components "
        f"({parts}), {protected} protected or retained"
    )


def test_every_example_stack_has_its_figures_in_the_docs() -> None:
    found = {m["stack"] for doc in DOCS for m in MARKER.finditer(doc.read_text("utf-8"))}
    assert found <= set(EXAMPLE_STACKS)
    assert found == set(EXAMPLE_STACKS)


@pytest.mark.slow
@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_figures_in_the_docs_are_the_plans(doc) -> None:  # type: ignore[no-untyped-def]
    text = doc.read_text("utf-8")
    expected = MARKER.sub(
        lambda m: f"<!-- figures: {m['stack']} -->{figures(plan_of(m['stack']))}<!-- /figures -->",
        text,
    )
    if expected != text and rewrite_requested():
        doc.write_text(expected, encoding="utf-8")
        return
    assert expected == text, f"{doc.relative_to(ROOT)}: figures are stale; {HINT}"
