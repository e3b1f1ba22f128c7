"""A tiny evaluator for the subset of CEL the admission policies here use, so their logic can
be tested offline: field selection, `has()`, `.all(x, p)`, `in`, indexing, `==`, `!=`, `!`,
`&&`, `||`, parentheses and single-quoted strings. Anything else is a syntax error, so an
expression drifting outside the subset fails its test instead of passing unchecked.

Selecting an absent field raises `CelError`, as CEL does ("no such key"); `&&`/`||` are
evaluated left to right (CEL also absorbs errors commutatively, which the policies do not
rely on: every guard comes first)."""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(r"\s*(?:(==|!=|&&|\|\||[().,!\[\]])|'([^']*)'|([A-Za-z_][A-Za-z0-9_]*))")


class CelError(Exception):
    """Evaluation error (absent field, wrong type) or syntax outside the subset."""


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(source.rstrip()):
        match = TOKEN.match(source, position)
        if match is None:
            raise CelError(f"unsupported syntax at {source[position:]!r}")
        op, string, name = match.groups()
        tokens.append(("op", op) if op else ("str", string) if string is not None else ("id", name))
        position = match.end()
    return [*tokens, ("end", "")]


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at]

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.at]
        if value is not None and token[1] != value:
            raise CelError(f"expected {value!r}, got {token[1]!r}")
        self.at += 1
        return token

    def parse(self) -> Any:
        tree = self.or_()
        self.take("")
        return tree

    def or_(self) -> Any:
        tree = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            tree = ("or", tree, self.and_())
        return tree

    def and_(self) -> Any:
        tree = self.relation()
        while self.peek() == ("op", "&&"):
            self.take()
            tree = ("and", tree, self.relation())
        return tree

    def relation(self) -> Any:
        tree = self.unary()
        while self.peek() in {("op", "=="), ("op", "!="), ("id", "in")}:
            op = self.take()[1]
            tree = (op, tree, self.unary())
        return tree

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return ("not", self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        tree = self.primary()
        while self.peek() in {("op", "."), ("op", "[")}:
            if self.take()[1] == "[":
                tree = ("index", tree, self.or_())
                self.take("]")
                continue
            name = self.take()[1]
            if name == "all" and self.peek() == ("op", "("):
                self.take("(")
                variable = self.take()[1]
                self.take(",")
                tree = ("all", tree, variable, self.or_())
                self.take(")")
            else:
                tree = ("select", tree, name)
        return tree

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "str":
            return ("lit", value)
        if value == "(":
            tree = self.or_()
            self.take(")")
            return tree
        if kind == "id" and value == "has":
            self.take("(")
            argument = self.postfix()
            self.take(")")
            if argument[0] != "select":
                raise CelError("has() takes a field selection")
            return ("has", argument[1], argument[2])
        if kind == "id":
            return ("var", value)
        raise CelError(f"unexpected {value!r}")


def _eval(tree: Any, env: dict[str, Any]) -> Any:
    op = tree[0]
    if op == "lit":
        return tree[1]
    if op == "var":
        if tree[1] not in env:
            raise CelError(f"undeclared {tree[1]}")
        return env[tree[1]]
    if op in {"select", "has"}:
        target = _eval(tree[1], env)
        if not isinstance(target, dict):
            raise CelError(f"select {tree[2]} on {type(target).__name__}")
        if op == "has":
            return tree[2] in target
        if tree[2] not in target:
            raise CelError(f"no such key: {tree[2]}")
        return target[tree[2]]
    if op == "index":
        target, key = _eval(tree[1], env), _eval(tree[2], env)
        if key not in target:
            raise CelError(f"no such key: {key}")
        return target[key]
    if op == "all":
        collection = _eval(tree[1], env)
        return all(_eval(tree[3], {**env, tree[2]: item}) for item in collection)
    if op == "not":
        return not _bool(_eval(tree[1], env))
    if op == "and":
        return _bool(_eval(tree[1], env)) and _bool(_eval(tree[2], env))
    if op == "or":
        return _bool(_eval(tree[1], env)) or _bool(_eval(tree[2], env))
    left, right = _eval(tree[1], env), _eval(tree[2], env)
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    return left in right  # "in"


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise CelError(f"no such overload: bool expected, got {value!r}")
    return value


def evaluate(expression: str, **env: Any) -> bool:
    """The value of a boolean CEL `expression` with variables `env`."""
    return _bool(_eval(_Parser(expression).parse(), env))
