"""What a build may reuse from the last one, keyed by content hashes: never trusted blindly.

The cache is one SQLite file, `.timeline-cache/cache.db` next to the database. It holds

- what depends on each article alone, keyed by the article's sha256 (articles never change): its
  sentences, their coverage signals, their content words (for corroboration);
- the corroboration tables, keyed by every source's id, hash, date and wire credit;
- the checked facts of each facts file, keyed by the file's sha256 and everything a fact's validity
  depends on (the sources' ids, hashes and dates, the entity ids);
- a manifest per database: the fingerprint of every input file and the database file it produced,
  so that a build with nothing changed has nothing to do.

Every key also holds a hash of the code that made the entry (DEPENDS: the modules each kind of entry
depends on), so a new version never reads an entry its changes could have made different, and an
upgrade that does not touch segmentation keeps the sentences. A cached value is checked before use
(sentences must be sane spans of the article; facts must have the expected shape); anything
unreadable is recomputed, and a cache file SQLite cannot open is deleted and started afresh.

Every entry is sealed: stored as an HMAC-SHA256 of its kind, key and content, then the content. The
key of the HMAC is this user's (`cache-key` in ~/.cache/timeline, or $XDG_CACHE_HOME/timeline, made on
first use, readable by the user alone), never in the cache folder: an entry edited by hand, or a
cache folder brought from elsewhere (a CI cache restored from another branch), fails its seal and is
recomputed, whatever field was changed (a title, a value, notes, a corroboration row), not only the
quotes the build checks against the articles. Where no key can be kept, one is made for the process
(nothing is reused across builds).
Deleting the folder is always safe: the next build is a full one.
"""
from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import hmac
import itertools
import json
import os
import pathlib
import secrets
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

import pysbd

from timeline.core import files, jsontext
from timeline.errors import Unreadable
from timeline.records import FACT_FIELDS, Row, Sources, Span, Spans

_WORDS_LINE = re.compile(r"[1-9][0-9]* \S+(?: \S+)*\Z")  # a sentence's number and its words (sentence_words)

FOLDER = ".timeline-cache"
SOURCE_TABLES = ("source_links", "shared_sentences", "source_origins")  # what corroboration.rows makes


# What each kind of entry depends on: the package modules named here (dotted, within the package),
# what they import at their top level (followed through the package), and for the sentences
# pysbd's version. An upgrade that leaves a kind's modules alone keeps its entries (a new segmenter
# drops the sentences and everything made from them; a change to the build or the checks keeps the
# sentences). The manifest, which says "this database is the one these inputs give", depends on the
# whole package.
DEPENDS = {
    "sentences": ("text.sentences",),
    "signals": ("text.sentences", "text.signals", "inputs.articles"),
    "words": ("text.sentences", "text.words", "inputs.articles"),
    "source_rows": ("text.sentences", "across.corroboration", "core.setjoin"),  # (setjoin is imported where used)
    "facts": ("inputs.facts", "inputs.sources"),
    "history": ("database.history",),
    "history_blob": ("database.history",),
}
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the folder of timeline/__init__.py
_NAME = os.path.basename(PACKAGE)  # "timeline"


def module_file(name: str) -> str | None:
    """The file of the package module `name` ("text.sentences"; "" or "text" for a package's __init__),
    or None when there is no such module."""
    base = os.path.join(PACKAGE, *name.split(".")) if name else PACKAGE
    for path in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(path):
            return path
    return None


def module_source(name: str) -> bytes:
    """The bytes of the package module `name` (a seam for tests: what an upgrade would change)."""
    path = module_file(name)
    if path is None:
        raise FileNotFoundError(f"there is no module {name} in {PACKAGE}")
    with open(path, "rb") as f:
        return f.read()


def package_modules() -> list[str]:
    """Every module of the package, dotted ("cli", "text.sentences", "site.plugins.chart"), sorted."""
    out: list[str] = []
    for folder, dirnames, filenames in os.walk(PACKAGE):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        inside = os.path.relpath(folder, PACKAGE)
        prefix = "" if inside == "." else inside.replace(os.sep, ".") + "."
        out += [prefix + n[:-3] if n != "__init__.py" else prefix.rstrip(".")
                for n in filenames if n.endswith(".py")]
    return sorted(out)


# A package import at the top level of a module (one inside a function or an `if` is indented: it is
# not one): `from timeline.text import dates, quotes`, `from timeline.text.dates import parse_date`.
_IMPORT = re.compile(rf"^from {_NAME}((?:\.\w+)*) import ([^\n(]+|\([^)]*\))", re.M)


