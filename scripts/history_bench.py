#!/usr/bin/env python3
"""How much the git history of the facts folder costs a build (fact_history, timeline/history.py).

    .venv/bin/python scripts/history_bench.py --commits 300 --facts 2000

Writes a synthetic corpus (scripts/gen_corpus.py) into a scratch git repository, commits it, then
makes COMMITS more commits, each editing one fact's title in one facts file, and prints the time of:
finding the history's key (every build does this); reading the whole history with nothing cached
and with every file already parsed; a build with nothing changed; a rebuild after one new commit
(patched in); and the same rebuild in the same folder outside git, for comparison.
"""
import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from timeline.database import build, cache, history  # noqa: E402

_spec = importlib.util.spec_from_file_location("gen_corpus", os.path.join(ROOT, "scripts", "gen_corpus.py"))
gen_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_corpus)


def git(path, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", path, *args], check=True, env=env, capture_output=True)


def timed(function, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def edit(path, n):
    """Retitle the n-th fact of the file (a different one each time)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    titles = [i for i, line in enumerate(lines) if line.startswith("  title: ")]
    i = titles[n % len(titles)]
    lines[i] = f"  title: Edited {n}, " + lines[i][len("  title: "):]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--facts", type=int, default=2000)
    parser.add_argument("--per-file", type=int, default=100)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="history-bench-")
    try:
        gen_corpus.generate(work, args.facts, facts_per_file=args.per_file)
        facts = os.path.join(work, "facts")
        files = sorted(n for n in os.listdir(facts) if n.startswith("facts-"))
        git(work, "init", "-q", "-b", "main")
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", "Corpus")
        start = time.perf_counter()
        for n in range(args.commits):
            edit(os.path.join(facts, files[n % len(files)]), n)
            git(work, "commit", "-q", "-am", f"Edit {n}")
        made = time.perf_counter() - start
        print(f"{args.facts} facts in {len(files)} files, {args.commits + 1} commits (made in {made:.1f} s)\n")
        rows = []
        key_time, head = timed(lambda: history.key(facts), repeat=5)
        rows.append(("history key (every build)", key_time))
        cold, (found, commits) = timed(lambda: history.rows(facts, head), repeat=1)
        rows.append((f"whole history, nothing cached ({len(found)} rows)", cold))
        folder = os.path.join(work, "cache")
        os.mkdir(folder)
        with cache.Cache(folder) as kept:
            history.rows(facts, head, kept)  # parses every file once
        with cache.Cache(folder) as kept:
            kept.conn.execute("DELETE FROM entries WHERE kind = 'history'")  # keep the parsed files only
            parsed, _ = timed(lambda: history.rows(facts, head, kept), repeat=1)
        rows.append(("whole history, every file parsed before", parsed))
        with cache.Cache(folder) as kept:
            same, _ = timed(lambda: history.rows(facts, head, kept))
        rows.append(("same history (its rows cached)", same))
        db = os.path.join(work, "timeline.db")
        build.build(db, facts, os.path.join(work, "sources"))
        nothing, _ = timed(lambda: build.build(db, facts, os.path.join(work, "sources")))
        rows.append(("build, nothing changed", nothing))
        times = []
        for n in range(3):
            edit(os.path.join(facts, files[0]), 10_000 + n)
            git(work, "commit", "-q", "-am", f"One more {n}")
            t, inputs = timed(lambda: build.build(db, facts, os.path.join(work, "sources")), repeat=1)
            assert inputs.patched == [files[0]], inputs.patched
            times.append(t)
        rows.append(("rebuild after one new commit (patched)", statistics.median(times)))
        shutil.rmtree(os.path.join(work, ".git"))
        times = []
        for n in range(3):
            edit(os.path.join(facts, files[0]), 20_000 + n)
            t, inputs = timed(lambda: build.build(db, facts, os.path.join(work, "sources")), repeat=1)
            times.append(t)
        rows.append(("the same edit outside git (patched)", statistics.median(times)))
        print("| step | seconds |\n|---|---|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.3f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
