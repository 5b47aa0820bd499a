"""What a build may reuse from the last one, keyed by content hashes: never trusted blindly.

The cache is one SQLite file, `.timeline-cache/cache.db` next to the database. It holds

- the sentences of each article, keyed by the article's sha256 (articles never change);
- the checked facts of each facts file, keyed by the file's sha256 and everything a fact's validity
  depends on (the sources' ids, hashes and dates, the entity ids, the code);
- a manifest per database: the fingerprint of every input file and the database file it produced,
  so that a build with nothing changed has nothing to do.

Every key includes a hash of the package's own code, so a new version never reads an old entry.
A cached value is checked before use (sentences must be sane spans of the article; facts must have
the expected shape); anything unreadable is recomputed, and a cache file SQLite cannot open is
deleted and started afresh. Deleting the folder is always safe: the next build is a full one.
"""
import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import sys
import time

from . import sentences as sentences_module

FOLDER = ".timeline-cache"
# Every cached fact has at least these keys.
FACT_KEYS = frozenset(("id", "kind", "title", "value", "value_qualifier", "unit", "value_per", "attributed_to",
                       "topic", "notes", "file", "line", "citations", "entities", "date_start", "date_end",
                       "date_precision", "date_text", "date_basis", "date_label"))


@functools.lru_cache(maxsize=1)
def code_version():
    """A hash of the package's code, pysbd's version and Python's: any change makes every entry stale."""
    import pysbd

    digest = hashlib.sha256(f"{sys.version_info[:2]} pysbd {getattr(pysbd, '__version__', '?')}".encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            with open(os.path.join(here, name), "rb") as f:
                digest.update(name.encode() + b"\0" + f.read())
    return digest.hexdigest()


def folder_for(db_path):
    return os.path.join(os.path.dirname(os.path.abspath(db_path)), FOLDER)


class Cache:
    """Reusable results of earlier builds; use as a context manager, or call close()."""

    def __init__(self, folder):
        self.path = os.path.join(folder, "cache.db")
        self.version = code_version()
        self.used = set()
        self.hits = self.misses = 0
        self.conn = None
        try:
            if not os.path.isdir(folder):
                os.mkdir(folder)  # never creates the database's folder: a missing folder is the build's error
            self.conn = self._open()
        except (OSError, sqlite3.Error):
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            try:
                self.conn = self._open()
            except (OSError, sqlite3.Error):
                self.conn = None  # no cache: every build is a full one

    def _open(self):
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=5)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS entries (kind TEXT, key TEXT, value TEXT, PRIMARY KEY (kind, key))")
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            conn.close()
            raise sqlite3.DatabaseError("cache file is damaged")
        conn.execute("BEGIN")
        return conn

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close(save=exc[0] is None)

    def get(self, kind, key):
        if self.conn is None:
            return None
        try:
            row = self.conn.execute("SELECT value FROM entries WHERE kind = ? AND key = ?",
                                    (kind, self.version + ":" + key)).fetchone()
            return json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError, TypeError):
            return None

    def put(self, kind, key, value):
        if self.conn is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                              (kind, self.version + ":" + key, json.dumps(value, separators=(",", ":"))))

    def sentences(self, sha256, text):
        """The sentences of an article: from the cache when they are sane spans of `text`, else split now."""
        key = sha256
        self.used.add(("sentences", key))
        spans = self.get("sentences", key)
        if spans is not None and _sane_spans(spans, text):
            self.hits += 1
            return [tuple(s) for s in spans]
        self.misses += 1
        spans = sentences_module.split(text)
        self.put("sentences", key, spans)
        return spans

    def signals(self, sha256, text, spans):
        """The coverage signals of each sentence of an article (as the sentences table stores them)."""
        from . import coverage

        self.used.add(("signals", sha256))
        value = self.get("signals", sha256)
        if isinstance(value, list) and len(value) == len(spans) and all(isinstance(v, str) for v in value):
            return value
        value = [",".join(coverage.signals(text[start:end])) for _, start, end in spans]
        self.put("signals", sha256, value)
        return value

    def source_rows(self, sources, tables, compute):
        """Rows that depend on the sources alone (corroboration): reused while no source changes."""
        described = [[s.id, s.sha256, s.published, s.based_on] for _, s in sorted(sources.items())]
        key = hashlib.sha256(json.dumps(described).encode()).hexdigest()
        self.used.add(("source_rows", key))
        value = self.get("source_rows", key)
        if isinstance(value, dict) and set(value) == set(tables) and all(
                isinstance(rows, list) and all(isinstance(r, dict) for r in rows) for rows in value.values()):
            return value
        value = compute()
        self.put("source_rows", key, value)
        return value

    def facts(self, key):
        """The checked facts of one facts file ([fact, id line] pairs), or None."""
        self.used.add(("facts", key))
        value = self.get("facts", key)
        if value is None or not _sane_facts(value):
            self.misses += 1
            return None
        self.hits += 1
        for fact, _ in value:
            fact["entities"] = [tuple(e) for e in fact["entities"]]
        return value

    def put_facts(self, key, pairs):
        self.used.add(("facts", key))
        self.put("facts", key, pairs)

    def manifest(self, db_path):
        value = self.get("manifest", os.path.abspath(db_path))
        return value if isinstance(value, dict) else None

    def put_manifest(self, db_path, value):
        self.used.add(("manifest", os.path.abspath(db_path)))
        self.put("manifest", os.path.abspath(db_path), value)

    def close(self, save=True, prune=True):
        """Commit, dropping entries this build did not use (other databases' manifests are kept)."""
        if self.conn is None:
            return
        try:
            if save and not prune:
                self.conn.execute("COMMIT")
            elif save:
                self.conn.execute("CREATE TEMP TABLE used (kind TEXT, key TEXT)")
                self.conn.executemany("INSERT INTO used VALUES (?, ?)",
                                      [(k, self.version + ":" + key) for k, key in self.used])
                self.conn.execute("DELETE FROM entries WHERE kind != 'manifest' AND (kind, key) NOT IN"
                                  " (SELECT kind, key FROM used)")
                self.conn.execute("COMMIT")
            else:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        finally:
            self.conn.close()
            self.conn = None