def imported_modules(names: Iterable[str]) -> list[str]:
    """`names` and every package module they import at their top level, followed through the package
    (a module's packages count too: their __init__ runs when it is imported)."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen or module_file(name) is None:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:n]) for n in range(len(parts))]  # its packages, "" for timeline itself
        for module, imported in _IMPORT.findall(module_source(name).decode("utf-8")):
            module = module.lstrip(".")
            todo.append(module)
            for part in imported.strip("() \n").split(","):
                word = part.split()[0] if part.split() else ""
                if word and module_file(f"{module}.{word}" if module else word):  # a module, not a name in one
                    todo.append(f"{module}.{word}" if module else word)
    return sorted(seen)


def _external() -> str:
    return f"{sys.version_info[:2]} pysbd {getattr(pysbd, '__version__', '?')}"


@functools.lru_cache(maxsize=None)
def version_of(*names: str) -> str:
    """A hash of the code of the package modules `names` (with what they import), pysbd's and Python's
    versions; with no names, of the whole package."""
    names = tuple(package_modules()) if not names else tuple(imported_modules(names))
    digest = hashlib.sha256(_external().encode())
    for name in names:
        digest.update(name.encode() + b"\0" + module_source(name))
    return digest.hexdigest()


def code_version() -> str:
    """A hash of the whole package's code: any change makes the manifest stale (a new database is built)."""
    return version_of()


def kind_version(kind: str) -> str:
    return version_of(*DEPENDS[kind]) if kind in DEPENDS else code_version()


def _key_path() -> str:
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(home, "timeline", "cache-key")


def key_is_kept() -> bool:
    """True when this process seals with the key kept in this user's file: another process of this user
    (a helper) reads the same entries; False when the key is this process's own (no file could be kept)."""
    key = sealing_key()  # (made first, when there is none yet)
    try:
        with open(_key_path(), "rb") as f:
            return f.read(64) == key
    except OSError:
        return False


@functools.cache
def sealing_key() -> bytes:
    """This user's key for the cache's seals (see the module's docstring), made on first use."""
    path = _key_path()
    try:
        with open(path, "rb") as f:
            key = f.read(64)
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        temporary = f"{path}.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        os.replace(temporary, path)
        with open(path, "rb") as f:  # another build may have made one at the same moment: use what is there
            return f.read(64) if os.path.getsize(path) == 32 else key
    except OSError:
        return key  # nothing kept: this process's entries are its own


def _seal(kind: str, key: str, text: str) -> str:
    return hmac.digest(sealing_key(), f"{kind}\0{key}\0{text}".encode("utf-8", "surrogatepass"), "sha256").hex()


def folder_for(db_path: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(db_path)), FOLDER)


