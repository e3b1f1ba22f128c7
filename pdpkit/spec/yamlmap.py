"""YAML reading that remembers where every key came from (file and line).

The reader is the boundary between a user's file and the spec, so it refuses, with a located
message and never a traceback, what a stack or platform definition has no use for and what
could make it hang or crash: files that are not UTF-8, files over `MAX_BYTES`, nesting deeper
than `MAX_DEPTH`, documents expanding (through aliases) to more than `MAX_VALUES` values,
recursive aliases, integers longer than `MAX_INT_DIGITS` digits, tags other than the plain
YAML types, and scalars their tag cannot construct (``!!int three``, ``2026-99-99``).
Merge keys (``<<: *defaults``) are supported: explicit keys win over merged ones, and among
several merged mappings the first that has a key wins (https://yaml.org/type/merge.html).
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from pdpkit.spec.errors import Problem, SpecError

KeyPath = tuple[str | int, ...]
Location = tuple[str, int]
UNKNOWN_SECRET = "[secret]"  # noqa: S105 (a placeholder, not a password)
"""What an encrypted config value (``secure: v1:…``) reads as offline: an unknown secret."""
_SCALARS = yaml.constructor.SafeConstructor()
# libyaml's parser when PyYAML was built with it: the same nodes and marks, ~10x faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1_000_000
"""Largest file read (1 MB); the biggest example stack is a few kilobytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists; the spec itself nests about ten levels."""
MAX_VALUES = 20_000
"""Most values a document may hold once its aliases are expanded (an alias bomb's guard);
the largest example file holds about 300."""
MAX_INT_DIGITS = 32
"""Longest integer read as a number; quote longer digit strings (ids) to keep them text."""

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{t}" for t in ("null", "bool", "int", "float", "str", "timestamp")}
_MERGE = f"{_YAML}merge"
_MAP, _SEQ = f"{_YAML}map", f"{_YAML}seq"
_ENCODINGS = (  # the UTF-32 marks first: UTF-32-LE's begins with UTF-16-LE's
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


class LocatedYaml:
    """A parsed YAML document with the file and line of every key path."""

    def __init__(
        self, data: Any, locations: dict[KeyPath, Location], secrets: set[KeyPath]
    ) -> None:
        self.data = data
        self.locations = locations
        self.secrets = secrets
        """Key paths whose values were encrypted in the file."""


def read_yaml(path: Path, display: str | None = None) -> LocatedYaml:
    """Parse one YAML file; raise `SpecError` (never a yaml exception) on anything unusable."""
    name = display or str(path)
    node = compose_text(read_text(path, name), name)
    if node is None:
        raise SpecError(
            [Problem(name, None, "", "the file is empty; expected a mapping with `config:`")]
        )
    converter = _Converter(name)
    data = converter.convert(node, ())
    return LocatedYaml(data, converter.locations, converter.secrets)


def read_yaml_documents(path: Path, display: str | None = None) -> list[Any]:
    """Every document of a multi-document file (``---``) as plain values, with the same
    bounds as `read_yaml` (the value budget counts all documents together)."""
    name = display or str(path)
    text = read_text(path, name)
    check_depth(text, name)
    converter = _Converter(name)
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.YAMLError as error:
        raise _syntax_error(error, name) from None
    return [None if node is None else converter.convert(node, ()) for node in nodes]


def read_text(path: Path, name: str) -> str:
    """The file's text: UTF-8, with or without a byte order mark, at most `MAX_BYTES`."""
    if path.is_dir():
        raise SpecError([Problem(name, None, "", "is a directory, not a YAML file")])
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise SpecError(
            [Problem(name, None, "", f"cannot read the file: {error.strerror}")]
        ) from None
    if len(raw) > MAX_BYTES:
        raise SpecError(
            [
                Problem(
                    name,
                    None,
                    "",
                    f"the file is larger than {MAX_BYTES:,} bytes; a stack or platform "
                    "definition is a few kilobytes: split it or remove what it repeats",
                )
            ]
        )
    for mark, encoding in _ENCODINGS:
        if raw.startswith(mark):
            raise SpecError([Problem(name, 1, "", f"the file is {encoding}; save it as UTF-8")])
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SpecError(
            [
                Problem(
                    name,
                    line,
                    "",
                    f"not UTF-8: byte 0x{raw[error.start]:02x} cannot start a character; "
                    "save the file as UTF-8",
                )
            ]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SpecError(
            [
                Problem(
                    name,
                    line,
                    "",
                    "the file holds NUL characters (UTF-16 without a byte order mark, or "
                    "not text); save it as UTF-8",
                )
            ]
        )
    return text


def compose_text(text: str, name: str) -> yaml.Node | None:
    """The single document's node graph, its nesting depth checked first (`check_depth`)."""
    check_depth(text, name)
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise _syntax_error(error, name) from None
    return node


def check_depth(text: str, name: str) -> None:
    """Refuse nesting deeper than `MAX_DEPTH`, checked on the event stream.

    libyaml composes recursively in C (a deep enough document crashes the interpreter) and
    parses deep flow nesting in quadratic time, so the depth is checked before composing,
    event by event, stopping at the first level too deep.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    message = (
                        f"nested deeper than {MAX_DEPTH} levels; "
                        "a stack needs far fewer, flatten this structure"
                    )
                    raise SpecError([Problem(name, line, "", message)])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        raise _syntax_error(error, name) from None


def _syntax_error(error: yaml.YAMLError, name: str) -> SpecError:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or str(error)
    return SpecError(
        [Problem(name, line, "", f"YAML syntax error: {problem}; fix the YAML at this line")]
    )


def _short_tag(tag: str) -> str:
    return f"!!{tag.removeprefix(_YAML)}" if tag.startswith(_YAML) else tag


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Converter:
    """Plain Python values from a node graph, counting what aliases expand to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.locations: dict[KeyPath, Location] = {}
        self.secrets: set[KeyPath] = set()
        self.count = 0
        self.open: set[int] = set()
        """Collections being converted: an alias to one of them is a cycle."""

    def fail(self, node: yaml.Node, path: KeyPath, message: str) -> SpecError:
        return SpecError([Problem(self.name, node.start_mark.line + 1, _dotted(path), message)])

    def tick(self, node: yaml.Node, path: KeyPath, values: int = 1) -> None:
        self.count += values
        if self.count > MAX_VALUES:
            raise self.fail(
                node,
                path,
                f"the document holds more than {MAX_VALUES:,} values once its aliases are "
                "expanded; a stack needs far fewer: remove the aliases that repeat it",
            )

    def convert(self, node: yaml.Node, path: KeyPath) -> Any:
        self.tick(node, path)
        if id(node) in self.open:
            raise self.fail(
                node, path, "recursive alias: the alias refers to a node that contains it"
            )
        self.locations[path] = (self.name, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if node.tag not in (_MAP, _SEQ):
            raise self.fail(
                node, path, f"tag {_short_tag(node.tag)} is not supported here; remove it"
            )
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        if node.tag not in _SCALAR_TAGS:
            allowed = ", ".join(sorted(_short_tag(t) for t in _SCALAR_TAGS))
            raise self.fail(
                node,
                path,
                f"tag {_short_tag(node.tag)} is not supported; use a plain value "
                f"(or one of {allowed})",
            )
        if node.tag == f"{_YAML}int" and len(node.value) > MAX_INT_DIGITS:
            raise self.fail(
                node,
                path,
                f"an integer of {len(node.value)} characters; numbers have at most "
                f"{MAX_INT_DIGITS} digits (quote it if it is an identifier)",
            )
        try:
            return _SCALARS.construct_object(node)
        except (ValueError, TypeError, OverflowError, LookupError, yaml.YAMLError):
            raise self.fail(
                node,
                path,
                f"{node.value[:40]!r} is not a valid {_short_tag(node.tag)}; "
                "fix the value, or quote it to keep it a string",
            ) from None

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> Any:
        keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        if keys == {"secure"} and len(node.value) == 1:
            value = node.value[0][1]
            if not (isinstance(value, yaml.ScalarNode) and value.tag == f"{_YAML}str"):
                raise self.fail(
                    value,
                    (*path, "secure"),
                    "`secure:` holds the ciphertext `pulumi config set --secret` writes "
                    "(a string like v1:…); set the value again with that command",
                )
            self.secrets.add(path)
            return UNKNOWN_SECRET
        result: dict[str, Any] = {}
        explicit, merged = self.pairs(node, path)
        for key_node, value_node, is_explicit in (
            *((k, v, True) for k, v in explicit),
            *((k, v, False) for k, v in merged),
        ):
            key = self.key(key_node, path)
            if key in result:
                if not is_explicit:
                    continue  # a merged key the mapping (or an earlier merge) already sets
                raise self.fail(key_node, (*path, key), "duplicate key; each key may appear once")
            line = (self.name, key_node.start_mark.line + 1)
            result[key] = self.convert(value_node, (*path, key))
            self.locations[(*path, key)] = line
        return result

    def key(self, key_node: yaml.Node, path: KeyPath) -> str:
        key = self.scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str | int | bool | float):
            raise self.fail(key_node, path, "keys must be plain scalars")
        return str(key)

    def pairs(
        self, node: yaml.MappingNode, path: KeyPath
    ) -> tuple[list[tuple[yaml.Node, yaml.Node]], list[tuple[yaml.Node, yaml.Node]]]:
        """The mapping's own pairs, and the pairs its merge keys (``<<``) bring, in order."""
        explicit: list[tuple[yaml.Node, yaml.Node]] = []
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE):
                explicit.append((key_node, value_node))
                continue
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise self.fail(
                        key_node,
                        path,
                        "a merge key (<<) takes a mapping or a list of mappings, "
                        "e.g. `<<: *defaults`",
                    )
                if id(source) in self.open:
                    raise self.fail(
                        source, path, "recursive merge: the mapping merges one that contains it"
                    )
                self.tick(source, path, len(source.value))
                self.open.add(id(source))
                try:
                    own, inherited = self.pairs(source, path)
                finally:
                    self.open.discard(id(source))
                merged += own + inherited
        return explicit, merged
