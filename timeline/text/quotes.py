"""Find a quoted passage in an article, tolerating only typographic differences.

Curly and straight quotes and apostrophes, the dash family, non-breaking and repeated spaces, an
ellipsis written as one character or three dots, and composed or decomposed accents all match each
other. Nothing else does: case, words and punctuation must be the article's own, and a quote starts
and ends on whole words ("legally" is not in "illegally"). Occurrences are counted with the same
folding, so a quote typed with straight quotes is ambiguous when the article also has it in curly ones.
The match is always reported as offsets into the article's text, so the stored quote is the source's
own words.
"""
from __future__ import annotations

import array
import bisect
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from timeline.errors import QuoteProblem
from timeline.text.sentences import LINE_BREAK, line_of

MIN_WORDS = 3

_CLASSES = [
    "'\u2018\u2019\u201a\u201b\u2032\u02bc",
    '"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb',
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212",
]
_ELLIPSIS = "(?:\u2026|\\.\\.\\.)"
_DASH = "(?:--|-)"  # in the folded text (below): any dash, or two hyphens typed for one
# Quotes are looked for in the article folded so that every character of a class is that class's
# first one and every space (tabs, line ends, no-break, thin, zero-width, ideographic...) is " ": the
# folding keeps every offset, and a quote's pattern is then plain text (quick to compile and run).
_SPACE_CHARS = [chr(c) for c in range(0x3001) if chr(c).isspace()] + ["\u200b"]
_MATCH_FOLD = str.maketrans({c: chars[0] for chars in _CLASSES for c in chars} | {c: " " for c in _SPACE_CHARS})
_CLASS_OF = {c: chars[0] for chars in _CLASSES for c in chars}
# Length-preserving folding used to show the nearest passage when a quote is not found.
_FOLD = str.maketrans({c: chars[0] for chars in _CLASSES for c in chars} | {"\u00a0": " ", "\u2026": "."})
_WORD = re.compile(r"\w+", re.UNICODE)
# A quote that begins (ends) with a letter or digit may not have one just before (after) it; a
# combining accent after the last letter is part of that letter.
_NO_WORD_BEFORE = r"(?<!\w)"
_NO_WORD_AFTER = r"(?![\w\u0300-\u036f])"


@dataclass(frozen=True)
class Match:
    start: int
    end: int


def pattern(quote: str, whole_words: bool = True, flags: int = 0) -> re.Pattern[str]:
    """A regular expression matching `quote` and its typographic variants in folded(text) (with
    `whole_words`, only where it does not start or end inside a word)."""
    return _compiled(quote, whole_words, flags)


@functools.lru_cache(maxsize=4096)
def _compiled(quote: str, whole_words: bool, flags: int) -> re.Pattern[str]:
    quote = unicodedata.normalize("NFC", quote.strip())
    parts = []
    i = 0
    while i < len(quote):
        c = quote[i]
        if quote.startswith("...", i) or c == "\u2026":
            parts.append(_ELLIPSIS)
            i += 3 if c == "." else 1
            continue
        if quote.startswith("--", i):  # a typed em dash
            parts.append(_DASH)
            i += 2
            continue
        if c.isspace() or c == "\u200b":
            while i < len(quote) and (quote[i].isspace() or quote[i] == "\u200b"):
                i += 1
            parts.append(" +")
            continue
        if c in _CLASS_OF:
            parts.append(_DASH if _CLASS_OF[c] == "-" else re.escape(_CLASS_OF[c]))
        else:
            decomposed = unicodedata.normalize("NFD", c)
            if decomposed != c:
                parts.append("(?:" + re.escape(c) + "|" + re.escape(decomposed) + ")")
            else:
                parts.append(re.escape(c))
        i += 1
    if whole_words and quote:
        if _WORD.match(quote[0]):
            parts.insert(0, _NO_WORD_BEFORE)
        if _WORD.match(quote[-1]):
            parts.append(_NO_WORD_AFTER)
    return re.compile("".join(parts), flags)


# Each article is folded once per check, however many quotes it holds and in whatever order the facts
# cite the archive: a bounded cache thrashed at 10,000 articles (every quote folded its article again,
# 25 s of a 100,000-fact build). The caches hold what a check reads, and forget() empties them after.
@functools.lru_cache(maxsize=None)
def folded(text: str) -> str:
    """`text` with every quote, dash and space character folded to one of its class (same length):
    text.translate(_MATCH_FOLD), done by finding the few characters that change (str.translate looks
    up every character: nine times slower on news copy, 1.7 s of a 100,000-fact build)."""
    return _fold(text)


def _fold(text: str) -> str:
    return _FOLDED_CHARS.sub(_fold_one, text)


_FOLDS = {chr(c): to for c, to in _MATCH_FOLD.items() if chr(c) != to}
_FOLDED_CHARS = re.compile("[" + "".join(map(re.escape, sorted(_FOLDS))) + "]")


def _fold_one(m: re.Match[str], get: Callable[[str], str] = _FOLDS.__getitem__) -> str:
    return get(m.group())


_SPACE_RUN = re.compile(r"\s+")
_WORD_BEFORE = re.compile(r"\w")
_WORD_AFTER = re.compile(r"[\w\u0300-\u036f]")


@functools.lru_cache(maxsize=None)
def _collapsed(text: str) -> tuple[str, array.array[int], array.array[int], bool]:
    """(folded(text) with each run of spaces made one, the positions of those runs there, the characters
    removed up to and including each, whether the folded text has no two hyphens in a row)."""
    art = folded(text)
    positions, removed_by, removed = array.array("q"), array.array("q"), 0  # 8 bytes a number, not 36
    kept, copied = [], 0  # the pieces of `art` kept, and how far it is copied
    # str.find, not a pattern: a search for " {2,}" stops at every space (six times slower on news copy)
    start = art.find("  ")
    while start != -1:
        end = start + 2
        while end < len(art) and art[end] == " ":
            end += 1
        kept.append(art[copied:start + 1])
        positions.append(start - removed)
        removed += end - start - 1
        removed_by.append(removed)
        copied = end
        start = art.find("  ", end)
    kept.append(art[copied:])
    return "".join(kept), positions, removed_by, "--" not in art


