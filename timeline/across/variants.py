"""Quote variants: the same statement quoted with different words by different outlets.

For statements and claims, every citation is paired with the citations of other sources of the same
fact, or of another fact of the same topic, in the same language (a Spanish article's words are never
lined up with an English article's). Where a citation holds quotation marks, only the quoted
words are compared (the narration around them is the outlet's own). Two citations quote the same
words when the shorter one lines up with part of the longer one (rapidfuzz partial ratio of at
least SAME_WORDS); within that stretch the words that differ are marked: [-theirs-]{+ours+}.
"""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Container, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from timeline.across.conflicts import pairs_involving
from timeline.records import DEFAULT_LANGUAGE, Row, Source, base_language

if TYPE_CHECKING:
    from timeline.inputs.story import Inputs

# "one of the tools in our toolbox" against "... one of the tools in our toolkit that ..." scores 90;
# an attribution such as "Lee posted Wednesday on X" against the post itself stays below 60.
SAME_WORDS = 80
_QUOTED = re.compile(r"[\u201c\"]([^\u201c\u201d\"]+)[\u201d\"]")
_APOSTROPHES = re.compile(r"[\u2018\u2019'`]")
_PUNCTUATION = re.compile(r"[^\w\s]")
Prepared = tuple[tuple[str, ...], str]  # a wording's spoken words, and those words joined by spaces (_prepare)


def spoken_words(quote: str) -> str:
    """The words a citation attributes: the text inside its quotation marks, else all of it."""
    inside = [m.group(1) for m in _QUOTED.finditer(quote) if len(m.group(1).split()) >= 3]
    return " ".join(inside) if inside else quote


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    return _PUNCTUATION.sub(" ", text).split()


def compare(a: str, b: str) -> tuple[float, str]:
    """(similarity, differences) of two wordings; differences is '' when the words agree."""
    return _compare(_prepare(a), _prepare(b))


@functools.lru_cache(maxsize=16384)  # pairs() meets each citation once per other citation of its group
def _prepare(quote: str) -> Prepared:
    """What comparing needs of one wording: its spoken words, and those words joined by spaces."""
    found = tuple(words(spoken_words(quote)))
    return found, " ".join(found)


def _compare(a: Prepared, b: Prepared, cutoff: float = 0) -> tuple[float, str]:
    """compare() of two _prepare()d wordings; a score below `cutoff` may be given as 0 (rapidfuzz then
    skips the alignments that cannot reach it)."""
    (wa, ta), (wb, tb) = a, b
    if not wa or not wb:
        return 0.0, ""
    score = fuzz.partial_ratio(ta, tb, score_cutoff=cutoff)
    if score < SAME_WORDS:
        return round(score, 1), ""
    matcher = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    blocks = [blk for blk in matcher.get_matching_blocks() if blk.size]
    if not blocks:
        return round(score, 1), ""
    # Compare only the stretch the two have in common (one outlet may quote more of the sentence).
    a0, b0 = blocks[0].a, blocks[0].b
    a1, b1 = blocks[-1].a + blocks[-1].size, blocks[-1].b + blocks[-1].size
    # Words just outside the common stretch that both sides have (toolkit / toolbox) belong to it.
    before, after = min(a0, b0), min(len(wa) - a1, len(wb) - b1)
    a0, b0, a1, b1 = a0 - before, b0 - before, a1 + after, b1 + after
    inner = difflib.SequenceMatcher(a=wa[a0:a1], b=wb[b0:b1], autojunk=False)
    marks: list[str] = []
    for op, i1, i2, j1, j2 in inner.get_opcodes():
        if op == "equal":
            continue
        left, right = " ".join(wa[a0 + i1:a0 + i2]), " ".join(wb[b0 + j1:b0 + j2])
        marks.append((f"[-{left}-]" if left else "") + (f"{{+{right}+}}" if right else ""))
    return round(score, 1), " ".join(marks)


def pairs(facts: Iterable[Mapping[str, Any]], involving: Container[str] | None = None,
          languages: Mapping[str, str] | None = None) -> list[Row]:
    """[row]: each aligned pair of citations (different sources) of a statement or its topic.

    With `involving` (a set of fact ids), only the pairs with at least one of those facts. `languages`
    ({source id: language}, DEFAULT_LANGUAGE for a source it does not name): two citations are compared only
    when their sources are in one language (a quote and its translation in another article are not a variant
    of each other's words)."""
    # each source's language subtag, worked out once (not twice for each of the pairs: 0.3 s at 100,000 facts)
    language = {sid: base_language(tag) for sid, tag in languages.items()} if languages is not None else {}
    default = base_language(None) if languages is not None else DEFAULT_LANGUAGE

    groups: dict[str, list[Mapping[str, Any]]] = {}
    for f in sorted(facts, key=lambda f: f["id"]):
        if f["kind"] in ("statement", "claim"):
            groups.setdefault(f["topic"] or f"fact:{f['id']}", []).append(f)
    out: list[Row] = []
    ratio = fuzz.partial_ratio
    for group in groups.values():
        # (fact, position, citation, source id, language, prepared): what each pair compares, made once
        cites = [(f, i, c, c["source_id"], language.get(c["source_id"], default), _prepare(c["quote"]))
                 for f in group for i, c in enumerate(f["citations"], start=1)]
        for (fa, ia, ca, a, la, pa), (fb, ib, cb, b, lb, pb) in pairs_involving(cites, involving,
                                                                              lambda cite: cite[0]["id"]):
            # most pairs stop at rapidfuzz's score, asked here directly (169,000 pairs in the wire shape at
            # 100,000 facts, 31 alike); the rest are scored by _compare, whose score is rounded to a tenth
            # (79.96 counts as 80): none it keeps is left out here
            if a == b or la != lb or ratio(pa[1], pb[1], score_cutoff=SAME_WORDS - 1) < SAME_WORDS - 0.1:
                continue
            score, differences = _compare(pa, pb, SAME_WORDS - 1)
            if score < SAME_WORDS:
                continue
            out.append({"fact_a": fa["id"], "position_a": ia, "source_a": ca["source_id"],
                        "words_a": spoken_words(ca["quote"]), "fact_b": fb["id"], "position_b": ib,
                        "source_b": cb["source_id"], "words_b": spoken_words(cb["quote"]),
                        "similarity": score, "differences": differences or None})
    return out


def rows(inputs: Inputs) -> dict[str, list[Row]]:
    return {"quote_alignments": pairs(inputs.facts, languages=languages_of(inputs.sources))}


def languages_of(sources: Mapping[str, Source]) -> dict[str, str]:
    """{source id: its language}, as pairs() takes them."""
    return {sid: source.language for sid, source in sources.items()}
