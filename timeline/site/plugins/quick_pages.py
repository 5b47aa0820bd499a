"""No page pays for work the reader did not ask for: view pages skip counting, and fixed summaries
(how many facts, which kinds, the busiest entities) are computed once per served file.

- A view page (`/timeline/figures`, `.json` too) counts nothing unless the reader asks with
  `?_count=1`: Datasette counts a table with one index read, but a view only by computing every row
  of it (the chronological views compute each fact's sources: about 2 s at 100,000 facts, cut off by
  the time limit on every page view). The page says "more" and links the next page instead.
- `cached_sql(sql, params)` in templates runs a query once and keeps its rows while the database is
  served immutable (`timeline serve` opens it with -i; a rebuilt file is served as a new one), so the
  home page's counts and the timeline's filter choices cost nothing after the first request. That
  first run may take up to CACHED_TIME_LIMIT_MS (a fixed summary of the whole archive, not a reader's
  query: under load at 100,000 facts it could pass the 1 s limit, and the page failed). A mutable
  database is queried every time, within the usual limit. Only a bounded number of distinct queries
  are kept.
"""
import os
import sqlite3
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit, tilde_decode

KEEP = 256  # distinct (database, sql, params) results kept per server
CACHED_TIME_LIMIT_MS = 10_000  # for a query cached_sql runs once per served immutable file
_cache: dict[tuple[Any, ...], list[Any]] = {}  # {(database, file, sql, params): rows}
_views: dict[tuple[str, tuple[Any, ...]], set[str]] = {}  # {(database, file): view names}


def nocount_path(path: str, query_string: str, views: Mapping[str, set[str]]) -> str:
    """The query string a view page is served with: `_nocount=1` added unless the reader set
    `_count` or `_nocount`. `views` is {database: set of view names}; other paths are unchanged."""
    parts = path.split("/")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        return query_string
    database, name = parts[1], parts[2]
    for extension in (".json", ".csv"):
        if name.endswith(extension):
            name = name[:-len(extension)]
    if tilde_decode(name) not in views.get(database, ()):
        return query_string
    args = parse_qsl(query_string, keep_blank_values=True)
    if any(key in ("_count", "_nocount") for key, _ in args):
        return query_string
    return urlencode(args + [("_nocount", "1")])


def _file(db):
    """Which file a database is: its path and modification time (several servers may share a process);
    the file it opened when live_database.py swapped it in (the path may already name a newer one)."""
    if getattr(db, "identity", None) is not None:
        return (db.path, db.identity)
    try:
        return (db.path, os.stat(db.path).st_mtime_ns) if db.path else (None, None)
    except OSError:
        return (db.path, None)


async def view_names(datasette: Any) -> dict[str, set[str]]:
    found = {}
    for name, db in datasette.databases.items():
        key = (name, _file(db))
        if key in _views and not db.is_mutable:
            found[name] = _views[key]
            continue
        try:
            found[name] = set(await db.view_names())
        except Exception:  # an unreadable database: Datasette itself will say so
            found[name] = set()
        _views[key] = found[name]
    return found


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def quick(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
                query_string = scope.get("query_string", b"").decode("latin-1")
                changed = nocount_path(scope.get("path", ""), query_string, await view_names(datasette))
                if changed != query_string:
                    scope = dict(scope, query_string=changed.encode("latin-1"))
            await app(scope, receive, send)

        return quick

    return wrap


def _run_with_limit(conn, sql, params, ms):
    """Rows of `sql`, stopped after `ms` as Datasette stops a query (Database.execute only lowers its limit)."""
    with sqlite_timelimit(conn, ms):
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as e:
            if e.args == ("interrupted",):
                raise QueryInterrupted(e, sql, params) from None
            raise


@hookimpl
def extra_template_vars(datasette):
    async def cached_sql(sql, params=None, database=None):
        db = datasette.get_database(database)
        key = (db.name, _file(db), sql, tuple(sorted((params or {}).items())))
        if key in _cache and not db.is_mutable:
            return _cache[key]
        if db.is_mutable:
            rows = list((await db.execute(sql, params or {})).rows)
        else:  # run once per served file: a summary of the whole archive gets more time than a reader's query
            rows = await db.execute_fn(lambda conn: _run_with_limit(conn, sql, params or {}, CACHED_TIME_LIMIT_MS))
        if not db.is_mutable and len(_cache) < KEEP:
            _cache[key] = rows
        return rows

    return {"cached_sql": cached_sql}
