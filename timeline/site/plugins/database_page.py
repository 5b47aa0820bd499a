"""The database page (`/timeline`, `/timeline.json`) is rendered once per served file, not on every view.

Datasette 0.65.5's database view asks SQLite about every table on every request (columns, primary
keys, foreign keys, hidden tables, full-text tables, views, canned queries: about 180 small steps
through its thread pool) and checks permissions for each table: 45-80 ms at 100,000 facts on an idle
machine, 110-170 ms p95 with the other core busy, while the SQL it shows costs 3 ms. What it shows
depends only on the database file, the metadata, the templates and who asks; the served file is
immutable and the metadata fixed while a server runs (a rebuilt file is a new file, swapped in by
live_database.py). So the complete response (status, headers, body) is kept and sent again.

A response is kept, and a kept one sent, only when all of these hold:
- a GET of exactly a database page, HTML or `.json`, with no query string;
- the database is opened immutable (`-i`) from a file; the key holds the file's path, device, inode,
  size and modification time, so a replaced or touched file is rendered afresh. A mutable database
  is never kept;
- nobody is asking as someone: no Cookie and no Authorization header, no actor set by an outer ASGI
  wrapper, and no `actor_from_request` hook finds one (in 0.65.5 that is the only source of an
  actor; the built-in hook reads the signed `ds_actor` cookie). Cookies also carry Datasette's
  messages and CSRF token and make it mark a response private, so any cookie means Datasette renders;
- no plugin supplies metadata at request time (`get_metadata`);
- the response is a complete 200 that sets no cookie.
The key also holds the Host header and scheme (the page links its JSON by absolute URL), the metadata
object and the names and times of the files in the template folders (Datasette re-reads an edited
template). At most KEEP responses are kept per server, the oldest dropped first.
The page's footer ("Queries took") and the JSON's `query_ms` tell the time of the render kept.

Under a server (after the ASGI lifespan startup), the first plain request from a new host warms that
host's database pages in the background, so a reader's first visit is quick too; at most WARM_HOSTS
hosts are warmed per server, so made-up Host headers cannot make it render without end.
"""
import asyncio
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import await_me_maybe
from datasette.utils.asgi import Request

KEEP = 32
WARM_HOSTS = 4
FORMATS = (None, "json")

Scope = dict[str, Any]  # an ASGI connection scope
Message = dict[str, Any]  # an ASGI event
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Key = tuple[object, ...]  # what a kept response depends on (page_key)
Kept = tuple[list[tuple[bytes, bytes]], bytes]  # a kept response: (headers, body)


def database_pages(datasette: Any) -> dict[str, str]:
    """{path: database name} for the HTML and JSON database page of every immutable file database."""
    pages = {}
    for name, db in datasette.databases.items():
        if db.is_mutable or db.is_memory or not db.path:
            continue
        for format in FORMATS:
            pages[str(datasette.urls.database(name, format=format))] = name
    return pages


