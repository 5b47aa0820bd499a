"""A rebuilt timeline.db is served at once, by the same server: no restart, no refused connection.

A build writes a new file whole and renames it over timeline.db (database/write.py), so the path
names either the old file or the new one, never half of one. Datasette opened the old one immutable
and would serve it for ever; `timeline serve` used to restart Datasette after every rebuild, and the
site refused connections for 1.1-1.6 s each time (2.2 s with two workers; twenty saves in 10 s left it
down for about 9 s). Now every request first looks at the served files (one stat() each): when an
immutable database's path names another file than the one opened, that file is opened and checked,
and it replaces the old one in `datasette.databases` under the same name. A request already running
finishes on the old file, whose connections are closed a minute later (CLOSE_AFTER, far past any
query's time limit); in a server of several workers, each worker swaps on its own next request.

Datasette keeps each thread's SQLite connection under the database's name, so a new Database of the
same name would be handed the old file's connections: `LiveDatabase` keeps them under a name of its
own. A file that cannot be opened as a database is not swapped in (the old one stays served).
"""
import asyncio
import os
import secrets
import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.database import Database, connections

CLOSE_AFTER = 60.0  # seconds an old file stays open for the requests that started on it


def identity(path: str) -> tuple[int, int, int, int] | None:
    """Which file `path` names now (device, inode, size, modification time), or None."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


class LiveDatabase(Database):
    """An immutable database whose threads' connections are its own (see the module's docstring);
    `identity` is the file it opened."""

    def __init__(self, ds: Any, path: str, opened: tuple[int, int, int, int] | None):
        super().__init__(ds, path=path, is_mutable=False)
        self.identity = opened
        self._local = f"live-{secrets.token_hex(8)}"

    async def execute_fn(self, fn: Any) -> Any:
        if self.ds.executor is None:
            return await super().execute_fn(fn)

        def in_thread() -> Any:
            conn = getattr(connections, self._local, None)
            if not conn:
                for name in [n for n in vars(connections) if n.startswith("live-")]:
                    delattr(connections, name)  # an older file's connection: closed by now, or soon
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                setattr(connections, self._local, conn)
            return fn(conn)

        return await asyncio.get_event_loop().run_in_executor(self.ds.executor, in_thread)


def _opens(path: str) -> bool:
    """True when `path` opens as an SQLite database."""
    try:
        conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
        return True
    except sqlite3.Error:
        return False


def served_file(db: Any) -> tuple[int, int, int, int] | None:
    """The identity of the file a served database opened (its identity when it was first looked at)."""
    if getattr(db, "identity", None) is None:
        db.identity = identity(db.path)
    return db.identity


def swap_changed(datasette: Any) -> list[str]:
    """Serve the new file of every immutable database whose path names another file now; the names."""
    swapped = []
    for name, db in list(datasette.databases.items()):
        if db.is_mutable or db.is_memory or not db.path:
            continue
        was, now = served_file(db), identity(db.path)
        if now is None or now == was or not _opens(db.path):
            continue
        fresh = LiveDatabase(datasette, db.path, now)
        route = db.route
        datasette.remove_database(name)
        datasette.add_database(fresh, name=name, route=route)
        swapped.append(name)
        try:
            asyncio.get_running_loop().call_later(CLOSE_AFTER, db.close)
        except RuntimeError:
            pass
    return swapped


@hookimpl
def startup(datasette: Any) -> None:
    for db in datasette.databases.values():  # the files Datasette opened at its start
        if not db.is_mutable and not db.is_memory and db.path:
            served_file(db)


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def live(scope: Any, receive: Any, send: Any) -> None:
            if scope.get("type") == "http":
                swap_changed(datasette)
            await app(scope, receive, send)

        return live

    return wrap
