"""Errors the generator reports to a user: one line each, naming what is wrong, where, and the fix."""

from __future__ import annotations

from dataclasses import dataclass


class GeneratorError(Exception):
    """Base class of every error the command line reports without a traceback."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located precisely enough to fix it.

    Attributes:
        file: The file the problem is in, as the user would type it.
        line: 1-based line number, or None when the file could not be parsed that far.
        field: Path of the field, e.g. ``models[3].commit``; empty for the whole file.
        message: What is wrong and how to fix it.
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InvalidInputError(GeneratorError):
    """An input file (catalogue, lock, site configuration) is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{count}:\n" + "\n".join(f"  {p}" for p in problems))
