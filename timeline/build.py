"""Check everything, then write timeline.db atomically: the old file stays until the new one is whole."""
import contextlib
import errno
import fcntl
import glob
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field

from . import coverage
from . import conflicts
from . import excerpts as excerpts_module
from . import facts as facts_module
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


def check(facts_dir="facts", sources_dir="sources", relative_to=None):
    """Read and check every input; problems are collected, never raised."""
    sources, problems = sources_module.load(sources_dir, relative_to)
    shown = os.path.relpath(os.path.join(facts_dir, facts_module.ENTITIES_FILE), relative_to or os.getcwd())
    if not os.path.isdir(facts_dir):
        from .problems import Problem

        problems.append(Problem(os.path.relpath(facts_dir, relative_to or os.getcwd()), 1, "missing-file",
                                "the facts folder does not exist: create it and add entities.yaml and a facts file"))
        return Inputs(sources or {}, {}, [], problems)
    entities, more = facts_module.load_entities(facts_dir, shown)
    problems += more
    # None (a file that could not be read) makes the facts skip checks against it: no cascade of errors.
    facts, more = facts_module.load_facts(facts_dir, sources, entities, relative_to)
    problems += more
    sources, entities = sources or {}, entities or {}
    aside_path = os.path.join(facts_dir, facts_module.SET_ASIDE_FILE)
    set_aside, more = coverage.load_set_aside(aside_path, os.path.relpath(aside_path, relative_to or os.getcwd()),
                                              sources, facts_module.repo_path(aside_path, facts_dir))
    problems += more
    resolutions, more = conflicts.load_resolutions(facts_dir, facts, relative_to)
    problems += more
    return Inputs(sources, entities, facts, problems, set_aside, resolutions)


def build(db_path="timeline.db", facts_dir="facts", sources_dir="sources", wait=30.0, progress=None, excerpts=False):
    """Check, then replace `db_path` with a complete new database. Raises InputError or BuildError.

    With `excerpts`, the articles keep only their cited sentences and neighbours (for publishing).
    """
    inputs = check(facts_dir, sources_dir)
    if inputs.problems:
        raise InputError(inputs.problems)
    db_path = os.path.abspath(db_path)
    with lock(db_path, wait):
        remove_leftovers(db_path)
        tmp = _temp_path(db_path)
        try:
            write(tmp, inputs, excerpts)
            verify(tmp)
            _publish(tmp, db_path)
        except sqlite3.DatabaseError as e:
            raise BuildError(_disk_message(e, db_path)) from None
        except OSError as e:
            raise BuildError(_disk_message(e, db_path)) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return inputs


def write(path, inputs, excerpts=False):
    """Write every table, index, view and full-text index into a new database at `path`."""
    import sqlite_utils  # here, not at the top: `timeline check` and failed builds never need it

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        conn.execute("BEGIN")
        for statement in schema.TABLES:
            conn.execute(statement)
        insert(db, inputs, excerpts)
        for statement in schema.INDEXES + schema.VIEWS:
            conn.execute(statement)
        for table, columns in schema.FTS.items():
            db[table].enable_fts(columns, create_triggers=False, tokenize="porter", replace=True)
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


def insert(db, inputs, excerpts=False):
    rows = schema.rows(inputs)
    if excerpts:
        rows = excerpts_module.apply(rows)
    for table in schema.TABLE_ORDER:
        db[table].insert_all(rows[table], batch_size=1000)


def verify(path):
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BuildError(f"the new database failed its integrity check ({result}); the old one is untouched")
        bad = conn.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise BuildError(f"the new database has {len(bad)} broken references (first: {bad[0]});"
                             " the old one is untouched. This is a bug: please report it")
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
