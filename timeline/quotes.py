"""Find a quoted passage in an article, tolerating only typographic differences.

Curly and straight quotes and apostrophes, the dash family, non-breaking and repeated spaces, an
ellipsis written as one character or three dots, and composed or decomposed accents all match each
other. Nothing else does: case, words and punctuation must be the article's own. The match is always
reported as offsets into the article's text, so the stored quote is the source's own words.
"""
import re
import unicodedata
from dataclasses import dataclass

MIN_WORDS = 3

_CLASSES = [
    "'\u2018\u2019\u201a\u201b\u2032\u02bc",
    '"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb',
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212",
]
_SPACE = "[\\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+"
_ELLIPSIS = "(?:\u2026|\\.\\.\\.)"
_CLASS_OF = {}
for _chars in _CLASSES:
    for _c in _chars:
        _CLASS_OF[_c] = "[" + re.escape(_chars) + "]"
# Length-preserving folding used to show the nearest passage when a quote is not found.
_FOLD = str.maketrans({c: chars[0] for chars in _CLASSES for c in chars} | {"\u00a0": " ", "\u2026": "."})
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Match:
    start: int
    end: int


class QuoteProblem(Exception):
    """A quote that cannot be placed in its article."""

    def __init__(self, code, message):
        self.code, self.message = code, message
        super().__init__(message)


def pattern(quote):
    """A regular expression matching `quote` and its typographic variants."""
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
            parts.append(_CLASS_OF["-"])
            i += 2
            continue
        if c.isspace():
            while i < len(quote) and quote[i].isspace():
                i += 1
            parts.append(_SPACE)
            continue
        if c in _CLASS_OF:
            parts.append(_CLASS_OF[c])
        else:
            decomposed = unicodedata.normalize("NFD", c)
            if decomposed != c:
                parts.append("(?:" + re.escape(c) + "|" + re.escape(decomposed) + ")")
            else:
                parts.append(re.escape(c))
        i += 1
    return re.compile("".join(parts))


def find(text, quote, occurrence=None):
    """Offsets of `quote` in `text`; raises QuoteProblem with a message for a person."""
    if len(_WORD.findall(quote)) < MIN_WORDS:
        raise QuoteProblem("quote-too-short",
                           f"quote {_show(quote)} is too short to show where the fact comes from:"
                           f" quote at least {MIN_WORDS} words of the sentence")
    matches = _exact(text, quote) or [(m.start(), m.end()) for m in pattern(quote).finditer(text)]
    if not matches:
        if "..." in quote or "\u2026" in quote:
            raise QuoteProblem("quote-elided",
                               f"quote {_show(quote)} is not in the source as written: it looks elided with an"
                               " ellipsis; cite each part as its own quote instead")
        raise QuoteProblem("quote-not-found",
                           f"quote {_show(quote)} is not in the source; nearest text there: {_show(nearest(text, quote))}")
    if occurrence is not None:
        if occurrence > len(matches):
            raise QuoteProblem("bad-occurrence",
                               f"occurrence: {occurrence} asked for, but the quote occurs {len(matches)}"
                               f" time{'s' if len(matches) != 1 else ''} in the source")
        start, end = matches[occurrence - 1]
    elif len(matches) > 1:
        raise QuoteProblem("quote-ambiguous",
                           f"quote {_show(quote)} occurs {len(matches)} times in the source (lines "
                           + ", ".join(str(text.count("\n", 0, m[0]) + 1) for m in matches)
                           + "): quote more words, or add occurrence: N")
    else:
        start, end = matches[0]
    if text.find("\n", start, end) != -1:
        raise QuoteProblem("quote-spans-paragraphs",
                           f"quote {_show(quote)} runs across a paragraph break: cite each paragraph's words"
                           " as its own quote")
    return Match(start, end)


def _exact(text, quote):
    """(start, end) of each place `quote` occurs in `text` as written."""
    quote = quote.strip()
    found, i = [], text.find(quote)
    while i != -1:
        found.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return found


def nearest(text, quote):
    """The passage of `text` most like `quote`, widened to whole words."""
    from rapidfuzz import fuzz

    folded_text = text.translate(_FOLD)
    folded_quote = " ".join(quote.translate(_FOLD).split())
    hit = fuzz.partial_ratio_alignment(folded_quote, folded_text)
    if hit is None or hit.score == 0:
        return text[: len(quote)]
    start, end = hit.dest_start, hit.dest_end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end].strip()


def _show(quote, limit=120):
    quote = " ".join(quote.split())
    return "'" + (quote if len(quote) <= limit else quote[: limit - 1] + "\u2026") + "'"
