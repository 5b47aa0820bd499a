"""Every pair of sets whose Jaccard similarity reaches a threshold, found exactly, without comparing all pairs.

The candidate search is prefix filtering with positions (AllPairs and PPJoin, Bayardo et al. 2007,
Xiao et al. 2008) on *pairs* of words (the k-prefix of Wang, Li and Feng 2012): with every set's
words ordered by a global order (rarest first), two sets whose overlap reaches `alpha` share their
first two common words within the first `len - alpha + 2` words of each. So a pair is a candidate
only when some pair of words (a, b) stands, in both sets, early enough for the pair's own `alpha`,
and that pair of words is rare: a word common across the collection (the head of a Zipf
distribution) rarely stands early, and two of them together even more rarely. The search is exact
whatever the distribution of words: every pair that reaches the threshold is a candidate, and every
candidate's overlap is counted before it is kept. It runs in numpy over sorted arrays (sorting and
searching instead of a Python loop per candidate), a share of the pairs of words at a time so that
the memory stays bounded.

Sets are compared only across groups (sets of one group never pair), and only when their days are
at most `window` apart (a set without a day is compared with every set).
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np

ENTRIES_PER_PART = 1_000_000  # pairs of words handled at once (about 16 MB, and as much again to sort them)
PAIRS_PER_STEP = 500_000  # pairs of entries looked at once (about 30 MB of arrays)
SETS_PER_STEP = 20_000  # sets whose words are read at once
NO_DAY = np.iinfo(np.int64).min


def alphas(lengths: np.ndarray, threshold: float) -> np.ndarray:
    """A[n, m]: the least overlap at which sets of n and m distinct words reach `threshold`, as
    `common / (n + m - common) >= threshold` computes it in floating point (so a candidate's score is
    judged exactly as the caller judges it); at least 1; a number above min(n, m) where none does.
    Only for the lengths in `lengths` (others are left at that number)."""
    top = int(lengths.max()) if len(lengths) else 0
    out = np.full((top + 1, top + 1), top + 1, dtype=np.int64)
    present = np.unique(lengths)
    n, m = np.meshgrid(present, present, indexing="ij")
    n, m = n.astype(np.int64), m.astype(np.int64)
    smaller = np.minimum(n, m)
    # a guess just below the answer, then up one at a time: the comparison decides, not the algebra
    o = np.maximum(np.floor(threshold * (n + m) / (1 + threshold)).astype(np.int64) - 2, 1)
    found = np.full(n.shape, top + 1, dtype=np.int64)
    undecided = np.ones(n.shape, dtype=bool)
    while undecided.any():
        candidate = np.minimum(o, smaller)
        reached = (candidate / np.maximum(n + m - candidate, 1) >= threshold) & undecided
        found[reached] = candidate[reached]
        undecided &= ~reached & (o < smaller)
        o += 1
    out[n, m] = found
    return out


def similar_pairs(sets: Sequence[str], groups: Sequence[int], days: Sequence[int | None],
                  threshold: float, window: int | None) -> Iterator[tuple[int, int, int]]:
    """(i, j, common) with i < j for every two sets of `sets` (each its distinct words, one space between
    them, at least one word) in different `groups`, with `days` at most `window` apart (either None, or
    `window` None: any), whose overlap `common` gives `common / (len_i + len_j - common) >= threshold`;
    in order of (i, j). Pairs sharing no word are never given (as no threshold above 0 keeps them)."""
    count = len(sets)
    if count < 2:
        return
    lengths = np.fromiter((s.count(" ") + 1 for s in sets), dtype=np.int64, count=count)
    index: dict[str, int] = {}  # each word a number, in order of first use
    read = []
    for start in range(0, count, SETS_PER_STEP):  # a share at a time: a string per word of them all is 250 MB
        tokens = " ".join(sets[start:start + SETS_PER_STEP]).split(" ")
        for w in dict.fromkeys(tokens):
            index.setdefault(w, len(index))
        read.append(np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens)))
    codes = np.concatenate(read)
    vocabulary = max(len(index), 1)
    del read, index
    rank = np.empty(vocabulary, dtype=np.int64)  # the global order: rarest first
    rank[np.argsort(np.bincount(codes, minlength=vocabulary), kind="stable")] = np.arange(vocabulary)
    member = np.repeat(np.arange(count, dtype=np.int64), lengths)
    member *= vocabulary
    member += rank[codes]
    del codes, rank
    member.sort()  # each set's words by rank, rows in order: also the lookup table of (set, word)
    flat = member % vocabulary
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    alpha = alphas(lengths, threshold)
    group = np.asarray(groups, dtype=np.int64)
    day = np.fromiter((NO_DAY if d is None else d for d in days), dtype=np.int64, count=count)
    present = np.unique(lengths)
    least = {int(n): int(alpha[n, present].min()) for n in present}  # alpha with the most forgiving partner
    k = 2 if min(least.values()) >= 2 else 1
    entries = _entry_plan(lengths, least, k)
    planned = sum(len(rows) * len(positions) for _, rows, positions in entries)
    parts = max(1, math.ceil(planned / ENTRIES_PER_PART))
    found: list[np.ndarray] = []
    for part in range(parts):
        key, owner, slack = _entries(entries, flat, offsets, vocabulary, k, part, parts)
        found += _candidates(key, owner, slack, lengths, alpha, group, day, window)
    if not found:
        return
    pairs = np.concatenate(found)  # i * count + j, i < j
    del found
    if not len(pairs):
        return
    pairs.sort()
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]  # (a sort: np.unique hashes, 10 times slower)
    for start in range(0, len(pairs), PAIRS_PER_STEP // 8):
        chunk = pairs[start:start + PAIRS_PER_STEP // 8]
        i, j = chunk // count, chunk % count
        common = _overlaps(i, j, lengths, offsets, flat, member, vocabulary)
        kept = common >= alpha[lengths[i], lengths[j]]
        yield from zip(i[kept].tolist(), j[kept].tolist(), common[kept].tolist())


def _entry_plan(lengths: np.ndarray, least: dict[int, int], k: int) -> list[tuple[int, np.ndarray, list[tuple[int, int]]]]:
    """[(length, rows of that length, [(a, b) positions of the pairs of words to index])]: for k = 2,
    every a < b with b within the first n - least + 2 words (b < n - least + 2); for k = 1, b alone."""
    plan = []
    for n, first in sorted(least.items()):
        if first > n:
            continue  # no partner of any length present can reach the threshold
        reach = min(n, n - first + k)
        positions = [(a, b) for b in range(reach) for a in range(b)] if k == 2 else [(b, b) for b in range(reach)]
        rows = np.flatnonzero(lengths == n).astype(np.int32)
        plan.append((n, rows, positions))
    return plan


def _entries(plan: list[tuple[int, np.ndarray, list[tuple[int, int]]]], flat: np.ndarray, offsets: np.ndarray,
             vocabulary: int, k: int, part: int, parts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(key, owner, slack) of the entries whose first word falls in `part` of `parts`: key the pair of
    words (a * vocabulary + b; the word itself for k = 1), owner the set, slack = n - b + k - 1 (a pair
    of sets can use the entry when its alpha is at most both slacks)."""
    keys, owners, slacks = [], [], []
    for n, rows, positions in plan:
        start = offsets[rows]
        mine: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # {a: (rows whose word a is in this part, their starts)}
        for a, b in positions:
            if a not in mine:
                word = flat[start + a]
                here = word % parts == part if parts > 1 else np.ones(len(rows), dtype=bool)
                mine[a] = rows[here], start[here]
            owner, first = mine[a]
            keys.append(flat[first + b] if k == 1 else flat[first + a] * vocabulary + flat[first + b])
            owners.append(owner)
            slacks.append(np.full(len(owner), n - b + k - 1, dtype=np.int32))
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.int32), empty.astype(np.int32)
    return np.concatenate(keys), np.concatenate(owners), np.concatenate(slacks)


