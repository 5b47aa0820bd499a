"""The content words of a sentence, as corroboration compares them (timeline.across.corroboration).

Quotations are removed (two independent outlets quoting the same speaker share those words
honestly); what is left is lowercased and reduced to content words (without the stopwords of the
article's language), cut to their first five letters so that "armory" and "armory's" match. An article's words depend on its text alone: they are worked
out with its sentences (timeline.inputs.articles), in worker processes, and kept by the build cache.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from timeline.records import Span, base_language
from timeline.text import spanish_mentions

MIN_CONTENT_WORDS = 4  # a sentence with fewer content words than this is not compared
STOPWORDS = frozenset("""a an the of to in on at and or for with by from as is are was were be been being has
have had do does did that this these those it its their his her hers she he they them who whom which
what when where while not no nor but if into than then also any some all s so such there here our we
you your i me my us would could should can will may might about after before over under up out
""".split())
_QUOTED = re.compile(r"[\u201c\"\u00ab][^\u201c\u201d\"\u00ab\u00bb]*[\u201d\"\u00bb]")
_APOSTROPHE = re.compile(r"[\u2018\u2019'`]")
_PUNCTUATION = re.compile(r"[^\w\s]")


def narration(text: str) -> str:
    """The sentence without its quotations, lowercased, apostrophes dropped, punctuation as spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _QUOTED.sub(" ", text).lower()
    return " ".join(_PUNCTUATION.sub(" ", _APOSTROPHE.sub("", text)).split())


def stopwords(language: str = "en") -> frozenset[str]:
    """The words too common to compare in a language: English's, or Spanish's (timeline.text.spanish_mentions)."""
    return spanish_mentions.STOPWORDS if base_language(language) == "es" else STOPWORDS


def content_words(text: str, language: str = "en") -> frozenset[str]:
    # Interned: the same few thousand prefixes recur in every article (less memory at scale).
    stop = stopwords(language)
    return frozenset(sys.intern(w[:5]) for w in narration(text).split() if w not in stop)


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def sentence_words(text: str, spans: Iterable[Span], language: str = "en") -> str:
    """The content words of an article's sentences worth comparing, packed in one string (`unpacked`
    reads it): it depends on the article alone, timeline.articles works it out (in worker processes),
    the cache keeps it, and one string goes from process to process in a fraction of the time that
    four hundred thousand lists of words take at 10,000 articles."""
    out = []
    for n, (_, start, end) in enumerate(spans, start=1):
        words = content_words(text[start:end], language)
        if len(words) >= MIN_CONTENT_WORDS:
            out.append(f"{n} {' '.join(sorted(words))}")
    return "\n".join(out)


def unpacked(words: str | None) -> list[tuple[int, tuple[str, ...]]]:
    """[(sentence number, sorted content words as a tuple)] of what sentence_words packed (interned: the
    same few thousand prefixes recur in every article)."""
    out = []
    for line in words.split("\n") if words else ():
        n, _, rest = line.partition(" ")
        out.append((int(n), tuple(map(sys.intern, rest.split(" ")))))
    return out


def sentence_count(words: str | None) -> int:
    """How many sentences sentence_words packed."""
    return words.count("\n") + 1 if words else 0