def file_identity(path: str) -> tuple[str, int, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def template_dirs(datasette: Any) -> list[str]:
    """The story's templates (Datasette's --template-dir), then the site's own (next to this folder)."""
    packaged = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
    return [d for d in dict.fromkeys((datasette.template_dir, packaged)) if d and os.path.isdir(d)]


def templates_state(folders: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """The name and modification time of every file under the template folders."""
    state = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                try:
                    state.append((os.path.join(root, name), os.stat(os.path.join(root, name)).st_mtime_ns))
                except OSError:
                    pass
    return tuple(state)


def routed_path(scope: Mapping[str, Any]) -> str | None:
    """The path as Datasette's router reads it (the raw path, undecoded), or None."""
    try:
        raw = scope.get("raw_path")
        return (raw.decode("ascii") if raw else scope["path"]).partition("?")[0]
    except (UnicodeDecodeError, KeyError):
        return None


def page_key(datasette: Any, scope: Scope) -> Key | None:
    """The cache key for a request of a database page that may be kept, else None (actor not checked)."""
    if scope.get("type") != "http" or scope.get("method") != "GET" or scope.get("query_string"):
        return None
    name = database_pages(datasette).get(routed_path(scope) or "")
    if name is None or pm.hook.get_metadata.get_hookimpls():
        return None
    db = datasette.databases[name]
    opened = getattr(db, "identity", None)  # the file live_database.py has this database serve
    file = (db.path, *opened) if opened is not None else file_identity(db.path)
    if file is None:
        return None
    request = Request(scope, None)
    return (routed_path(scope), name, file, request.host, request.scheme,
            id(getattr(datasette, "_metadata_local", None)), templates_state(template_dirs(datasette)))


def plain(scope: Mapping[str, Any]) -> bool:
    """True when the request carries nothing that can identify someone: no cookie, no Authorization."""
    names = {key.lower() for key, _ in scope.get("headers", [])}
    return b"cookie" not in names and b"authorization" not in names and not scope.get("actor")


async def anonymous(datasette: Any, scope: Scope) -> bool:
    """True when Datasette would find no actor for this request."""
    if not plain(scope):
        return False
    request = Request(scope, None)
    for actor in pm.hook.actor_from_request(datasette=datasette, request=request):
        if await await_me_maybe(actor):
            return False
    return True


async def render_and_keep(app: App, scope: Scope, receive: Receive, send: Send, cache: dict[Key, Kept],
                          key: Key) -> None:
    """Let Datasette answer, passing every message on, and keep the answer if it may be reused."""
    start, chunks, complete = None, [], False

    async def keep(message):
        nonlocal start, complete
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            complete = not message.get("more_body", False)
        await send(message)

    await app(scope, receive, keep)
    if start is None or start.get("status") != 200 or not complete:
        return
    headers = [(bytes(k), bytes(v)) for k, v in start.get("headers", [])]
    if any(k.lower() == b"set-cookie" for k, _ in headers):
        return
    while len(cache) >= KEEP:
        cache.pop(next(iter(cache)))
    cache[key] = (headers, b"".join(chunks))


async def send_kept(send: Send, kept: Kept) -> None:
    headers, body = kept
    await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def warm(app: App, datasette: Any, cache: dict[Key, Kept], scope: Scope) -> None:
    """Render the database pages for the host and scheme of `scope`, keeping what may be kept."""
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def discard(message):
        pass

    host = Request(scope, None).host.encode("latin-1")
    for path in database_pages(datasette):
        try:
            await warm_page(app, datasette, cache, scope, host, path, receive, discard)
        except Exception:  # a page that fails now fails again, and is reported, when a reader asks for it
            pass


async def warm_page(app: App, datasette: Any, cache: dict[Key, Kept], scope: Scope, host: bytes, path: str,
                    receive: Receive, discard: Send) -> None:
    page = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": scope.get("scheme", "http"), "path": path, "raw_path": path.encode("ascii"),
            "query_string": b"", "root_path": scope.get("root_path", ""), "headers": [(b"host", host)],
            "client": scope.get("client"), "server": scope.get("server")}
    key = page_key(datasette, page)
    if key is not None and key not in cache and await anonymous(datasette, page):
        await render_and_keep(app, page, receive, discard, cache, key)


def kept_responses(datasette: Any) -> dict[Key, Kept]:
    """The responses kept for this Datasette instance: {key: (headers, body)}."""
    cache = getattr(datasette, "_database_page_responses", None)
    if cache is None:
        cache = datasette._database_page_responses = {}
    return cache


@hookimpl
def asgi_wrapper(datasette):
    cache = kept_responses(datasette)
    state: dict[str, Any] = {"server": False, "warmed": set(), "tasks": set()}

    def wrap(app):
        async def database_page(scope, receive, send):
            if scope.get("type") == "lifespan":
                state["server"] = True  # an ASGI server runs us: its event loop outlives each request
                await app(scope, receive, send)
                return
            key = page_key(datasette, scope)
            if key is not None and await anonymous(datasette, scope):
                kept = cache.get(key)
                if kept is not None:
                    await send_kept(send, kept)
                else:
                    await render_and_keep(app, scope, receive, send, cache, key)
            else:
                await app(scope, receive, send)
            if state["server"] and scope.get("type") == "http" and plain(scope):
                host = (Request(scope, None).host, scope.get("scheme", "http"))
                if host not in state["warmed"] and len(state["warmed"]) < WARM_HOSTS:
                    state["warmed"].add(host)
                    task = asyncio.get_running_loop().create_task(warm(app, datasette, cache, scope))
                    state["tasks"].add(task)
                    task.add_done_callback(state["tasks"].discard)

        return database_page

    return wrap
