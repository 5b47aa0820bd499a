"""A build: check the story, then write timeline.db, reusing what it can.

Three ways to the same database: nothing to do (the inputs and the file are those of the last build),
a patch (only facts files changed: timeline.database.patch replaces their facts in a copy), or a
full build (timeline.database.write). Work that depends on the articles alone comes from the build
cache (timeline.database.cache) or is done in worker processes beside this one.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import os
import shutil
import sqlite3
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from timeline.across import corroboration
from timeline.core import files, memory, workers
from timeline.core.validate import file_warnings, warnings_by_file
from timeline.database import history, patch, uptodate
from timeline.database.cache import SOURCE_TABLES as CACHED_TABLES
from timeline.database.cache import Cache, file_state, folder_for, key_is_kept
from timeline.database.uptodate import Look, kept_warnings
from timeline.database.write import (Staged, disk_message, lock, remove_leftovers, start_database, temp_path, verify,
                                     write)
from timeline.errors import BuildError, InputError, WorkersFailed
from timeline.inputs import articles
from timeline.inputs.facts import dependencies
from timeline.inputs.entities import ENTITIES_FILE, load_entities
from timeline.inputs.sources import digest, handed, load_sources
from timeline.inputs.story import Inputs, Progress, check
from timeline.records import Entity, Fact, Sources
from timeline.text.words import sentence_count


# [(keys, the Future of their similarities)] given to a helper (_compare_beside)
Similar = list[tuple[list[tuple[str, str]], concurrent.futures.Future[list[float]]]]


def build(db_path: str = "timeline.db", facts_dir: str = "facts", sources_dir: str = "sources", wait: float = 30.0,
          progress: Progress | None = None, use_cache: bool = True, excerpts: bool = False,
          jobs: int | None = None, looked: Look | None = None) -> Inputs:
    """Check, then replace `db_path` with a complete new database. Raises InputError or BuildError.

    With `use_cache`, results of earlier builds are reused from .timeline-cache/ next to the database
    (see timeline.cache): when no input changed and the database is the one the last build wrote,
    nothing is done (`inputs.unchanged`). The database is always the one a full build would write.
    `progress(phase, done, total)` is called as the build goes. With `excerpts`, the articles keep
    only their cited sentences and neighbours (for publishing). What depends on each article alone
    is worked out in `jobs` worker processes (None: one per CPU; 1: in this process); the database
    is the same whatever the number. `looked`: what uptodate.up_to_date() found for the same
    arguments a moment ago (not looked at again).
    """
    # Python's cycle collector stays paused for the whole build: it makes millions of objects and no
    # cycles among them, and each full collection walked them all (0.35 s for the manifest alone at
    # 100k facts, about a second a build).
    # Its threads (reading the workers' results, running SQLite's statements) take short turns at
    # Python's lock: see workers.short_turns.
    with memory.no_cycle_collection(freeze=True), workers.short_turns():
        try:
            return _build(db_path, facts_dir, sources_dir, wait, progress, use_cache, excerpts, jobs, looked)
        finally:
            files.removed()  # the old database, replaced (its blocks freed while the manifest was written)


def _build(db_path: str, facts_dir: str, sources_dir: str, wait: float, progress: Progress | None, use_cache: bool,
           excerpts: bool, jobs: int | None, looked: Look | None) -> Inputs:
    db_path = os.path.abspath(db_path)
    cache = Cache(folder_for(db_path), check=False) if use_cache else None  # checked whole before a full build
    # the work begun once the articles are read (corroboration's comparison, start_database)
    started: list[workers.Background | None] = []
    try:
        found = looked if looked is not None and cache is not None \
            else uptodate.look(cache, db_path, facts_dir, sources_dir, excerpts)
        manifest, hashes, states, fingerprint, history_key = \
            found.manifest, found.hashes, found.states, found.fingerprint, found.history_key
        if cache and found.unchanged:
            cache.close(prune=False)
            return Inputs({}, {}, [], [], found.warnings, unchanged=True, counts=found.counts)
        if cache and not excerpts:
            patched = _patch(cache, manifest, db_path, facts_dir, sources_dir, hashes, states, fingerprint, wait)
            if patched:
                cache.close(prune=False)  # the other files' entries were not looked at, but still hold
                return patched
        if cache:
            cache.make_sound()
        with lock(db_path, wait):
            remove_leftovers(db_path)
            tmp = temp_path(db_path)
            helpers: list[workers.Helpers] = []
            early = _early_helpers(cache, sources_dir, facts_dir, jobs, excerpts)
            similar: Similar = []
            staged: list[Staged] = []  # the facts' rows, written while helpers check other files

            def begin(sources: Sources, entities: dict[str, Entity] | None) -> tuple[workers.Helpers | None, int]:
                pending = _compare_sources(sources, cache, jobs)
                started.append(pending)
                held, facts_jobs = _helpers(sources, entities, jobs, excerpts, pending, tmp, similar, early)
                if held:
                    helpers.append(held)
                    staged.append(Staged(tmp + "-facts", sources))
                return held, facts_jobs

            def on_facts(file: str, facts: list[Fact]) -> None:
                if staged:
                    staged[0].add(file, facts)

            try:
                inputs = check(facts_dir, sources_dir, cache=cache, progress=progress, jobs=jobs, parts=articles.PARTS,
                               on_sources=begin, on_facts=on_facts)
                inputs.sentence_pairs = started[0] if started else None
                inputs.similarities = functools.partial(_similar, similar)
                if inputs.problems:
                    raise InputError(inputs.problems)
                written = _started(tmp, helpers)
                for worker in helpers:
                    worker.release()  # done: their memory back before the write (close() waits for them)
                inputs.counts = {"facts": len(inputs.facts), "entities": len(inputs.entities),
                                 "sources": len(inputs.sources)}
                last = (manifest or {}).get("hashes")
                inputs.history = history.rows(facts_dir, history_key, cache,
                                              previous=last.get("history") if isinstance(last, dict) else None)[0]
                if not written and not excerpts:
                    start_database(tmp, inputs.sources)  # as a helper would have: the same bytes
                warnings: dict[str, list[list[Any]]] = {}

                def meanwhile() -> None:  # while SQLite finishes the new file: what the manifest needs, the cache saved
                    warnings.update(inputs.warnings_by_file)
                    if cache:
                        cache.save()

                # corroboration's rows taken from the cache while SQLite indexes the facts (see write)
                write(tmp, inputs, progress, excerpts, started=not excerpts,
                      prepare=functools.partial(_reuse, cache, inputs) if cache else None, meanwhile=meanwhile,
                      staged=staged[0] if staged else None)
                # the file synced to disk while SQLite checks it: putting it in place has little left to do
                workers.beside(functools.partial(files.sync, tmp), lambda _: verify(tmp, jobs))
                files.put_in_place(tmp, db_path)
            except sqlite3.DatabaseError as e:
                raise BuildError(disk_message(e, db_path)) from None
            except OSError as e:
                raise BuildError(disk_message(e, db_path)) from None
            finally:
                for pending in started + helpers + [early]:
                    if pending:  # (not filter(None, ...): mypy joins the two classes to object)
                        pending.close()  # used, or the build failed, or not needed: no worker is left running
                for rows in staged:
                    rows.discard()
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            if cache:
                depends = inputs.depends or dependencies(inputs.sources, inputs.entities)
                cache.put_manifest(db_path, {"inputs": fingerprint, "db": file_state(db_path),
                                             "counts": inputs.counts, "hashes": hashes, "states": states,
                                             "depends": depends, "excerpts": excerpts, "warnings": warnings})
        return inputs
    finally:
        if cache:
            cache.close()


def _helpers(sources: Sources, entities: dict[str, Entity] | None, jobs: int | None, excerpts: bool,
             pending: workers.Background | None, tmp: str, similar: Similar,
             early: workers.Helpers | None = None) -> tuple[workers.Helpers | None, int]:
    """(workers.Helpers holding the sources and entities, or None; the number of processes the facts may
    use). Helpers use the cores beside this one once they are free: at once, or when corroboration's
    comparison of sentences (`pending`) is under way in a worker, as soon as it has finished (its
    worker stopped first: both at once took the peak memory to 1.45 GB at 100k facts); then one of
    them is also given the similarities of the pairs of sources to link (added to `similar`, see
    _compare_beside). With enough sentences, the first writes the database's tables of sources and
    sentences (start_database, into `tmp`), then they share the facts files with this process.
    `early`: helpers that read the sources and entities themselves (_early_helpers), used when no
    comparison is under way (else let go)."""
    n = workers.default_jobs() if jobs is None else jobs
    if excerpts or n < 2 or sum(len(s.sentences) for s in sources.values()) < articles.MIN_BACKGROUND_SENTENCES:
        if early:
            early.close()
        return None, (n - 1 if pending is not None and pending.elsewhere else n)
    if early is not None:
        if pending is None or not pending.elsewhere:
            early.hand(digest(sources, entities), first=(_start_database_held, tmp))
            return early, n
        early.close()
    after = then = None
    if pending is not None and pending.elsewhere:
        after, then = pending.done_elsewhere, functools.partial(_compare_beside, sources, pending, similar)
    try:
        held = workers.Helpers(n - 1, (handed(sources), entities), first=(_start_database_held, tmp),
                               after=after, then=then)
    except WorkersFailed:
        return None, n
    return held, n


# The size of the sources folder from which helpers are started before the articles are read (about as
# many sentences as articles.MIN_BACKGROUND_SENTENCES).
EARLY_HELPERS_BYTES = 2_000_000


def _early_helpers(cache: Cache | None, sources_dir: str, facts_dir: str, jobs: int | None,
                   excerpts: bool) -> workers.Helpers | None:
    """Helpers started before this process reads the articles, each reading the sources and entities
    itself (_read_held), while this one does: when the build cache holds the sentences of about every
    article (so reading them is quick in both processes) and there are enough to need helpers. Handed
    the sources once this process had read them (pickled in 0.3 s at 10,000 articles, read back in
    0.25 s, by a worker that took 0.35 s to start), a helper finished its first facts file 1.1-1.3 s
    later than it does now, in the wire shape at 100,000 facts. A worker that read anything otherwise
    than this process (a file changed between the two readings) takes no task (workers.Helpers,
    made=). None when not worth it."""
    n = workers.default_jobs() if jobs is None else jobs
    known = cache.count("sentences") if cache is not None and not excerpts and n >= 2 else 0
    if cache is None or not known or not key_is_kept():  # (a helper could not read this process's entries)
        return None
    count = size = 0
    for _, full in files.walk(sources_dir):  # (0.02 s for 10,000 articles)
        with contextlib.suppress(OSError):
            size += os.stat(full).st_size
            count += 1
    if size < EARLY_HELPERS_BYTES or 2 * known < count:
        return None  # (the folder holds each article's text, and the original of some)
    try:
        return workers.Helpers(n - 1, made=(_read_held, (sources_dir, facts_dir, cache.folder)))
    except WorkersFailed:
        return None


def _read_held(sources_dir: str, facts_dir: str, folder: str) -> tuple[tuple[Sources, dict[str, Entity]] | None, str]:
    """In an early helper (_early_helpers): (the sources and entities as the build reads them, handed,
    their digest); the articles' sentences and signals are read from the build cache, never written
    there (what it lacks is worked out here), and the originals are not read again."""
    cache = Cache(folder, check=False, read_only=True)
    try:
        sources, problems = load_sources(sources_dir, cache=cache, jobs=1, parts=("sentences", "signals"),
                                         originals=False)
    finally:
        cache.close()
    entities, more = load_entities(facts_dir, os.path.join(facts_dir, ENTITIES_FILE))
    if sources is None or entities is None or problems or more:
        return None, "problems"
    return (handed(sources), entities), digest(sources, entities)


def _compare_beside(sources: Sources, pending: workers.Background, similar: Similar,
                    pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Once the helpers have started (corroboration's comparison is done): give them the similarity of
    every pair of sources to link (corroboration.similarities: their 4-word sequences compared, 1.9 s
    at 100,000 facts of the wire shape), which this process would otherwise work out after the facts'
    check, one core busy. (keys, its Future) is added to `similar`; links() uses it through _similar."""
    pairs = pending.sent()
    if pairs is None:
        return
    keys = corroboration.link_keys(pairs, corroboration.declared_reasons(sources))
    with contextlib.suppress(RuntimeError):  # the helpers were let go meanwhile: worked out here
        similar.append((keys, pool.submit(_similarities_held, keys)))


