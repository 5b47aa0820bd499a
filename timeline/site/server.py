"""Serving the database with Datasette: the command line, public settings, and rebuild on change.

`timeline serve` watches facts/ and sources/ and rebuilds on a change; a build that succeeded puts the
new timeline.db in place whole (a rename), and the running server serves it from its next request
(site/plugins/live_database.py): nothing is restarted, no connection is refused. A failed rebuild keeps
the old database. A change is built only once it is finished: the folders have been still for QUIET
seconds and no changed file is still open for writing (an editor, or a script writing a file in
several pieces, is not done with it).
"""
import ctypes
import errno
import fcntl
import importlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from timeline.core import files
from timeline.core.git import git
from timeline.database.cache import folder_for
from timeline.errors import GitUnavailable, SiteError, Unreadable
from timeline.site import SITE_METADATA, SITE_PLUGINS, SITE_STATIC, SITE_TEMPLATES

# `timeline serve --public`: chosen for a server anyone can reach. Every value is explained in README.
PUBLIC_SETTINGS = {
    "sql_time_limit_ms": 1000,       # a runaway query is stopped after 1 s
    "max_returned_rows": 1000,       # no page or query returns more rows
    "num_sql_threads": 3,            # queries in parallel; the rest wait
    "default_allow_sql": "on",       # arbitrary read-only SQL is a feature: immutable file + time limit
    "allow_download": "off",         # the whole .db file is not offered (build it from the repository)
    "allow_csv_stream": "off",       # CSV is one bounded page (max_returned_rows), not an unbounded stream
    "max_csv_mb": 1,
    "suggest_facets": "off",         # no speculative facet queries on every table page
    "allow_facet": "on",             # requested facets, each bounded by the time limit below
    "facet_time_limit_ms": 200,
    "default_facet_size": 30,
    "truncate_cells_html": 2048,
    "template_debug": "off",
    "trace_debug": "off",
}


# Served locally too, no page pays for work the reader did not ask for: facet suggestions scan every
# column of a table on every table page (most of a page's time at 100,000 facts); asked-for facets stay.
LOCAL_SETTINGS = ["--setting", "suggest_facets", "off"]


STORY_METADATA = "metadata.json"  # a story folder's own: its title, description, license, source links
DATABASE = "timeline"  # the name the site's pages, canned queries and descriptions are written for


# The Datasette plugins the site's pages use: {module: the package to install}.
PLUGINS = {"datasette_template_sql": "datasette-template-sql", "datasette_ics": "datasette-ics",
           "datasette_atom": "datasette-atom"}


def check_name(db_path: str) -> None:
    """The site's pages and queries are written for the database named 'timeline' (timeline.db)."""
    name = os.path.splitext(os.path.basename(db_path))[0]
    if name != DATABASE:
        raise SiteError(f"the site serves a database file named {DATABASE}.db (its pages and queries are written"
                        f" for the database '{DATABASE}'), not {os.path.basename(db_path)}: keep the name and choose"
                        f" the folder, e.g. --db public/{DATABASE}.db")


def site_metadata(path: str = STORY_METADATA) -> dict[str, Any]:
    """The packaged site's metadata (every table and column described, the canned queries) with the
    story's own metadata.json at `path`, when there is one, laid over it: keys it gives replace the
    site's, mappings are merged key by key (so a story can retitle one table, or add a canned query)."""
    with open(SITE_METADATA, encoding="utf-8") as f:
        merged = json.load(f)
    try:
        text = files.read_bytes(path, 1024 * 1024).decode("utf-8")  # a pipe put there never blocks
    except FileNotFoundError:
        return merged
    except Unreadable as e:
        raise SiteError(f"{path}: cannot be read ({e.reason}): fix it or remove it") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SiteError(f"{path}: cannot be read ({getattr(e, 'strerror', None) or e}): fix it or remove it") from None
    try:
        own = json.loads(text)
    except json.JSONDecodeError as e:
        raise SiteError(f"{path}:{e.lineno}: not valid JSON ({e.msg}): fix it, or remove it to use the"
                        " site's own title and descriptions")
    if not isinstance(own, dict):
        raise SiteError(f"{path}:1: must be a JSON object such as {{\"title\": \"...\", \"license\": \"...\"}}")
    return _lay_over(merged, own)


