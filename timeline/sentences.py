"""Split an article into paragraphs (one per line) and sentences, with offsets into its text.

pysbd does the sentence boundary detection (it knows abbreviations such as U.S., Sec. and Jr.,
initials, and quotations); we find each of its segments in the original line so that
``text[start:end]`` is always the sentence, and we repair the few splits news copy trips it on.
"""
import re
from functools import lru_cache

# "7:50 p.m. ET: This article..." -- pysbd ends a sentence after "p.m."; a time zone follows.
_CONTINUES = re.compile(r"^(?:[a-z]|(?:ET|EST|EDT|CT|CST|CDT|MT|PT|PST|PDT|GMT|BST|UTC|CET|CEST)\b)")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def paragraphs(text):
    """(start, end) of each non-blank line, without its line ending or surrounding spaces."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.rstrip("\r \t\u00a0").lstrip(" \t\u00a0\ufeff")
        if stripped:
            start = pos + line.index(stripped)
            spans.append((start, start + len(stripped)))
        pos += len(line) + 1
    return spans


def split(text):
    """[(paragraph number, start, end)] for every sentence of `text`, in order."""
    out = []
    for number, (p_start, p_end) in enumerate(paragraphs(text), start=1):
        for start, end in _sentences(text[p_start:p_end]):
            out.append((number, p_start + start, p_start + end))
    return out


def _sentences(para):
    spans = []
    cursor = 0
    for segment in _segmenter().segment(para):
        piece = segment.strip()
        if not piece:
            continue
        start = para.find(piece, cursor)
        if start == -1:  # pysbd changed the text: fall back to the rest of the line
            start = cursor
            piece = para[cursor:].strip()
            if not piece:
                break
            start = para.index(piece, cursor)
        end = start + len(piece)
        if spans and _CONTINUES.match(piece):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        cursor = end
        if end >= len(para):
            break
    if spans and spans[-1][1] < len(para.rstrip()):
        spans[-1] = (spans[-1][0], len(para.rstrip()))
    return spans
