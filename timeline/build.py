"""Check everything, then write timeline.db atomically: the old file stays until the new one is whole."""
import contextlib
import errno
import fcntl
import glob
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field

from . import articles
from . import cache as cache_module
from . import coverage
from . import conflicts
from . import excerpts as excerpts_module
from . import facts as facts_module
from . import history as history_module
from . import quotes
from . import schema
from . import sources as sources_module
from .problems import InputError


class BuildError(Exception):
    """The build could not write the database (disk, permissions, another build)."""


@dataclass
class Inputs:
    sources: dict
    entities: dict
    facts: list
    problems: list
    set_aside: list = field(default_factory=list)
    resolutions: list = field(default_factory=list)
    unchanged: bool = False  # the database already held exactly these inputs: nothing was written
    patched: list = None  # the facts files whose facts were replaced in a copy of the last database
    counts: dict = None  # {"facts": n, "entities": n, "sources": n}
    reused_rows: dict = field(default_factory=dict)  # {module name: rows} taken from the build cache
    history: list = field(default_factory=list)  # fact_history rows (timeline.history)
    sentence_pairs: object = None  # corroboration's comparison, under way in a worker (workers.Background)
    depends: str = None  # what the checked facts depend on besides their files (facts._dependencies)


def check(facts_dir="facts", sources_dir="sources", relative_to=None, cache=None, progress=None, jobs=None,
          parts=("sentences",), on_sources=None):
    """Read and check every input; problems are collected, never raised. Each article's `parts`
    (timeline.articles) are worked out in `jobs` processes (None: one per CPU), and the facts files
    are shared with worker processes when there are many. `on_sources(sources, entities)` is called
    once the articles and entities are read without a problem, before the facts; it returns
    (workers.Helpers holding them or None, the number of processes the facts may use)."""
    sources, problems = sources_module.load(sources_dir, relative_to, cache=cache, progress=progress, jobs=jobs,
                                            parts=parts)
    shown = os.path.relpath(os.path.join(facts_dir, facts_module.ENTITIES_FILE), relative_to or os.getcwd())
    if not os.path.isdir(facts_dir):
        from .problems import Problem

        problems.append(Problem(os.path.relpath(facts_dir, relative_to or os.getcwd()), 1, "missing-file",
                                "the facts folder does not exist: create it and add entities.yaml and a facts file"))
        return Inputs(sources or {}, {}, [], problems)
    entities, more = facts_module.load_entities(facts_dir, shown)
    problems += more
    helpers, facts_jobs = None, jobs
    if on_sources and sources and not problems:
        helpers, facts_jobs = on_sources(sources, entities)
    depends = facts_module._dependencies(sources, entities) \
        if cache is not None and sources is not None and entities is not None else None
    # None (a file that could not be read) makes the facts skip checks against it: no cascade of errors.
    facts, more = facts_module.load_facts(facts_dir, sources, entities, relative_to, cache=cache, progress=progress,
                                          jobs=facts_jobs, helpers=helpers, depends=depends)
    problems += more
    # Cross-checks wait for the inputs they need to be whole: otherwise a broken sources.yaml, or one
    # fact with a typo, would be reported again as every set-aside source or resolved topic it hides.
    set_aside, resolutions = [], []
    if sources is not None:
        aside_path = os.path.join(facts_dir, facts_module.SET_ASIDE_FILE)
        set_aside, more = coverage.load_set_aside(aside_path, os.path.relpath(aside_path, relative_to or os.getcwd()),
                                                  sources, facts_module.repo_path(aside_path, facts_dir))
        problems += more
    if not problems:
        resolutions, more = conflicts.load_resolutions(facts_dir, facts, relative_to)
        problems += more
    quotes.forget()  # set-aside quotes were matched too
    return Inputs(sources or {}, entities or {}, facts, problems, set_aside, resolutions, depends=depends)


