"""Across sources: wire copy, origins, conflicts, quote variants, coverage (real articles and small trees)."""
import datetime
import sqlite3
import subprocess
import sys

from collections import defaultdict, deque

import pytest
from conftest import ARTICLE, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.across import conflicts, corroboration, variants
from timeline.records import Source


def query(db, sql, *params):
    return sqlite3.connect(db).execute(sql, params).fetchall()


def test_wire_copy_pairs_in_the_real_articles(real_db):
    # moneycontrol and newsweek both credit AP; unknown-outlet credits nothing but rewrites the same copy.
    assert query(real_db, "select source_a, source_b, shared_sentences, basis from source_links"
                          " where basis is not null order by 1, 2") == [
        ("moneycontrol", "newsweek", 4, "declared+detected"),
        ("moneycontrol", "unknown-outlet", 4, "detected"),
    ]
    assert query(real_db, "select source_id, origin from source_origins order by 1") == [
        ("bbc", "bbc"), ("moneycontrol", "AP"), ("newsweek", "AP"), ("unknown-outlet", "AP"), ("wapo", "wapo")]


def test_the_threshold_separates_rewrites_from_independent_reporting():
    from timeline.inputs import sources

    loaded, _ = sources.load_sources(str(ROOT / "sources"))
    best = {pair: found[0][0] for pair, found in corroboration.sentence_pairs(loaded, threshold=0.0001).items()}
    independent = [s for (a, b), s in best.items() if {a, b} & {"bbc", "wapo"}]
    assert max(independent) < corroboration.SHARED_SENTENCE  # 0.32 measured
    assert best[("moneycontrol", "unknown-outlet")] >= corroboration.SHARED_SENTENCE


def test_measure_script_prints_every_pair():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "measure_copying.py"), str(ROOT / "sources")],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert len(out.splitlines()) == 1 + 10  # 5 sources: 10 pairs
    assert "moneycontrol unknown-outlet   best overlaps 0.58" in out


@pytest.mark.parametrize("fact, n_sources, n_origins", [
    ("noem-toolkit", 4, 3),                 # moneycontrol + unknown-outlet are one origin (AP), plus wapo and bbc
    ("noem-do-not-come-illegally", 3, 1),   # three outlets, all the same AP copy
    ("venezuelans-sent-to-cecot-238", 2, 2),  # BBC and The Washington Post, independent
])
def test_n_origins(real_db, fact, n_sources, n_origins):
    assert query(real_db, "select n_sources, n_origins from fact_corroboration where fact_id = ?", fact) == [
        (n_sources, n_origins)]


def test_single_origin_facts_include_facts_reported_only_by_wire_copies(real_db):
    ids = {r[0] for r in query(real_db, "select fact_id from single_origin_facts")}
    assert "noem-do-not-come-illegally" in ids
    assert "noem-toolkit" not in ids


@pytest.mark.parametrize("topic, field, values, stands", [
    # "about a dozen" lined up vs "dozens" (at least 24): resolved in facts/resolutions.yaml, and still listed
    ("salvadoran-inmates-shown-to-noem", "value", ("about 12 inmates", "at least 24 inmates"),
     "salvadoran-inmates-lined-up-dozen"),
    # "approximately 30" and "30" agree: "about" allows the number itself
    ("deportees-with-lawyers", "value", (), None),
    # WaPo's "last month" (February) vs the BBC's "In January": left open on purpose
    ("tren-de-aragua-terrorist-designation", "date", ("February 2025", "January 2025"), None),
    # Newsweek's update stamp vs the day every article reports
    ("noem-cecot-visit-date", "date", ("25 March 2025", "26 March 2025"), "noem-visits-cecot"),
])
def test_real_conflicts(real_db, topic, field, values, stands):
    rows = query(real_db, "select value, resolved, stands from conflicts where topic = ? and field = ?", topic, field)
    assert sorted({value for value, _, _ in rows}) == sorted(values)
    assert {(resolved, stood) for _, resolved, stood in rows} == ({(int(stands is not None), stands)} if values else set())


def test_newsweek_stamp_contradicts_what_it_reports(real_db):
    rows = query(real_db, "select source_id, kind, implied_start from date_conflicts where fact_id = 'noem-x-post-leave-now'")
    # "Update: 3/25/25": against that stamp, the post's "Wednesday" would be 19 March, not 26 March.
    assert rows == [("newsweek", "stamp", "2025-03-19")]


