#!/usr/bin/env python3
"""Benchmark the build and the site against the floor, at 1k, 10k and 100k facts, on this machine.

    python scripts/bench.py                      # 1k, 10k, 100k facts, every shape, the load test (about 40 minutes)
    python scripts/bench.py --sizes 1000,10000   # a quicker look
    python scripts/bench.py --sizes 100000 --only-shapes --rounds 3   # every shape against its floor

For each size it generates a corpus (scripts/gen_corpus.py, cached under --work) and prints, in one
run: the full `timeline build` as a separate process (wall time, CPU and peak memory of the whole
process tree, workers included) with an empty cache using every CPU and with one process
(--jobs 1), and with the articles known; the floor for the same rows (YAML parsed with PyYAML's C
loader, rows inserted with plain sqlite3.executemany in one transaction, the full-text indexes
built, every quote found with str.find); rebuilds with nothing changed and with one facts file
changed; each with the load average when it started (the machine may be shared). The builds from
nothing and with the articles known run in --rounds rounds (3), the floor measured in each between
them, and each ratio is the median of the rounds' (a shared machine's speed moves by a third within
minutes; every round is printed). At the largest
size: the ratios the targets are about, Datasette's latency (p50/p95, sequential and 10 concurrent
clients) on 127.0.0.1 for the pages a reader opens, and scripts/load_test.py (20 clients) with one
Datasette process and with two (three runs: how the workers split the connections varies). Then
how each cost grows from size to size, and `timeline add-source` of a saved page into a story of
--add-source sources (1,000), before any build and after one (--only-add-source: that alone).

Then the corpora of every shape (--shapes, scripts/gen_corpus.py SHAPES: a news-like Zipfian vocabulary
with abbreviations and initials over 2,000 days, a uniform vocabulary, abbreviations and lists, one
breaking story with every article within 30 days, 30% wire copies) at the largest size, in --rounds
rounds, each build against the floor of the same shape measured in the same round, and every target
for each shape (--only-shapes: these alone).
Nothing here is a pass/fail test: it prints numbers.
"""
import argparse
import concurrent.futures
import glob
import json
import math
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import gen_corpus  # noqa: E402
import proctree  # noqa: E402


