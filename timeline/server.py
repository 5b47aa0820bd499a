"""Serving the database with Datasette: the command line, public settings, and reload on change.

Datasette keeps serving the file it opened even after a build replaces timeline.db (it holds the old
inode, and an immutable database is never re-read), so `timeline serve` watches facts/ and sources/,
rebuilds on a change, and restarts Datasette only after a build that succeeded. A failed rebuild keeps
the old database and the old server.
"""
import os
import signal
import subprocess
import sys
import threading
import time

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


def datasette_command(db_path, metadata, port, host="127.0.0.1", public=False):
    """The Datasette command line that serves `db_path` read-only (immutable)."""
    here = os.path.dirname(os.path.abspath(metadata))
    command = [sys.executable, "-m", "datasette", "serve", "-i", db_path, "-h", host, "-p", str(port)]
    if os.path.exists(metadata):
        command += ["-m", metadata]
    for option, folder in (("--template-dir", "templates"), ("--plugins-dir", "plugins"), ("--static", "static")):
        path = os.path.join(here, folder)
        if os.path.isdir(path) and os.listdir(path):
            command += [option, f"static:{path}" if option == "--static" else path]
    if public:
        for name, value in PUBLIC_SETTINGS.items():
            command += ["--setting", name, str(value)]
    else:
        command += LOCAL_SETTINGS
    return command


def fingerprint(*folders):
    """What changed in the folders: every file's name, size and modification time."""
    seen = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                seen.append((path, info.st_size, info.st_mtime_ns))
    return tuple(seen)


def serve(command, rebuild, watch=(), interval=1.0, on_event=lambda kind, detail: None):
    """Run Datasette (`command`) until it exits; when a file under `watch` changes, call `rebuild()`
    and restart Datasette if it returns True. `on_event(kind, detail)` hears what happens
    ("started", "changed", "rebuilt", "rebuild-failed", "stopped"). Returns Datasette's exit code."""
    process = subprocess.Popen(command)
    on_event("started", process.pid)
    last = fingerprint(*watch)
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
            now = fingerprint(*watch)
            if now == last:
                continue
            time.sleep(min(interval, 0.3))  # let an editor finish saving
            last = fingerprint(*watch)
            on_event("changed", None)
            if not rebuild():
                on_event("rebuild-failed", None)
                continue
            stop(process)
            process = subprocess.Popen(command)
            on_event("rebuilt", process.pid)
    finally:
        stop(process)


def _exit_on_sigterm():
    """SIGTERM (`kill`, a service manager) ends serving like Ctrl-C: Datasette is stopped too, never orphaned."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def stop(process, grace=10):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