def test_quote_variants_of_the_toolkit_remark(real_db):
    rows = query(real_db, "select source_a, source_b, differences from quote_variants where fact_a = 'noem-toolkit'"
                          " order by 1, 2")
    assert ("moneycontrol", "wapo", "[-toolkit-]{+tool kit+}") in rows
    assert ("unknown-outlet", "wapo", "[-toolkit-]{+tool kit+}") in rows


@pytest.mark.parametrize("a, b, differences", [
    ("one of the tools in our toolkit that we will use", 'described the prison as "one of the tools in our toolbox"',
     "[-toolkit-]{+toolbox+}"),
    ("If you come to our country illegally, this is one", "if you come to our country illegally, this is one", ""),
    ("Noem posted Wednesday on X, formerly Twitter", "I toured the CECOT, El Salvador's prison", ""),
])
def test_compare_wordings(a, b, differences):
    assert variants.compare(a, b)[1] == differences


VOCABULARY = ["one", "of", "the", "tools", "in", "our", "toolkit", "toolbox", "we", "will", "use", "if", "you",
              "come", "to", "country", "illegally", "this", "is", "\u201cone", "tools\u201d", "don\u2019t", "Don't"]


@settings(max_examples=1500)
@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=14).map(" ".join),
       st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=14).map(" ".join))
def test_the_quick_rejection_of_pairs_keeps_every_pair_compare_keeps(a, b):
    """pairs() compares prepared words with a score cutoff: it must keep exactly what compare() keeps."""
    score, differences = variants.compare(a, b)
    quick = variants._compare(variants._prepare(a), variants._prepare(b), variants.SAME_WORDS - 1)
    if score >= variants.SAME_WORDS:
        assert quick == (score, differences)
    else:
        assert quick[0] < variants.SAME_WORDS


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(["s1", "s2", "s3", "s4"]),
                          st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=14).map(" ".join)),
                min_size=2, max_size=8))
def test_pairs_keeps_exactly_the_pairs_compare_keeps(cites):
    """pairs() rejects most pairs on rapidfuzz's score alone, before _compare: it must keep the rows a
    comparison of every pair of citations from different sources in one language keeps, in its order."""
    import itertools

    languages = {"s1": "en", "s2": "en-GB", "s3": "es", "s4": None}  # s4 names none: English
    facts = [{"id": f"f{n}", "kind": "statement", "topic": "t" if n % 3 else None,
              "citations": [{"source_id": sid, "quote": quote}]} for n, (sid, quote) in enumerate(cites)]
    expected = []
    for group in ([f for f in facts if f["topic"]], *([f] for f in facts if not f["topic"])):
        for fa, fb in itertools.combinations(group, 2):
            a, b = fa["citations"][0], fb["citations"][0]
            if a["source_id"] == b["source_id"] or (a["source_id"] == "s3") != (b["source_id"] == "s3"):
                continue
            score, differences = variants.compare(a["quote"], b["quote"])
            if score >= variants.SAME_WORDS:
                expected.append((fa["id"], fb["id"], score, differences or None))
    got = variants.pairs(facts, languages={k: v for k, v in languages.items() if v})
    assert [(r["fact_a"], r["fact_b"], r["similarity"], r["differences"]) for r in got] == expected


def test_source_coverage(real_db):
    rows = query(real_db, "select source_id, n_sentences, n_cited_sentences, n_facts from source_coverage")
    assert [r[0] for r in rows] == ["bbc", "moneycontrol", "newsweek", "unknown-outlet", "wapo"]
    for _, n_sentences, n_cited, n_facts in rows:
        assert 0 < n_cited <= n_sentences and n_facts > 0


TWO = """\
- id: bridge-cost
  kind: figure
  title: The bridge cost $12 million
  value: 12000000
  unit: USD
  topic: bridge-cost
  sources:
    - source: gazette
      quote: "cost $12 million to build"
- id: bridge-cost-herald
  kind: figure
  title: The bridge cost about 1 million dollars a month
  value: 1000000
  qualifier: approx
  unit: dollars
  per: month
  topic: bridge-cost
  sources:
    - source: herald
      quote: "about 1 million dollars a month"
"""


