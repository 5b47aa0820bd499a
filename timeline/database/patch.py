"""A rebuild after a few facts files changed: patch a copy of the last database instead of writing it all.

Used by `timeline build` when only facts files changed since the last build of this database (the
same sources, entities.yaml, set-aside.yaml, resolutions.yaml and code, no --excerpts) and the
database is the intact file that build wrote (timeline.cache's manifest). Then:

- the changed files are read and checked exactly as in a full build, against the sources and entities
  the old database records (they did not change); an article is read only when a changed fact cites it;
- fact ids across files and the resolutions are checked against the other files' facts in the old
  database;
- in a copy of the old database, the changed files' facts leave and come back: their rows in facts,
  citations, fact_entities, fact_origins, scheduled_facts, date_conflicts and the facts' full-text index; the
  disagreements of every topic a changed fact leaves or joins are recomputed from all its facts, and
  quote alignments for the pairs that involve a changed fact (a pair of two unchanged facts cannot
  have changed), the others' data read from the old database;
- SQLite checks every foreign key when the patch commits, `PRAGMA quick_check` checks the structure
  of every table it wrote to and their indexes (the other pages are byte for byte those of the file
  the last build checked), and the copy replaces the old file as a full build's file does.

Anything out of the ordinary (a problem in a changed file, an id used twice, a resolution that no
longer holds, a cited article that is not as recorded) raises PatchFallback, and timeline.database.build then runs
the full build, which reports it exactly as it always has. The patched database holds the same rows as a full build
(tests/test_patch.py compares every table and view, and full-text answers, after many kinds of edit);
only SQLite's internal rowids of the changed rows differ, and no page or view shows those.
"""
from __future__ import annotations

import collections.abc
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from timeline.across import conflicts, variants
from timeline.core import files
from timeline.core.validate import Checker, display_path
from timeline.database import schema
from timeline.database.cache import Cache
from timeline.database.rows import fact_tables
from timeline.database.write import insert, run_checks
from timeline.errors import DateError, PatchFallback
from timeline.inputs import curation, dating, facts
from timeline.inputs.entities import ENTITY_KEYS
from timeline.inputs.facts import RESOLUTIONS_FILE, file_key, is_facts_file
from timeline.inputs.sources import SOURCE_KEYS, paginate, read_text
from timeline.records import DEFAULT_LANGUAGE, Entity, Fact, Row, Source
from timeline.text import dates, quotes

# Past this share of the facts files changed, a full build is about as quick and is the simpler path.
MAX_SHARE = 0.5

# The tables a patch writes to (and the facts' full-text index).
PATCHED_TABLES = ("facts", "citations", "fact_entities", "fact_origins", "scheduled_facts", "date_conflicts",
                  "fact_disagreements", "quote_alignments", "fact_history")

FACT_FIELDS = ("id", "kind", "title", "value", "value_qualifier", "unit", "value_per", "topic",
               "date_start", "date_end", "date_label")


def changed_files(manifest: dict[str, Any], hashes: dict[str, Any]) -> list[str] | None:
    """Names of the facts files that changed (added, edited or removed) since the manifest's build ([]
    when only the git history did: new commits), or None when something else changed or too much did."""
    old = manifest.get("hashes")
    if not isinstance(old, dict) or old.get("sources") != hashes["sources"] \
            or old.get("facts_folder") != hashes["facts_folder"] or not isinstance(old.get("facts"), dict):
        return None
    before, now = old["facts"], hashes["facts"]
    changed = sorted(name for name in set(before) | set(now) if before.get(name) != now.get(name))
    if not all(is_facts_file(name) for name in changed):
        return None
    if not changed and old.get("history") == hashes.get("history"):
        return None
    if len(changed) > max(1, MAX_SHARE * sum(1 for name in now if is_facts_file(name))):
        return None
    return changed


class RecordedSources(collections.abc.Mapping[str, Source]):
    """The sources as the old database records them; an article's text and sentences are read (and its
    bytes checked against its sha256) only when asked for."""

    def __init__(self, conn: sqlite3.Connection, sources_dir: str, cache: Cache) -> None:
        self.root = os.path.dirname(os.path.abspath(sources_dir))  # source paths start from here
        self.cache = cache
        self.rows = {row[0]: row for row in conn.execute(f"SELECT {', '.join(SOURCE_KEYS)} FROM sources")}
        self.loaded: dict[str, Source] = {}

    def __getitem__(self, sid: str) -> Source:
        if sid not in self.loaded:
            recorded = dict(zip(SOURCE_KEYS, self.rows[sid]))
            try:
                published = dates.parse_published(recorded["published"]) if recorded["published"] else None
            except DateError:
                raise PatchFallback(f"source {sid}: its publication date cannot be read") from None
            recorded["page_labels"] = json.loads(recorded["page_labels"]) if recorded["page_labels"] else None
            source = Source(**recorded, published_date=published)
            checker = Checker("sources.yaml")
            # The last build checked this path (inside the sources folder) and nothing there changed since.
            read_text(source, os.path.join(self.root, source.path), checker, self.cache)
            paginate(source)
            if checker.problems or not source.text:
                raise PatchFallback(f"source {sid} is not as recorded")
            self.loaded[sid] = source
        return self.loaded[sid]

    def languages(self) -> dict[str, str]:
        """{source id: its language} as recorded, without reading any article (variants.pairs takes them)."""
        where = SOURCE_KEYS.index("language")
        return {sid: row[where] or DEFAULT_LANGUAGE for sid, row in self.rows.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.rows))

    def __len__(self) -> int:
        return len(self.rows)


