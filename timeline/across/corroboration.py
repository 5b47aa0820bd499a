"""Who else reports it, and are they independent? Links between sources, and origins.

Two sources are linked when they declare the same wire service (`based_on` in sources.yaml), when
one declares the other, or when their own narration shares sentences. Quotations are removed
before comparing (two independent outlets quoting the same speaker share those words honestly);
what is left is reduced to content words, cut to their first five letters so that "armory" and
"armory's" match. Two sentences are *shared* when the Jaccard overlap of those words is at least
SHARED_SENTENCE (each sentence is matched at most once); two sources are linked by detection when
they share at least MIN_SHARED sentences. scripts/measure_copying.py prints the numbers these
thresholds come from. Sentences are compared only between sources in the same language (the language
subtag of their BCP 47 tags: 'es' and 'es-SV' are one), each source's words read without its language's
stopwords: two languages share no sentence, and a Spanish and an English report are independent unless
`based_on` links them.

Origins group sources along links (connected components): a source plus everything that copies it
or shares its wire service counts once.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, NamedTuple

from timeline.records import DEFAULT_LANGUAGE, Row, Source, base_language, sentence_id
from timeline.text.words import narration, sentence_words, unpacked

# Measured on the five articles of the story this project started with (scripts/measure_copying.py):
# the best one-to-one sentence overlaps between articles with no wire in common are at most 0.32;
# the rewrite pairs reach 0.40-1.00 on several sentences. A lone shared sentence can be a stock phrase.
SHARED_SENTENCE = 0.40
MIN_SHARED = 2
SHINGLE = 4
# Sentences are compared only between sources published at most this many days apart (None: all).
WINDOW_DAYS = 31

if TYPE_CHECKING:
    import numpy as np

    from timeline.inputs.story import Inputs

# {(source a, source b): [(similarity, sentence a, sentence b)]}, as sentence_pairs gives them
SentencePairs = dict[tuple[str, str], list[tuple[float, str, str]]]


def source_sentences(source: Source | Compared) -> list[tuple[str, tuple[str, ...]]]:
    """[(sentence id, content words as a tuple)] of the sentences worth comparing."""
    return [(sentence_id(source.id, n), w) for n, w in unpacked(_words(source))]


class Compared(NamedTuple):
    """What sentence_pairs reads of a source (small enough to send to a worker process)."""
    id: str
    published_date: datetime.date | None
    words: str  # sentence_words
    language: str = DEFAULT_LANGUAGE  # the source's BCP 47 tag


def _words(source: Source | Compared) -> str:
    """The source's packed content words (sentence_words in its language), worked out when not known."""
    if source.words is not None:
        return source.words
    assert isinstance(source, Source)  # a Compared always carries its words
    return sentence_words(source.text, source.sentences, source.language)


def compared(sources: Mapping[str, Source]) -> dict[str, Compared]:
    """{id: Compared} for sentence_pairs."""
    return {sid: Compared(s.id, s.published_date, _words(s), s.language) for sid, s in sources.items()}


def sentence_pairs(sources: Mapping[str, Source | Compared], threshold: float = SHARED_SENTENCE,
                   window_days: int | None = WINDOW_DAYS) -> SentencePairs:
    """{(source a, source b): [(similarity, sentence a, sentence b)]}, one-to-one, best first.

    Every two sentences of different sources whose content words overlap by at least `threshold`
    (Jaccard) are found exactly by timeline.core.setjoin (prefix filtering on pairs of the rarest
    words, with positions: the work grows with the pairs that share rare words, not with all pairs,
    whatever the distribution of words). Sources published more than `window_days` apart are not
    compared (copying happens within days); undated sources are compared with every source. Only sources
    in the same language (base_language) are compared: the join runs once for each language."""
    by_language: defaultdict[str, list[str]] = defaultdict(list)
    for sid, source in sources.items():
        by_language[base_language(source.language)].append(sid)
    scored: defaultdict[tuple[str, str], dict[tuple[str, str], float]] = defaultdict(dict)
    for _, members in sorted(by_language.items()):
        _score(sources, members, threshold, window_days, scored)
    out: SentencePairs = {}
    for key, pairs in sorted(scored.items()):
        used_a: set[str] = set()
        used_b: set[str] = set()
        chosen: list[tuple[float, str, str]] = []
        for (a, b), score in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
            if a not in used_a and b not in used_b:
                used_a.add(a)
                used_b.add(b)
                chosen.append((round(score, 3), a, b))
        out[key] = chosen
    return out