def test_conflicts_compare_normalised_units_and_keep_resolutions(tree):
    tree.article("herald", "The bridge cost about 1 million dollars a month, the herald says.\n")
    tree.write("facts/facts.yaml", TWO)
    tree.write("facts/resolutions.yaml", "- topic: bridge-cost\n  stands: bridge-cost\n  reason: the council's figure\n")
    tree.build()
    # 1 million USD a month is 12 million USD a year: "about" that agrees with 12 million exactly.
    assert query(tree.db, "select field, value, fact_id, n_values, resolved, stands from conflicts") == []
    # (a figure's value is a number its quote says: the herald's article says 1.5 million now)
    tree.article("herald", "The bridge cost about 1.5 million dollars a month, the herald says.\n")
    tree.write("facts/facts.yaml", TWO.replace("value: 1000000", "value: 1500000")
               .replace("about 1 million dollars a month", "about 1.5 million dollars a month"))
    tree.build()
    # about 18 million a year does not: each figure as written, its qualifier in words
    assert query(tree.db, "select field, value, fact_id, n_values, resolved, stands from conflicts") == [
        ("value", "12,000,000 USD", "bridge-cost", 2, 1, "bridge-cost"),
        ("value", "about 1,500,000 dollars per month", "bridge-cost-herald", 2, 1, "bridge-cost")]


def figure(fact_id, value, qualifier="exact", unit="people", per=None):
    return {"id": fact_id, "kind": "figure", "topic": "t", "value": value, "value_qualifier": qualifier,
            "unit": unit, "value_per": per, "date_start": None, "date_end": None, "date_label": None}


@pytest.mark.parametrize("a, b, disagree", [
    (("more_than", 200), ("exact", 238), False),   # "more than 200" agrees with 238
    (("more_than", 238), ("exact", 238), True),    # ... but not with 238 itself
    (("at_least", 238), ("exact", 238), False),
    (("up_to", 40000), ("exact", 40000), False),   # "up to 40,000" agrees with 40,000 ...
    (("up_to", 40000), ("exact", 12000), False),   # ... and with any smaller number
    (("up_to", 40000), ("exact", 40001), True),
    (("at_most", 10), ("at_least", 10), False),    # both allow 10
    (("less_than", 10), ("at_least", 10), True),
    (("less_than", 10), ("more_than", 9), False),
    (("more_than", 10), ("less_than", 10), True),
    (("approx", 30), ("exact", 30), False),        # "about 30" agrees with 30 ...
    (("approx", 30), ("exact", 32), False),        # ... and with 32 (within 10%)
    (("approx", 30), ("exact", 40), True),         # ... not with 40
    (("approx", 12), ("at_least", 24), True),      # about a dozen vs dozens
    (("approx", 100), ("approx", 115), False),     # 90..110 and 103.5..126.5 meet
    (("exact", 30), ("exact", 30), False),
    (("exact", 30), ("exact", 31), True),
    (("approx", -10), ("exact", -10.5), False),    # negative numbers too
])
def test_qualifiers_are_respected(a, b, disagree):
    """Two figures of one unit disagree only when no number satisfies both, each read with its qualifier;
    the same in either order."""
    for first, second in ((a, b), (b, a)):
        rows = conflicts.disagreements([figure("a", first[1], first[0]), figure("b", second[1], second[0])])
        assert [r["fact_id"] for r in rows] == (["a", "b"] if disagree else [])
        assert all(r["field"] == "value" and r["n_values"] == 2 for r in rows)


def test_only_the_figures_that_cannot_be_true_with_another_are_listed():
    rows = conflicts.disagreements([figure("exact-200", 200), figure("exact-238", 238),
                                    figure("at-least-200", 200, "at_least"), figure("a-rate", 50, "more_than", per="month")])
    # at least 200 agrees with both; 50+ a month is 600+ a year, which agrees with neither
    assert [(r["fact_id"], r["value"]) for r in rows] == [
        ("a-rate", "more than 50 people per month"), ("exact-200", "200 people"), ("exact-238", "238 people")]