def read_changed(conn: sqlite3.Connection, facts_dir: str, sources_dir: str, names: list[str], cache: Cache,
                 depends: str, relative_to: str | None = None) -> tuple[list[Fact], RecordedSources]:
    """(new facts, sources) for the changed files, checked as a full build checks them; raises PatchFallback."""
    sources = RecordedSources(conn, sources_dir, cache)
    columns = ENTITY_KEYS + ("aliases", "file", "line")
    entities = {row[0]: cast(Entity, dict(zip(columns, row), aliases=json.loads(row[4]) if row[4] else []))
                for row in conn.execute(f"SELECT {', '.join(columns)} FROM entities")}  # the columns are an Entity's
    try:
        return _read_changed(facts_dir, names, cache, depends, relative_to, sources, entities), sources
    finally:
        quotes.forget()


def _read_changed(facts_dir: str, names: list[str], cache: Cache, depends: str, relative_to: str | None,
                  sources: RecordedSources, entities: Mapping[str, Entity]) -> list[Fact]:
    new: list[Fact] = []
    for name in names:
        path = os.path.join(facts_dir, name)
        if not os.path.exists(path):
            continue  # removed: its facts only leave
        checker = Checker(display_path(path, relative_to))
        pairs = list(facts.read_file(path, checker, sources, entities))
        if checker.problems:
            raise PatchFallback(f"{name} has problems")
        key = file_key(path, depends)
        if key:
            cache.put_facts(key, pairs)
        file = files.story_path(path, facts_dir)
        for fact, _ in pairs:
            fact["file"] = file
            new.append(fact)
    return new


def check_across(conn: sqlite3.Connection, facts_dir: str, changed: list[str], new: list[Fact],
                 relative_to: str | None = None) -> None:
    """Fact ids are unique across changed and every resolution still holds; raises PatchFallback otherwise."""
    marks = ", ".join("?" * len(changed))
    others = conn.execute(f"SELECT id, topic FROM facts WHERE file NOT IN ({marks})", changed).fetchall()
    seen = {fid.casefold() for fid, _ in others}
    for fact in new:
        folded = fact["id"].casefold()
        if folded in seen:
            raise PatchFallback(f"fact id {fact['id']} is used twice")
        seen.add(folded)
    if os.path.exists(os.path.join(facts_dir, RESOLUTIONS_FILE)):
        everything: list[Fact] = [{"id": fid, "topic": topic} for fid, topic in others]
        everything += new
        resolutions, problems = curation.load_resolutions(facts_dir, everything, relative_to)
        recorded = [dict(zip(("topic", "stands", "reason", "file", "line"), row)) for row in conn.execute(
            "SELECT topic, stands, reason, file, line FROM resolutions ORDER BY rowid")]
        if problems or resolutions != recorded:
            raise PatchFallback("the resolutions no longer hold")


