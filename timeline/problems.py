"""Problems found in the input: one per line, `path:line: code: message`, sorted, then a count.

A warning has the same shape: something a person should look at (a date that was a guess, a speaker
the cited words do not name) that does not stop a build. `timeline check` and `timeline build` print
the warnings after the problems, with their own count."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, and what to do about it."""

    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code}: {self.message}"


def summary(problems: Iterable[Problem], what: str = "problem") -> str:
    """'2 problems in 1 file' ('1 warning in 1 file' with what="warning")."""
    problems = list(problems)
    files = {p.path for p in problems}
    n, m = len(problems), len(files)
    return f"{n} {what}{'s' if n != 1 else ''} in {m} file{'s' if m != 1 else ''}"


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """`problems` sorted by path, line, code and message: as sorted() orders them, by their fields
    compared as one tuple rather than pair by pair (four times quicker: a build may say 30,000 warnings)."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.code, p.message))


def report(problems: Iterable[Problem], what: str = "problem") -> str:
    """The lines a person reads: every problem (or warning), sorted, then a count."""
    problems = in_order(problems)
    return "\n".join([str(p) for p in problems] + [summary(problems, what)])
