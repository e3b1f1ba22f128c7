"""The YAML reader refuses hostile or unusable files with a located message, quickly."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from pdpkit.spec.errors import SpecError
from pdpkit.spec.yamlmap import MAX_BYTES, read_yaml, read_yaml_documents


def problem(tmp_path: Path, content: bytes | str) -> str:
    path = tmp_path / "stack.yaml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(SpecError) as caught:
        read_yaml(path, "stack.yaml")
    (only,) = caught.value.problems
    return only.render()


def alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [7, 10])
def test_an_alias_bomb_is_refused_quickly(tmp_path: Path, levels: int) -> None:
    start = time.perf_counter()
    message = problem(tmp_path, alias_bomb(levels))
    assert time.perf_counter() - start < 5  # was 35 s and 5 GB at 7 levels, MemoryError at 10
    assert "more than 20,000 values once its aliases are expanded" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("a: &a [*a]\n", "stack.yaml:1 a[0]: recursive alias"),
        ("a: &a {b: *a}\n", "stack.yaml:1 a.b: recursive alias"),
        ("a: &a\n  <<: *a\n", "recursive merge"),
        ("a:\n  b: " + "[" * 100 + "]" * 100 + "\n", "stack.yaml:2: nested deeper than 64 levels"),
        ("a: " + "[" * 100_000 + "\n", "nested deeper than 64 levels"),
        ("a:\n  b: !custom x\n", "stack.yaml:2 a.b: tag !custom is not supported"),
        ("a:\n  b: !!int three\n", "stack.yaml:2 a.b: 'three' is not a valid !!int"),
        ("a: !!float x\n", "stack.yaml:1 a: 'x' is not a valid !!float"),
        ("a: !!bool maybe\n", "stack.yaml:1 a: 'maybe' is not a valid !!bool"),
        ("a: !!timestamp 2026-99-99\n", "'2026-99-99' is not a valid !!timestamp"),
        ("a: 2026-99-99\n", "quote it to keep it a string"),
        ("a: !!binary '%%%'\n", "tag !!binary is not supported"),
        ("a: !!python/object:os.system x\n", "tag !!python/object:os.system is not supported"),
        ("a: !!set {x, y}\n", "tag !!set is not supported here"),
        ("a: " + "1" * 5000 + "\n", "an integer of 5000 characters; numbers have at most 32"),
        ("a:\n  <<: 5\n", "a merge key (<<) takes a mapping or a list of mappings"),
        ("a:\n  secure: [1]\n", "stack.yaml:2 a.secure: `secure:` holds the ciphertext"),
        ("a: 1\na: 2\n", "stack.yaml:2 a: duplicate key"),
        ("a: 1\n---\nb: 2\n", "YAML syntax error"),
        ("? [a]\n: 1\n", "keys must be plain scalars"),
    ],
)
def test_hostile_yaml_is_a_located_problem(tmp_path: Path, content: str, expected: str) -> None:
    assert expected in problem(tmp_path, content)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("config: 1\n".encode("utf-16"), "stack.yaml:1: the file is UTF-16; save it as UTF-8"),
        ("config: 1\n".encode("utf-32"), "the file is UTF-32; save it as UTF-8"),
        ("config: 1\n".encode("utf-16-le"), "stack.yaml:1: the file holds NUL characters"),
        ("a: 1\nb: café\n".encode("latin-1"), "stack.yaml:2: not UTF-8: byte 0xe9"),
        (b"a: " + b"x" * MAX_BYTES, "the file is larger than 1,000,000 bytes"),
    ],
)
def test_files_that_are_not_utf8_text(tmp_path: Path, content: bytes, expected: str) -> None:
    assert expected in problem(tmp_path, content)


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_bytes(codecs.BOM_UTF8 + b"a: 1\n")
    assert read_yaml(path).data == {"a": 1}


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="is a directory, not a YAML file"):
        read_yaml(tmp_path)


def test_merge_keys_are_supported_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(
        "base: &base {x: 1, y: 2}\nmore: &more {z: 3}\nitem:\n  <<: [*base, *more]\n  y: 5\n"
    )
    located = read_yaml(path, "stack.yaml")
    assert located.data["item"] == {"y": 5, "x": 1, "z": 3}
    assert located.locations[("item", "y")] == ("stack.yaml", 5)  # the explicit key wins
    assert located.locations[("item", "x")] == ("stack.yaml", 1)  # where the merged key is


def test_standard_tags_that_construct_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text("a: !!str 5\nb: !!int '7'\nc: !!float 1\nd: !!bool true\ne: !!null ''\n")
    assert read_yaml(path).data == {"a": "5", "b": 7, "c": 1.0, "d": True, "e": None}


def test_documents_share_one_budget(tmp_path: Path) -> None:
    path = tmp_path / "crs.yaml"
    path.write_text("a: 1\n---\nb: 2\n---\n")
    assert read_yaml_documents(path) == [{"a": 1}, {"b": 2}, None]
    path.write_text(alias_bomb(4))  # 8,303 values with the top mapping
    assert len(read_yaml_documents(path)) == 1
    path.write_text("---\n".join([alias_bomb(4)] * 3))  # 24,909 in all
    with pytest.raises(SpecError, match="more than 20,000 values"):
        read_yaml_documents(path)
