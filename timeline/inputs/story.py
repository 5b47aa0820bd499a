"""A whole story read and checked: the sources and their articles, the entities, every facts file, and
the curator's set-aside and resolutions files. `check()` gives `Inputs`, what every later stage reads."""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from timeline.core import files, workers
from timeline.core.validate import display_path, file_warnings, warnings_by_file
from timeline.inputs import curation
from timeline.inputs.articles import BuildCache, Progress  # Progress: progress(phase, done, total)
from timeline.inputs.entities import ENTITIES_FILE, load_entities
from timeline.inputs.facts import SET_ASIDE_FILE, OnFacts, dependencies, load_facts
from timeline.inputs.sources import load_sources
from timeline.problems import Problem
from timeline.records import Entity, Fact, Row, Sources
from timeline.text import quotes

# on_sources(sources, entities) -> (workers.Helpers holding them or None, the number of processes the facts may use)
OnSources = Callable[[Sources, dict[str, Entity] | None], tuple[workers.Helpers | None, int | None]]


@dataclass
class Inputs:
    """A story as checked: every source, entity and fact that passed its checks, and every problem.
    A build adds what it did (`unchanged`, `patched`, `counts`) and what it computed on the way."""

    sources: Sources
    entities: dict[str, Entity]
    facts: list[Fact]
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)  # what to look at that does not stop a build
    set_aside: list[Row] = field(default_factory=list)
    resolutions: list[Row] = field(default_factory=list)
    unchanged: bool = False  # the database already held exactly these inputs: nothing was written
    patched: list[str] | None = None  # the facts files whose facts were replaced in a copy of the last database
    counts: dict[str, int] | None = None  # {"facts": n, "entities": n, "sources": n}
    reused_rows: dict[str, dict[str, list[Row]]] = field(default_factory=dict)  # {module: {table: rows}} from the cache
    history: list[Row] = field(default_factory=list)  # fact_history rows (timeline.database.history)
    sentence_pairs: workers.Background | None = None  # corroboration's comparison, under way in a worker
    # corroboration's similarities of the pairs to link, worked out by a helper: keys -> the list, or None
    similarities: Callable[[list[tuple[str, str]]], list[float] | None] | None = None
    depends: str | None = None  # what the checked facts depend on besides their files (facts.dependencies)
    # the facts' warnings as the manifest keeps them (validate.warnings_by_file), worked out once by check()
    warnings_by_file: dict[str, list[list[Any]]] = field(default_factory=dict)


def check(facts_dir: str = "facts", sources_dir: str = "sources", relative_to: str | None = None,
          cache: BuildCache | None = None, progress: Progress | None = None, jobs: int | None = None,
          parts: tuple[str, ...] = ("sentences",), on_sources: OnSources | None = None,
          on_facts: OnFacts | None = None) -> Inputs:
    """Read and check every input; problems are collected, never raised. Each article's `parts`
    (timeline.inputs.articles) are worked out in `jobs` processes (None: one per CPU), and the facts
    files are shared with worker processes when there are many. `cache` is a
    timeline.database.cache.Cache. `on_sources(sources, entities)` is called once the articles and
    entities are read without a problem, before the facts; it returns (workers.Helpers holding them
    or None, the number of processes the facts may use). `on_facts`: see load_facts."""
    sources, problems = load_sources(sources_dir, relative_to, cache=cache, progress=progress, jobs=jobs, parts=parts)
    if not os.path.isdir(facts_dir):
        problems.append(Problem(display_path(facts_dir, relative_to), 1, "missing-file",
                                "the facts folder does not exist: create it and add entities.yaml and a facts file"))
        return Inputs(sources or {}, {}, [], problems)
    entities, more = load_entities(
        facts_dir, display_path(os.path.join(facts_dir, ENTITIES_FILE), relative_to))
    problems += more
    helpers, facts_jobs = None, jobs
    if on_sources and sources and not problems:
        helpers, facts_jobs = on_sources(sources, entities)
    depends = dependencies(sources, entities) \
        if cache is not None and sources is not None and entities is not None else None
    # None (a file that could not be read) makes the facts skip checks against it: no cascade of errors.
    facts, more = load_facts(facts_dir, sources, entities, relative_to, cache=cache, progress=progress,
                             jobs=facts_jobs, helpers=helpers, depends=depends, on_facts=on_facts)
    problems += more
    # Cross-checks wait for the inputs they need to be whole: otherwise a broken sources.yaml, or one
    # fact with a typo, would be reported again as every set-aside source or resolved topic it hides.
    set_aside: list[Row] = []
    resolutions: list[Row] = []
    if sources is not None:
        aside_path = os.path.join(facts_dir, SET_ASIDE_FILE)
        set_aside, more = curation.load_set_aside(aside_path, display_path(aside_path, relative_to), sources,
                                                  files.story_path(aside_path, facts_dir))
        problems += more
    if not problems:
        resolutions, more = curation.load_resolutions(facts_dir, facts, relative_to)
        problems += more
    quotes.forget()  # set-aside quotes were matched too
    by_file = warnings_by_file(facts)
    return Inputs(sources or {}, entities or {}, facts, problems, file_warnings(by_file, facts_dir, relative_to),
                  set_aside, resolutions, depends=depends, warnings_by_file=by_file)
