"""``Problem``: one thing wrong with a source file, what every check returns.

Every problem carries a stable ``code`` from the catalogue (``aigov/checks/catalogue.py``,
listed in ``docs/data-dictionary.md``): the kind of problem, for people who look it up and for
tools that count or filter them. Contributors read the message; the code is printed after it,
in brackets.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source file; ``line`` and ``column`` are 1-based."""

    path: str
    line: int
    column: int
    field: str
    message: str
    code: str

    @property
    def text(self) -> str:
        """What is wrong, without where: ``field: message [code]``."""
        said = f"{self.field}: {self.message}" if self.field else self.message
        return f"{said} [{self.code}]"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.text}"