class Cache:
    """Reusable results of earlier builds; use as a context manager, or call close()."""

    def __init__(self, folder: str, check: bool = True, read_only: bool = False) -> None:
        """Open (or make) the cache in `folder`. `check`: check the whole file first (PRAGMA quick_check)
        and start afresh when it is damaged; without it (until make_sound()), an entry that does not read
        is only missing: what a look at a few entries needs (the full check takes a tenth of a second at
        10,000 articles). `read_only`: entries are read, never written, and nothing is made or deleted
        (a helper process reading beside the build that writes)."""
        self.folder = folder
        self.path = os.path.join(folder, "cache.db")
        self.check = check and not read_only
        self.read_only = read_only
        self.versions: dict[str, str] = {}
        self.used: set[tuple[str, str]] = set()
        self.hits = self.misses = 0
        self.pruned = False  # the entries this build did not use are dropped already (save)
        self._rows: dict[str, dict[str, list[Row]] | None] = {}  # {key: the corroboration rows read for it, or None}
        # (the sources last described for those rows, how many, their key)
        self._described: tuple[Sources, int, str] | None = None
        self.conn: sqlite3.Connection | None = None
        self._connect()

    def _connect(self) -> None:
        if self.read_only:
            try:
                self.conn = sqlite3.connect(pathlib.Path(os.path.abspath(self.path)).as_uri() + "?mode=ro", uri=True,
                                            isolation_level=None, timeout=5)
            except sqlite3.Error:
                self.conn = None
            return
        try:
            if not os.path.isdir(self.folder):
                os.mkdir(self.folder)  # never creates the database's folder: a missing folder is the build's error
            self.conn = self._open()
        except (OSError, sqlite3.Error):
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            try:
                self.conn = self._open()
            except (OSError, sqlite3.Error):
                self.conn = None  # no cache: every build is a full one

    def make_sound(self) -> None:
        """The check of the whole file that Cache(check=False) left out, before a build relies on many
        entries: a damaged file is started afresh (what it held is worked out again)."""
        if self.check or self.conn is None:
            return
        self.check = True
        try:
            sound = self.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.Error:
            sound = False
        if not sound:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            self._connect()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=5)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS entries (kind TEXT, key TEXT, value TEXT, PRIMARY KEY (kind, key))")
        if self.check and conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            conn.close()
            raise sqlite3.DatabaseError("cache file is damaged")
        conn.execute("BEGIN")
        return conn

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(save=exc[0] is None)

    def _key(self, kind: str, key: str) -> str:
        if kind not in self.versions:
            self.versions[kind] = kind_version(kind)
        return self.versions[kind] + ":" + key

    def get(self, kind: str, key: str) -> Any:
        text = self._sealed_text(kind, key)
        try:
            return json.loads(text) if text is not None else None
        except ValueError:
            return None

    def _sealed_text(self, kind: str, key: str) -> str | None:
        """The JSON kept for `key`, when this cache wrote it (its seal holds), else None."""
        if self.conn is None:
            return None
        try:
            full = self._key(kind, key)
            row = self.conn.execute("SELECT value FROM entries WHERE kind = ? AND key = ?", (kind, full)).fetchone()
            if not row or not isinstance(row[0], str):
                return None
            seal, _, text = row[0].partition(":")
            if not hmac.compare_digest(seal, _seal(kind, full, text)):
                return None  # changed since it was written, or written with another key
            return text
        except (sqlite3.Error, ValueError, TypeError):
            return None

    def put(self, kind: str, key: str, value: Any, as_json: str | None = None) -> None:
        if self.conn is None or self.read_only:
            return
        full, text = self._key(kind, key), as_json or jsontext.compact(value)
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                              (kind, full, f"{_seal(kind, full, text)}:{text}"))

    def sentences(self, sha256: str, text: str) -> Spans | None:
        """The sentences of an article as the cache knows them, when they are sane spans of `text`, or None."""
        self.used.add(("sentences", sha256))
        spans = sane_spans(self.get("sentences", sha256), text)
        if spans is not None:
            self.hits += 1
            return spans
        self.misses += 1
        return None

    def signals(self, sha256: str, spans: Sequence[Span]) -> list[str] | None:
        """The coverage signals of each sentence of an article (as the sentences table stores them), or None."""
        self.used.add(("signals", sha256))
        value = self.get("signals", sha256)
        if isinstance(value, list) and len(value) == len(spans) and all(isinstance(v, str) for v in value):
            return value
        return None

    def words(self, sha256: str, spans: Sequence[Span]) -> str | None:
        """The content words of an article's sentences, packed (corroboration.sentence_words), or None."""
        self.used.add(("words", sha256))
        value = self.get("words", sha256)
        if not isinstance(value, str):
            return None
        for line in value.split("\n") if value else ():
            if not _WORDS_LINE.match(line) or int(line.split(" ", 1)[0]) > len(spans):
                return None
        return value

    def count(self, kind: str) -> int:
        """How many entries of `kind` this code made (0 when the cache cannot say)."""
        if self.conn is None:
            return 0
        prefix = self._key(kind, "")  # every key of the kind starts with its version and ":"
        with contextlib.suppress(sqlite3.Error):
            return int(self.conn.execute("SELECT count(*) FROM entries WHERE kind = ? AND key >= ? AND key < ?",
                                         (kind, prefix, prefix[:-1] + ";")).fetchone()[0])
        return 0

    def put_part(self, kind: str, sha256: str, value: Any) -> None:
        """Keep what articles.analyse found for one article: its "sentences", "signals" or "words"."""
        self.used.add((kind, sha256))
        self.put(kind, sha256, value)

    def keep(self, kind: str, key: str) -> None:
        """Keep an entry this build did not need to read (it is not pruned)."""
        self.used.add((kind, key))

    def _source_rows_key(self, sources: Sources) -> str:
        known = self._described
        if known and known[0] is sources and known[1] == len(sources):
            return known[2]  # asked three times a build (0.15 s each at 10,000 articles)
        described = [[s.id, s.sha256, s.published, s.based_on, s.language] for _, s in sorted(sources.items())]
        key = hashlib.sha256(json.dumps(described).encode()).hexdigest()
        self._described = (sources, len(sources), key)
        return key

    def _cached_source_rows(self, key: str, tables: Collection[str]) -> dict[str, list[Row]] | None:
        if key not in self._rows:
            value = self.get("source_rows", key)
            ok = isinstance(value, dict) and set(value) == set(tables) and all(
                isinstance(rows, list) and all(isinstance(r, dict) for r in rows) for rows in value.values())
            self._rows = {key: value if ok else None}
        return self._rows[key]

    def has_source_rows(self, sources: Sources, tables: Collection[str] = SOURCE_TABLES) -> bool:
        """True when the corroboration rows of exactly these sources are kept. They are read only when used
        (source_rows, once the facts are checked): held from here on, the wire shape's took 105 MB of the
        build's peak at 100,000 facts. Rows kept but not of the right shape are then worked out again."""
        key = self._source_rows_key(sources)
        if key in self._rows:
            return self._rows[key] is not None
        return self._sealed_text("source_rows", key) is not None  # (its JSON is not parsed here)

    def source_rows(self, sources: Sources, tables: Collection[str],
                    compute: Callable[[], dict[str, list[Row]]]) -> dict[str, list[Row]]:
        """Rows that depend on the sources alone (corroboration): reused while no source changes."""
        key = self._source_rows_key(sources)
        self.used.add(("source_rows", key))
        value = self._cached_source_rows(key, tables)
        if value is not None:
            return value
        value = compute()
        self.put("source_rows", key, value)
        self._rows = {}
        return value

    def facts(self, key: str) -> list[list[Any]] | None:
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

    def put_facts(self, key: str, pairs: Sequence[Sequence[Any]], as_json: str | None = None) -> None:
        """Keep the checked facts of one facts file (`as_json`: `pairs` already in JSON, as a worker sends them)."""
        self.used.add(("facts", key))
        self.put("facts", key, pairs, as_json)

    def manifest(self, db_path: str) -> dict[str, Any] | None:
        value = self.get("manifest", os.path.abspath(db_path))
        return value if isinstance(value, dict) else None

    def put_manifest(self, db_path: str, value: dict[str, Any]) -> None:
        self.used.add(("manifest", os.path.abspath(db_path)))
        self.put("manifest", os.path.abspath(db_path), value)

    def close(self, save: bool = True, prune: bool = True) -> None:
        """Commit, dropping entries this build did not use (other databases' manifests are kept)."""
        if self.conn is None:
            return
        if self.read_only:
            self.conn.close()
            self.conn = None
            return
        try:
            if save and prune and not self.pruned:
                self._prune()
            self.conn.execute("COMMIT" if save else "ROLLBACK")
        except sqlite3.Error:
            pass
        finally:
            self.conn.close()
            self.conn = None

    def save(self) -> None:
        """What close() does, the cache staying open: a build saves what it used and wrote while it
        checks the new database, and adds the manifest once that is in place."""
        if self.conn is None or self.read_only:
            return
        with contextlib.suppress(sqlite3.Error):
            self._prune()
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN")

    def _prune(self) -> None:
        """Drop the entries this build did not use (other databases' manifests are kept)."""
        assert self.conn is not None  # (asked by close and save only)
        self.conn.execute(USED)
        self.conn.executemany("INSERT OR IGNORE INTO used VALUES (?, ?)",
                              [(k, self._key(k, key)) for k, key in self.used])
        self.conn.execute(PRUNE)
        self.conn.execute("DROP TABLE used")
        self.pruned = True


