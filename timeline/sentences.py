"""Split an article into paragraphs (one per line) and sentences, with offsets into its text.

pysbd does the sentence boundary detection (it knows abbreviations such as U.S., Sec. and Jr.,
initials, and quotations); we find each of its segments in the original line so that
``text[start:end]`` is always the sentence, and we repair the few splits news copy trips it on.

pysbd is slow (tens of articles a second), so a line is first cut at the boundaries nobody could
dispute -- a plain word that is not an abbreviation, a full stop, a space and a capital letter (or
an opening quotation mark and a capital), outside any quotation, brackets or dashes -- and pysbd
reads only the pieces that hold other punctuation. The result is pysbd's own
(tests/test_segmentation.py compares the two on real articles and awkward lines;
scripts/compare_segmentation.py on a whole generated corpus).
"""
import re
from functools import lru_cache

# A full stop after a plain word (not an abbreviation, initial, number or dotted form), then a capital
# (or a quotation that opens with one).
_SURE = re.compile(r"(?:(?<=\s)|^)([A-Za-z][a-z]+)\.(?=[ \t]+[\u201c\"]?[A-Z])")
# Spans pysbd treats as one unit (its BetweenPunctuation rules), and anything that may open one.
_PROTECTED = re.compile(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"|\([^()]*\)|\[[^\]]*\]|\u00ab[^\u00bb]*\u00bb"
                        r"|(?<=\s)\u2018(?:[^\u2019]|\u2019[a-zA-Z])*\u2019|(?<=\s)'(?:[^']|'[a-zA-Z])*'|--[^-]*--")
_OPENERS = "\u201c\u201d\"()[]\u00ab\u00bb\u2018"
_INNER = re.compile(r"[.!?\u2026]")

# "7:50 p.m. ET: This article..." -- pysbd ends a sentence after "p.m."; a time zone follows.
_CONTINUES = re.compile(r"^(?:[a-z]|(?:ET|EST|EDT|CT|CST|CDT|MT|PT|PST|PDT|GMT|BST|UTC|CET|CEST)\b)")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


# A line ends at LF, CRLF or a lone CR (old Mac files, some CMS exports), and at the other breaks
# str.splitlines() knows (vertical tab, form feed, the file/group/record separators, NEL, U+2028/2029):
# each ends a paragraph, so no sentence or quote runs across one.
LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def line_of(text, offset):
    """1-based line number of `offset` in `text`, counting every LINE_BREAK."""
    return len(LINE_BREAK.findall(text, 0, offset)) + 1


def paragraphs(text):
    """(start, end) of each non-blank line, without its line ending or surrounding spaces."""
    spans = []
    pos = 0
    for m in [*LINE_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        line = text[pos:end]
        stripped = line.rstrip(" \t\u00a0").lstrip(" \t\u00a0\ufeff")
        if stripped:
            start = pos + line.index(stripped)
            spans.append((start, start + len(stripped)))
        pos = m.end() if m else end
    return spans


def split(text):
    """[(paragraph number, start, end)] for every sentence of `text`, in order."""
    out = []
    for number, (p_start, p_end) in enumerate(paragraphs(text), start=1):
        for start, end in _sentences(text[p_start:p_end]):
            out.append((number, p_start + start, p_start + end))
    return out


@lru_cache(maxsize=1)
def _abbreviations():
    from pysbd.lang.english import English

    return frozenset(English.Abbreviation.ABBREVIATIONS)


@lru_cache(maxsize=1)
def _titles():
    """"Sec. ", "Mr. ", "Dr. ": pysbd never ends a sentence at a title's full stop before a space."""
    from pysbd.lang.english import English

    words = "|".join(sorted(map(re.escape, English.Abbreviation.PREPOSITIVE_ABBREVIATIONS), key=len, reverse=True))
    return re.compile(rf"(?:(?<=\s)|^)(?i:{words})\.(?= )")


def _pysbd(text):
    """What pysbd's Segmenter(clean=False).segment(text) returns, without its slow last step.

    pysbd places each sentence back in the text by compiling a regular expression per sentence and
    scanning the whole text with it; this does the same search with str.find (first non-overlapping
    occurrence, plus the whitespace after it, that ends after the previous one).
    """
    segmenter = _segmenter()
    found, prior_end = [], 0
    for sentence in segmenter.processor(text).process():
        if not sentence:
            return segmenter.segment(text)
        pos = 0
        while True:
            start = text.find(sentence, pos)
            if start == -1:
                break
            end = start + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > prior_end:
                found.append(text[start:end])
                prior_end = end
                break
            pos = end
    return found


def _segments(para):
    """pysbd's segments of `para`, asking pysbd only about the pieces between undisputed boundaries."""
    if "--" in para or "'" in para and re.search(r"\s'", para):
        return _pysbd(para)
    protected = [m.span() for m in _PROTECTED.finditer(para)]
    outside = _PROTECTED.sub("", para)
    if any(c in outside for c in _OPENERS):  # an unbalanced quotation or bracket: let pysbd judge
        return _pysbd(para)
    abbreviations = _abbreviations()
    cuts = []
    for m in _SURE.finditer(para):
        end = m.end()
        if m.group(1).lower() in abbreviations or any(a < end <= b for a, b in protected):
            continue
        cuts.append(end)
    out, start = [], 0
    for end in cuts + [len(para)]:
        piece = para[start:end]
        if _INNER.search(_titles().sub("", piece.rstrip(".!?\u2026\"\u201d\u2019') \t"))):
            out += _pysbd(piece)
        elif piece.strip():
            out.append(piece)
        start = end
    return out


def _sentences(para):
    spans = []
    cursor = 0
    for segment in _segments(para):
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