def _lay_over(base, own):
    out = dict(base)
    for key, value in own.items():
        out[key] = _lay_over(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


CURATOR_PLUGIN = "timeline"  # plugins/curator_view.py reads {"plugins": {"timeline": {"curator": true}}}


def write_site_metadata(path: str, folder: str, curator: bool = False) -> str:
    """Write the merged metadata (site_metadata) into `folder` for Datasette's -m; return its path.
    `curator`: the pages also show the curator's workings (file and line, ids, evidence notes, hashes:
    plugins/curator_view.py); never for a public site, whatever the story's metadata.json says. The
    curator's file has a name of its own, so a public server of the same story never reads it."""
    os.makedirs(folder, exist_ok=True)
    merged = site_metadata(path)
    own = dict(merged.get("plugins", {}).get(CURATOR_PLUGIN) or {})
    own.pop("curator", None)
    if curator:
        own["curator"] = True
    plugins = {k: v for k, v in merged.get("plugins", {}).items() if k != CURATOR_PLUGIN}
    if own:
        plugins[CURATOR_PLUGIN] = own
    merged = {k: v for k, v in merged.items() if k != "plugins"}
    if plugins:
        merged["plugins"] = plugins
    text = json.dumps(merged, indent=2, ensure_ascii=False)
    target = os.path.join(folder, "metadata-curator.json" if curator else "metadata.json")
    try:
        with open(target, encoding="utf-8") as f:
            if f.read() == text:
                return target
    except OSError:
        pass
    files.write_atomically(target, text.encode("utf-8"))
    return target


def site_options(merged_metadata: str, story: str = ".") -> list[str]:
    """Datasette's options for the site: the merged metadata file, the story folder's templates/ when it
    has one (the packaged templates stand behind it: plugins/site.py adds them), the site's plugins and
    static files."""
    story_templates = os.path.join(story, "templates")
    templates = story_templates if os.path.isdir(story_templates) else SITE_TEMPLATES
    return ["-m", merged_metadata, "--template-dir", os.path.abspath(templates),
            "--plugins-dir", SITE_PLUGINS, "--static", f"static:{SITE_STATIC}"]


def datasette_command(db_path: str, port: int, host: str = "127.0.0.1", public: bool = False,
                      metadata: str = STORY_METADATA, workers: int = 1) -> list[str]:
    """The Datasette command line that serves `db_path` read-only (immutable) as the site of a story
    whose own metadata.json is `metadata` (it need not exist; its folder may hold templates/). The
    merged metadata is written into the build cache folder next to `db_path`; without `public` the
    pages show the curator's workings too (plugins/curator_view.py). It runs in uvicorn
    (timeline/site/asgi.py), in one process or, with `workers` > 1, in that many behind the one port."""
    check_name(db_path)
    merged = write_site_metadata(metadata, folder_for(db_path), curator=not public)
    options = ["-i", db_path] + site_options(merged, os.path.dirname(os.path.abspath(metadata)))
    if public:
        for name, value in PUBLIC_SETTINGS.items():
            options += ["--setting", name, str(value)]
    else:
        options += LOCAL_SETTINGS
    # uvicorn with the timeouts and bounds of timeline/site/asgi.py: one process, or a supervisor and N workers
    return [sys.executable, "-m", "timeline.site.asgi", "--workers", str(workers), "-h", host, "-p", str(port),
            "--"] + options


def preflight(db_path: str, host: str, port: int) -> None:
    """Check what would make Datasette fail at start with a traceback: a missing plugin, a port in
    use, a database it cannot open. Raises SiteError saying what to do."""
    for module, package in PLUGINS.items():
        try:
            importlib.import_module(module)
        except ImportError:
            raise SiteError(f"the site needs the Datasette plugin {package}, which is not installed here:"
                            f" pip install {package} (or reinstall timeline, which depends on it)") from None
    try:
        conn = sqlite3.connect(f"file:{os.path.abspath(db_path)}?mode=ro&immutable=1", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise SiteError(f"cannot open {db_path} as a database ({e}): delete it and run timeline build"
                        " to write it again") from None
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except PermissionError:
            raise SiteError(f"not allowed to serve on port {port} (ports below 1024 need root): choose another"
                            " with --port 8001") from None
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise SiteError(f"port {port} on {host} is in use (another timeline serve, or another server):"
                                f" stop it, or choose another port with --port {port + 1}") from None
            raise SiteError(f"cannot serve on {host}:{port} ({e.strerror}): choose another --port") from None


REFUSED = 3  # the server's exit status when it refused to start and said why in one line (asgi.main)
LISTEN = "0A"  # the TCP state of a listening socket in /proc/net/tcp (one only bound is not listed there)


def bound_elsewhere(host: str, port: int, states: Sequence[str] = (LISTEN,),
                    ours: Iterable[socket.socket] = ()) -> list[int]:
    """The inodes of the TCP sockets other than `ours` bound to `port` on `host` (or on every address, or
    `host` is every address) in one of `states`, from /proc/net/tcp and tcp6 (Linux; [] elsewhere). Another
    process of the same user may bind a port with SO_REUSEPORT beside a server and be given a share of its
    connections: with the sockets it already has there, serving is refused."""
    mine = {os.fstat(sock.fileno()).st_ino for sock in ours}
    every = ("0.0.0.0", "::")
    found = []
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            with open(table, encoding="ascii") as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 10 or fields[3] not in states:
                continue
            address, _, hex_port = fields[1].partition(":")
            raw = bytes.fromhex(address)
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # each 32-bit word in host order
            where = socket.inet_ntop(family, raw).removeprefix("::ffff:")
            inode = int(fields[9])
            if int(hex_port, 16) == port and inode not in mine and inode != 0 \
                    and (where == host or where in every or host in every):
                found.append(inode)
    return found


def port_taken(host: str, port: int, inode: int) -> str:
    """One line: which process holds a socket on the port (when it can be seen), and what to do."""
    who = "another process"
    try:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")):
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        command = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()[:80]
                    who = f"another process (pid {pid}: {command})"
                    break
            except OSError:
                continue
    except OSError:
        pass
    return (f"{who} holds a socket on port {port} of {host}, and would be given a share of the connections meant"
            f" for the site: stop it, or choose another port with --port {port + 1}")


def fingerprint(*folders: str) -> tuple[tuple[str, int | None, int | None], ...]:
    """What changed in the folders: every file's name, size and modification time, leaving out what
    editors leave next to the files they edit (timeline.files: a swap file or lock is no reason to
    rebuild). Nothing is opened; an entry that cannot be looked at counts as its name alone."""
    return tuple(files.looked_at(path for folder in folders for _, path in files.walk(folder)))


def git_refs(folder: str) -> tuple[str, ...]:
    """Where the git repository holding `folder` keeps its branch tips, or () outside git: HEAD and
    the refs a commit moves. Asked of git once; watching them is a few stat() calls a second."""
    try:
        found = git(folder, "rev-parse", "--absolute-git-dir", "--git-common-dir").decode().split("\n")
    except GitUnavailable:
        return ()
    git_dir = found[0]
    common = os.path.join(folder, found[1]) if not os.path.isabs(found[1]) else found[1]
    return (os.path.join(git_dir, "HEAD"), os.path.join(common, "packed-refs"), os.path.join(common, "refs", "heads"))


def refs_state(paths: Iterable[str]) -> tuple[tuple[str, int | None, int | None], ...]:
    """The size and modification time of each of `paths` (git_refs), a folder's files included."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            found += [os.path.join(root, name) for root, _, names in os.walk(path) for name in names]
        else:
            found.append(path)
    return tuple(state for state in files.looked_at(sorted(found)) if state[1] is not None)


QUIET = 0.5  # seconds the watched folders must stay unchanged before a rebuild
LONGEST_WAIT = 60.0  # a file held open for writing longer than this is built as it is


def being_written(paths: Iterable[str]) -> bool:
    """True when any of `paths` (regular files) is open for writing by some process: Linux refuses a read
    lease on such a file (F_SETLEASE). Where leases cannot be asked for (another user's file, a network
    file system), the answer is False."""
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
            fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EBUSY):
                return True
        finally:
            os.close(fd)
    return False


def settled(state: Callable[[], Any], seen: Any, before: Any, interval: float = QUIET) -> Any:
    """The state of the watched folders once the change from `before` to `seen` is finished: nothing has
    changed for `interval` seconds and no changed file is open for writing (for at most LONGEST_WAIT)."""
    deadline = time.monotonic() + LONGEST_WAIT
    while True:
        time.sleep(interval)
        now = state()
        if now != seen:
            seen = now
            continue
        changed = {entry[0] for entry in set(now[0]) ^ set(before[0])}
        if time.monotonic() < deadline and being_written(sorted(changed)):
            continue
        return now


def serve(command: list[str], rebuild: Callable[[], bool], watch: Sequence[str] = (), interval: float = 1.0,
          on_event: Callable[[str, int | None], object] = lambda kind, detail: None) -> int:
    """Run the server (`command`) until it exits; when a file under `watch` changes, or a commit is made
    in the git repository holding the first folder (the facts: their history is in the database), call
    `rebuild()` once the change is finished (settled). The server serves what the rebuild wrote from its
    next request. `on_event(kind, detail)` hears what happens ("started", "changed", "rebuilt",
    "rebuild-failed", "stopped"). Returns the server's exit code (it stopped by itself)."""
    process = start(command)
    on_event("started", process.pid)
    refs = git_refs(watch[0]) if watch else ()

    def state():
        return fingerprint(*watch), refs_state(refs)

    last = state()
    _exit_on_sigterm()
    try:
        while True:
            try:
                code = process.wait(timeout=interval)
                on_event("stopped", code)
                return code
            except subprocess.TimeoutExpired:
                pass
            if not watch:
                continue
            now = state()
            if now == last:
                continue
            now = settled(state, now, last)
            last = now
            on_event("changed", None)
            if not rebuild():
                on_event("rebuild-failed", None)
                continue
            on_event("rebuilt", process.pid)
    finally:
        stop(process)


def _exit_on_sigterm():
    """SIGTERM (`kill`, a service manager) ends serving like Ctrl-C: Datasette is stopped too, never orphaned."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


class _Server(subprocess.Popen[bytes]):
    """The server's process; `own_group`: it leads a process group of its own (start())."""

    own_group = False


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """Have this process sent SIGTERM when its parent dies (Linux), even by SIGKILL: a server is never
    left running without the `timeline serve` that started it. `parent`: the pid it must still have."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return  # not Linux: stop() and the process group still stop it on any ordinary exit
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent died before the request was made


def start(command: list[str]) -> subprocess.Popen[bytes]:
    """Start the server in a process group of its own (so that stop() can be sure none of its processes
    is left), told to stop when `timeline serve` dies."""
    parent = os.getpid()
    process = _Server(command, start_new_session=True, preexec_fn=lambda: die_with_parent(parent))
    process.own_group = True
    return process


def stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    if process.poll() is None:
        process.terminate()  # uvicorn's supervisor stops its workers, then itself
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if getattr(process, "own_group", False):
        try:
            os.killpg(process.pid, signal.SIGKILL)  # a worker the supervisor could not stop
        except (ProcessLookupError, PermissionError):
            pass
