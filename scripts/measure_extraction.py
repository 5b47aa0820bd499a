#!/usr/bin/env python3
"""Measure add-source's extraction on folders of real saved pages with ground truth; prints numbers.

    python scripts/measure_extraction.py --text DIR     # DIR/html/*.html(.gz) and DIR/ground-truth.json
    python scripts/measure_extraction.py --dates DIR    # DIR/*.json {url: {file, date}} and the pages beside it

--text takes the layout of the article-extraction benchmark of Scrapinghub/Zyte (one page per
`html/<id>.html.gz`, the article's text as `articleBody` in `ground-truth.json`). For each page it
runs timeline's extraction (timeline.ingest.extract) and trafilatura called directly with its
defaults, and prints text F1 (4-word shingles, each page weighted the same, as that benchmark
scores), precision and recall for both; the pages timeline refused (fewer than extract.MIN_WORDS
words); and the same F1 without the header lines timeline adds on purpose (headline, standfirst,
byline). --dates takes htmldate's evaluation layout (a JSON file {url: {"file": name, "date":
"YYYY-MM-DD"}}, the pages in a folder beside it): for each page the published date timeline finds
and htmldate's alone, each counted as the same day, a day off, wrong or empty.

No data is committed: fetch the benchmarks yourself (their licenses are theirs).
"""
import argparse
import collections
import datetime
import glob
import gzip
import json
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from timeline.ingest import extract  # noqa: E402

TOKEN = re.compile(r"\w+")


def shingles(text, n=4):
    words = TOKEN.findall(text or "")
    return collections.Counter(tuple(words[i:i + n]) for i in range(max(len(words) - n + 1, 0)))


def counts(truth, guess):
    """(true positives, false positives, false negatives) of 4-word shingles, as shares of their sum."""
    t, g = shingles(truth), shingles(guess)
    tp = sum((t & g).values())
    fp = sum((g - t).values())
    fn = sum((t - g).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(rows):
    """(F1, precision, recall) over pages, each page weighted the same."""
    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)
    p = sum(precision(*r) for r in rows if r[0] + r[1] > 0) / max(1, sum(1 for r in rows if r[0] + r[1] > 0))
    r = sum(recall(*r) for r in rows if r[0] + r[2] > 0) / max(1, sum(1 for r in rows if r[0] + r[2] > 0))
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def read_page(path):
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if path.endswith(".gz") else data


def measure_text(folder, limit=None, show=5):
    import trafilatura

    truth = json.load(open(os.path.join(folder, "ground-truth.json"), encoding="utf-8"))
    paths = sorted(glob.glob(os.path.join(folder, "html", "*.html*")))[:limit]
    ours, body, theirs, refused, worst = [], [], [], [], []
    spent = [0.0, 0.0]
    for path in paths:
        key = os.path.basename(path).split(".")[0]
        if key not in truth:
            continue
        expected = truth[key].get("articleBody") or ""
        html = extract.decode(read_page(path))
        start = time.process_time()
        page = extract.extract(html, url=truth[key].get("url"))
        spent[0] += time.process_time() - start
        start = time.process_time()
        direct = trafilatura.extract(html, url=truth[key].get("url")) or ""
        spent[1] += time.process_time() - start
        if not page.text:
            refused.append(key)
        ours.append(counts(expected, page.text))
        header = set(getattr(page, "header", []))
        body.append(counts(expected, "\n".join(line for line in page.text.splitlines() if line not in header)))
        theirs.append(counts(expected, direct))
        worst.append((scores([ours[-1]])[0], scores([theirs[-1]])[0], key))
    n = len(ours)
    print(f"text: {n} pages with ground truth in {folder}")
    for name, rows in (("timeline", ours), ("timeline, without the header lines it adds", body),
                       ("trafilatura alone", theirs)):
        f1, p, r = scores(rows)
        print(f"  {name:<44} F1 {f1:.3f}  precision {p:.3f}  recall {r:.3f}")
    print(f"  refused (no article text): {len(refused)} {' '.join(refused[:10])}")
    print(f"  CPU time: timeline {spent[0] / max(n, 1):.3f} s a page, trafilatura alone {spent[1] / max(n, 1):.3f} s")
    worse = sorted((w for w in worst if w[0] < w[1] - 0.05), key=lambda w: w[0] - w[1])
    print(f"  pages where timeline is more than 0.05 below trafilatura: {len(worse)}")
    for ours_f1, theirs_f1, key in worse[:show]:
        print(f"    {key[:16]}  timeline {ours_f1:.2f}  trafilatura {theirs_f1:.2f}")


def measure_dates(index, limit=None):
    import htmldate

    folder = os.path.dirname(index)
    pages = json.load(open(index, encoding="utf-8"))
    # htmldate's own layout: the files of eval_default.json in eval/, of eval_mediacloud_2020.json in test_set/
    where = [os.path.join(folder, d) for d in ("test_set", "eval", "")]
    tally = {"timeline": collections.Counter(), "htmldate": collections.Counter()}
    n = 0
    for url, item in list(pages.items())[:limit]:
        if not isinstance(item.get("date"), str):
            continue  # a page without a labelled date
        path = next((os.path.join(d, item["file"]) for d in where if os.path.exists(os.path.join(d, item["file"]))),
                    None)
        if path is None:
            continue
        n += 1
        html = extract.decode(read_page(path))
        page = extract.extract(html, url=url)
        try:
            theirs = htmldate.find_date(html, url=url, original_date=True, extensive_search=True)
        except Exception:  # noqa: BLE001 - counted as empty
            theirs = None
        for name, got in (("timeline", page.fields.get("published")), ("htmldate", theirs)):
            tally[name][_verdict(item["date"], got)] += 1
    print(f"dates: {n} pages of {index}")
    for name, counted in tally.items():
        print(f"  {name:<10} same day {counted['same']:>4}  a day off {counted['off by one']:>4}"
              f"  wrong {counted['wrong']:>4}  empty {counted['empty']:>4}")


def _verdict(expected, got):
    if not got:
        return "empty"
    try:
        a = datetime.date.fromisoformat(expected[:10])
        b = datetime.date.fromisoformat(got[:10])
    except ValueError:
        return "wrong"
    return "same" if a == b else "off by one" if abs((a - b).days) == 1 else "wrong"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", action="append", default=[], help="a folder in the layout of the extraction benchmark")
    parser.add_argument("--dates", action="append", default=[], help="an htmldate evaluation JSON file")
    parser.add_argument("--limit", type=int, help="at most this many pages of each set")
    args = parser.parse_args()
    for folder in args.text:
        measure_text(folder, args.limit)
    for index in args.dates:
        measure_dates(index, args.limit)


if __name__ == "__main__":
    main()