def apply(path: str, new: Iterable[Fact], changed: list[str], sources: RecordedSources,
          history: tuple[list[Row], set[str] | None] | None = None) -> int:
    """Patch the database copy at `path`: the facts of `changed` (repository paths) leave, `new` come in.
    `history`: (fact_history rows, the fact ids whose rows changed, or None for all), after new commits."""
    new = sorted(new, key=lambda f: f["id"])
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a failed patch deletes the copy: nothing to roll back
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN")
        conn.execute("PRAGMA defer_foreign_keys = ON")  # checked at COMMIT: a fact may leave and come back
        conn.execute("CREATE TEMP TABLE gone (id TEXT PRIMARY KEY)")
        conn.execute(f"INSERT INTO gone SELECT id FROM facts WHERE file IN ({', '.join('?' * len(changed))})", changed)
        conn.execute("CREATE TEMP TABLE added (id TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO added VALUES (?)", [(f["id"],) for f in new])
        topics = {t for (t,) in conn.execute("SELECT DISTINCT topic FROM facts WHERE id IN (SELECT id FROM gone)")}
        topics |= {f["topic"] for f in new}
        topics.discard(None)
        # A topic's disagreements are those of all its facts together: every touched topic is recomputed.
        conn.executemany("DELETE FROM fact_disagreements WHERE topic = ?", [(t,) for t in sorted(topics)])
        translated = ", ".join(schema.FTS["citations"])  # the citations' full-text index follows its rows
        conn.execute(f"INSERT INTO citations_fts (citations_fts, rowid, {translated}) SELECT 'delete', rowid,"
                     f" {translated} FROM citations WHERE fact_id IN (SELECT id FROM gone)")
        for table, column in (("quote_alignments", "fact_a"), ("quote_alignments", "fact_b"),
                              ("date_conflicts", "fact_id"), ("fact_origins", "fact_id"), ("scheduled_facts", "fact_id"),
                              ("fact_entities", "fact_id"), ("citations", "fact_id")):
            conn.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM gone)")  # each by its index
        columns = ", ".join(schema.FTS["facts"])
        conn.execute(f"INSERT INTO facts_fts (facts_fts, rowid, {columns}) SELECT 'delete', rowid, {columns}"
                     " FROM facts WHERE id IN (SELECT id FROM gone)")
        conn.execute("DELETE FROM facts WHERE id IN (SELECT id FROM gone)")
        others = _facts_of_topics(conn, topics)  # the unchanged facts that share a topic with a changed one
        for table, rows in fact_tables(new, sources):
            insert(conn, table, rows)
        conn.execute(f"INSERT INTO facts_fts (rowid, {columns}) SELECT rowid, {columns}"
                     " FROM facts WHERE id IN (SELECT id FROM added)")
        conn.execute(f"INSERT INTO citations_fts (rowid, {translated}) SELECT rowid, {translated}"
                     " FROM citations WHERE fact_id IN (SELECT id FROM added)")
        for derived in (schema.FACT_ORIGINS, schema.SCHEDULED_FACTS):
            conn.execute(derived.format(where="WHERE citations.fact_id IN (SELECT id FROM temp.added)\n"))
        insert(conn, "date_conflicts", dating.date_conflicts(new, sources))

        involving = {f["id"] for f in new}
        together: list[Mapping[str, Any]] = [*others, *new]  # the old ones hold only the fields these two read
        insert(conn, "fact_disagreements", conflicts.disagreements(together))
        insert(conn, "quote_alignments", variants.pairs(
            [f for f in together if f["kind"] in ("statement", "claim")], involving, sources.languages()))
        conn.execute("DROP TABLE gone")
        conn.execute("DROP TABLE added")
        if history is not None:
            _replace_history(conn, *history)
        conn.execute("COMMIT")
        # The pages of the other tables are byte for byte those of the file the last build checked. The
        # patched ones are checked in threads, the largest first (PATCHED_TABLES' order, then the full-text
        # indexes' own tables).
        tables = [table for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND (name IN (%s) OR name LIKE 'facts^_fts%%'"
            " ESCAPE '^' OR name LIKE 'citations^_fts%%' ESCAPE '^')" % ", ".join(f"'{t}'" for t in PATCHED_TABLES))]
        tables.sort(key=lambda t: PATCHED_TABLES.index(t) if t in PATCHED_TABLES else len(PATCHED_TABLES))
        for table, rows in zip(tables, run_checks(path, [f"PRAGMA quick_check([{t}])" for t in tables])):
            if rows[0][0] != "ok":
                raise sqlite3.DatabaseError(f"the patched database failed its check ({table}: {rows[0][0]})")
        return conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    finally:
        conn.close()


def _replace_history(conn: sqlite3.Connection, rows: list[Row], ids: set[str] | None) -> None:
    """The fact_history rows of the facts `ids` (None: of every fact) replaced by theirs in `rows`."""
    if ids is None:
        conn.execute("DELETE FROM fact_history")
    else:
        conn.execute("CREATE TEMP TABLE history_ids (id TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO history_ids VALUES (?)", [(i,) for i in sorted(ids)])
        conn.execute("DELETE FROM fact_history WHERE fact_id IN (SELECT id FROM history_ids)")
        conn.execute("DROP TABLE history_ids")
    insert(conn, "fact_history", (r for r in rows if ids is None or r["fact_id"] in ids))


def _facts_of_topics(conn: sqlite3.Connection, topics: set[str]) -> list[dict[str, Any]]:
    """The facts of these topics as the database holds them (the fields conflicts and variants read)."""
    if not topics:
        return []
    conn.execute("CREATE TEMP TABLE topics (topic TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO topics VALUES (?)", [(t,) for t in sorted(topics)])
    found = {}
    for row in conn.execute(f"SELECT {', '.join(FACT_FIELDS)} FROM facts WHERE topic IN (SELECT topic FROM topics)"):
        fact = dict(zip(FACT_FIELDS, row))
        fact["citations"] = []
        found[fact["id"]] = fact
    for fact_id, source_id, quote in conn.execute(
            "SELECT citations.fact_id, citations.source_id, citations.quote FROM citations"
            " JOIN facts ON facts.id = citations.fact_id"
            " WHERE facts.topic IN (SELECT topic FROM topics) AND facts.kind IN ('statement', 'claim')"
            " ORDER BY citations.fact_id, citations.position"):
        found[fact_id]["citations"].append({"source_id": source_id, "quote": quote})
    conn.execute("DROP TABLE topics")
    return list(found.values())
