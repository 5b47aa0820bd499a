"""A new database file, written whole: every table made and filled, the full-text indexes built, the
file checked (integrity, foreign keys), then put in place of the old one in one step, so a failed
or interrupted build leaves the old database as it was. One build at a time holds the lock."""
from __future__ import annotations

import concurrent.futures
import contextlib
import errno
import fcntl
import glob
import operator
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from timeline.core import workers
from timeline.database import schema
from timeline.database.excerpts import excerpted
from timeline.database.rows import (ACROSS_AFTER_DERIVED, ACROSS_BEFORE_DERIVED, FACT_TABLES_ORDER, Rows, Tuples,
                                    fact_tables, first_rows, later_rows, source_tables, table_rows)
from timeline.errors import BuildError
from timeline.inputs.story import Inputs, Progress
from timeline.records import Fact, Sources


def start_database(path: str, sources: Sources) -> None:
    """Begin the new database at `path`: every table made, the sources and sentences tables written,
    indexed and given the sentences' full-text index. They depend on the articles alone ({id: Source}),
    so a build does this in a worker while the facts are checked; write(..., started=True) adds the
    rest. The bytes are the same wherever it runs."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # what a worker that failed part way left
    conn = _connect(path)
    try:
        conn.execute("BEGIN")
        for statement in schema.TABLES:
            conn.execute(statement)
        for table, rows in source_tables(sources):
            insert(conn, table, rows)
        for statement in schema.indexes_on(schema.SOURCE_TABLES):
            conn.execute(statement)
        full_text(conn, "sentences")
        conn.execute("COMMIT")
    finally:
        conn.close()


class Staged:
    """The rows of the facts, citations and fact_entities tables written into a file of their own
    (`path`, beside the new database) while the facts files are checked: `add(file, facts)` for each
    file as its facts are known (story.check's on_facts), then write() copies them over in the order
    rows.fact_tables writes them (FACT_TABLES_ORDER), in SQLite's own loop. At 100,000 facts those
    inserts took 2.3 s from Python after the check with one core busy; they are now done during the
    check while the helpers check other files, and the copy takes 0.3 s. The file written is the
    same byte for byte. Anything that goes wrong here (the disk, a value SQLite refuses) only stops
    the staging: the build then writes the rows itself and meets the problem there."""

    def __init__(self, path: str, sources: Sources) -> None:
        self.path, self.sources = path, sources
        self.conn: sqlite3.Connection | None = None
        self.facts = self.citations = 0
        self.failed = False

    def add(self, file: str, facts: list[Fact]) -> None:
        if self.failed or not facts:
            return
        try:
            if self.conn is None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
                self.conn = _connect(self.path)
                self.conn.execute("BEGIN")
                for statement in schema.TABLES:
                    if statement.split()[2] in FACT_TABLES_ORDER:  # ("CREATE TABLE facts (...")
                        self.conn.execute(statement)
            for table, rows in fact_tables(facts, self.sources):
                insert(self.conn, table, rows)
            self.facts += len(facts)
            self.citations += sum(len(f["citations"]) for f in facts)
        except (sqlite3.Error, OSError, OverflowError, ValueError):
            self.failed = True
            self.discard()

    def ready(self, inputs: Inputs) -> bool:
        """Whether the staged rows are those of every fact of `inputs` (the file is then complete and
        closed, to be attached)."""
        if self.conn is None or self.failed:
            return False
        try:
            self.conn.execute("COMMIT")
            self.conn.close()
            self.conn = None
        except sqlite3.Error:
            self.discard()
            return False
        return self.facts == len(inputs.facts) and self.citations == sum(len(f["citations"]) for f in inputs.facts)

    def discard(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def write(path: str, inputs: Inputs, progress: Progress | None = None, excerpts: bool = False,
          started: bool = False, prepare: Callable[[], None] | None = None,
          meanwhile: Callable[[], None] | None = None, staged: Staged | None = None) -> None:
    """Write every table, index, view and full-text index into a new database at `path` (`started`: one
    start_database began, holding the sources and sentences). `prepare()`, when given, runs before
    the tables across sources are worked out (it may give them rows: Inputs.reused_rows);
    `meanwhile()` while the last indexes and the views are made.

    The tables of the articles and the facts are written first; then SQLite indexes them in another
    thread (outside Python's lock: the other core) while this one works out corroboration's tables
    (or takes them from the cache) and the tables derived from its origins (rows.derived_rows), and
    the other tables across sources (schema.LAST_TABLES) if the indexes are not made yet. Those
    written, the other thread makes their indexes and the views, while this one runs `meanwhile()`
    and works out the tables across sources still to do. Those are written last: the same file
    whichever thread finished first. `staged`: the facts' rows written already (Staged), copied over
    when they are those of every fact of `inputs`."""
    conn = _connect(path, threads=True)
    copied = staged is not None and not excerpts and staged.ready(inputs)
    if copied:
        assert staged is not None  # (for mypy)
        conn.execute("ATTACH DATABASE ? AS staged", (staged.path,))  # (outside a transaction, as SQLite asks)
    done_first = schema.SOURCE_TABLES if started else ()
    # a step for each table written here, the indexes, each full-text index built here, the last commit
    steps = len(schema.TABLE_ORDER) - len(done_first) + 1 + sum(t not in done_first for t in schema.FTS) + 1
    step = 0

    def done(phase: str) -> None:
        nonlocal step
        step += 1
        if progress:
            progress(phase, step, steps)

    def index_first() -> None:  # (in the other thread, while nothing else uses the connection)
        conn.execute("PRAGMA cache_size = -100000")  # the big tables' indexes sorted in memory (a quarter quicker)
        for statement in schema.indexes_on(tuple(t for t in schema.FIRST_TABLES if t not in done_first)):
            conn.execute(statement)
        for table in schema.FTS:
            if table not in done_first:
                full_text(conn, table)

    def derive() -> None:  # (in the other thread too)
        made_apart = schema.indexes_on(schema.FIRST_TABLES + schema.LAST_TABLES)
        for statement in [s for s in schema.INDEXES if s not in made_apart] + schema.VIEWS:
            conn.execute(statement)

    try:
        conn.execute("BEGIN")
        if not started:
            for statement in schema.TABLES:
                conn.execute(statement)
        first: Iterable[tuple[str, Rows]]
        if excerpts:
            if prepare is not None:
                prepare()
            applied = excerpted(table_rows(inputs))
            first = ((table, applied.pop(table)) for table in schema.FIRST_TABLES)
        else:
            first = first_rows(inputs)  # row by row: less memory (the ones written already are never made)
        for table, rows in first:
            if table in done_first:
                continue
            if copied and table in FACT_TABLES_ORDER:  # (`rows` not used: never made)
                conn.execute(f'INSERT INTO main."{table}" SELECT * FROM staged."{table}"'
                             f" ORDER BY {FACT_TABLES_ORDER[table]}")
            else:
                insert(conn, table, rows)
            done("writing")
        del rows, first

        def across_first(indexing: Callable[[], bool]) -> tuple[dict[str, Any], dict[str, Any] | None]:
            """({table: [row dict]} of corroboration's tables and the history, and of the last tables when
            the indexes are still being made (corroboration's came from the cache), else None)."""
            if excerpts:
                return applied, None
            if prepare is not None:
                prepare()
            later = later_rows(inputs, ACROSS_BEFORE_DERIVED)
            return later, later_rows(inputs, ACROSS_AFTER_DERIVED, history=False) if indexing() else None

        later, soon = workers.beside(index_first, across_first)
        for table in schema.FTS:
            if table not in done_first:
                done("indexing")
        for table in schema.TABLE_ORDER[len(schema.FIRST_TABLES):]:
            if table not in schema.LAST_TABLES:
                insert(conn, table, later.pop(table))
                done("writing")

        def across_last(_: Callable[[], bool]) -> dict[str, Any]:
            if meanwhile is not None:
                meanwhile()
            if soon is not None:
                return soon
            return later if excerpts else later_rows(inputs, ACROSS_AFTER_DERIVED, history=False)

        last = workers.beside(derive, across_last)
        done("indexing")
        for table in schema.TABLE_ORDER:
            if table in schema.LAST_TABLES:
                insert(conn, table, last.pop(table))
                done("writing")
        del later, soon, last
        for statement in schema.indexes_on(schema.LAST_TABLES):
            conn.execute(statement)
        conn.execute("PRAGMA cache_size = -2000")  # SQLite's default again
        conn.execute("COMMIT")
        if copied:
            conn.execute("DETACH DATABASE staged")
        # No VACUUM: a new file written in one transaction, with nothing ever deleted, has no free pages.
        done("compacting")
    finally:
        conn.close()


def _connect(path: str, threads: bool = False) -> sqlite3.Connection:
    """A connection for writing a new file (`threads`: used by one thread after another, never two at once)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=not threads)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    # References are checked once, over the whole file, by verify() (foreign_key_check) before it is used.
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


# FTS5's memory for the terms of the rows it is given before it writes them out as a segment, while an
# index is filled in one go (FTS5's own is 1 MB): the sentences' index at 100,000 facts in 1.2-1.3 s, not
# 1.6 (4 to 16 MB did as well, 32 and 64 MB less); about as many segments, the same answers.
FILL_HASH_BYTES = 8 * 1024 * 1024


def full_text(conn: sqlite3.Connection, table: str) -> None:
    """The full-text index of `table`: the FTS5 table sqlite-utils' enable_fts makes (Porter stemmer over
    unicode61 folding accents, schema.FTS_TOKENIZE; the table as its content), filled in one go. FTS5 merges its segments as rows arrive unless told not to:
    automerge 0 while it is filled (a third quicker for the sentences at 100k facts, about as many
    segments, the same answers), and a larger hash (FILL_HASH_BYTES), then FTS5's defaults again for
    later changes (timeline/patch.py)."""
    # imported here: a patch of a few facts never builds a whole index, and sqlite-utils (with what it
    # imports) takes a tenth of its imports
    import sqlite_utils

    conn.execute(full_text_table(table))
    fts = sqlite_utils.db.quote_identifier(f"{table}_fts")
    conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 0)")
    conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', {FILL_HASH_BYTES})")
    sqlite_utils.Database(conn).table(table).populate_fts(schema.FTS[table])  # (its rowids are the table's)
    conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 4)")
    conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', {1024 * 1024})")  # FTS5's default again


def full_text_table(table: str) -> str:
    """CREATE VIRTUAL TABLE for `table`'s full-text index, as sqlite-utils' enable_fts writes it (a test
    compares them): Datasette finds the index by it."""
    import sqlite_utils  # (see full_text)

    quote = sqlite_utils.db.quote_identifier
    columns = ", ".join(quote(c) for c in schema.FTS[table])
    return (f"CREATE VIRTUAL TABLE {quote(table + '_fts')} USING FTS5 (\n    {columns},\n"
            f"    tokenize='{schema.FTS_TOKENIZE}',\n    content={quote(table)}\n)")


def insert(conn: sqlite3.Connection, table: str, rows: Rows) -> None:
    """Insert rows into `table` with one prepared statement: row dicts (a missing key is NULL), or
    rows.Tuples of the columns they name."""
    columns = list(rows.columns) if isinstance(rows, Tuples) else \
        [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    sql = f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)})' \
          f' VALUES ({", ".join("?" * len(columns))})'
    if isinstance(rows, Tuples):
        conn.executemany(sql, rows.rows)
        return
    values = operator.itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)

    def tuples() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            try:
                yield values(row)  # every column given (the usual case): one C call
            except KeyError:
                yield tuple(map(row.get, columns))

    conn.executemany(sql, tuples())


def verify(path: str, jobs: int | None = None) -> None:
    """Check the new database as PRAGMA integrity_check and foreign_key_check do, in `jobs` threads (None:
    one per CPU): quick_check of the whole file (its structure, every page accounted for),
    integrity_check of each table (its indexes match it, its UNIQUE constraints hold) and the foreign
    keys. SQLite does the work outside Python's lock, so the threads use every core."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                             " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
        indexes = dict(conn.execute("SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'index'"
                                    " GROUP BY tbl_name").fetchall())
        shadows = tuple(f"{t}_fts_" for t in schema.FTS)  # a full-text index's own tables: few rows, odd rowids
        # the work of a table's check: each row, and its entry in each index
        work = {t: 0 if t.startswith(shadows) else _rows_about(conn, t) * (1 + indexes.get(t, 0)) for t in tables}
    finally:
        conn.close()
    checks = ["PRAGMA quick_check", "PRAGMA foreign_key_check"] + \
        [f"PRAGMA integrity_check(\"{t}\")" for t in sorted(tables, key=lambda t: -work[t])]  # the longest first
    for sql, rows in zip(checks, run_checks(path, checks, jobs)):
        if "foreign_key_check" in sql:
            if rows:
                raise BuildError(f"the new database has {len(rows)} broken references (first: {rows[0]});"
                                 " the old one is untouched. This is a bug: please report it")
        elif rows[0][0] != "ok":
            raise BuildError(f"the new database failed its integrity check ({rows[0][0]}); the old one is untouched")


def _rows_about(conn: sqlite3.Connection, table: str) -> int:
    """About how many rows `table` has (its largest rowid; a table without rowids is counted)."""
    try:
        return conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.OperationalError:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def run_checks(path: str, checks: list[str], jobs: int | None = None) -> list[list[Any]]:
    """The rows of each of `checks` (PRAGMAs) on the file at `path`, in order, run in `jobs` threads (None:
    one per CPU), each with its own connection: SQLite does the work outside Python's lock."""
    jobs = workers.default_jobs() if jobs is None else jobs
    with concurrent.futures.ThreadPoolExecutor(max(1, min(jobs, len(checks)))) as pool:
        return list(pool.map(lambda sql: _run_check(path, sql), checks))


def _run_check(path: str, sql: str) -> list[Any]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def temp_path(db_path: str) -> str:
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(db_path) + ".building-", dir=os.path.dirname(db_path))
    os.close(fd)
    os.unlink(tmp)  # sqlite creates it afresh
    return tmp


def remove_leftovers(db_path: str) -> None:
    """Delete what a killed build left behind (we hold the lock, so no build is running)."""
    for path in glob.glob(glob.escape(db_path) + ".building-*"):
        with contextlib.suppress(OSError):
            os.unlink(path)


@contextlib.contextmanager
def lock(db_path: str, wait: float) -> Iterator[None]:
    """One build at a time per database; a second one waits up to `wait` seconds, then refuses."""
    lock_path = db_path + ".lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise BuildError(disk_message(e, db_path)) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildError(f"another build of {os.path.basename(db_path)} is running (it holds"
                                     f" {os.path.basename(lock_path)}); wait for it to finish, then build again")
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


def disk_message(error: Exception, db_path: str) -> str:
    where = os.path.dirname(db_path)
    code = getattr(error, "errno", None)
    text = str(error)
    if code in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or "full" in text:
        return f"the disk holding {where} is full; free some space and build again (the old database is untouched)"
    if "disk I/O error" in text:  # SQLite reports only ENOSPC as "full"; a file size limit or quota looks like this
        return (f"a disk I/O error while writing in {where}: the disk may be full, over quota or failing;"
                f" check free space (df -h {where}) and build again (the old database is untouched)")
    if code in (errno.ENOENT, errno.ENOTDIR):
        return (f"cannot write in {where}: there is no such folder (or part of the path is a file);"
                " create the folder or choose another --db PATH")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or "unable to open" in text:
        return (f"cannot write in {where}: permission denied; build into a folder you can write to"
                " (--db PATH) or fix its permissions (the old database is untouched)")
    return f"could not write the database in {where}: {text} (the old database is untouched)"
