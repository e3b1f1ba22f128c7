"""Random mutations of the example stacks validate or raise `SpecError` — nothing else."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdpkit.spec import SpecError, StackSpec
from pdpkit.spec.loader import build_stack
from tests.examples import EXAMPLE_STACKS
from tests.unit.spec.stacks import raw_sections

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["10.0.0.0/8", "0.0.0.0/0", "::/0", "v1.2", "1.31", "wss://x", "dev", "prod"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found += _paths(child, (*prefix, i))
    return found


@st.composite
def mutated_stacks(draw: st.DrawFn) -> dict[str, Any]:
    sections = raw_sections(draw(st.sampled_from(EXAMPLE_STACKS)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(sections)[1:]
        if not paths:  # every section was deleted already
            break
        path = draw(st.sampled_from(paths))
        parent: Any = sections
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "add-key", "rename"]))
        if action == "replace":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif action == "add-key" and isinstance(parent[key], dict):
            parent[key][draw(st.text(min_size=1, max_size=12))] = draw(values)
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = parent.pop(key)
    return sections


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_stacks())
def test_mutations_validate_or_raise_the_spec_error(sections: dict[str, Any]) -> None:
    try:
        result = build_stack(sections)
    except SpecError as error:
        assert error.problems, "a SpecError always carries at least one problem"
        for problem in error.problems:
            assert problem.message and problem.render()
    else:
        assert isinstance(result, StackSpec)
