"""All-or-nothing file imports (a roster, deputies, 12345 orders): the problems of each row,
and the refusal that carries them all. Standard library only: the domain packages that parse
the files use it (pyproject's import rules allow it, as they allow servicekit.push)."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    line: int
    errors: dict[str, str]

    def as_dict(self) -> dict[str, int | dict[str, str]]:
        return {"line": self.line, "errors": self.errors}


class ImportRefused(ValueError):
    """The whole file is refused: `message` says why, `problems` which rows (none: the file)."""

    def __init__(self, message: str, problems: Iterable[RowProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
