#!/usr/bin/env python3
"""A bounded load test of `timeline serve --public` on 127.0.0.1.

Starts its own server on a free port (building into a temporary folder, so the repository's
timeline.db is untouched), runs N concurrent clients for S seconds over a realistic mix of pages,
then prints requests per second, p50/p95/p99 latency, errors and 5xx per kind of page.
Exits 1 if any request failed or answered 5xx.

The clients run in this process, on the same cores as the server: the CPU seconds the server's
processes and this one used are printed too, so that throughput can be read per CPU second of the
server as well as per second of the clock.

Usage:
    .venv/bin/python scripts/load_test.py                 # 20 clients for 30 s, one Datasette process
    .venv/bin/python scripts/load_test.py --workers 2     # two Datasette processes behind the port
    .venv/bin/python scripts/load_test.py --clients 5 --seconds 5
"""
import argparse
import http.client
import json
import math
import os
import pathlib
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import proctree  # noqa: E402

MAX_REQUESTS_PER_CLIENT = 100_000  # a bound besides the time limit


def mix(db_path):
    """[(kind, weight, [paths])]: what readers do, with real ids and words from the database."""
    db = sqlite3.connect(db_path)
    facts = [r[0] for r in db.execute("select id from facts")]
    sources = [r[0] for r in db.execute("select id from sources")]
    words = [w for (t,) in db.execute("select title from facts") for w in t.split() if len(w) > 5 and w.isalpha()]
    words = sorted(set(words))[:200] or ["the"]
    quote = urllib.parse.quote
    return [
        ("home", 10, ["/"]),
        ("timeline", 10, ["/chronology", "/timeline/timeline"]),
        ("fact page", 30, [f"/timeline/facts/{quote(f)}" for f in facts]),
        ("search", 15, [f"/search?q={quote(w)}" for w in words] + [f"/timeline/facts?_search={quote(w)}" for w in words]),
        ("json api", 20, ["/timeline/facts.json?_shape=array", "/timeline/citations.json?_size=100"]
         + [f"/timeline/sentences.json?source_id={quote(s)}&_shape=array" for s in sources]),
        ("canned query", 15, [f"/timeline/source_facts?source={quote(s)}" for s in sources] + ["/timeline/single_source"]
         + [f"/timeline/search?q={quote(w)}" for w in words[:50]]),
    ]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder, port, workers=1):
    db = os.path.join(folder, "timeline.db")
    log = open(os.path.join(folder, "serve.log"), "wb")
    process = subprocess.Popen([sys.executable, "-m", "timeline", "serve", "--public", "--no-watch", "--port", str(port),
                                "--db", db, "--workers", str(workers)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server stopped: {open(log.name).read()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/-/versions.json")
            if conn.getresponse().status == 200:
                if workers > 1:  # every worker up, not only the first to answer
                    deadline = time.monotonic() + 60
                    while len(proctree.tree(process.pid)) < workers + 3 and time.monotonic() < deadline:
                        time.sleep(0.2)
                    time.sleep(1)
                return process, db
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("the server did not start within 60 s")


def client(port, pages, seconds, seed, results):
    """One reader: keep-alive requests until the time is up; appends (kind, seconds, status) to results."""
    rng = random.Random(seed)
    kinds, weights = [p[0] for p in pages], [p[1] for p in pages]
    paths = {p[0]: p[2] for p in pages}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    deadline = time.monotonic() + seconds
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(paths[kind])
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0  # connection error
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        results.append((kind, time.perf_counter() - start, status, path))
    conn.close()


def percentile(values, p):
    """The p-th percentile (nearest rank) of `values`; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def summarize(results, seconds):
    """{kind: {requests, rps, p50_ms, p95_ms, p99_ms, max_ms, errors, 5xx}} plus 'all'."""
    out = {}
    kinds = sorted({r[0] for r in results}) + ["all"]
    for kind in kinds:
        rows = [r for r in results if kind == "all" or r[0] == kind]
        times = [r[1] * 1000 for r in rows]
        out[kind] = {
            "requests": len(rows),
            "rps": round(len(rows) / seconds, 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "max_ms": round(max(times, default=0), 1),
            "errors": sum(1 for r in rows if r[2] == 0 or 400 <= r[2] < 500),
            "5xx": sum(1 for r in rows if r[2] >= 500),
        }
    return out


def run(port, pages, clients, seconds):
    results = []
    threads = [threading.Thread(target=client, args=(port, pages, seconds, i, results)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return results, time.monotonic() - started


def table(summary):
    lines = [f"{'page':14} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
             f" {'errors':>6} {'5xx':>4}"]
    for kind, s in summary.items():
        lines.append(f"{kind:14} {s['requests']:8} {s['rps']:7} {s['p50_ms']:7} {s['p95_ms']:7} {s['p99_ms']:7}"
                     f" {s['max_ms']:7} {s['errors']:6} {s['5xx']:4}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=1, help="Datasette processes (timeline serve --workers)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON too")
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 0 < args.seconds <= 600):
        sys.exit("keep it bounded: 1-200 clients, at most 600 seconds")
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        process, db = start_server(folder, port, args.workers)
        try:
            pages = mix(db)
            load = os.getloadavg()[0]
            server_cpu, client_cpu = proctree.cpu_seconds(process.pid), sum(os.times()[:2])
            split = []  # connections per server process, read once the clients are connected
            timer = threading.Timer(min(2.0, args.seconds / 2),
                                    lambda: split.extend(sorted(proctree.connections(process.pid, port).values())))
            timer.start()
            results, took = run(port, pages, args.clients, args.seconds)
            timer.join()
            server_cpu = proctree.cpu_seconds(process.pid) - server_cpu
            client_cpu = sum(os.times()[:2]) - client_cpu
        finally:
            process.terminate()
            process.wait(timeout=20)
    summary = summarize(results, took)
    summary["all"].update(server_cpu_s=round(server_cpu, 1), client_cpu_s=round(client_cpu, 1),
                          requests_per_server_cpu_s=round(summary["all"]["requests"] / max(server_cpu, 0.01), 1),
                          load_before=round(load, 2), workers=args.workers, connections=split)
    print(f"{args.clients} clients for {args.seconds:g} s on 127.0.0.1, {args.workers} Datasette"
          f" process{'es' if args.workers > 1 else ''} ({os.cpu_count()} CPUs, Python {sys.version.split()[0]},"
          f" load average {load:.2f} before)")
    print(table(summary))
    print(f"CPU: server {server_cpu:.1f} s, clients (this process) {client_cpu:.1f} s, in {took:.1f} s of"
          f" {os.cpu_count()} cores; {summary['all']['requests_per_server_cpu_s']} requests per server CPU second")
    if args.workers > 1:  # each keeps the connections it was given: the split moves the throughput
        print(f"clients' connections per Datasette process: {' + '.join(map(str, split)) or 'not seen'}")
    slowest = sorted(results, key=lambda r: -r[1])[:5]
    print("slowest requests:", ", ".join(f"{r[3]} {r[1] * 1000:.0f} ms" for r in slowest))
    failed = [r for r in results if r[2] == 0 or r[2] >= 400]
    for kind, seconds, status, path in failed[:10]:
        print(f"FAILED {status} {path}")
    if args.json:
        print(json.dumps(summary, indent=2))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