def _sane_spans(spans, text):
    if not isinstance(spans, list):
        return False
    previous_end, previous_para = 0, 1
    try:
        for para, start, end in spans:
            if not (type(para) is int and type(start) is int and type(end) is int):
                return False
            if para < previous_para or start < previous_end or end <= start or end > len(text):
                return False
            if text[start].isspace() or text[end - 1].isspace() \
                    or sentences_module.LINE_BREAK.search(text, start, end):
                return False
            previous_end, previous_para = end, para
    except (TypeError, ValueError):
        return False
    return True


def _sane_facts(value):
    if not isinstance(value, list):
        return False
    try:
        for fact, id_line in value:
            if type(id_line) is not int or not isinstance(fact, dict) or not FACT_KEYS <= set(fact):
                return False
            if not isinstance(fact["citations"], list) or not isinstance(fact["entities"], list):
                return False
            for e in fact["entities"]:
                if not (isinstance(e, list) and len(e) == 2):
                    return False
    except (TypeError, ValueError):
        return False
    return True


def fingerprint_of(hashes):
    """One hash of the inputs (input_hashes) and of the code."""
    return hashlib.sha256(json.dumps([code_version(), hashes], sort_keys=True).encode()).hexdigest()


# A file changed less than this long before its state was recorded may change again within the same
# tick of the file system's clock without its times moving: its state is not trusted (as git does).
RACY_SECONDS = 2.0


# A file in facts/ or sources/ bigger than this is not hashed (its size, time and inode stand in): an
# article or a facts file that size is refused by the build anyway, and hashing it would only take time.
HASH_LIMIT = 256 * 1024 * 1024


def input_hashes(facts_dir, sources_dir, known=None, now=None):
    """({"facts": {name: sha256}, "sources": sha256, "facts_folder": name}, states).

    Each file under the facts folder is hashed by its path inside it, everything under the sources
    folder (names and bytes) into one hash. The folders are read as the build reads them
    (timeline.files): editors' leftovers are left out, only regular files are read, and a file that
    cannot be read (a pipe, a device, a symlink loop, a read error) is recorded by what is wrong with
    it, so the build that reports it is never skipped as up to date. `known` is the `states` of the
    last build: {path: [size, mtime_ns, ctime_ns, inode, sha256]}; a file whose size, times and inode
    are still those is not read again (a change of content always moves ctime, which no program can
    set back). Files changed in the RACY_SECONDS before `now` are left out of the states returned."""
    from . import files

    known = known if isinstance(known, dict) else {}
    now = time.time() if now is None else now
    states, out = {}, {}
    for label, folder in (("facts", facts_dir), ("sources", sources_dir)):
        folder = os.path.abspath(folder)
        found = {}
        for name, full in files.walk(folder):
            try:
                st = files.check_regular(full)
            except FileNotFoundError:
                continue  # gone since the folder was listed: as if it was never there
            except files.Unreadable as e:
                found[name] = "unreadable: " + e.reason
                continue
            state = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            before = known.get(full)
            if isinstance(before, list) and len(before) == 5 and before[:4] == state:
                sha = before[4]
            else:
                try:
                    sha, st = files.sha256_of(full, HASH_LIMIT)
                    state = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
                except FileNotFoundError:
                    continue
                except files.Unreadable as e:
                    found[name] = (f"large: {state}" if e.too_large else "unreadable: " + e.reason)
                    continue
            found[name] = sha
            if max(st.st_mtime_ns, st.st_ctime_ns) < (now - RACY_SECONDS) * 1e9:
                states[full] = state + [sha]
        out[label] = found
    digest = hashlib.sha256(os.path.basename(os.path.abspath(sources_dir)).encode())
    for name, sha in sorted(out["sources"].items()):
        digest.update(f"\0{name}\0{sha}".encode())
    out["sources"] = digest.hexdigest()
    out["facts_folder"] = os.path.basename(os.path.abspath(facts_dir))
    return out, states


def file_state(path):
    """What identifies one written database file: its size, modification and change times, and inode.
    The change time matters: a database edited in place and given back its modification time (touch -d)
    still has a new ctime, which no program can set back, so it is never taken for the one a build wrote."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