# The entries a build used, and the DELETE of the others. Each entry is looked up in `used` by its key:
# `(kind, key) NOT IN (SELECT ...)` scanned the whole of `used` for every entry not in it (the plan SQLite
# 3.40 makes of a NOT IN of two columns), so a build after an upgrade that made 20,000 entries stale spent
# 39 s here (now 0.8 s). The entries are found from the (kind, key) index alone: the table's own pages,
# which hold the entries' JSON (about 120 MB at 100,000 facts), are read only for the entries deleted.
USED = "CREATE TEMP TABLE used (kind TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID"
PRUNE = ("DELETE FROM entries WHERE rowid IN (SELECT rowid FROM entries WHERE kind != 'manifest' AND NOT EXISTS"
         " (SELECT 1 FROM used WHERE used.kind = entries.kind AND used.key = entries.key))")


def sane_spans(spans: Any, text: str) -> Spans | None:
    """`spans` (a list of [paragraph, start, end] lists, as JSON gives them) as Spans when they are
    sentences of `text`: in order, each starting and ending on a character that is not a space, none
    across a line break; else None."""
    if not isinstance(spans, list):
        return None
    # The ends of the article's lines, each after its line break (LINE_BREAK's breaks are those of
    # str.splitlines). A span that starts and ends on a character that is not a space (every break is
    # one) holds a break when a line ends inside it: found by bisection, not by searching each sentence
    # (a third of reading an article's cached sentences).
    ends = list(itertools.accumulate(map(len, text.splitlines(True))))
    previous_end, previous_para, size, isspace = 0, 1, len(text), str.isspace
    try:
        for para, start, end in spans:
            if not (type(para) is int and type(start) is int and type(end) is int):
                return None
            if para < previous_para or start < previous_end or end <= start or end > size:
                return None
            if isspace(text[start]) or isspace(text[end - 1]) \
                    or bisect.bisect_right(ends, start) != bisect.bisect_left(ends, end):
                return None
            previous_end, previous_para = end, para
    except (TypeError, ValueError):
        return None
    return Spans.of_columns(*zip(*spans)) if spans else Spans()  # (the three columns at once: a tenth quicker)