def build(db_path="timeline.db", facts_dir="facts", sources_dir="sources", wait=30.0, progress=None,
          use_cache=True, excerpts=False, jobs=None):
    """Check, then replace `db_path` with a complete new database. Raises InputError or BuildError.

    With `use_cache`, results of earlier builds are reused from .timeline-cache/ next to the database
    (see timeline.cache): when no input changed and the database is the one the last build wrote,
    nothing is done (`inputs.unchanged`). The database is always the one a full build would write.
    `progress(phase, done, total)` is called as the build goes. With `excerpts`, the articles keep
    only their cited sentences and neighbours (for publishing). What depends on each article alone
    is worked out in `jobs` worker processes (None: one per CPU; 1: in this process); the database
    is the same whatever the number.
    """
    # Python's cycle collector stays paused for the whole build: it makes millions of objects and no
    # cycles among them, and each full collection walked them all (0.35 s for the manifest alone at
    # 100k facts, about a second a build).
    with facts_module._no_cycle_collection(freeze=True):
        return _build(db_path, facts_dir, sources_dir, wait, progress, use_cache, excerpts, jobs)


def _build(db_path, facts_dir, sources_dir, wait, progress, use_cache, excerpts, jobs):
    db_path = os.path.abspath(db_path)
    cache = cache_module.Cache(cache_module.folder_for(db_path)) if use_cache else None
    started = []  # the work begun once the articles are read (corroboration's comparison, start_database)
    try:
        manifest = hashes = states = fingerprint = None
        history_key = history_module.key(facts_dir)  # the git history is an input too
        if cache:
            manifest = cache.manifest(db_path)  # what the last build of this database recorded
            hashes, states = cache_module.input_hashes(facts_dir, sources_dir, known=(manifest or {}).get("states"))
            hashes["history"] = history_key
            fingerprint = cache_module.fingerprint_of(hashes) + (":excerpts" if excerpts else "")
        unchanged = _unchanged(manifest, db_path, fingerprint)
        if unchanged:
            cache.close(prune=False)
            return unchanged
        if cache and not excerpts:
            patched = _patch(cache, manifest, db_path, facts_dir, sources_dir, hashes, states, fingerprint, wait)
            if patched:
                cache.close(prune=False)  # the other files' entries were not looked at, but still hold
                return patched
        with lock(db_path, wait):
            remove_leftovers(db_path)
            tmp = _temp_path(db_path)
            helpers = []  # workers.Helpers

            def begin(sources, entities):
                pending = _compare_sources(sources, cache, jobs)
                started.append(pending)
                held, facts_jobs = _helpers(sources, entities, jobs, excerpts, pending, tmp)
                if held:
                    helpers.append(held)
                return held, facts_jobs

            try:
                inputs = check(facts_dir, sources_dir, cache=cache, progress=progress, jobs=jobs, parts=articles.PARTS,
                               on_sources=begin)
                inputs.sentence_pairs = started[0] if started else None
                if inputs.problems:
                    raise InputError(inputs.problems)
                written = _started(tmp, helpers)
                for worker in helpers:
                    worker.release()  # done: their memory back before the write (close() waits for them)
                inputs.counts = {"facts": len(inputs.facts), "entities": len(inputs.entities),
                                 "sources": len(inputs.sources)}
                last = (manifest or {}).get("hashes")
                inputs.history = history_module.rows(facts_dir, history_key, cache,
                                                     previous=last.get("history") if isinstance(last, dict) else None)[0]
                if cache:
                    _reuse(cache, inputs)
                if not written and not excerpts:
                    start_database(tmp, inputs.sources)  # as a helper would have: the same bytes
                write(tmp, inputs, progress, excerpts, started=not excerpts)
                verify(tmp, jobs)
                _publish(tmp, db_path)
            except sqlite3.DatabaseError as e:
                raise BuildError(_disk_message(e, db_path)) from None
            except OSError as e:
                raise BuildError(_disk_message(e, db_path)) from None
            finally:
                for pending in filter(None, started + helpers):
                    pending.close()  # used, or the build failed: no worker is left running
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            if cache:
                depends = inputs.depends or facts_module._dependencies(inputs.sources, inputs.entities)
                cache.put_manifest(db_path, {"inputs": fingerprint, "db": cache_module.file_state(db_path),
                                             "counts": inputs.counts, "hashes": hashes, "states": states,
                                             "depends": depends, "excerpts": excerpts})
        return inputs
    finally:
        if cache:
            cache.close()


