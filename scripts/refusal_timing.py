#!/usr/bin/env python3
"""How fast hostile YAML is refused: prints seconds per case (a benchmark, not a test).

Usage: python scripts/refusal_timing.py
"""
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from timeline.core import yamlfile  # noqa: E402
from timeline.errors import YamlProblem

FACT = ("- id: fact-{n}\n  kind: event\n  title: Something happened, number {n}\n  date: 2025-03-26\n"
        "  sources:\n    - source: wapo\n      quote: \"the exact words of the article, quoted here\"\n")


def bomb(levels=9):
    text = "- &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(levels):
        text += f"- &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
    return text.encode()


def facts_of_size(size):
    one = FACT.format(n=0).encode()
    data = b"".join(FACT.format(n=i).encode() for i in range(size // len(one) + 1))
    return data[:data.rindex(b"- id:", 0, size)]


CASES = [
    ("alias bomb (9 levels: 10^9 nodes if expanded)", bomb()),
    ("nesting 100,000 deep", b"[" * 100_000),
    ("60 MB file", b"# " + b"x" * (60 * 1024 * 1024)),
    ("tag !!python/object/apply", b"- !!python/object/apply:os.system [echo hi]\n"),
    ("a real-sized facts file (20 kB)", facts_of_size(20_000)),
    (f"valid facts just under the limit ({yamlfile.MAX_BYTES // 2**20} MB)", facts_of_size(yamlfile.MAX_BYTES - 4096)),
]


def main():
    folder = tempfile.mkdtemp()
    print(f"{'case':55} {'seconds':>8}  result")
    for name, data in CASES:
        path = os.path.join(folder, "facts.yaml")
        with open(path, "wb") as f:
            f.write(data)
        start = time.perf_counter()
        try:
            result = yamlfile.read(path)
            outcome = f"loaded {len(result)} items"
        except YamlProblem as e:
            outcome = f"{e.code}: {e.message[:60]}"
        print(f"{name:55} {time.perf_counter() - start:8.3f}  {outcome}")
        os.unlink(path)
    os.rmdir(folder)


if __name__ == "__main__":
    main()