def _candidates(key: np.ndarray, owner: np.ndarray, slack: np.ndarray, lengths: np.ndarray, alpha: np.ndarray,
                group: np.ndarray, day: np.ndarray, window: int | None) -> list[np.ndarray]:
    """Candidate pairs (i * count + j, i < j) among these entries: the same key, different groups, days
    in the window (or either undated), and the pair's alpha within both entries' slack."""
    count = len(lengths)
    out: list[np.ndarray] = []
    entry_day = day[owner]
    dated = entry_day != NO_DAY
    if dated.any():
        d_key, d_owner, d_slack, d_day = key[dated], owner[dated], slack[dated], entry_day[dated]
        first = int(d_day.min())
        span = int(d_day.max()) - first
        reach = span if window is None else min(window, span)
        stride = span + reach + 1
        composite = d_key * stride + (d_day - first)
        order = np.argsort(composite, kind="stable")
        composite, d_owner, d_slack = composite[order], d_owner[order], d_slack[order]
        del order, d_key, d_day
        ends = np.searchsorted(composite, composite + reach, side="right")
        out += _pairs_in_ranges(np.arange(len(composite)) + 1, ends, d_owner, d_slack, d_owner, d_slack,
                                lengths, alpha, group, count)
    if not dated.all():
        order = np.argsort(key, kind="stable")
        s_key, s_owner, s_slack = key[order], owner[order], slack[order]
        undated = np.flatnonzero(~dated[order])
        starts = np.searchsorted(s_key, s_key[undated], side="left")
        ends = np.searchsorted(s_key, s_key[undated], side="right")
        # each undated entry with every entry of its key (itself is the same group: dropped)
        out += _pairs_in_ranges(starts, ends, s_owner[undated], s_slack[undated], s_owner, s_slack, lengths, alpha,
                                group, count, fixed=True)
    return out