def _helpers(sources, entities, jobs, excerpts, pending, tmp):
    """(workers.Helpers holding the sources and entities, or None; the number of processes the facts may
    use). Helpers use the cores beside this one once they are free: at once, or when corroboration's
    comparison of sentences (`pending`) is under way in a worker, as soon as it has finished (its
    worker stopped first: both at once took the peak memory to 1.45 GB at 100k facts). With enough
    sentences, the first writes the database's tables of sources and sentences (start_database, into
    `tmp`), then they share the facts files with this process."""
    from . import workers

    n = workers.default_jobs() if jobs is None else jobs
    if excerpts or n < 2 or sum(len(s.sentences) for s in sources.values()) < articles.MIN_BACKGROUND_SENTENCES:
        return None, (n - 1 if pending is not None and pending.elsewhere else n)
    after = pending.done_elsewhere if pending is not None and pending.elsewhere else None
    try:
        held = workers.Helpers(n - 1, (sources_module.handed(sources), entities), first=(_start_database_held, tmp),
                               after=after)
    except workers.Failed:
        return None, n
    return held, n


def _start_database_held(tmp):
    """start_database in a workers.Helpers worker holding (sources, entities)."""
    from . import workers

    start_database(tmp, workers.held()[0])


def _started(tmp, helpers):
    """True when start_database finished in a helper; False when none ran it (none started in time, or
    the one that had it died: then nothing of what it wrote is left), and it is to be run here."""
    if not helpers or helpers[0].take_first():
        return False
    from concurrent.futures.process import BrokenProcessPool

    try:
        helpers[0].first.result()
        return True
    except BrokenProcessPool:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        return False


def _compare_sources(sources, cache, jobs):
    """Start corroboration's comparison of the articles' sentences in a worker, to run while this process
    reads the facts (None when the cache holds its result)."""
    from . import corroboration

    if cache is not None and cache.has_source_rows(sources):
        return None
    size = sum(corroboration.sentence_count(s.words) for s in sources.values())
    pending = articles.in_background(corroboration.sentence_pairs, lambda: (corroboration.compared(sources),), size,
                                     jobs)
    if pending.elsewhere:
        for source in sources.values():
            source.words = None  # sent (less memory while the facts are read); made again if the worker fails
    return pending