def run_measured(command, env=None):
    """(wall s, cpu s, peak MB, load average) of one process and everything it starts, or raise on failure.

    CPU counts the workers (children the process waited for); the peak is of the whole tree's
    resident memory, sampled every 50 ms, and never less than the largest single process's own peak."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with proctree.PeakMemory(process.pid) as memory:
        err = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, max(memory.peak, usage.ru_maxrss / 1024), load


def corpus(work, size, shape="default"):
    """The corpus of `size` facts of `shape` (gen_corpus.SHAPES), generated once under `work`."""
    path = os.path.join(work, f"corpus-{size}" + ("" if shape == "default" else f"-{shape}"))
    if not os.path.exists(os.path.join(path, "done")):
        shutil.rmtree(path, ignore_errors=True)
        gen_corpus.generate(path, size, **gen_corpus.SHAPES[shape])
        open(os.path.join(path, "done"), "w").close()
    return path


def build_command(path, jobs=None):
    return [sys.executable, "-m", "timeline", "build", "--facts", os.path.join(path, "facts"),
            "--sources", os.path.join(path, "sources"), "--db", os.path.join(path, "timeline.db")] + (
        ["--jobs", str(jobs)] if jobs else [])


def forget_facts(path):
    """Keep what the cache knows of the articles alone (sentences, coverage signals, corroboration, all
    keyed by the articles' hashes), forget the checked facts and the manifest: the next build reads and
    checks every facts file and writes every table."""
    conn = sqlite3.connect(os.path.join(path, ".timeline-cache", "cache.db"))
    conn.execute("DELETE FROM entries WHERE kind IN ('facts', 'manifest')")
    conn.commit()
    conn.close()


def edit_one_file(path, n):
    """Change the title of the first fact of facts-0001.yaml (one file of 1,000 facts)."""
    name = os.path.join(path, "facts", "facts-0001.yaml")
    with open(name, encoding="utf-8") as f:
        text = f.read()
    with open(name, "w", encoding="utf-8") as f:
        f.write(text.replace("  title: ", f"  title: Edit {n} - ", 1))


def empty(path):
    """No cache and no database: the next build is a build from nothing."""
    shutil.rmtree(os.path.join(path, ".timeline-cache"), ignore_errors=True)
    for leftover in glob.glob(os.path.join(path, "timeline.db*")):
        os.unlink(leftover)


def builds(path, single=True, rounds=1, rebuilds=True):
    """Each build as its own process. The builds from nothing and with the articles known are run
    `rounds` times, each round with the floor measured between them (floor: its own process): on a
    shared machine the speed moves by a third within minutes, and a ratio is only fair against a
    floor measured at the same time. The round with the median ratio from nothing is the one shown;
    result["rounds"] holds them all."""
    command = build_command(path)
    result = {"rounds": []}
    for _ in range(rounds):
        one = {}
        if single:
            empty(path)
            one["cold_one"] = run_measured(build_command(path, jobs=1))
        empty(path)
        one["cold"] = run_measured(command)
        one["floor"] = floor(path)
        forget_facts(path)
        one["full"] = run_measured(command)
        result["rounds"].append(one)
    result.update(sorted(result["rounds"], key=lambda r: r["cold"][0] / r["floor"]["total"])[rounds // 2])
    if not rebuilds:
        return result
    result["unchanged"] = run_measured(command)
    edits = []
    for n in (1, 2, 3):
        edit_one_file(path, n)
        edits.append(run_measured(command))
    edit_one_file(path, 4)
    result["one_file"] = sorted(edits)[1]  # the median of three edits
    return result


def measured(b):
    """Every (wall, cpu, peak MB, load average) of builds(), each round's included."""
    return [v for r in [b] + b["rounds"] for k, v in r.items() if k not in ("rounds", "floor")]


def ratio(b, kind):
    """The median over the rounds of `kind` (a build) / the floor of the same round."""
    values = sorted(r[kind][0] / r["floor"]["total"] for r in b["rounds"] if kind in r)
    return values[len(values) // 2]


def floor(path):
    """Seconds for the least work that turns these inputs into the same tables (run in a child process)."""
    code = f"import sys; sys.path.insert(0, {os.path.join(ROOT, 'scripts')!r}); import bench;" \
           f" print(bench._floor({path!r}))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _floor(path):
    import yaml

    built = sqlite3.connect(os.path.join(path, "timeline.db"))
    tables = {}
    for table in ("sources", "sentences", "entities", "facts", "citations", "fact_entities"):
        cursor = built.execute(f"SELECT * FROM {table}")
        tables[table] = ([d[0] for d in cursor.description], cursor.fetchall())
    quotes = built.execute("SELECT citations.quote, sources.path FROM citations"
                           " JOIN sources ON sources.id = citations.source_id").fetchall()
    schema = [r[0] for r in built.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE"
                                          " 'CREATE VIRTUAL%' AND name NOT LIKE '%_fts%' AND name IN"
                                          " ('sources','sentences','entities','facts','citations','fact_entities')")]
    built.close()
    times = {}
    start = time.perf_counter()
    for name in sorted(glob.glob(os.path.join(path, "facts", "*.yaml"))) + [os.path.join(path, "sources",
                                                                                          "sources.yaml")]:
        with open(name, "rb") as f:
            yaml.load(f, Loader=yaml.CSafeLoader)
    times["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    texts = {}
    for quote, source_path in quotes:
        if source_path not in texts:
            with open(os.path.join(path, source_path), encoding="utf-8") as f:
                texts[source_path] = f.read()
        assert texts[source_path].find(quote) != -1
    times["quotes"] = time.perf_counter() - start
    target = os.path.join(path, "floor.db")
    if os.path.exists(target):
        os.unlink(target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    start = time.perf_counter()
    conn.execute("BEGIN")
    for statement in schema:
        conn.execute(statement)
    rows = 0
    for table, (columns, values) in tables.items():
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
        rows += len(values)
    conn.execute("COMMIT")
    times["insert"] = time.perf_counter() - start
    start = time.perf_counter()
    conn.execute("BEGIN")
    for table, columns in (("facts", "title, notes, date_label, unit"), ("sentences", "text"),
                           ("entities", "name, description")):
        conn.execute(f"CREATE VIRTUAL TABLE {table}_fts USING fts5({columns}, content={table}, tokenize='porter')")
        conn.execute(f"INSERT INTO {table}_fts (rowid, {columns}) SELECT rowid, {columns} FROM {table}")
    conn.execute("COMMIT")
    times["fts"] = time.perf_counter() - start
    conn.close()
    os.unlink(target)
    times["rows"] = rows
    times["total"] = times["parse"] + times["quotes"] + times["insert"] + times["fts"]
    return json.dumps(times)


# ---------------------------------------------------------------- shapes

def shape_builds(paths, rounds):
    """{shape: builds()} for corpora of several shapes ({shape: path}), in rounds: each round builds every
    shape from nothing, measures its floor and builds it with the articles known, so that every shape's
    ratios are against a floor measured minutes apart from its builds; then, once, the rebuilds with
    nothing changed and with one facts file changed."""
    out = {shape: {"rounds": []} for shape in paths}
    for n in range(rounds):
        for shape, path in paths.items():
            print(f"round {n + 1}, {shape}: building...", file=sys.stderr, flush=True)
            one = builds(path, single=False, rounds=1, rebuilds=n == rounds - 1)
            out[shape]["rounds"] += one["rounds"]
            out[shape].update({k: v for k, v in one.items() if k != "rounds"})
            r = one["rounds"][0]
            print(f"round {n + 1}, {shape}: empty {r['cold'][0]:.1f} s, floor {r['floor']['total']:.1f} s,"
                  f" known {r['full'][0]:.1f} s", file=sys.stderr, flush=True)
    return out


def shapes_report(size, results):
    """Print each shape against its floor: every round, the medians, and the targets."""
    print(f"\nEvery shape at {size:,} facts, each round against the floor measured in it"
          " (empty: a build from an empty cache; known: with the articles known):\n")
    print("| shape | round | empty cache | floor | empty / floor | articles known | known / floor | peak MB | load average |")
    print("|---|---|---|---|---|---|---|---|---|")
    for shape, b in results.items():
        for n, r in enumerate(b["rounds"], start=1):
            total = r["floor"]["total"]
            print(f"| {shape} | {n} | {seconds(r['cold'])} | {total:.1f} s | {r['cold'][0] / total:.2f}x"
                  f" | {seconds(r['full'])} | {r['full'][0] / total:.2f}x | {max(r['cold'][2], r['full'][2]):.0f}"
                  f" | {r['cold'][3]:.1f}-{r['full'][3]:.1f} |")
    print(f"\nTargets at {size:,} facts, every shape (medians of the rounds' ratios):\n")
    print("| shape | empty / floor (<= 2x, stretch 1.5x) | known / floor (<= 1.2x) | no change (< 0.5 s)"
          " | one facts file (< 2 s) | peak MB (< 1,000) |")
    print("|---|---|---|---|---|---|")
    for shape, b in results.items():
        print(f"| {shape} | {ratio(b, 'cold'):.2f}x | {ratio(b, 'full'):.2f}x | {b['unchanged'][0]:.2f} s"
              f" | {b['one_file'][0]:.2f} s | {max(v[2] for v in measured(b)):.0f} |")


# ---------------------------------------------------------------- latency

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pages(db):
    conn = sqlite3.connect(db)
    fact = conn.execute("SELECT id FROM facts ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM facts)").fetchone()[0]
    source = conn.execute("SELECT source_id FROM citations WHERE fact_id = ?", (fact,)).fetchone()[0]
    word = conn.execute("SELECT title FROM facts WHERE id = ?", (fact,)).fetchone()[0].split()[-1]
    conn.close()
    found = [
        ("home", "/"),
        ("database", "/timeline"),
        ("timeline view", "/timeline/timeline"),
        ("facts table", "/timeline/facts"),
        ("fact row", f"/timeline/facts/{fact}"),
        ("source row", f"/timeline/sources/{source}"),
        ("search (canned)", f"/timeline/search?q={word}"),
        ("source_facts (canned)", f"/timeline/source_facts?source={source}"),
        ("fact JSON", f"/timeline/facts/{fact}.json"),
        ("facts JSON page", "/timeline/facts.json?_size=50"),
        ("search JSON", f"/timeline/search.json?q={word}"),
        ("database JSON", "/timeline.json"),
        ("figures view", "/timeline/figures"),
        ("statements view", "/timeline/statements"),
        ("fact_corroboration view", "/timeline/fact_corroboration"),
        ("single_origin_facts view", "/timeline/single_origin_facts"),
        ("source_coverage view", "/timeline/source_coverage"),
        ("conflicts view", "/timeline/conflicts"),
        ("conflicts JSON", "/timeline/conflicts.json"),
    ]
    for page in ("fact", "source", "entity", "timeline", "chronology"):  # custom pages, when templates/pages has them
        if os.path.exists(os.path.join(ROOT, "timeline", "site", "templates", "pages", f"{page}.html")):
            arg = {"fact": f"?id={fact}", "source": f"?id={source}", "entity": "?id=e00001"}.get(page, "")
            found.append((f"/{page} page", f"/{page}{arg}"))
            if page == "chronology":
                found += [("timeline page 2", "/chronology?page=2"), ("timeline, one kind", "/chronology?kind=figure")]
                year = (conn_year(db) or "2010")
                found += [("timeline, one year", f"/chronology?from={year}&to={year}"),
                          ("timeline, one month", f"/chronology?from={year}-03&to={year}-03"),
                          ("timeline, a year of one kind", f"/chronology?kind=court_action&from={year}&to={year}")]
    if os.path.exists(os.path.join(ROOT, "timeline", "site", "plugins", "exports.py")):
        year = conn_year(db) or "2010"
        found += [("TimelineJS, one month", f"/export/timelinejs.json?from={year}-03&to={year}-03"),
                  ("annotations collection", "/export/annotations.jsonld"),
                  ("annotations, last page", "/export/annotations.jsonld?page=" + str(annotation_pages(db))),
                  ("annotations, one source", f"/export/annotations.jsonld?source={source}")]
    return found


def conn_year(db):
    """The year in the middle of the dated facts."""
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT substr(date_start, 1, 4) FROM facts WHERE date_start IS NOT NULL ORDER BY"
                           " date_start LIMIT 1 OFFSET (SELECT count(date_start) / 2 FROM facts)").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def annotation_pages(db, size=500):
    conn = sqlite3.connect(db)
    try:
        return max(1, -(-conn.execute("SELECT count(*) FROM citations").fetchone()[0] // size))
    finally:
        conn.close()


def fetch(url):
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        status = response.status
    return time.perf_counter() - start, status


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, math.ceil(p / 100 * len(values)) - 1)]


def latency(db, requests=40, clients=10):
    from timeline.site.server import datasette_command

    port = free_port()
    command = datasette_command(db, port, metadata=os.path.join(ROOT, "metadata.json"))
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base + "/-/versions.json")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("Datasette did not start: " + server.stderr.read().decode()[-2000:])
                time.sleep(0.2)
        results = []
        for name, path in pages(db):
            url = base + path
            try:
                fetch(url)  # warm
                sequential = [fetch(url)[0] for _ in range(requests)]
                with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                    concurrent_ = [t for t, _ in pool.map(lambda _: fetch(url), range(requests))]
            except OSError as e:
                results.append((name, path, None, None, None, None, str(e)))
                continue
            results.append((name, path, percentile(sequential, 50), percentile(sequential, 95),
                            percentile(concurrent_, 50), percentile(concurrent_, 95), ""))
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


# ---------------------------------------------------------------- report

def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        memory = int(f.readline().split()[1]) // (1024 * 1024)
    import sqlite3 as s

    return (f"{os.cpu_count()} cores ({cpu}), {memory} GB RAM, {platform.system()} {platform.release()},"
            f" Python {platform.python_version()}, SQLite {s.sqlite_version}")


def growth(a, b, factor=10):
    """The exponent k in cost ~ size^k between two sizes (1 = linear)."""
    if not a or not b or a <= 0 or b <= 0:
        return "-"
    return f"{math.log(b / a) / math.log(factor):.2f}"


def load_test(workers, clients=20, seconds=30):
    """scripts/load_test.py's summary with `workers` Datasette processes: {kind: {...}}."""
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "load_test.py"), "--workers", str(workers),
                             "--clients", str(clients), "--seconds", str(seconds), "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=seconds + 300)
    out = result.stdout
    if "\n{" not in out:
        raise SystemExit(f"the load test failed:\n{out[-2000:]}{result.stderr[-2000:]}")
    return json.loads(out[out.index("\n{") + 1:])


