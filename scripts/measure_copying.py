#!/usr/bin/env python
"""Print the numbers behind the wire-copy thresholds in timeline/corroboration.py.

For every pair of sources: the best one-to-one sentence overlaps (content words of the narration,
quotations removed) and the 4-word containment. Pairs that credit no common wire show what
independent reporting on the same story looks like; the thresholds sit above them.

    python scripts/measure_copying.py [sources/]
"""
import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from timeline.across import corroboration  # noqa: E402
from timeline.inputs import sources  # noqa: E402


def main(folder="sources"):
    loaded, problems = sources.load_sources(folder)
    for p in problems:
        print(p, file=sys.stderr)
    pairs = corroboration.sentence_pairs(loaded, threshold=0.0001)
    print(f"shared sentence: overlap >= {corroboration.SHARED_SENTENCE}; linked: >= {corroboration.MIN_SHARED} shared")
    for a, b in itertools.combinations(sorted(loaded), 2):
        best = [s for s, _, _ in pairs.get((a, b), [])][:8]
        shared = sum(s >= corroboration.SHARED_SENTENCE for s in best)
        why = corroboration.declared(loaded[a], loaded[b]) or "-"
        c = corroboration.containment(corroboration.shingles(loaded[a]), corroboration.shingles(loaded[b]))
        print(f"{a:>16} {b:<16} best overlaps {' '.join(f'{s:.2f}' for s in best):<40} shared {shared}"
              f"  4-gram containment {c:.3f}  declared: {why}")


if __name__ == "__main__":
    main(*sys.argv[1:])