def test_disagreements_grow_with_the_facts_not_with_their_pairs(tree):
    """60 figures of one topic, each with its own value: 60 rows (one per fact), not 1,770 (one per pair)."""
    tree.article("gazette", ARTICLE + "".join(f"Guess {n} cost money.\n" for n in range(1, 61)))
    tree.write("facts/facts.yaml", "".join(
        f"- id: guess-{n:02d}\n  kind: figure\n  title: Guess {n}\n  value: {n}\n  unit: USD\n  topic: bridge-cost\n"
        f"  date: 2025-03-{n % 2 + 1:02d}\n  sources:\n    - source: gazette\n      quote: \"Guess {n} cost money\"\n"
        for n in range(1, 61)))
    tree.build()
    assert query(tree.db, "select field, count(*), min(n_values) from fact_disagreements group by field") == [
        ("date", 60, 2), ("value", 60, 60)]
    assert query(tree.db, "select field, value, title, date_label, sources, n_values from conflicts"
                          " where fact_id = 'guess-07'") == [
        ("date", "2 March 2025", "Guess 7", "2 March 2025", "gazette", 2),
        ("value", "7 USD", "Guess 7", "2 March 2025", "gazette", 60)]


@pytest.mark.parametrize("text, code, line", [
    ("- topic: no-such-topic\n  stands: bridge-cost\n  reason: x\n", "unknown-topic", 1),
    ("- topic: bridge-cost\n  stands: no-such-fact\n  reason: x\n", "unknown-fact", 2),
    ("- topic: bridge-cost\n  stands: bridge-cost\n", "missing-key", 1),
    ("- topic: bridge-cost\n  stand: bridge-cost\n  reason: x\n", "unknown-key", 2),
])
def test_resolutions_are_checked(tree, text, code, line):
    tree.write("facts/facts.yaml", TWO.split("- id: bridge-cost-herald")[0])
    tree.write("facts/resolutions.yaml", text)
    assert (f"facts{'/'}resolutions.yaml", line, code) in tree.codes()


def copied_archive(seed=7):
    """Articles of made-up words in which some sentences are copied, whole or edited, between articles
    published 2 days, 20 days, 40 days and a year apart, and from and into undated ones."""
    import datetime
    import random

    from timeline.text import sentences

    rng = random.Random(seed)
    vocabulary = [f"w{n}x" for n in range(400)] + ["said", "council", "report", "officials", "budget"]

    def sentence():
        return " ".join(rng.choices(vocabulary, k=rng.randint(5, 14))).capitalize() + "."

    day = datetime.date(2024, 1, 1)
    offsets = [0, 2, 20, 40, 365, None, 3, None]
    texts = [[sentence() for _ in range(12)] for _ in offsets]
    for a, b in ((0, 1), (0, 2), (0, 3), (0, 4), (5, 6), (1, 7), (2, 6)):  # b takes sentences of a
        for n in rng.sample(range(12), 3):
            words = texts[a][n][:-1].split()
            if rng.random() < 0.5:  # an edit: a word replaced, one dropped
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
                del words[rng.randrange(len(words))]
            texts[b][rng.randrange(12)] = " ".join(words) + "."
    out = {}
    for n, (offset, lines) in enumerate(zip(offsets, texts)):
        text = "\n".join(" ".join(lines[i:i + 3]) for i in range(0, 12, 3)) + "\n"
        sid = f"s{n}"
        out[sid] = Source(id=sid, path="", sha256="", text=text, sentences=sentences.split(text),
                                  published=None if offset is None else str(day + datetime.timedelta(days=offset)),
                                  published_date=None if offset is None else day + datetime.timedelta(days=offset))
    return out


