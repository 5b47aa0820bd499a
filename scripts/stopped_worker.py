"""A stopped worker: `timeline serve --workers 2` while one worker is stopped (SIGSTOP), what clients see.

    .venv/bin/python scripts/stopped_worker.py                 # stop one worker once, 4 clients
    .venv/bin/python scripts/stopped_worker.py --stops 5 --clients 6 --keep-alive 2

Starts its own `timeline serve --public --workers 2 --no-watch` on a free 127.0.0.1 port (only loopback
is ever asked), on a copy of this repository's facts and sources (or --story). --clients threads ask
for a fact page over and over, each request on a new connection, and --keep-alive threads the same
over one kept-alive connection each. After a few seconds one worker is sent SIGSTOP (as a debugger, a
`kill -STOP`, a container freezer or a machine swapping hard would stop it), --stops times, a few
seconds apart, each time the worker then serving. Prints, for the requests started in the 3 s after
each stop and for all the others: how many, how many failed, the median, 95th percentile and longest
time to an answer, and how many took over 1 s; and how long the supervisor took to notice (from its
log). Every loop is bounded in count and time; the server is stopped at the end.
"""
import argparse
import os
import pathlib
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import proctree  # noqa: E402
from load_test import free_port  # noqa: E402


def workers(serve_pid):
    """The Datasette workers under `timeline serve` (the supervisor's spawned children)."""
    found = []
    for pid in proctree.tree(serve_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"spawn_main" in f.read():
                    found.append(pid)
        except OSError:
            pass
    return sorted(found)


def summary(name, rows):
    times = sorted(t for _, t, ok in rows if ok)
    rows = list(rows)
    failed = sum(1 for *_, ok in rows if not ok)
    if not times:
        return f"{name:28} {len(rows):6} requests, {failed} failed"
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return (f"{name:28} {len(rows):6} requests, {failed} failed; median {statistics.median(times) * 1000:6.0f} ms,"
            f" p95 {p95 * 1000:6.0f} ms, longest {times[-1] * 1000:6.0f} ms, {sum(t > 1 for t in times)} over 1 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep-alive", type=int, default=2)
    parser.add_argument("--stops", type=int, default=1)
    parser.add_argument("--story", default=str(ROOT), help="a story folder with facts/ and sources/")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))  # stopped: the server is stopped too
    work = pathlib.Path(tempfile.mkdtemp(prefix="stopped-worker-"))
    for folder in ("facts", "sources"):
        shutil.copytree(pathlib.Path(args.story) / folder, work / folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = work / "serve.log"
    log = open(log_path, "wb")
    server = subprocess.Popen([sys.executable, "-m", "timeline", "serve", "--public", "--no-watch", "--port", str(port),
                               "--workers", "2", "--metadata", str(ROOT / "metadata.json")], cwd=work, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    rows, stop, stops, errors = [], threading.Event(), [], []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(workers(server.pid)) < 2:
            time.sleep(0.2)
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        time.sleep(2)  # the second worker up too
        page = f"{base}/timeline/facts.json?_shape=array&_col=title&_size=5"

        def ask(keep_alive):
            client = httpx.Client(timeout=20) if keep_alive else None
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = (client.get(page) if client else httpx.get(page, timeout=20)).status_code
                    rows.append((started, time.monotonic() - started, status == 200))
                except httpx.HTTPError as e:
                    rows.append((started, time.monotonic() - started, False))
                    errors.append(f"{type(e).__name__} after {time.monotonic() - started:.1f} s"
                                  f" ({'kept-alive' if keep_alive else 'new'} connection)")
                time.sleep(0.02)

        threads = [threading.Thread(target=ask, args=(n >= args.clients,), daemon=True)
                   for n in range(args.clients + args.keep_alive)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        for _ in range(args.stops):
            pids = workers(server.pid)
            victim = pids[0]
            stops.append(time.monotonic())
            os.kill(victim, signal.SIGSTOP)
            print(f"stopped worker {victim} (of {pids})", flush=True)
            time.sleep(6)
        stop.set()
        for thread in threads:
            thread.join(25)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    near = [r for r in rows if any(0 <= r[0] - s < 3 for s in stops)]
    rest = [r for r in rows if not any(0 <= r[0] - s < 3 for s in stops)]
    print(summary("in the 3 s after a stop", near))
    print(summary("all other requests", rest))
    for error, n in sorted({e: errors.count(e) for e in errors}.items()):
        print(f"  failed: {n} x {error}")
    noticed = [line for line in log_path.read_text(errors="replace").splitlines()
               if "stopped answering" in line or "died" in line or "connection" in line and "Worker [" in line]
    print("\n".join(noticed[-10:]))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
