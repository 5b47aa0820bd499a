"""Is the database the one these inputs give? Answered before the rest of the pipeline is loaded.

A build first looks at what the last build of the same database recorded in the build cache (its
manifest: the fingerprint of every input file, of the code and of the facts folder's git history, and
the state of the database file it wrote) and at the inputs as they are now. When nothing changed and
the database is still the file that build wrote, there is nothing to do: `timeline build` says so, with
the warnings that build found, without importing the stages that read articles and check facts (a
third of a second of imports against a tenth for the whole answer). Otherwise the look is handed on to
the build (timeline.database.build), which patches the database or writes a new one.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from timeline.core.git import last_commit
from timeline.core.validate import file_warnings
from timeline.database import schema
from timeline.database.cache import Cache, file_state, fingerprint_of, folder_for, input_hashes
from timeline.problems import Problem


@dataclass
class Look:
    """What the last build of a database recorded and what the inputs are now."""
    manifest: dict[str, Any] | None = None  # what the last build of this database recorded, or None
    hashes: dict[str, Any] | None = None  # cache.input_hashes of the inputs now, with the git history's commit
    states: dict[str, list[Any]] | None = None  # each input file's size, times, inode and sha256
    fingerprint: str | None = None  # one hash of the hashes and the code (cache.fingerprint_of)
    history_key: str | None = None  # the last commit that touched the facts folder (core.git.last_commit)
    unchanged: bool = False  # the database is the one these inputs give: nothing to do
    counts: dict[str, int] | None = None  # when unchanged: its facts, entities and sources
    warnings: list[Problem] = field(default_factory=list)  # when unchanged: the warnings its build found


def look(cache: Cache | None, db_path: str, facts_dir: str, sources_dir: str, excerpts: bool = False) -> Look:
    """The Look of the database at `db_path` built from `facts_dir` and `sources_dir` (`excerpts`: a
    build that keeps excerpts only). Without a `cache` nothing is known and the database is never
    taken as up to date."""
    history_key = last_commit(facts_dir)  # the git history is an input too
    if cache is None:
        return Look(history_key=history_key)
    manifest = cache.manifest(db_path)
    hashes, states = input_hashes(facts_dir, sources_dir, known=(manifest or {}).get("states"))
    hashes["history"] = history_key
    fingerprint = fingerprint_of(hashes) + (":excerpts" if excerpts else "")
    found = Look(manifest, hashes, states, fingerprint, history_key)
    if _is_intact(manifest, db_path, fingerprint):
        assert manifest is not None  # (_is_intact is False without one)
        found.unchanged, found.counts = True, manifest["counts"]
        found.warnings = file_warnings(kept_warnings(manifest), facts_dir)
    return found


def up_to_date(db_path: str, facts_dir: str, sources_dir: str, excerpts: bool = False) -> Look:
    """look() with the build cache next to `db_path` opened for it and closed again: what `timeline build`
    asks first. The cache's full check of its own file is left to the build that uses its entries (a
    damaged manifest is one that does not read, and then the build runs)."""
    cache = Cache(folder_for(db_path), check=False)
    try:
        return look(cache, db_path, facts_dir, sources_dir, excerpts)
    finally:
        cache.close(prune=False)


def kept_warnings(manifest: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """{facts file name: its warnings} as the last build kept them ({} from a manifest that kept none)."""
    kept = manifest.get("warnings")
    return kept if isinstance(kept, dict) else {}


def _is_intact(manifest: dict[str, Any] | None, db_path: str, fingerprint: str | None) -> bool:
    """True when `db_path` is the intact database the last build wrote from these inputs (`manifest`:
    what that build recorded, or None)."""
    if not manifest or manifest.get("inputs") != fingerprint or not isinstance(manifest.get("counts"), dict):
        return False
    try:
        if file_state(db_path) != manifest.get("db"):
            return False
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False
    return set(schema.TABLE_ORDER) <= tables