def every_pair(archive, threshold=corroboration.SHARED_SENTENCE, window_days=corroboration.WINDOW_DAYS):
    """sentence_pairs' answer by comparing every sentence with every other (no index)."""
    import itertools

    scored = {}
    sentences = [(sid, s_id, frozenset(words)) for sid in sorted(archive)
                 for s_id, words in corroboration.source_sentences(archive[sid])]
    for (sa, ia, wa), (sb, ib, wb) in itertools.combinations(sentences, 2):
        da, db = archive[sa].published_date, archive[sb].published_date
        if sa == sb or (da and db and abs((da - db).days) > window_days):
            continue
        score = len(wa & wb) / (len(wa) + len(wb) - len(wa & wb))
        if score >= threshold:
            scored.setdefault((sa, sb), {})[(ia, ib)] = score
    out = {}
    for key, pairs in scored.items():
        used_a, used_b, chosen = set(), set(), []
        for (a, b), score in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
            if a not in used_a and b not in used_b:
                used_a.add(a), used_b.add(b)
                chosen.append((round(score, 3), a, b))
        out[key] = chosen
    return out


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_the_index_finds_every_pair_comparing_all_would(seed):
    archive = copied_archive(seed)
    found = corroboration.sentence_pairs(archive)
    assert found == every_pair(archive)
    assert {("s0", "s1"), ("s0", "s2"), ("s5", "s6"), ("s1", "s7")} <= set(found), "copies within the window"
    assert ("s0", "s3") not in found and ("s0", "s4") not in found, "40 days and a year apart: not compared"
    assert corroboration.sentence_pairs(archive, window_days=400) == every_pair(archive, window_days=400)
    assert {("s0", "s3"), ("s0", "s4")} <= set(corroboration.sentence_pairs(archive, window_days=400))


def test_words_worked_out_in_workers_give_the_same_corroboration(monkeypatch):
    from timeline.inputs import articles

    monkeypatch.setattr(articles, "MIN_PARALLEL_CHARS", 0)
    monkeypatch.setattr(articles, "CHUNK_CHARS", 1)
    here = copied_archive()
    inputs = type("Inputs", (), {"sources": here})()
    expected = corroboration.rows(inputs)
    assert expected["shared_sentences"], "the archive has copies"
    there = copied_archive()
    articles.analyse_sources(there, jobs=2, parts=articles.PARTS)
    assert all(s.words is not None for s in there.values())
    inputs.sources = there
    assert corroboration.rows(inputs) == expected


# ---- the exact search against the index it replaced, on archives of several shapes

def reference_pairs(sources, threshold=corroboration.SHARED_SENTENCE, window_days=corroboration.WINDOW_DAYS):
    """sentence_pairs as it was before timeline.core.setjoin (an index of each sentence's rarest words,
    kept verbatim as the reference the exact search must equal)."""
    order = sorted(sources, key=lambda sid: (sources[sid].published_date is not None,
                                             sources[sid].published_date or datetime.date.min, sid))
    # Each sentence's words kept as a tuple (a fifth of a frozenset's memory); made a set when compared.
    items = [(sid, s_id, words) for sid in order for s_id, words in corroboration.source_sentences(sources[sid])]
    day = [sources[sid].published_date for sid, _, _ in items]
    # The same list, for the sentences in `recent` (dated ones, so a date each): a cast once, not a check per use.
    dated_day = day
    frequency = defaultdict(int)
    for _, _, words in items:
        for w in words:
            frequency[w] += 1
    rank = {w: r for r, w in enumerate(sorted(frequency, key=lambda w: (frequency[w], w)))}  # rarest first
    del frequency
    undated = defaultdict(list)  # never expire
    # dated, in date order; older than the window fall off the front
    recent = defaultdict(deque)
    window = datetime.timedelta(days=window_days) if window_days is not None else None
    scored = defaultdict(dict)
    current, first = None, 0  # a source's sentences are consecutive items: those from `first` on are its own
    for i, (sid, s_id, words) in enumerate(items):
        if sid != current:
            current, first = sid, i
        n = len(words)  # distinct words
        published = day[i]
        oldest = published - window if window is not None and published is not None else None
        candidates = set()
        for w in sorted(words, key=rank.__getitem__)[: n - int(threshold * n - 1e-9)]:
            postings = recent[w]
            if oldest is not None:
                while postings and dated_day[postings[0]] < oldest:
                    postings.popleft()
            candidates.update(postings)
            if w in undated:
                candidates.update(undated[w])
            (undated[w] if day[i] is None else postings).append(i)
        if not candidates:
            continue
        as_set = frozenset(words)
        for j in candidates:
            if j >= first:
                continue  # the same source
            other = items[j]
            other_words = other[2]  # distinct words: |a | b| = |a| + |b| - |a & b|
            common = len(as_set.intersection(other_words))
            score = common / (n + len(other_words) - common)
            if score >= threshold:
                key = (other[0], sid) if other[0] < sid else (sid, other[0])
                pair = (other[1], s_id) if other[0] < sid else (s_id, other[1])
                scored[key][pair] = score
    out = {}
    for key, pairs in scored.items():
        used_a = set()
        used_b = set()
        chosen = []
        for (a, b), score in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
            if a not in used_a and b not in used_b:
                used_a.add(a)
                used_b.add(b)
                chosen.append((round(score, 3), a, b))
        out[key] = chosen
    return out



