"""scripts/bench.py runs end to end on a tiny corpus and prints every table (its numbers are not judged here:
a benchmark prints numbers, it does not pass or fail on them).

The corpus is the smallest that has every part (20 and 40 facts: 2 and 4 articles), and each page's latency
is measured once: the run's time is in starting processes, not in the work they do (the builds take 0.3 s
at 20 facts as at 400), so about 32 builds, 4 Datasette servers and 4 one-second load tests."""
import re
import subprocess
import sys

from conftest import ROOT


def test_the_benchmark_prints_its_tables(tmp_path):
    result = subprocess.run([sys.executable, "scripts/bench.py", "--sizes", "20,40", "--work", str(tmp_path),
                             "--requests", "1", "--load-seconds", "1", "--add-source", "20", "--shapes", ""], cwd=ROOT,
                            capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    build = r"([\d.]+) s \(CPU [\d.]+\)"
    builds = re.findall(rf"(?m)^\| (20|40) \| (\d+) \| ([\d,]+) \| \d+ \| {build} \| {build} \| {build}"
                        r" \| ([\d.]+) s \(.*\) \| ([\d.]+)x \| ([\d.]+)x \| ([\d.]+) s \| ([\d.]+) s \| (\d+)"
                        r" \| [\d.]+-[\d.]+ \|$", out)
    assert [row[0] for row in builds] == ["20", "40"], out
    assert all(float(row[3]) > 0 and float(row[4]) > 0 and float(row[7]) > 0 and int(row[11]) > 0 for row in builds)
    assert re.search(r"(?m)^\| 20 -> 40 \| -?[\d.]+ \|", out), out
    rounds = re.findall(r"(?m)^\| ([123]) \| [\d.]+ s \| [\d.]+ s \| [\d.]+x \| [\d.]+ s \| [\d.]+ s \| [\d.]+x \|", out)
    assert rounds == ["1", "2", "3"], "three rounds, each against its own floor"
    assert "in this run (median of 3 rounds)" in out
    assert re.search(r"(?m)^\| after timeline build \| [\d.]+ / [\d.]+ \| [\d.]+ / [\d.]+ \|$", out), out
    for target in ("build from an empty cache / floor", "build with the articles known / floor", "no change",
                   "one facts file changed", "peak memory of the whole process tree",
                   "load test throughput, 2 workers \\(median of 3\\) / 1"):
        assert re.search(rf"(?m)^- {target}: [\d.,]+", out), target
    pages = re.findall(r"(?m)^\| ([^|]+) \| `(/[^`]*)` \| (\d+|error[^|]*) \|", out)
    assert len(pages) >= 20 and not [p for p in pages if p[2].startswith("error")], out
    assert {"/", "/timeline", "/timeline/conflicts", "/chronology"} <= {p[1] for p in pages}
    load = re.findall(r"(?m)^\| (all|home|fact page) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", out)
    assert sorted(row[0] for row in load) == ["all", "fact page", "home"], out
    assert re.search(r"(?m)^2 workers: \d+ requests, 0 errors, 0 5xx; CPU: server [\d.]+ s, clients [\d.]+ s", out)
    splits = re.findall(r"[\d.]+ req/s with the connections split (\d+) \+ (\d+)", out)
    assert len(splits) == 3 and all(int(a) + int(b) == 20 for a, b in splits), out


def test_the_benchmark_reports_every_shape_against_its_own_floor(tmp_path):
    result = subprocess.run([sys.executable, "scripts/bench.py", "--sizes", "40", "--work", str(tmp_path), "--rounds", "1",
                             "--shapes", "breaking,wire", "--only-shapes"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    rounds = re.findall(r"(?m)^\| (breaking|wire) \| 1 \| [\d.]+ s \(CPU [\d.]+\) \| [\d.]+ s \| [\d.]+x \| [\d.]+ s", out)
    assert rounds == ["breaking", "wire"], out
    targets = re.findall(r"(?m)^\| (breaking|wire) \| [\d.]+x \| [\d.]+x \| [\d.]+ s \| [\d.]+ s \| \d+ \|$", out)
    assert targets == ["breaking", "wire"], out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus-40-breaking", "corpus-40-wire"]
