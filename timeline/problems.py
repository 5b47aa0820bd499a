"""Problems found in the input: one per line, `path:line: code: message`."""
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, and what to do about it."""

    path: str
    line: int
    code: str
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.code}: {self.message}"


class InputError(Exception):
    """The input has problems; `problems` lists every one of them."""

    def __init__(self, problems):
        self.problems = sorted(problems)
        super().__init__(summary(self.problems))


def summary(problems):
    files = {p.path for p in problems}
    n, m = len(problems), len(files)
    return f"{n} problem{'s' if n != 1 else ''} in {m} file{'s' if m != 1 else ''}"


def report(problems):
    """The lines a person reads: every problem, sorted, then a count."""
    problems = sorted(problems)
    return "\n".join([str(p) for p in problems] + [summary(problems)])
