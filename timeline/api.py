"""The Python API: what the `timeline` command does, as functions (docs/api.md).

A story is a folder holding `facts/`, `sources/` and (after a build) `timeline.db`; every function
takes it as its first argument, and its folders can be given one by one instead. Nothing here
prints or exits: problems come back as values (`check`) or as exceptions of the TimelineError
family (timeline.errors).

    >>> import timeline
    >>> inputs = timeline.check("my-story")
    >>> [str(p) for p in inputs.problems]
    []
    >>> timeline.build("my-story").counts
    {'facts': 2, 'entities': 1, 'sources': 1}
"""
from __future__ import annotations

import functools
import os

from timeline.database import build as database_build
from timeline.ingest import archive
from timeline.ingest.add_source import OVERRIDES, Added
from timeline.ingest.add_source import add_source as add_to_story
from timeline.inputs.story import Inputs, Progress
from timeline.inputs.story import check as check_story
from timeline.new_story import create
from timeline.text import dates
from timeline.text.dates import Resolved


def _folder(story: str | os.PathLike[str], given: str | os.PathLike[str] | None, name: str) -> str:
    return os.fspath(given) if given is not None else os.path.join(os.fspath(story), name)


def check(story: str | os.PathLike[str] = ".", *, facts: str | None = None, sources: str | None = None,
          jobs: int | None = None) -> Inputs:
    """Read and check every fact, source and quote of the story in the folder `story`.

    Returns the checked story (`Inputs`): `.facts` (a list of Fact dicts), `.sources` ({id: Source}),
    `.entities` ({id: Entity}) and `.problems`, every problem found (timeline.problems.Problem: path,
    line, code, message), sorted; an empty list means the story checks. Problems are never raised.
    `facts` and `sources` name the folders when they are not `story`/facts and `story`/sources; the
    articles are read in `jobs` processes (default: one per CPU)."""
    inputs = check_story(_folder(story, facts, "facts"), _folder(story, sources, "sources"), jobs=jobs)
    inputs.problems = sorted(inputs.problems)
    return inputs


def build(story: str | os.PathLike[str] = ".", db: str | os.PathLike[str] | None = None, *, facts: str | None = None,
          sources: str | None = None, excerpts: bool = False, jobs: int | None = None, use_cache: bool = True,
          wait: float = 30.0, progress: Progress | None = None) -> Inputs:
    """Check the story, then write its database (`db`, default `story`/timeline.db) in one step.

    Raises InputError (`.problems` lists every problem; nothing is written, the old database stays as
    it was) or BuildError (the disk, permissions, another build holding the lock past `wait` seconds).
    Returns the checked story with `.counts` ({"facts": n, "entities": n, "sources": n}), and
    `.unchanged` (nothing needed writing) or `.patched` (the facts files whose facts were replaced)
    when the build cache made a full build unnecessary. `excerpts`: keep only the cited sentences and
    their neighbours of each article, to publish. `progress(phase, done, total)` is called as it goes."""
    db_path = os.fspath(db) if db is not None else os.path.join(os.fspath(story), "timeline.db")
    return database_build.build(db_path, _folder(story, facts, "facts"), _folder(story, sources, "sources"),
                                wait=wait, progress=progress, use_cache=use_cache, excerpts=excerpts, jobs=jobs)


def add_source(story: str | os.PathLike[str], path_or_url: str, *, id: str | None = None, record: str | None = None,
               sources: str | None = None, allow_private_addresses: bool = False, **overrides: str | None) -> Added:
    """Add a saved page (.html), a WARC, a text file or an http(s) URL to the story as a new source.

    The original is stored byte for byte beside its extracted text, and an entry with both sha256s,
    the metadata found (outlet, title, author, published, url) and the evidence for each is appended
    to sources.yaml. `overrides` (outlet=, title=, author=, published=, url=) replace what the page
    says (and based_on=, court=, case_name=, docket_number=, document_number=, date_filed=: add_source.OVERRIDES;
    based_on="" records none); `id` names the source (default: from the outlet and title); `record` picks one response of
    a WARC by its address. A URL on a loopback, private or link-local address is refused unless
    `allow_private_addresses`. Returns what was written and found (`Added`); raises SourceRefused, with
    nothing written, when the input cannot be added."""
    unknown = sorted(set(overrides) - set(OVERRIDES))
    if unknown:
        raise TypeError(f"add_source() got unexpected keyword arguments: {', '.join(unknown)}")
    fetch = functools.partial(archive.fetch, allow_private=True) if allow_private_addresses else None
    return add_to_story(path_or_url, _folder(story, sources, "sources"), source_id=id, overrides=overrides,
                        record=record, fetch=fetch)


def resolve_date(phrase: str, published: str, context: str | None = None, direction: str | None = None) -> Resolved:
    """How the build resolves a date phrase ("on Monday", "last month", "the first quarter", "7:50 p.m. ET",
    "about 1990") of an article published on `published` (YYYY-MM-DD, or a datetime with its offset),
    never against today.

    Returns `Resolved`: `.start` and `.end` (datetime.date, the period's first and last day),
    `.precision` (time, day, week, month, quarter, season, half, year or decade), `.qualifier`
    (approximate, before, after or None), `.time` (at precision time: '19:50-04:00'), `.label`
    ("26 March 2025"), `.edtf` ("2025-03-26"), `.basis` (how it was worked out, in words) and
    `.guess`: None when the phrase, its clause or `direction` decided whether it points back or ahead,
    else the warning `timeline check` prints, naming the other reading. `context` is the sentence the
    phrase comes from (the phrase's own clause in it can decide); `direction` ("past" or "future")
    decides it outright. Raises DateError, saying what to write instead, when the phrase cannot be read."""
    return dates.resolve_phrase(phrase, published, direction=direction, context=context)


def init(folder: str | os.PathLike[str] = ".", title: str | None = None) -> list[str]:
    """Start a new story in `folder`: facts/, sources/, metadata.json, the JSON Schemas, a .gitignore
    and a README; `check` passes in it at once. Returns the paths written. Raises StoryExists, writing
    nothing, when any of those files is there already."""
    return create(os.fspath(folder), title)
