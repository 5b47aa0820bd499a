"""Every exception timeline raises on purpose: one family, so a caller catches the level it means.

    TimelineError                   anything timeline raises on purpose
    ├── InputError                  the story's files have problems: `.problems` lists every one
    ├── BuildError                  the database could not be written (disk, permissions, another build)
    ├── DateError (ValueError)      a date or date phrase that cannot be read
    ├── SourceRefused               add-source will not add this page, file or URL (nothing was written)
    │   └── ArchiveError            a WARC that cannot be read, a URL that cannot be fetched
    ├── SiteError                   the site cannot be served or published as asked
    │   ├── BadRequest              an export's parameter it cannot use (HTTP 400)
    │   └── ResultTooLarge          a query's rows are larger than the site serves (sqlite3.OperationalError)
    ├── StoryExists                 `timeline init` would overwrite files
    ├── GitUnavailable              no git, or the facts folder has no commits
    └── InternalError               met and handled inside timeline; never reaches a user as such
        ├── FileProblem             a line of a file that is wrong: `.line`, `.code`, `.message`
        │   ├── YamlProblem         a file that cannot be read as our kind of YAML
        │   └── QuoteProblem        a quote that cannot be placed in its article
        ├── Unreadable              a file in an input folder that cannot be read as one: `.reason`
        ├── WorkersFailed           the worker processes could not do the work
        │   └── HeldDiffers         a helper read the inputs otherwise than the build: its work is done here
        └── PatchFallback           an incremental rebuild cannot be made safely: a full build runs

The messages a user sees keep one shape, `path:line: code: what to do` for the input's problems
(timeline.problems) and one sentence saying what to do for everything else. The command line
(timeline.cli) turns each of these into its message and exit status; the library never prints or
exits.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from timeline.problems import Problem, summary


class TimelineError(Exception):
    """Anything timeline raises on purpose."""


class InputError(TimelineError):
    """The input has problems; `problems` lists every one of them, sorted."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__(summary(self.problems))


class BuildError(TimelineError):
    """The build could not write the database (disk, permissions, another build)."""


class DateError(TimelineError, ValueError):
    """A date or date phrase the build cannot read; the message says what to write instead."""


class SourceRefused(TimelineError):
    """add-source will not add the input; the message says why and what to do. Nothing was written."""


class ArchiveError(SourceRefused):
    """A WARC that cannot be read, or a URL that cannot be fetched: the message says why, in one line."""


class SiteError(TimelineError):
    """The site cannot be served or published as asked (a story's metadata.json, the database's name)."""


class BadRequest(SiteError):
    """A parameter an export cannot use; the message says what to write instead."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class ResultTooLarge(SiteError, sqlite3.OperationalError):
    """A query's rows hold more than the site serves (Datasette shows it as a query error)."""


class StoryExists(TimelineError):
    """The folder already holds files a new story would overwrite; args[0] lists them."""


class GitUnavailable(TimelineError):
    """git is not installed, or the folder is not in a repository with commits."""


class InternalError(TimelineError):
    """Met and handled inside timeline: turned into a problem, a fallback or a message before a user sees it."""


class FileProblem(InternalError):
    """One thing wrong at a line of a file, with its problem code (turned into a Problem by the reader)."""

    def __init__(self, line: int, code: str, message: str):
        self.line, self.code, self.message = line, code, message
        super().__init__(message)


class YamlProblem(FileProblem):
    """A file that cannot be read as our kind of YAML."""


class QuoteProblem(FileProblem):
    """A quote that cannot be placed in its article (`line` is 0: the caller knows the citation's line)."""

    def __init__(self, code: str, message: str):
        super().__init__(0, code, message)


class Unreadable(InternalError):
    """A file in an input folder that cannot be read as one; `reason` says why, for a person."""

    def __init__(self, reason: str, size: int | None = None):
        self.reason, self.size, self.too_large = reason, size, size is not None
        super().__init__(reason)


class WorkersFailed(InternalError):
    """The worker processes could not do the work."""


class HeldDiffers(WorkersFailed):
    """A helper that read its inputs itself read them otherwise than the build did: its tasks are done here."""


class PatchFallback(InternalError):
    """The patch cannot be made safely: do a full build."""
