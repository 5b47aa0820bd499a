"""Serving through rebuilds: `timeline serve` on a copy of a story, clients asking all the time, N edits.

    .venv/bin/python scripts/rebuild_under_load.py --rebuilds 20 --workers 1 --clients 4
    .venv/bin/python scripts/rebuild_under_load.py --rebuilds 20 --workers 2 --every 0.5

Starts its own `timeline serve` on a free 127.0.0.1 port (only loopback is ever asked), on a copy of
this repository's facts and sources (or --story), then changes one fact's title N times, one edit
every --every seconds (or as soon as the last one is served), while --clients threads ask for the fact
page over and over, each request on a new connection. Prints the requests answered, refused, failed
and 5xx, and for each edit how long until the new title was served; exits 1 on any refused, failed
or 5xx request. Every loop is bounded in count and time; the server is stopped at the end.
"""
import argparse
import collections
import os
import pathlib
import re
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
from load_test import free_port  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuilds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--every", type=float, default=0.0, help="seconds between edits (0: when the last is served)")
    parser.add_argument("--story", default=str(ROOT), help="a story folder with facts/ and sources/")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))  # stopped: the server is stopped too
    work = pathlib.Path(tempfile.mkdtemp(prefix="rebuild-under-load-"))
    for folder in ("facts", "sources"):
        shutil.copytree(pathlib.Path(args.story) / folder, work / folder)
    target = sorted((work / "facts").glob("*.yaml"), key=lambda p: p.name == "entities.yaml")[0]
    original = target.read_text(encoding="utf-8")
    match = re.search(r"^- id: (\S+)\n(?:  .*\n)*?(  title: .+\n)", original, re.M)
    fact_id, title_line = match[1], match[2]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "serve.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "timeline", "serve", "--port", str(port), "--workers",
                               str(args.workers), "--metadata", str(ROOT / "metadata.json")], cwd=work, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    tally, stop = collections.Counter(), threading.Event()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        page = f"{base}/timeline/facts.json?_shape=array&_col=title&id={fact_id}"

        def ask():
            while not stop.is_set():
                try:
                    status = httpx.get(page, timeout=10).status_code
                    tally["5xx" if status >= 500 else "answered"] += 1
                except httpx.ConnectError:
                    tally["refused"] += 1
                except httpx.HTTPError:
                    tally["failed"] += 1

        clients = [threading.Thread(target=ask, daemon=True) for _ in range(args.clients)]
        for client in clients:
            client.start()
        waits = []
        started = time.monotonic()
        for n in range(args.rebuilds):
            new = f"The title as edited for the {n + 1}th time"
            target.write_text(original.replace(title_line, f"  title: {new}\n", 1), encoding="utf-8")
            saved, seen = time.monotonic(), None
            while time.monotonic() - saved < 60:
                try:
                    if [r["title"] for r in httpx.get(page, timeout=10).json()] == [new]:
                        seen = time.monotonic() - saved
                        break
                except (httpx.HTTPError, ValueError):
                    pass
                time.sleep(0.02)
            waits.append(seen)
            if args.every:
                time.sleep(max(0.0, args.every - (time.monotonic() - saved)))
        elapsed = time.monotonic() - started
        stop.set()
        for client in clients:
            client.join(15)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()
    served = [w for w in waits if w is not None]
    print(f"{args.rebuilds} edits in {elapsed:.1f} s, {args.workers} worker(s), {args.clients} clients:"
          f" {tally['answered']} answered, {tally['refused']} refused, {tally['failed']} failed, {tally['5xx']} 5xx")
    if served:
        print(f"time from save to the new title served: min {min(served):.2f} s, median {statistics.median(served):.2f}"
              f" s, max {max(served):.2f} s; {len(waits) - len(served)} never served")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if tally["refused"] or tally["failed"] or tally["5xx"] or len(served) < len(waits) else 0


if __name__ == "__main__":
    sys.exit(main())
