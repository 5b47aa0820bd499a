#!/usr/bin/env python3
"""Compare timeline.sentences.split with pysbd's own segmentation on every article of a folder.

    python scripts/compare_segmentation.py /tmp/timeline-bench/corpus-100000/sources sources
    python scripts/compare_segmentation.py --lines 200000   # awkward paragraphs (scripts/awkward_lines.py)

Prints, per folder (or for the generated paragraphs, 2,000 per seed), how many articles and sentences were compared, how many articles differ (with
the first difference), and the CPU time of each way. Exits 1 if any article differs. pysbd alone
is slow (about 25 ms an article): the articles are shared among all CPUs.
"""
import concurrent.futures
import glob
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timeline.text import sentences  # noqa: E402


def pysbd_split(text):
    """sentences.split with every line given to pysbd whole (no cutting first)."""
    real = sentences._segments
    sentences._segments = lambda para, language="en": sentences._segmenter(language).segment(para)
    try:
        return sentences.split(text)
    finally:
        sentences._segments = real


def compare(path):
    with open(path, encoding="utf-8") as f:
        return compare_text(path, f.read())


def compare_lines(seed):
    import awkward_lines

    return [compare_text(f"seed {seed}, paragraph {n}", text)
            for n, text in enumerate(awkward_lines.paragraphs(2000, seed), start=1)]


def compare_text(path, text):
    start = time.process_time()
    fast = sentences.split(text)
    middle = time.process_time()
    slow = pysbd_split(text)
    end = time.process_time()
    first = None
    if fast != slow:
        a = [text[s:e] for _, s, e in fast]
        b = [text[s:e] for _, s, e in slow]
        first = next(((x, y) for x, y in zip(a, b) if x != y), (a[len(b):][:1], b[len(a):][:1]))
    return path, len(slow), middle - start, end - middle, first


def main(folders):
    failed = False
    if folders[:1] == ["--lines"]:
        count = int(folders[1])
        folders = folders[2:]
        with concurrent.futures.ProcessPoolExecutor(len(os.sched_getaffinity(0))) as pool:
            results = [r for rs in pool.map(compare_lines, range(max(1, count // 2000))) for r in rs]
        failed = report("awkward paragraphs", results, "paragraphs")
    for folder in folders:
        paths = sorted(glob.glob(os.path.join(folder, "*.txt")))
        with concurrent.futures.ProcessPoolExecutor(len(os.sched_getaffinity(0))) as pool:
            results = list(pool.map(compare, paths, chunksize=20))
        failed = report(folder, results) or failed
    sys.exit(1 if failed else 0)


def report(folder, results, what="articles"):
    differ = [r for r in results if r[4] is not None]
    print(f"{folder}: {len(results)} {what}, {sum(r[1] for r in results)} sentences, {len(differ)} differ;"
          f" CPU: split {sum(r[2] for r in results):.1f} s, pysbd alone {sum(r[3] for r in results):.1f} s")
    for path, _, _, _, first in differ[:5]:
        print(f"  {path}: {first[0]!r} / pysbd: {first[1]!r}")
    return bool(differ)


if __name__ == "__main__":
    main(sys.argv[1:] or ["sources"])