def shaped_archive(shape, seed, articles=40, sentences=20):
    """Compared sources of made-up words: `shape` is "uniform" (every word as likely), "zipf" (a few words
    in most sentences), "breaking" (Zipf, every article within 30 days), "years" (Zipf, over five
    years), "wire" (a third of the articles copy sentences of another, some edited), "undated" (a
    quarter of the articles without a date), "lengths" (sentences of 1 to 60 words)."""
    import datetime
    import itertools
    import random

    from timeline.text.words import sentence_words

    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(300 if shape == "uniform" else 3000)]
    weights = list(itertools.accumulate(1 / (r + 1) for r in range(len(vocabulary))))

    def sentence():
        n = rng.randint(1, 60) if shape == "lengths" else rng.randint(6, 16)
        if shape == "uniform":
            return rng.choices(vocabulary, k=n)
        return rng.choices(vocabulary, cum_weights=weights, k=n)

    texts = [[sentence() for _ in range(sentences)] for _ in range(articles)]
    for b in range(1, articles):  # some articles copy sentences of another: pairs to find in every shape
        if rng.random() < (0.33 if shape == "wire" else 0.15):
            a = rng.randrange(b)
            for n in rng.sample(range(sentences), rng.randint(2, 12)):
                words = list(texts[a][rng.randrange(sentences)])
                for _ in range(rng.randint(0, 3)):  # edits: words replaced
                    words[rng.randrange(len(words))] = rng.choice(vocabulary)
                texts[b][n] = words
    span = {"breaking": 30, "years": 1800}.get(shape, 120)
    start = datetime.date(2020, 1, 1)
    out = {}
    for n, lines in enumerate(texts):
        text = "\n".join(" ".join(words).capitalize() + "." for words in lines) + "\n"
        spans = [(i + 1, text.index(line), text.index(line) + len(line)) for i, line in enumerate(text.splitlines())]
        undated = shape == "undated" and rng.random() < 0.25
        date = None if undated else start + datetime.timedelta(days=rng.randrange(span))
        out[f"s{n:03d}"] = corroboration.Compared(f"s{n:03d}", date, sentence_words(text, spans))
    return out


@pytest.mark.parametrize("shape", ["uniform", "zipf", "breaking", "years", "wire", "undated", "lengths"])
def test_the_exact_search_finds_the_pairs_the_index_found(shape):
    pairs = 0
    for seed, threshold, window in ((1, corroboration.SHARED_SENTENCE, corroboration.WINDOW_DAYS), (2, 0.25, 10),
                                    (3, 0.6, None), (4, 0.05, 31)):
        archive = shaped_archive(shape, seed)
        found = corroboration.sentence_pairs(archive, threshold, window)
        assert found == reference_pairs(archive, threshold, window), (shape, seed, threshold, window)
        pairs += sum(map(len, found.values()))
    assert pairs > 20, "the archives have pairs to find"


@pytest.mark.parametrize("sets, groups, days, window, expected", [
    ([], [], [], 31, []),
    (["a b c d"], [0], [None], 31, []),
    (["a b c d", "a b c d"], [0, 0], [1, 1], 31, []),  # one group: never a pair
    (["a b c d", "e f g h"], [0, 1], [1, 1], 31, []),  # nothing shared
    (["a b c d", "a b c d"], [0, 1], [1, 40], 31, []),  # outside the window
    (["a b c d", "a b c d"], [0, 1], [1, 32], 31, [(0, 1, 4)]),  # 31 days apart: inside
    (["a b c d", "a b c d", "a b c x"], [0, 1, 2], [None, 500, 1], 31, [(0, 1, 4), (0, 2, 3)]),  # undated: with all
    (["a b c d e", "a b c d", "a"], [0, 1, 2], [1, 1, 1], None, [(0, 1, 4)]),
])
def test_the_join_on_its_own(sets, groups, days, window, expected):
    from timeline.core import setjoin

    assert list(setjoin.similar_pairs(sets, groups, days, 0.4, window)) == expected