def forget() -> None:
    """Drop the folded articles the caches hold (the end of a check: the texts need not outlive it)."""
    folded.cache_clear()
    _collapsed.cache_clear()


def _literal(text: str, quote: str) -> list[tuple[int, int]] | None:
    """What pattern(quote).finditer(folded(text)) finds, found with str.find when the quote is plain
    ASCII text (no dash the article may write as '--', no ellipsis), else None: a pattern per quote
    takes ~0.4 ms to compile, which was most of a build at 20,000 facts."""
    q = quote.strip()
    if not (q.isascii() and q.isprintable() and "  " not in q):  # else nothing to fold: its only space is " "
        q = _SPACE_RUN.sub(" ", _fold(q))
    if not q or not q.isascii() or ".." in q or "--" in q or q[0] == " " or q[-1] == " ":
        return None
    art, positions, removed_by, single_hyphens = _collapsed(text)
    if "-" in q and not single_hyphens:
        return None
    original = folded(text)

    def back(c):  # an offset in the collapsed text -> the same place in the article
        k = bisect.bisect_left(positions, c)
        return c + (removed_by[k - 1] if k else 0)

    check_before, check_after = bool(_WORD.match(q[0])), bool(_WORD.match(q[-1]))
    found, i = [], art.find(q)
    while i != -1:
        start, end = back(i), back(i + len(q))
        if (check_before and start > 0 and _WORD_BEFORE.match(original, start - 1)) or \
                (check_after and end < len(original) and _WORD_AFTER.match(original, end)):
            i = art.find(q, i + 1)  # inside a longer word: look on from the next character, as a pattern does
            continue
        found.append((start, end))
        i = art.find(q, i + len(q))
    return found


def occurrences(text: str, quote: str, flags: int = 0) -> list[tuple[int, int]]:
    """(start, end) of every place `quote` (or a typographic variant) occurs in `text` as whole words."""
    found = None if flags else _literal(text, quote)
    if found is None:
        found = [(m.start(), m.end()) for m in pattern(quote, flags=flags).finditer(folded(text))]
    if not found and not flags:  # characters Unicode normalisation changes (U+2126 OHM SIGN): as written
        quote = quote.strip()
        bounded = re.compile((_NO_WORD_BEFORE if _WORD.match(quote[:1]) else "") + re.escape(quote)
                             + (_NO_WORD_AFTER if _WORD.match(quote[-1:]) else ""))
        found = [(m.start(), m.end()) for m in bounded.finditer(text)] if quote else []
    return found


def find(text: str, quote: str, occurrence: int | None = None) -> Match:
    """Offsets of `quote` in `text`; raises QuoteProblem with a message for a person."""
    if len(_WORD.findall(quote)) < MIN_WORDS:
        raise QuoteProblem("quote-too-short",
                           f"quote {quoted(quote)} is too short to show where the fact comes from:"
                           f" quote at least {MIN_WORDS} words of the sentence")
    matches = occurrences(text, quote)
    if not matches:
        inside = pattern(quote, whole_words=False).search(folded(text))
        if inside:
            raise QuoteProblem("quote-not-found",
                               f"quote {quoted(quote)} is in the source only as part of longer words; a quote"
                               f" starts and ends on whole words: quote them, e.g. the nearest text there:"
                               f" {quoted(_widened(text, *inside.span()))}")
        if "..." in quote or "\u2026" in quote:
            raise QuoteProblem("quote-elided",
                               f"quote {quoted(quote)} is not in the source as written: it looks elided with an"
                               " ellipsis; cite each part as its own quote instead")
        raise QuoteProblem("quote-not-found",
                           f"quote {quoted(quote)} is not in the source; nearest text there: {quoted(nearest(text, quote))}")
    if occurrence is not None:
        if occurrence > len(matches):
            raise QuoteProblem("bad-occurrence",
                               f"occurrence: {occurrence} asked for, but the quote occurs {len(matches)}"
                               f" time{'s' if len(matches) != 1 else ''} in the source")
        start, end = matches[occurrence - 1]
    elif len(matches) > 1:
        raise QuoteProblem("quote-ambiguous",
                           f"quote {quoted(quote)} occurs {len(matches)} times in the source (lines "
                           + ", ".join(str(line_of(text, m[0])) for m in matches)
                           + "): quote more words, or add occurrence: N")
    else:
        start, end = matches[0]
    if LINE_BREAK.search(text, start, end):
        raise QuoteProblem("quote-spans-paragraphs",
                           f"quote {quoted(quote)} runs across a paragraph break: cite each paragraph's words"
                           " as its own quote")
    return Match(start, end)


def nearest(text: str, quote: str) -> str:
    """The passage of `text` most like `quote`, widened to whole words."""
    folded_text = text.translate(_FOLD)
    folded_quote = " ".join(quote.translate(_FOLD).split())
    hit = fuzz.partial_ratio_alignment(folded_quote, folded_text)
    if hit is None or hit.score == 0:
        return text[: len(quote)]
    return _widened(text, hit.dest_start, hit.dest_end)


def _widened(text: str, start: int, end: int) -> str:
    """text[start:end] widened to whole words."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end].strip()


def quoted(quote: str, limit: int = 120) -> str:
    quote = " ".join(quote.split())
    return "'" + (quote if len(quote) <= limit else quote[: limit - 1] + "\u2026") + "'"