def _similarities_held(keys: list[tuple[str, str]]) -> list[float]:
    """corroboration.similarities in a workers.Helpers worker holding (sources, entities)."""
    return corroboration.similarities(workers.held()[0], keys)


def _similar(similar: Similar, keys: list[tuple[str, str]]) -> list[float] | None:
    """The similarities of `keys` a helper worked out (see _compare_beside), or None: none was asked for
    these keys, or the helper could not (it was let go before it began, or it failed)."""
    for asked, future in similar:
        if asked == keys:
            try:
                return future.result()
            except Exception:  # (let go first, the helper died, ...): worked out here, and fails here if it must
                return None
    return None


def _start_database_held(tmp: str) -> None:
    """start_database in a workers.Helpers worker holding (sources, entities)."""
    start_database(tmp, workers.held()[0])


def _started(tmp: str, helpers: list[workers.Helpers]) -> bool:
    """True when start_database finished in a helper; False when none ran it (none started in time, or
    the one that had it died: then nothing of what it wrote is left), and it is to be run here."""
    if not helpers or helpers[0].take_first() or helpers[0].first is None:
        return False
    try:
        helpers[0].first.result()
        return True
    except (BrokenProcessPool, workers.HeldDiffers):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        return False


def _compare_sources(sources: Sources, cache: Cache | None, jobs: int | None) -> workers.Background | None:
    """Start corroboration's comparison of the articles' sentences in a worker, to run while this process
    reads the facts (None when the cache holds its result)."""
    if cache is not None and cache.has_source_rows(sources):
        return None
    size = sum(sentence_count(s.words) for s in sources.values())
    pending = articles.in_background(corroboration.sentence_pairs, lambda: (corroboration.compared(sources),), size,
                                     jobs)
    if pending.elsewhere:
        articles.drop_words(sources)  # sent (less memory while the facts are read); made again if the worker fails
    return pending