def test_the_pairs_of_a_wire_are_counted_together_as_one_by_one():
    """Sources crediting one wire are linked two by two; their shared 4-word sequences are counted all at
    once (corroboration.similarities): the same similarity as intersecting each pair's sets."""
    import random

    from timeline.text import sentences

    rng = random.Random(3)
    vocabulary = [f"w{n}" for n in range(40)]
    pool = [" ".join(rng.choices(vocabulary, k=rng.randint(3, 12))).capitalize() + "." for _ in range(30)]
    archive = {}
    for n in range(70):  # each article some sentences of a pool: pairs share none, some or most of them
        text = "\n".join(rng.sample(pool, rng.randint(1, 10)))
        archive[f"s{n:02d}"] = Source(id=f"s{n:02d}", path="", sha256="", text=text, sentences=sentences.split(text),
                                      based_on="AP" if n < 60 else "Reuters" if n < 65 else None)
    keys = sorted(corroboration.declared_pairs(archive) | {("s00", "s69"), ("s61", "s66")})
    assert len(keys) > corroboration.MIN_WIRE_COUNTED * 10
    together = corroboration.similarities(archive, keys)
    assert together == corroboration._similarities_one_by_one(archive, keys)
    assert len(set(together)) > 20, "similarities of every size"


def test_sources_crediting_one_wire_are_linked_within_the_window_and_are_one_origin_whatever_their_dates():
    import datetime

    def source(sid, day, wire):
        date = None if day is None else datetime.date(2024, 1, 1) + datetime.timedelta(days=day)
        return Source(id=sid, path="", sha256="", text="A line.\n", sentences=[(1, 0, 7)], based_on=wire,
                      published=str(date) if date else None, published_date=date)

    archive = {s.id: s for s in (source("a", 0, "AP"), source("b", 20, "ap"), source("c", 400, "AP"),
                                 source("d", None, "AP"), source("e", 3, "Reuters"), source("reuters", 500, None))}
    assert corroboration.declared_reasons(archive) == {
        ("a", "b"): "both credit AP", ("a", "d"): "both credit AP", ("b", "d"): "both credit ap",
        ("c", "d"): "both credit AP", ("e", "reuters"): "e credits reuters"}
    rows, _ = corroboration.links(archive, {})
    assert ("a", "c") not in {(r["source_a"], r["source_b"]) for r in rows}  # 400 days apart: no row
    assert corroboration.origins(archive, rows) == {"a": "AP + ap", "b": "AP + ap", "c": "AP + ap", "d": "AP + ap",
                                                    "e": "Reuters", "reuters": "Reuters"}


@pytest.mark.parametrize("text, found", [
    ("Noem toured the prison.\nUpdate: 3/25/25, 7:50 p.m. ET\nShe spoke on Monday.", datetime.date(2025, 3, 25)),
    ("Noem toured the prison.\nLAST UPDATED: March 24, 2025\nShe spoke.", datetime.date(2025, 3, 24)),
    ("Noem toured the prison.\nposted 2025-03-23 by the desk\nShe spoke.", datetime.date(2025, 3, 23)),
    ("The updated figures were posted on Monday.\nShe spoke.", None),  # the words, not a stamp
    ("Noem toured the prison.\nShe spoke on Monday.", None),
])
def test_an_articles_own_time_stamp_is_found_at_the_start_of_a_sentence(text, found):
    from timeline.inputs import dating
    from timeline.text import sentences

    source = Source("a1", "a1.txt", "0" * 64, text=text, published="2025-03-26",
                    published_date=datetime.date(2025, 3, 26), sentences=sentences.split(text))
    assert (dating.stamp(source) or (None,))[0] == found


def test_a_time_stamp_begins_with_one_of_six_letters_whatever_the_case():
    """dating.stamp tries its pattern only on sentences that begin with one of _STAMP_FIRST's letters (or a
    space): under IGNORECASE, no other character can begin a match."""
    import re

    from timeline.inputs import dating

    words = re.compile(r"(?:Update[d]?|Published|Posted|Last updated)", re.I)
    starts = {chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and
              any(re.match(w[0], chr(c), re.I) for w in ("Update", "Published", "Posted", "Last"))}
    assert starts == set(dating._STAMP_FIRST)
    assert words.match("pUBLISHED") and dating._STAMP.match("  Posted: 2025-03-23")