def _sane_facts(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    try:
        for fact, id_line in value:
            if type(id_line) is not int or not isinstance(fact, dict) or not FACT_FIELDS <= set(fact):
                return False
            if not isinstance(fact["citations"], list) or not isinstance(fact["entities"], list):
                return False
            for e in fact["entities"]:
                if not (isinstance(e, list) and len(e) == 2):
                    return False
    except (TypeError, ValueError):
        return False
    return True


def fingerprint_of(hashes: dict[str, Any]) -> str:
    """One hash of the inputs (input_hashes) and of the code."""
    return hashlib.sha256(json.dumps([code_version(), hashes], sort_keys=True).encode()).hexdigest()


# A file changed less than this long before its state was recorded may change again within the same
# tick of the file system's clock without its times moving: its state is not trusted (as git does).
RACY_SECONDS = 2.0


# A file in facts/ or sources/ bigger than this is not hashed (its size, time and inode stand in): an
# article or a facts file that size is refused by the build anyway, and hashing it would only take time.
HASH_LIMIT = 256 * 1024 * 1024


def input_hashes(facts_dir: str, sources_dir: str, known: Any = None,
                 now: float | None = None) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """({"facts": {name: sha256}, "sources": sha256, "facts_folder": name}, states).

    Each file under the facts folder is hashed by its path inside it, everything under the sources
    folder (names and bytes) into one hash. The folders are read as the build reads them
    (timeline.files): editors' leftovers are left out, only regular files are read, and a file that
    cannot be read (a pipe, a device, a symlink loop, a read error) is recorded by what is wrong with
    it, so the build that reports it is never skipped as up to date. `known` is the `states` of the
    last build: {path: [size, mtime_ns, ctime_ns, inode, sha256]}; a file whose size, times and inode
    are still those is not read again (a change of content always moves ctime, which no program can
    set back). Files changed in the RACY_SECONDS before `now` are left out of the states returned."""
    known = known if isinstance(known, dict) else {}
    now = time.time() if now is None else now
    states: dict[str, list[Any]] = {}
    out: dict[str, Any] = {}
    for label, folder in (("facts", facts_dir), ("sources", sources_dir)):
        folder = os.path.abspath(folder)
        found = {}
        for name, full in files.walk(folder):
            try:
                st = files.check_regular(full)
            except FileNotFoundError:
                continue  # gone since the folder was listed: as if it was never there
            except Unreadable as e:
                found[name] = "unreadable: " + e.reason
                continue
            state = files.identity(st)
            before = known.get(full)
            if isinstance(before, list) and len(before) == 5 and before[:4] == state:
                sha = before[4]
            else:
                try:
                    sha, st = files.sha256_of(full, HASH_LIMIT)
                    state = files.identity(st)
                except FileNotFoundError:
                    continue
                except Unreadable as e:
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


def file_state(path: str) -> list[int]:
    """What identifies one written database file (files.identity): a database edited in place and given
    back its modification time still has a new ctime, so it is never taken for the one a build wrote."""
    return files.identity(os.stat(path))
