"""timeline: a source-linked event timeline and fact database.

Curated YAML facts are checked against the exact words of the articles they cite and loaded into
SQLite for Datasette. The Python API (docs/api.md):

    import timeline

    inputs = timeline.check("my-story")          # every problem, never raised
    timeline.build("my-story")                   # writes my-story/timeline.db, or raises InputError
    timeline.add_source("my-story", "page.html") # a saved page, a WARC, a text file or a URL
    timeline.resolve_date("on Monday", "2025-03-26")

Errors are one family (timeline.errors): catch TimelineError for all of them.

`import timeline` loads none of the stages: the names below are loaded on first use (PEP 562). Worker
processes are started fresh and import only the module of their task, and every such import runs this
file first: with the API imported here, each of them would load every stage (about 0.15 s a process).
"""
import importlib
from typing import TYPE_CHECKING, Any

_API = {"check": "timeline.api", "build": "timeline.api", "add_source": "timeline.api", "resolve_date": "timeline.api",
        "init": "timeline.api", "Inputs": "timeline.inputs.story", "Resolved": "timeline.text.dates",
        "Added": "timeline.ingest.add_source", "Problem": "timeline.problems", "TimelineError": "timeline.errors",
        "InputError": "timeline.errors", "BuildError": "timeline.errors", "DateError": "timeline.errors",
        "SourceRefused": "timeline.errors", "ArchiveError": "timeline.errors", "SiteError": "timeline.errors",
        "StoryExists": "timeline.errors", "GitUnavailable": "timeline.errors"}

__all__ = sorted([*_API, "__version__"])

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from timeline.api import add_source, build, check, init, resolve_date
    from timeline.errors import (ArchiveError, BuildError, DateError, GitUnavailable, InputError, SiteError,
                                 SourceRefused, StoryExists, TimelineError)
    from timeline.ingest.add_source import Added
    from timeline.inputs.story import Inputs
    from timeline.problems import Problem
    from timeline.text.dates import Resolved


def __getattr__(name: str) -> Any:
    """The API's names, each loaded from its module the first time it is asked for."""
    if name == "__version__":  # pyproject.toml's, as installed
        # imported here: it takes longer to import than all that a build with nothing to do needs
        import importlib.metadata as metadata

        return metadata.version("timeline")
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'timeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