def _patch(cache, manifest, db_path, facts_dir, sources_dir, hashes, states, fingerprint, wait):
    """Inputs(patched=[names]) when the new database could be made by patching a copy of the old one
    (see timeline.patch), or None: then a full build runs (and reports any problem)."""
    from . import patch

    if not manifest or manifest.get("excerpts") is not False or not isinstance(manifest.get("counts"), dict) \
            or not isinstance(manifest.get("depends"), str):
        return None
    names = patch.changed_files(manifest, hashes)  # [] when only the git history changed
    if names is None:
        return None
    files = [facts_module.repo_path(os.path.join(facts_dir, name), facts_dir) for name in names]
    try:
        if cache_module.file_state(db_path) != manifest.get("db"):
            return None
        with lock(db_path, wait):
            if cache_module.file_state(db_path) != manifest.get("db"):
                return None  # another build replaced it meanwhile
            remove_leftovers(db_path)
            conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            try:
                new, sources = patch.read_changed(conn, facts_dir, sources_dir, names, cache, manifest["depends"])
                if names:
                    patch.check_across(conn, facts_dir, files, new)
            finally:
                conn.close()
            history = None
            if hashes["history"] != manifest["hashes"].get("history"):
                rows, commits = history_module.rows(facts_dir, hashes["history"], cache,
                                                    previous=manifest["hashes"].get("history"))
                history = (rows, history_module.changed_facts(rows, commits, manifest["hashes"].get("history")))
            tmp = _temp_path(db_path)
            try:
                shutil.copyfile(db_path, tmp)
                n_facts = patch.apply(tmp, new, files, sources, history)
                _publish(tmp, db_path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            counts = dict(manifest["counts"], facts=n_facts)
            cache.put_manifest(db_path, dict(manifest, inputs=fingerprint, db=cache_module.file_state(db_path),
                                             counts=counts, hashes=hashes, states=states))
    except BuildError:
        raise  # another build holds the lock: say so, as a full build would
    except Exception:  # noqa: BLE001 - anything unforeseen: the full build is always right, and says what is wrong
        return None
    return Inputs({}, {}, [], [], counts=counts, patched=names)


def _reuse(cache, inputs):
    """Take from the cache what depends on the sources alone: the corroboration tables."""
    from . import corroboration

    inputs.reused_rows[corroboration.__name__] = cache.source_rows(inputs.sources, cache_module.SOURCE_TABLES,
                                                                   lambda: corroboration.rows(inputs))


def _unchanged(manifest, db_path, fingerprint):
    """Inputs(unchanged=True) when `db_path` is the intact database the last build wrote from these inputs
    (`manifest`: what that build recorded, or None)."""
    if not manifest or manifest.get("inputs") != fingerprint or not isinstance(manifest.get("counts"), dict):
        return None
    try:
        if cache_module.file_state(db_path) != manifest.get("db"):
            return None
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return None
    if not set(schema.TABLE_ORDER) <= tables:
        return None
    return Inputs({}, {}, [], [], unchanged=True, counts=manifest["counts"])


def start_database(path, sources):
    """Begin the new database at `path`: every table made, the sources and sentences tables written and
    the sentences' full-text index built. They depend on the articles alone ({id: Source}), so a build
    does this in a worker while the facts are checked; write(..., started=True) adds the rest. The
    bytes are the same wherever it runs."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # what a worker that failed part way left
    conn = _connect(path)
    try:
        conn.execute("BEGIN")
        for statement in schema.TABLES:
            conn.execute(statement)
        for table, rows in schema.source_tables(sources):
            insert(conn, table, rows)
        _full_text(conn, "sentences")
        conn.execute("COMMIT")
    finally:
        conn.close()


def write(path, inputs, progress=None, excerpts=False, started=False):
    """Write every table, index, view and full-text index into a new database at `path` (`started`: one
    start_database began, holding the sources and sentences)."""
    conn = _connect(path)
    done_first = schema.SOURCE_TABLES if started else ()
    steps = len(schema.TABLE_ORDER) + len(schema.FTS) + 2 - 2 * len(done_first)
    step = 0

    def done(phase):
        nonlocal step
        step += 1
        if progress:
            progress(phase, step, steps)

    try:
        conn.execute("BEGIN")
        if not started:
            for statement in schema.TABLES:
                conn.execute(statement)
        if excerpts:
            applied = excerpts_module.apply(schema.rows(inputs))
            tables = ((table, applied.pop(table)) for table in schema.TABLE_ORDER)
        else:
            tables = schema.all_rows(inputs)  # row by row: less memory (the ones written already are never made)
        for table, rows in tables:
            if table not in done_first:
                insert(conn, table, rows)
                done("writing")
        del rows, tables
        conn.execute("PRAGMA cache_size = -100000")  # the indexes of the big tables sorted in memory (a quarter quicker)
        for statement in schema.DERIVED + schema.INDEXES + schema.VIEWS:
            conn.execute(statement)
        conn.execute("PRAGMA cache_size = -2000")  # SQLite's default again for the rest
        done("indexing")
        for table in schema.FTS:
            if table not in done_first:
                _full_text(conn, table)
                done("indexing")
        conn.execute("COMMIT")
        # No VACUUM: a new file written in one transaction, with nothing ever deleted, has no free pages.
        done("compacting")
    finally:
        conn.close()


def _connect(path):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    # References are checked once, over the whole file, by verify() (foreign_key_check) before it is used.
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def _full_text(conn, table):
    """The full-text index of `table`: the FTS5 table sqlite-utils' enable_fts makes (Porter stemmer, the
    table as its content), filled in one go. FTS5 merges its segments as rows arrive unless told not to:
    automerge 0 while it is filled (a third quicker for the sentences at 100k facts, about as many
    segments, the same answers), then FTS5's default again for later changes (timeline/patch.py)."""
    import sqlite_utils  # here, not at the top: `timeline check` and failed builds never need it

    conn.execute(full_text_table(table))
    fts = sqlite_utils.db.quote_identifier(f"{table}_fts")
    conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 0)")
    sqlite_utils.Database(conn)[table].populate_fts(schema.FTS[table])
    conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 4)")