def _score(sources: Mapping[str, Source | Compared], members: list[str], threshold: float, window_days: int | None,
           scored: defaultdict[tuple[str, str], dict[tuple[str, str], float]]) -> None:
    """Add to `scored` {(source a, source b): {(sentence a, sentence b): similarity}} every two sentences of
    two of `members` (sources of one language) at or above `threshold`, by timeline.core.setjoin."""
    order = sorted(members, key=lambda sid: (sources[sid].published_date is not None,
                                             sources[sid].published_date or datetime.date.min, sid))
    sets: list[str] = []  # each sentence's words, as sentence_words packed them
    group: list[int] = []  # its source, as a number
    day: list[int | None] = []  # its source's publication day
    number: list[str] = []  # its position in its source
    for g, sid in enumerate(order):
        source = sources[sid]
        words = _words(source)
        published = source.published_date.toordinal() if source.published_date is not None else None
        for line in words.split("\n") if words else ():
            n, _, rest = line.partition(" ")
            sets.append(rest)
            number.append(n)
        added = len(sets) - len(group)
        group += [g] * added
        day += [published] * added
    from timeline.core import setjoin  # numpy (0.07 s to import) only where sentences are compared

    for i, j, common in setjoin.similar_pairs(sets, group, day, threshold, window_days):
        a, b = order[group[i]], order[group[j]]
        score = common / (sets[i].count(" ") + sets[j].count(" ") + 2 - common)
        if score >= threshold:
            a_id, b_id = sentence_id(a, int(number[i])), sentence_id(b, int(number[j]))
            key, pair = ((a, b), (a_id, b_id)) if a < b else ((b, a), (b_id, a_id))
            scored[key][pair] = score


def shingles(source: Source, n: int = SHINGLE) -> set[tuple[str, ...]]:
    """Every run of `n` words of the source's narration, within a sentence."""
    out: set[tuple[str, ...]] = set()
    for _, start, end in source.sentences:
        words = narration(source.text[start:end]).split()
        out.update(zip(*(words[i:] for i in range(n))))  # (words[i], ..., words[i + n - 1]) for each i
    return out


