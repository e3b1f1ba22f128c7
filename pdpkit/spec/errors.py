"""Problems found in a stack file, located by file, line and key path."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a stack file."""

    file: str
    line: int | None
    path: str
    """Dotted key path (``dataplane.network.subnets[0].cidr``)."""
    message: str
    """What is wrong, what was received, what is expected and how to fix it."""

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "path": self.path, "message": self.message}


class SpecError(Exception):
    """A stack that is not valid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.render() for p in problems))
        self.problems = problems