def _patch(cache: Cache, manifest: dict[str, Any] | None, db_path: str, facts_dir: str, sources_dir: str,
           hashes: dict[str, Any] | None, states: dict[str, list[Any]] | None, fingerprint: str | None,
           wait: float) -> Inputs | None:
    """Inputs(patched=[names]) when the new database could be made by patching a copy of the old one
    (see timeline.patch), or None: then a full build runs (and reports any problem)."""
    if not manifest or hashes is None or manifest.get("excerpts") is not False \
            or not isinstance(manifest.get("counts"), dict) or not isinstance(manifest.get("depends"), str):
        return None
    names = patch.changed_files(manifest, hashes)  # [] when only the git history changed
    if names is None:
        return None
    changed = [files.story_path(os.path.join(facts_dir, name), facts_dir) for name in names]
    try:
        if file_state(db_path) != manifest.get("db"):
            return None
        with lock(db_path, wait):
            if file_state(db_path) != manifest.get("db"):
                return None  # another build replaced it meanwhile
            remove_leftovers(db_path)
            tmp = temp_path(db_path)

            def copy() -> None:  # the copy to patch, made and synced to disk while the changed files are read
                shutil.copyfile(db_path, tmp)
                files.sync(tmp)

            def read(_: object) -> tuple[list[Fact], patch.RecordedSources]:
                conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
                try:
                    found = patch.read_changed(conn, facts_dir, sources_dir, names, cache, manifest["depends"])
                    if names:
                        patch.check_across(conn, facts_dir, changed, found[0])
                    return found
                finally:
                    conn.close()

            try:
                # (the copy and its sync: 0.3 s at 100,000 facts, a 324 MB file, beside 0.6 s of reading)
                new, sources = workers.beside(copy, read)
                revisions = None
                if hashes["history"] != manifest["hashes"].get("history"):
                    rows, commits = history.rows(facts_dir, hashes["history"], cache,
                                                 previous=manifest["hashes"].get("history"))
                    revisions = (rows, history.changed_facts(rows, commits, manifest["hashes"].get("history")))
                n_facts = patch.apply(tmp, new, changed, sources, revisions)
                files.put_in_place(tmp, db_path)  # (only the patch's own pages are left to sync)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            counts = dict(manifest["counts"], facts=n_facts)
            # the warnings of the files not read again are those the last build kept; the changed files' are new
            warnings = {name: found for name, found in kept_warnings(manifest).items() if name not in names}
            warnings.update(warnings_by_file(new))
            cache.put_manifest(db_path, dict(manifest, inputs=fingerprint, db=file_state(db_path),
                                             counts=counts, hashes=hashes, states=states, warnings=warnings))
    except BuildError:
        raise  # another build holds the lock: say so, as a full build would
    except Exception:  # noqa: BLE001 - anything unforeseen: the full build is always right, and says what is wrong
        return None
    return Inputs({}, {}, [], [], file_warnings(warnings, facts_dir), counts=counts, patched=names)


def _reuse(cache: Cache, inputs: Inputs) -> None:
    """Take from the cache what depends on the sources alone: the corroboration tables."""
    kept = cache.source_rows(inputs.sources, CACHED_TABLES,
                             lambda: corroboration.without_members(corroboration.rows(inputs)))
    inputs.reused_rows[corroboration.__name__] = corroboration.from_cache(kept)
