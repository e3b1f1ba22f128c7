"""No input makes a command that reads user files print a traceback (property-based).

Arbitrary bytes and arbitrary YAML (tags, anchors and aliases, merge keys, deep nesting, huge
numbers, unicode), alone or spliced into a real stack file, are fed to `pdp validate`,
`pdp plan`, `pdp import-cr`, `pdp ci generate` and `pdp releases`, in-process. Each must
exit 0 or 1 with a message; the good stacks beside the bad file are still reported.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdpkit.cli.main import main
from tests.examples import ROOT

FUZZ = "Pulumi.fuzz.yaml"
GOOD = "acme-onprem-local"
BASE = (ROOT / "stacks" / f"Pulumi.{GOOD}.yaml").read_text(encoding="utf-8")
PLATFORM = ROOT / "platform" / "acme"
STACK_WITH_FUZZED_PLATFORM = (
    (ROOT / "stacks" / "Pulumi.acme-aws-prod.yaml")
    .read_text(encoding="utf-8")
    .replace("path: platform/acme", "path: platform/fuzz")
)
FAST = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_SCALAR_TEXT = st.sampled_from(
    [
        "~",
        "true",
        "no",
        "0x1F",
        "0o17",
        "1_000",
        "190:20:30",
        ".inf",
        "-.nan",
        "1e999",
        "2026-01-01",
        "2026-99-99",
        "2026-01-01T25:61:00Z",
        "!!int three",
        "!!float x",
        "!!bool maybe",
        "!!timestamp 2026-99-99",
        "!!binary '%%%'",
        "!!binary aGVsbG8=",
        "!!str 5",
        "!!null ''",
        "!custom x",
        "!!python/object/apply:os.system ['true']",
        "*a",
        "*b",
        "*missing",
        "''",
        "secure: v1:abc",
        "{secure: v1:abc}",
    ]
)
_SCALARS = st.one_of(
    _SCALAR_TEXT,
    st.integers().map(str),
    st.text("0123456789", min_size=20, max_size=6000),
    st.floats().map(repr),
    st.text(max_size=30).map(json.dumps),  # any unicode, as a double-quoted YAML string
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=10).map(
        lambda t: t.replace(":", "")
    ),
)
_KEYS = st.one_of(
    st.sampled_from(
        [
            "config",
            "pdp:dataplane",
            "pdp:platform",
            "pdp:policy",
            "name",
            "target",
            "integrations",
            "<<",
            "? [a]",
            "!!int one",
            "1",
            "null",
            "apiVersion",
            "spec",
        ]
    ),
    st.text(alphabet="abcxyz-_", min_size=1, max_size=8),
)


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(_KEYS, children), max_size=4).map(
            lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"
        ),
        st.tuples(
            st.sampled_from(["&a ", "&b ", "!!map ", "!!set ", "!!seq ", "!x "]), children
        ).map("".join),
        st.tuples(st.integers(60, 200), children).map(lambda t: "[" * t[0] + t[1] + "]" * t[0]),
    )


def _bomb(levels: int) -> str:
    """The "billion laughs": each level lists the previous one nine times."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


_VALUES = st.recursive(_SCALARS, _flow, max_leaves=20)
_DOCUMENTS = st.one_of(
    _VALUES,
    st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=5).map(
        lambda kv: "".join(f"{k}: {v}\n" for k, v in kv)
    ),
    st.tuples(_KEYS, _KEYS, _VALUES).map(lambda t: f"config:\n  {t[0]}:\n    {t[1]}: {t[2]}\n"),
    st.integers(2, 12).map(_bomb),
)


@st.composite
def _spliced(draw: st.DrawFn, base: str = BASE) -> str:
    """A real file (a stack by default) with one line's value replaced by an arbitrary one."""
    lines = base.splitlines()
    candidates = [
        i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")
    ]
    i = draw(st.sampled_from(candidates))
    key = lines[i].split(":", 1)[0]
    lines[i] = f"{key}: {draw(_VALUES)}"
    return "\n".join(lines) + "\n"