def _pairs_in_ranges(starts: np.ndarray, ends: np.ndarray, left_owner: np.ndarray, left_slack: np.ndarray,
                     owner: np.ndarray, slack: np.ndarray, lengths: np.ndarray, alpha: np.ndarray, group: np.ndarray,
                     count: int, fixed: bool = False) -> list[np.ndarray]:
    """The pairs (left entry e, entry q) for q in starts[e]:ends[e] that pass the filters, as i * count + j.
    Without `fixed`, the left entries are the entries themselves (left_owner is owner, e the index)."""
    out = []
    for left, right in ranges(starts, ends):
        a, b = left_owner[left], owner[right]
        keep = group[a] != group[b]
        keep &= alpha[lengths[a], lengths[b]] <= np.minimum(left_slack[left], slack[right])
        a, b = a[keep].astype(np.int64), b[keep].astype(np.int64)
        out.append(np.minimum(a, b) * count + np.maximum(a, b))
    return out


def ranges(starts: np.ndarray, ends: np.ndarray, step: int = PAIRS_PER_STEP) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(left, right) index arrays of every pair (e, q) with starts[e] <= q < ends[e], about `step` pairs at a time."""
    sizes = np.maximum(ends - starts, 0)
    cumulative = np.cumsum(sizes)
    done, n = 0, len(starts)
    while done < n:
        before = int(cumulative[done - 1]) if done else 0
        stop = max(done + 1, int(np.searchsorted(cumulative, before + step, side="right")))
        size = sizes[done:stop]
        total = int(cumulative[stop - 1]) - before
        if total:
            left = np.repeat(np.arange(done, stop), size)
            yield left, np.repeat(starts[done:stop] - (cumulative[done:stop] - size - before), size) + np.arange(total)
        done = stop


def _overlaps(i: np.ndarray, j: np.ndarray, lengths: np.ndarray, offsets: np.ndarray, flat: np.ndarray,
              member: np.ndarray, vocabulary: int) -> np.ndarray:
    """|set i & set j| for each pair: each word of the shorter looked up among the other's."""
    swap = lengths[i] > lengths[j]
    short, other = np.where(swap, j, i), np.where(swap, i, j)
    size = lengths[short]
    total = int(size.sum())
    pair = np.repeat(np.arange(len(short)), size)
    position = np.repeat(offsets[short] - np.cumsum(size) + size, size) + np.arange(total)
    probe = other[pair] * vocabulary + flat[position]
    at = np.minimum(np.searchsorted(member, probe), len(member) - 1)
    return np.bincount(pair, weights=member[at] == probe, minlength=len(short)).astype(np.int64)