def containment(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Share of the smaller text's narration 4-word sequences that the other text also has."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def declared(a: Source, b: Source) -> str | None:
    """Why a and b are declared dependent (text), or None."""
    if a.based_on and b.based_on and a.based_on.casefold() == b.based_on.casefold():
        return f"both credit {a.based_on}"
    if a.based_on and a.based_on.casefold() == b.id.casefold():
        return f"{a.id} credits {b.id}"
    if b.based_on and b.based_on.casefold() == a.id.casefold():
        return f"{b.id} credits {a.id}"
    return None


def declared_pairs(sources: Mapping[str, Source]) -> set[tuple[str, str]]:
    """Every (a, b), a < b, that `declared` links, found without comparing every pair of sources."""
    return set(declared_reasons(sources))


def declared_reasons(sources: Mapping[str, Source],
                     window_days: int | None = WINDOW_DAYS) -> dict[tuple[str, str], str]:
    """{(a, b): declared(a, b)} for every pair, a < b, that `declared` links, found without comparing every
    pair of sources: one credits the other, or both credit the same wire and were published at most
    `window_days` apart (either undated, or `window_days` None: any). Two sources crediting one wire a
    year apart report different stories; listing every pair of a wire's sources grew with the square
    of them (1,500 credits: 1.1 million rows). Every source crediting a wire still has that wire as its
    origin (origins() groups them whatever their dates)."""
    by_wire: defaultdict[str, list[str]] = defaultdict(list)
    by_id = {s.casefold(): s for s in sources}
    for sid, source in sources.items():
        if source.based_on:
            by_wire[source.based_on.casefold()].append(sid)
    keys: set[tuple[str, str]] = set()
    for wire, members in by_wire.items():
        keys.update(_within(sources, members, window_days))
        credited = by_id.get(wire)
        if credited:
            keys.update((min(m, credited), max(m, credited)) for m in members if m != credited)
    out = {}
    for a, b in keys:
        why = declared(sources[a], sources[b])
        if why:
            out[(a, b)] = why
    return out


def _within(sources: Mapping[str, Source], members: list[str], window_days: int | None) -> Iterator[tuple[str, str]]:
    """Every (a, b), a < b, of `members` published at most `window_days` apart (either undated: any)."""
    dated = sorted((d, m) for m in members if (d := sources[m].published_date) is not None)
    undated = sorted(m for m in members if sources[m].published_date is None)
    for i, m in enumerate(undated):
        yield from ((min(m, o), max(m, o)) for o in undated[i + 1:])
        yield from ((min(m, o), max(m, o)) for _, o in dated)
    reach = datetime.timedelta(days=window_days) if window_days is not None else None
    for i, (day, m) in enumerate(dated):
        for later, o in dated[i + 1:]:
            if reach is not None and later - day > reach:
                break
            yield (min(m, o), max(m, o))


def links(sources: Mapping[str, Source], pairs: SentencePairs | None = None,
          similar: Callable[[list[tuple[str, str]]], list[float] | None] | None = None) -> tuple[list[Row], list[Row]]:
    """(source_links rows, shared_sentences rows) for every pair that is linked or shares a sentence
    (`pairs`: sentence_pairs(sources), when it was worked out already; `similar(keys)`:
    similarities(sources, keys) when it was worked out already, else None)."""
    pairs = sentence_pairs(sources) if pairs is None else pairs
    reasons = declared_reasons(sources)
    keys = link_keys(pairs, reasons)
    similarity = (similar(keys) if similar is not None else None) or similarities(sources, keys)
    link_rows: list[Row] = []
    sentence_rows: list[Row] = []
    for (a, b), contained in zip(keys, similarity):
        shared = pairs.get((a, b), [])
        why = reasons.get((a, b))
        detected = len(shared) >= MIN_SHARED
        basis = "declared+detected" if why and detected else "declared" if why else "detected" if detected else None
        evidence = []
        if why:
            evidence.append(f"declared: {why}")
        if shared:
            evidence.append(f"{len(shared)} shared sentence{'s' if len(shared) != 1 else ''} (content-word overlap"
                            f" >= {SHARED_SENTENCE:.2f}; {MIN_SHARED} or more link two sources)")
        link_rows.append({"source_a": a, "source_b": b, "shared_sentences": len(shared), "similarity": contained,
                          "basis": basis, "evidence": "; ".join(evidence)})
        sentence_rows += [{"sentence_a": sa, "sentence_b": sb, "source_a": a, "source_b": b, "similarity": score}
                          for score, sa, sb in shared]
    return link_rows, sentence_rows


def link_keys(pairs: SentencePairs, reasons: Mapping[tuple[str, str], str]) -> list[tuple[str, str]]:
    """The pairs of sources given a row of source_links: those sharing sentences (`pairs`) or declared
    dependent (`reasons`: declared_reasons), in order."""
    return sorted(set(pairs) | set(reasons))


# The sources crediting one wire are linked two by two (within the window): with at least this many, and at
# least an eighth of their pairs linked, their pairs' shared 4-word sequences are counted all at once (a table
# of every pair of them), up to MAX_WIRE_COUNTED sources.
MIN_WIRE_COUNTED = 50
MAX_WIRE_COUNTED = 5000


def similarities(sources: Mapping[str, Source], keys: list[tuple[str, str]]) -> list[float]:
    """round(containment(shingles(a), shingles(b)), 3) for every (a, b) of `keys`, in order.

    Sources crediting the same wire are all linked, two by two (1,500 of them: over a million pairs):
    the shared sequences of every pair of them are counted at once, from the sources that hold each
    sequence (numpy), instead of intersecting two sets per pair; other pairs one by one."""
    wires: defaultdict[str, list[str]] = defaultdict(list)
    for s in sorted({s for key in keys for s in key}):
        if wire := sources[s].based_on:
            wires[wire.casefold()].append(s)
    pairs_of: defaultdict[str, int] = defaultdict(int)  # how many of the keys are two sources of one wire
    for a, b in keys:
        if (wa := sources[a].based_on) and (wb := sources[b].based_on) and wa.casefold() == wb.casefold():
            pairs_of[wa.casefold()] += 1
    tables: dict[str, tuple[int, np.ndarray, np.ndarray]] = {}  # source -> (its place, its wire's table, sizes)
    for wire, members in wires.items():
        n = len(members)
        if MIN_WIRE_COUNTED <= n <= MAX_WIRE_COUNTED and pairs_of[wire] * 8 >= n * (n - 1) // 2:
            shared, sizes = _shared_sequences(sources, members)
            tables.update((s, (i, shared, sizes)) for i, s in enumerate(members))
    out: list[float | None] = []
    rest: list[tuple[str, str]] = []
    for a, b in keys:
        ta, tb = tables.get(a), tables.get(b)
        if ta is not None and tb is not None and ta[1] is tb[1]:
            i, shared, sizes = ta
            j = tb[0]
            smaller = int(min(sizes[i], sizes[j]))
            out.append(round(int(shared[i * len(sizes) + j]) / smaller, 3) if smaller else 0.0)
        else:
            out.append(None)
            rest.append((a, b))
    alone = iter(_similarities_one_by_one(sources, rest))
    return [next(alone) if value is None else value for value in out]


def _shared_sequences(sources: Mapping[str, Source], members: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(shared, sizes): shared[i * n + j] the 4-word sequences members i and j (i < j) share, sizes[i] how
    many member i has."""
    # numpy and setjoin (0.07 s to import) only where sources are compared: a patch of one file never is
    import numpy as np

    from timeline.core import setjoin  # (likewise)

    n = len(members)
    ids: dict[tuple[str, ...], int] = {}
    held: list[np.ndarray] = []
    sizes = np.zeros(n, dtype=np.int64)
    for i, s in enumerate(members):
        found = shingles(sources[s])
        sizes[i] = len(found)
        held.append(np.fromiter((ids.setdefault(t, len(ids)) for t in found), dtype=np.int64, count=len(found)))
    del ids
    sequence = np.concatenate(held)
    holder = np.repeat(np.arange(n, dtype=np.int64), sizes)
    del held
    order = np.argsort(sequence, kind="stable")  # the holders of one sequence together, in order
    sequence, holder = sequence[order], holder[order]
    del order
    ends = np.searchsorted(sequence, sequence, side="right")  # each holder's partners: the later ones
    shared = np.zeros(n * n, dtype=np.int64)
    for left, right in setjoin.ranges(np.arange(1, len(sequence) + 1), ends):
        shared += np.bincount(holder[left] * n + holder[right], minlength=n * n)
    return shared, sizes


def _similarities_one_by_one(sources: Mapping[str, Source], keys: list[tuple[str, str]]) -> list[float]:
    cache: dict[str, set[tuple[str, ...]]] = {}
    last_use: dict[str, int] = {}  # a source's shingles are dropped after the last pair that needs them (memory)
    for n, key in enumerate(keys):
        last_use[key[0]] = last_use[key[1]] = n
    out = []
    for n, (a, b) in enumerate(keys):
        for s in (a, b):
            if s not in cache:
                cache[s] = shingles(sources[s])
        out.append(round(containment(cache[a], cache[b]), 3))
        for s in (a, b):
            if last_use[s] == n:
                cache.pop(s, None)
    return out


def origins(sources: Mapping[str, Source], link_rows: list[Row]) -> dict[str, str]:
    """{source id: origin name}: connected components over linked pairs.

    An origin is named for the wire service its members credit, else for its earliest-published member."""
    parent = {s: s for s in sources}

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for row in link_rows:
        if row["basis"]:
            union(row["source_a"], row["source_b"])
    first_of_wire: dict[str, str] = {}  # sources crediting one wire are one origin, however far apart
    for s in sorted(sources):
        if wire := sources[s].based_on:
            union(first_of_wire.setdefault(wire.casefold(), s), s)
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for s in sorted(sources):
        groups[find(s)].append(s)
    out: dict[str, str] = {}
    for members in groups.values():
        wires = sorted({wire for m in members if (wire := sources[m].based_on) and wire not in sources})
        if wires:
            name = " + ".join(wires)
        else:
            name = min(members, key=lambda m: (sources[m].published or "9999", m))
        for m in members:
            out[m] = name
    return out


def rows(inputs: Inputs) -> dict[str, list[Row]]:
    """The rows of source_links, shared_sentences and source_origins."""
    pending = getattr(inputs, "sentence_pairs", None)  # worked out in a worker while the facts were read
    link_rows, sentence_rows = links(inputs.sources, pending.result() if pending is not None else None,
                                     getattr(inputs, "similarities", None))  # (likewise, by a helper)
    named = origins(inputs.sources, link_rows)
    origin_rows = [{"source_id": s, "origin": named[s]} for s in sorted(named)]
    return {"source_links": link_rows, "shared_sentences": sentence_rows, "source_origins": with_members(origin_rows)}


def with_members(origin_rows: list[Row]) -> list[Row]:
    """`origin_rows` (source_origins rows, by source id) each given its origin's members and their number,
    in place. The members are one string for each origin, shared by its rows: in the wire shape of
    scripts/gen_corpus.py one origin has 3,202 members, and a string for each row held 82 MB."""
    members: defaultdict[str, list[str]] = defaultdict(list)
    for row in origin_rows:
        members[row["origin"]].append(row["source_id"])
    joined = {origin: (", ".join(sorted(ids)), len(ids)) for origin, ids in members.items()}
    for row in origin_rows:
        row["members"], row["n_members"] = joined[row["origin"]]
    return origin_rows


def without_members(tables: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """rows(inputs) as the build cache keeps them (in place): source_origins without the members and their
    number, which with_members gives back (the cache's copy of the wire shape's was 82 MB of JSON)."""
    for row in tables["source_origins"]:
        del row["members"], row["n_members"]
    return tables


def from_cache(tables: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """The rows `without_members` kept, as rows(inputs) gives them (in place)."""
    with_members(tables["source_origins"])
    return tables