def full_text_table(table):
    """CREATE VIRTUAL TABLE for `table`'s full-text index, as sqlite-utils' enable_fts writes it (a test
    compares them): Datasette finds the index by it."""
    from sqlite_utils.db import quote_identifier

    columns = ", ".join(quote_identifier(c) for c in schema.FTS[table])
    return (f"CREATE VIRTUAL TABLE {quote_identifier(table + '_fts')} USING FTS5 (\n    {columns},\n"
            f"    tokenize='porter',\n    content={quote_identifier(table)}\n)")


def insert(conn, table, rows):
    """Insert row dicts into `table` with one prepared statement (a missing key is NULL)."""
    import operator

    columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    sql = f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)})' \
          f' VALUES ({", ".join("?" * len(columns))})'
    values = operator.itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)

    def tuples():
        for row in rows:
            try:
                yield values(row)  # every column given (the usual case): one C call
            except KeyError:
                yield tuple(map(row.get, columns))

    conn.executemany(sql, tuples())


def verify(path, jobs=None):
    """Check the new database as PRAGMA integrity_check and foreign_key_check do, in `jobs` threads (None:
    one per CPU): quick_check of the whole file (its structure, every page accounted for),
    integrity_check of each table (its indexes match it, its UNIQUE constraints hold) and the foreign
    keys. SQLite does the work outside Python's lock, so the threads use every core."""
    import concurrent.futures

    from . import workers

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                             " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
        sizes = {t: _rows_about(conn, t) for t in tables}
    finally:
        conn.close()
    checks = ["PRAGMA quick_check", "PRAGMA foreign_key_check"] + \
        [f"PRAGMA integrity_check(\"{t}\")" for t in sorted(tables, key=lambda t: -sizes[t])]  # the longest first
    jobs = workers.default_jobs() if jobs is None else jobs
    with concurrent.futures.ThreadPoolExecutor(max(1, min(jobs, len(checks)))) as pool:
        results = list(pool.map(lambda sql: _run_check(path, sql), checks))
    for sql, rows in zip(checks, results):
        if "foreign_key_check" in sql:
            if rows:
                raise BuildError(f"the new database has {len(rows)} broken references (first: {rows[0]});"
                                 " the old one is untouched. This is a bug: please report it")
        elif rows[0][0] != "ok":
            raise BuildError(f"the new database failed its integrity check ({rows[0][0]}); the old one is untouched")


def _rows_about(conn, table):
    """About how many rows `table` has (its largest rowid; a table without rowids is counted)."""
    try:
        return conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.OperationalError:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _run_check(path, sql):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _publish(tmp, db_path):
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, db_path)
    with contextlib.suppress(OSError):
        dir_fd = os.open(os.path.dirname(db_path), os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _temp_path(db_path):
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(db_path) + ".building-", dir=os.path.dirname(db_path))
    os.close(fd)
    os.unlink(tmp)  # sqlite creates it afresh
    return tmp


def remove_leftovers(db_path):
    """Delete what a killed build left behind (we hold the lock, so no build is running)."""
    for path in glob.glob(glob.escape(db_path) + ".building-*"):
        with contextlib.suppress(OSError):
            os.unlink(path)


@contextlib.contextmanager
def lock(db_path, wait):
    """One build at a time per database; a second one waits up to `wait` seconds, then refuses."""
    lock_path = db_path + ".lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise BuildError(_disk_message(e, db_path)) from None
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


def _disk_message(error, db_path):
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