def seconds(measured):
    return f"{measured[0]:.1f} s (CPU {measured[1]:.1f})"


# ---------------------------------------------------------------- add-source at 1,000 sources (issue 25)

def add_source_timing(work, n_sources=1000, runs=3):
    """Time `timeline add-source` of a saved page into a story of `n_sources` articles: as a whole process
    and in-process (the call alone, libraries loaded), before any build (no build cache: every stored
    article split once) and after `timeline build` (the cache holds every article's sentences and words).
    Each run adds the page and then takes it out again (sources.yaml and the new files put back)."""
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import news_pages  # noqa: PLC0415 - the test pages, for this section only

    from timeline import api  # noqa: PLC0415

    path = os.path.join(work, f"add-source-{n_sources}")
    if not os.path.isdir(path):
        gen_corpus.generate(path, n_sources, n_articles=n_sources)
    shutil.rmtree(os.path.join(path, ".timeline-cache"), ignore_errors=True)
    page = os.path.join(work, "add-source-page.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(news_pages.LEDGER["html"])
    yaml_path = os.path.join(path, "sources", "sources.yaml")
    with open(yaml_path, "rb") as f:
        before = f.read()
    listed = set(os.listdir(os.path.join(path, "sources")))

    def undo():
        with open(yaml_path, "wb") as f:
            f.write(before)
        for name in set(os.listdir(os.path.join(path, "sources"))) - listed:
            os.unlink(os.path.join(path, "sources", name))

    def timed():
        whole = []
        for _ in range(runs):
            wall, cpu, peak, load = run_measured([os.path.join(ROOT, ".venv", "bin", "timeline"), "add-source", page,
                                                  "--sources", os.path.join(path, "sources")])
            whole.append((wall, cpu))
            undo()
        alone = []
        api.add_source(path, page)  # libraries loaded, once
        undo()
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            api.add_source(path, page)
            alone.append((time.perf_counter() - wall, time.process_time() - cpu))
            undo()
        return min(whole), min(alone)

    print(f"\nadd-source of a saved page into a story of {n_sources:,} sources (best of {runs}; wall / CPU s):\n")
    print("| build cache | whole command | the call alone |\n|---|---|---|")
    (w, c), (aw, ac) = timed()
    print(f"| none (no build yet) | {w:.2f} / {c:.2f} | {aw:.2f} / {ac:.2f} |", flush=True)
    run_measured(build_command(path))
    (w, c), (aw, ac) = timed()
    print(f"| after timeline build | {w:.2f} / {c:.2f} | {aw:.2f} / {ac:.2f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="numbers of facts, comma-separated")
    parser.add_argument("--work", default="/tmp/timeline-bench", help="where corpora and databases go")
    parser.add_argument("--requests", type=int, default=40, help="requests per page for latency")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--no-single", action="store_true", help="skip the build from nothing with --jobs 1")
    parser.add_argument("--load-seconds", type=float, default=30, help="length of each load test run (0: none)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of (build from nothing, floor, build with the articles known); the medians shown")
    parser.add_argument("--add-source", type=int, default=1000, metavar="N",
                        help="time add-source into a story of N sources (0: skip)")
    parser.add_argument("--only-add-source", action="store_true", help="only the add-source timing")
    parser.add_argument("--shapes", default=",".join(s for s in gen_corpus.SHAPES if s != "default"),
                        help="corpora of these shapes (scripts/gen_corpus.py SHAPES) at the largest size, each against"
                             " its floor ('' for none)")
    parser.add_argument("--only-shapes", action="store_true",
                        help="the shapes alone: not the default corpus at each size, the latency or the load test")
    args = parser.parse_args()
    if args.only_add_source:
        os.makedirs(args.work, exist_ok=True)
        add_source_timing(args.work, args.add_source or 1000)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    os.makedirs(args.work, exist_ok=True)
    if args.only_shapes:
        print(f"Machine: {machine()}; builds use {default_jobs()} worker processes", flush=True)
        shapes(args, sizes[-1])
        return
    print(f"Machine: {machine()}; builds use {default_jobs()} worker processes\n", flush=True)
    rows = {}
    for size in sizes:
        path = corpus(args.work, size)
        print(f"{size} facts: building...", file=sys.stderr, flush=True)
        b = builds(path, single=not args.no_single, rounds=args.rounds)
        f = b["floor"]
        db_mb = os.path.getsize(os.path.join(path, "timeline.db")) / 1e6
        rows[size] = (b, f, db_mb)
        print(f"{size} facts: cold {b['cold'][0]:.1f} s, full {b['full'][0]:.1f} s, floor {f['total']:.1f} s",
              file=sys.stderr, flush=True)
    print("| facts | articles | rows | db MB | build, empty cache | empty cache, --jobs 1 | build, articles known"
          " | floor (parse + quotes + insert + FTS) | empty / floor | known / floor | no change"
          " | one facts file changed | peak MB (tree) | load average |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size, (b, f, db_mb) in rows.items():
        loads = [v[3] for v in measured(b)]
        print(f"| {size:,} | {size // 10:,} | {f['rows']:,} | {db_mb:.0f} | {seconds(b['cold'])}"
              f" | {seconds(b['cold_one']) if 'cold_one' in b else '-'} | {seconds(b['full'])}"
              f" | {f['total']:.1f} s ({f['parse']:.1f} + {f['quotes']:.2f} + {f['insert']:.1f} + {f['fts']:.1f})"
              f" | {ratio(b, 'cold'):.2f}x | {ratio(b, 'full'):.2f}x"
              f" | {b['unchanged'][0]:.2f} s | {b['one_file'][0]:.2f} s"
              f" | {max(v[2] for v in measured(b)):.0f} | {min(loads):.1f}-{max(loads):.1f} |")
    if len(sizes) > 1:
        print("\nGrowth exponent k (cost ~ size^k; 1 = linear) per tenfold step:\n")
        print("| step | build, empty cache | build, articles known | floor | no change | one file | peak memory |")
        print("|---|---|---|---|---|---|---|")
        for small, big in zip(sizes, sizes[1:]):
            (b1, f1, _), (b2, f2, _) = rows[small], rows[big]
            factor = big / small
            print(f"| {small:,} -> {big:,} | {growth(b1['cold'][0], b2['cold'][0], factor)}"
                  f" | {growth(b1['full'][0], b2['full'][0], factor)} | {growth(f1['total'], f2['total'], factor)}"
                  f" | {growth(b1['unchanged'][0], b2['unchanged'][0], factor)}"
                  f" | {growth(b1['one_file'][0], b2['one_file'][0], factor)}"
                  f" | {growth(b1['full'][2], b2['full'][2], factor)} |")
    size = sizes[-1]
    b, f, _ = rows[size]
    if len(b["rounds"]) > 1:
        print(f"\nEach round at {size:,} facts (the floor measured between the two builds):\n")
        print("| round | empty cache | floor | empty / floor | empty cache, --jobs 1 | articles known | known / floor"
              " | load average |")
        print("|---|---|---|---|---|---|---|---|")
        for n, r in enumerate(b["rounds"], start=1):
            total = r["floor"]["total"]
            single = f"{r['cold_one'][0]:.1f} s" if "cold_one" in r else "-"
            print(f"| {n} | {r['cold'][0]:.1f} s | {total:.1f} s | {r['cold'][0] / total:.2f}x | {single}"
                  f" | {r['full'][0]:.1f} s | {r['full'][0] / total:.2f}x | {r['cold'][3]:.1f}-{r['full'][3]:.1f} |")
    rounds = f" (median of {len(b['rounds'])} rounds)" if len(b["rounds"]) > 1 else ""
    print(f"\nTargets at {size:,} facts, in this run{rounds}:\n")
    print(f"- build from an empty cache / floor: {ratio(b, 'cold'):.2f}x (target <= 2x, stretch 1.5x)"
          + (f"; with --jobs 1: {ratio(b, 'cold_one'):.2f}x" if "cold_one" in b else ""))
    print(f"- build with the articles known / floor: {ratio(b, 'full'):.2f}x (target <= 1.2x)")
    print(f"- no change: {b['unchanged'][0]:.2f} s (target < 0.5 s)")
    print(f"- one facts file changed: {b['one_file'][0]:.2f} s (target < 2 s)")
    print(f"- peak memory of the whole process tree: {max(v[2] for v in measured(b)):.0f} MB (target < 1,000 MB)")
    shapes(args, size)
    if not args.no_latency:
        db = os.path.join(corpus(args.work, size), "timeline.db")
        print(f"\nDatasette latency at {size:,} facts, {args.requests} requests per page (ms):\n")
        print("| page | path | sequential p50 | p95 | 10 clients p50 | p95 |")
        print("|---|---|---|---|---|---|")
        for name, path, p50, p95, c50, c95, error in latency(db, args.requests):
            if error:
                print(f"| {name} | `{path}` | error: {error} | | | |")
            else:
                print(f"| {name} | `{path}` | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {c50 * 1000:.0f} | {c95 * 1000:.0f} |")
    if args.load_seconds > 0:
        # How the 20 keep-alive connections fall to the two workers (the kernel's hash of each one:
        # timeline/asgi.py) moves their throughput (10 + 10 about 2.1x one worker, 8 + 12 about 2.0x):
        # three runs of two workers, the median shown in the table, every split printed.
        twos = sorted((load_test(2, seconds=args.load_seconds) for _ in range(3)), key=lambda r: r["all"]["rps"])
        runs = {1: load_test(1, seconds=args.load_seconds), 2: twos[1]}
        one, two = runs[1]["all"], runs[2]["all"]
        print(f"\nscripts/load_test.py, 20 clients for {args.load_seconds:g} s (the clients share the 2 cores:"
              " their CPU seconds are shown):\n")
        print("| page | 1 worker req/s | p95 ms | 2 workers req/s | p95 ms |")
        print("|---|---|---|---|---|")
        for kind in runs[1]:
            a, c = runs[1][kind], runs[2].get(kind, {})
            print(f"| {kind} | {a['rps']} | {a['p95_ms']} | {c.get('rps', '-')} | {c.get('p95_ms', '-')} |")
        for workers, run in runs.items():
            a = run["all"]
            print(f"\n{workers} worker{'s' if workers > 1 else ''}: {a['requests']} requests, {a['errors']} errors,"
                  f" {a['5xx']} 5xx; CPU: server {a['server_cpu_s']} s, clients {a['client_cpu_s']} s;"
                  f" {a['requests_per_server_cpu_s']} requests per server CPU second; load average"
                  f" {a['load_before']} before", end="")
        print("\n2 workers, each run: " + "; ".join(
            f"{r['all']['rps']} req/s with the connections split {' + '.join(map(str, r['all']['connections']))}"
            for r in twos), end="")
        print(f"\n\n- load test throughput, 2 workers (median of 3) / 1: {two['rps'] / max(one['rps'], 0.01):.2f}x"
              f" (target >= 1.6x); errors {one['errors'] + two['errors']}, 5xx {one['5xx'] + two['5xx']} (target 0)")
    if args.add_source:
        add_source_timing(args.work, args.add_source)


def shapes(args, size):
    """The shapes' section: their corpora, builds and report."""
    names = [name for name in args.shapes.split(",") if name]
    if names:
        paths = {name: corpus(args.work, size, name) for name in names}
        shapes_report(size, shape_builds(paths, args.rounds))


def default_jobs():
    from timeline.core.workers import default_jobs as jobs

    return jobs()


if __name__ == "__main__":
    main()