_BOMS = st.sampled_from(
    [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
)
_BYTES = st.one_of(
    st.tuples(_BOMS, st.binary(max_size=400)).map(b"".join),
    _DOCUMENTS.map(lambda t: t.encode("utf-16")),
    _spliced().map(lambda t: t.encode("latin-1", "replace") + b"\xff\xfe"),
)
_TEXT = st.one_of(_DOCUMENTS, _spliced())


@pytest.fixture(scope="module")
def project() -> Iterator[Path]:
    """A scratch project: the example stacks plus the fuzzed one (module-scoped for speed)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("Pulumi.yaml", "__main__.py"):
            shutil.copy(ROOT / name, root)
        shutil.copytree(ROOT / "stacks", root / "stacks")
        shutil.copytree(ROOT / "platform", root / "platform")
        shutil.copytree(ROOT / "releases", root / "releases")
        yield root


def pdp(root: Path, *argv: str) -> tuple[int, str]:
    """Run `pdp` in-process in `root`; an escaping exception fails the test."""
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    except BaseException as error:  # any escape is the failure under test
        pytest.fail(f"pdp {' '.join(argv)} raised {type(error).__name__}: {error}"[:2000])
    finally:
        os.chdir(cwd)
    output = out.getvalue() + err.getvalue()
    assert "Traceback" not in output, output[:2000]
    return code, output


def check_all_commands(root: Path, content: bytes, cr: str = f"stacks/{FUZZ}") -> None:
    (root / "stacks" / FUZZ).write_bytes(content)
    stack = f"stacks/{FUZZ}"
    try:
        code, output = pdp(root, "validate")
        assert code in (0, 1), output[:2000]  # a spliced value may happen to be valid
        assert f"Pulumi.{GOOD}.yaml: valid" in output  # a bad file does not hide the good ones
        valid = code == 0
        code, output = pdp(root, "validate", stack)
        assert code == (0 if valid else 1) and output.strip(), output[:2000]
        if not valid:  # validation fails before the program runs
            code, output = pdp(root, "plan", "--stack", "fuzz")
            assert code == 1 and output.strip(), output[:2000]
        code, output = pdp(root, "ci", "generate", "--out", str(root / "workflows"))
        assert code == (0 if valid else 1), output[:2000]
        assert valid or "nothing written" in output, output[:2000]
        code, output = pdp(root, "releases", "--stack", "fuzz")
        assert code in (0, 1) and output.strip(), output[:2000]
        code, output = pdp(root, "import-cr", cr)
        assert code in (0, 1) and output.strip(), output[:2000]
    finally:
        (root / "stacks" / FUZZ).unlink()


@FAST
@given(content=_BYTES)
def test_arbitrary_bytes(project: Path, content: bytes) -> None:
    check_all_commands(project, content)


@settings(FAST, max_examples=50)
@given(text=_TEXT)
def test_arbitrary_yaml(project: Path, text: str) -> None:
    check_all_commands(project, text.encode("utf-8"))


@settings(FAST, max_examples=30)
@given(data=st.data())
def test_arbitrary_platform_files(project: Path, data: st.DataObject) -> None:
    """The same, for a platform kept in files (`pdp:platform: {path: …}`)."""
    name = data.draw(st.sampled_from(["platform.yaml", "integrations/order-api.yaml"]))
    base = (PLATFORM / name).read_text(encoding="utf-8")
    content = data.draw(
        st.one_of(_BYTES, _TEXT.map(str.encode), _spliced(base).map(str.encode)), label=name
    )
    fuzzed = project / "platform" / "fuzz"
    shutil.rmtree(fuzzed, ignore_errors=True)
    shutil.copytree(PLATFORM, fuzzed)
    (fuzzed / name).write_bytes(content)
    check_all_commands(project, STACK_WITH_FUZZED_PLATFORM.encode(), cr=str(fuzzed / name))


def test_good_stacks_still_work_beside_a_bad_one(project: Path) -> None:
    (project / "stacks" / FUZZ).write_bytes(b"\xff\xfe" + "config: 1\n".encode("utf-16-le"))
    try:
        code, output = pdp(project, "releases", "--stack", "acme-aws-prod")
        assert code == 0, output
        code, output = pdp(project, "validate")
        assert code == 1 and "Pulumi.fuzz.yaml:1: the file is UTF-16; save it as UTF-8" in output
        assert "4 of 5 stack files valid; 1 problem in 1 file" in output
    finally:
        (project / "stacks" / FUZZ).unlink()
