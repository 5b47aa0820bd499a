"""Split an article into paragraphs (one per line) and sentences, with offsets into its text.

pysbd does the sentence boundary detection (it knows abbreviations such as U.S., Sec. and Jr.,
initials, and quotations); we find each of its segments in the original line so that
``text[start:end]`` is always the sentence, and we repair the few splits news copy trips it on.

pysbd is slow (tens of articles a second), so a line is first cut where pysbd's own rules always end
a sentence -- a word, a full stop, a space and a capital letter (or an opening quotation mark and a
capital), outside any quotation or brackets, the word not being a title or an abbreviation pysbd
keeps before that capital -- and pysbd reads only the pieces that still hold a full stop, question or
exclamation mark it must judge (an abbreviation before a lower-case word, a digit or a bracket, a
title, an initial, a dotted form such as "U.S." before a word that does not start sentences: none ends
a sentence for it), or the whole line when one sentence may change how it reads another (lists, loose
quotation marks).

Each source is split by the rules of its language (`split(text, language)`, pysbd's codes; rules_for(tag)
gives a source's). The cutting before pysbd is written and proved for English (CUT_FIRST); another language
is pysbd's alone, line by line, until its own cutting is added beside English's and compared in the same
way; the build cache keeps a non-English article's sentences under its language as well as its hash
(cache_key). pysbd's Spanish rules are taken with their titles corrected (_PREPOSITIVE: "Sr.", "Dra.",
"Gral." before a name never end a sentence; "bien." and "contra." do). The result is pysbd's own:
tests/test_segmentation.py compares the two on the real articles, awkward lines and generated ones
(scripts/awkward_lines.py); scripts/compare_segmentation.py on a whole corpus; scripts/measure_segmentation.py
measures a language's splitting against gold (tests/data/sentences_gold_es.txt).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import pysbd
from pysbd.languages import LANGUAGE_CODES
from pysbd.languages import Language as PysbdLanguages
from pysbd.abbreviation_replacer import AbbreviationReplacer as GenericReplacer
from pysbd.lists_item_replacer import ListItemReplacer
from pysbd.processor import Processor

from timeline.records import Span, base_language

# A full stop after a word of letters or a single lower-case letter (not an initial, number or dotted
# form), then a capital (or a quotation that opens with one); _cut_after decides for abbreviations.
_SURE = re.compile(r"(?:(?<=\s)|^)([A-Za-z][a-z]+|[a-z])\.(?=[ \t]+[\u201c\"]?[A-Z])")
# Spans pysbd treats as one unit (its BetweenPunctuation rules: each kind found over the whole line on
# its own, as pysbd does; its patterns pair a mark with the next one and need something between them),
# with the marks that, left outside every span of their kind, make the line pysbd's to judge.
_PAIRED = [(re.compile(pattern), marks) for pattern, marks in [
    ("\u201c[^\u201d\\\\]+\u201d", "\u201c\u201d"), ('"[^"\\\\]+"', '"'), (r"\[[^\]\\]+\]", "[]"),
    (r"\([^()\\]+\)", "()"), ("\u00ab[^\u00bb\\\\]+\u00bb", "\u00ab\u00bb"),
    ("(?<=\\s)\u2018(?:[^\u2019]|\u2019[a-zA-Z])*\u2019", "\u2018")]]
_INNER = re.compile(r"[.!?\u2026]")

# "7:50 p.m. ET: This article..." -- pysbd ends a sentence after "p.m."; a time zone follows. No sentence
# starts with a lower-case letter ("a las 2:15 p. m. en Comalapa") or a comma, semicolon or colon ("de EE.UU.,
# Kristi Noem"): such a piece goes on the sentence before it.
_CONTINUES = re.compile(r"^(?:[,;:]|(?:ET|EST|EDT|CT|CST|CDT|MT|PT|PST|PDT|GMT|BST|UTC|CET|CEST)\b)")


DEFAULT_LANGUAGE = "en"  # ISO 639-1, as pysbd names its languages
# The languages whose lines are cut where pysbd's own rules make the end certain before pysbd reads what is
# left (below: a full stop, a space and a capital; pysbd's abbreviations, titles and sentence starters of
# the language). Any other language pysbd knows is split by pysbd alone, line by line, until its cutting
# is written and compared with pysbd (scripts/compare_segmentation.py, tests/test_segmentation.py): a
# Spanish line also ends at "?" or "!" before "¿" or "¡", which the English cut never looks for.
CUT_FIRST = frozenset({"en"})


def languages() -> tuple[str, ...]:
    """The languages split() knows (pysbd's)."""
    return tuple(sorted(LANGUAGE_CODES))


# Titles, ranks and forms of address that always stand before a name ("el Sr. Ramírez", "la Dra. Méndez", "Av.
# Principal", "EE. UU."), for the languages whose pysbd rules lack them. pysbd's Spanish list of prepositive
# abbreviations is a list of word prefixes ("auto", "bien", "contra", "di", "sobre", ... with "dr", "lic", "sra"):
# a sentence ending in one of those words was never ended ("Todo salió bien. El presidente llegó."), and a
# sentence was ended after "Sr.", "Dra.", "Ing.", "Gral." before a name. Here the titles below are its
# prepositive abbreviations (never an end) and the prefixes are plain abbreviations (kept before a lower-case
# word or a digit, as any other). tests/data/sentences_gold_es.txt, scripts/measure_segmentation.py.
_PREPOSITIVE = {"es": frozenset("""
    sr sra srta sres sras srs d dn dña da dr dra dres lic lcdo lcda ldo lda ing inga arq prof profa mtro mtra
    gral cnel tte tcnel cap cmdte sgto sarg alm almte gob pdte pres dip sen mons pbro fr sto sta excmo excma
    ilmo ilma emmo rvdo rvda ee av avda cía hno hna hnos
""".split())}


@lru_cache(maxsize=None)
def _rules(language: str) -> Any:
    """pysbd's class for `language` (its Abbreviation lists, AbbreviationReplacer, ...: untyped), with the
    titles of _PREPOSITIVE as its prepositive abbreviations where it lacks them."""
    rules = PysbdLanguages.get_language_code(language)
    titles = _PREPOSITIVE.get(language)
    if titles is None:
        return rules
    known = rules.Abbreviation
    abbreviation = type("Abbreviation", (known,), {
        "ABBREVIATIONS": list(dict.fromkeys([*known.ABBREVIATIONS, *sorted(titles)])),
        "PREPOSITIVE_ABBREVIATIONS": sorted(titles)})
    return type(rules.__name__, (rules,), {"Abbreviation": abbreviation})


def rules_for(tag: str | None) -> str:
    """The pysbd language a source in `tag` (BCP 47: 'es-SV', 'EN', None) is split by: its language subtag
    when pysbd has rules for it ('es'), else English's (a language pysbd does not know: 'sw', 'pt')."""
    language = base_language(tag)
    return language if language in LANGUAGE_CODES else DEFAULT_LANGUAGE


def cache_key(sha256: str, tag: str | None = DEFAULT_LANGUAGE) -> str:
    """What an article's sentences, signals and words are kept under in the build cache: its hash, and its
    language subtag when it is not the default (each is read by its language's rules and words: a source
    whose language changes is read again, and English entries keep theirs)."""
    language = base_language(tag)
    return sha256 if language == DEFAULT_LANGUAGE else f"{sha256}:{language}"


@lru_cache(maxsize=None)
def _segmenter(language: str = DEFAULT_LANGUAGE) -> pysbd.Segmenter:
    """pysbd's Segmenter of `language`, by _rules(language)."""
    segmenter = pysbd.Segmenter(language=language, clean=False)
    segmenter.language_module = _rules(language)
    return segmenter


# A line ends at LF, CRLF or a lone CR (old Mac files, some CMS exports), and at the other breaks
# str.splitlines() knows (vertical tab, form feed, the file/group/record separators, NEL, U+2028/2029):
# each ends a paragraph, so no sentence or quote runs across one.
LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def line_of(text: str, offset: int) -> int:
    """1-based line number of `offset` in `text`, counting every LINE_BREAK."""
    return len(LINE_BREAK.findall(text, 0, offset)) + 1


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, without its line ending or surrounding spaces."""
    spans: list[tuple[int, int]] = []
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


def split(text: str, language: str = DEFAULT_LANGUAGE) -> list[Span]:
    """[(paragraph number, start, end)] for every sentence of `text`, in order, by the rules of `language`
    (one of pysbd's, languages(): "en", "es", ...; ValueError for another)."""
    _rules(language)  # an unknown language fails here, not half way
    out: list[Span] = []
    for number, (p_start, p_end) in enumerate(paragraphs(text), start=1):
        for start, end in _sentences(text[p_start:p_end], language):
            out.append((number, p_start + start, p_start + end))
    return out


@lru_cache(maxsize=None)
def _abbreviations(language: str = DEFAULT_LANGUAGE) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """pysbd's abbreviations of `language`, as (all, prepositive, number) sets of lower-case words."""
    a = _rules(language).Abbreviation
    return frozenset(a.ABBREVIATIONS), frozenset(a.PREPOSITIVE_ABBREVIATIONS), frozenset(a.NUMBER_ABBREVIATIONS)


@lru_cache(maxsize=None)
def _titles(language: str = DEFAULT_LANGUAGE) -> re.Pattern[str]:
    """"Sec. ", "Mr. ", "Dr. ": pysbd never ends a sentence at a title's full stop before a space."""
    prepositive = _rules(language).Abbreviation.PREPOSITIVE_ABBREVIATIONS
    words = "|".join(sorted(map(re.escape, prepositive), key=len, reverse=True))
    return re.compile(rf"(?:(?<=\s)|^)(?i:{words})\.(?= )")


# An abbreviation pysbd knows, then a space and a lower-case letter, a digit or a bracket ("Jr. said", "U.S.
# officials", "Jan. 5"): pysbd replaces that full stop before it looks for sentence ends
# (AbbreviationReplacer.replace_period_of_abbr; an abbreviation that takes a number, "No. 5", only before a
# digit or a bracket: replace_pre_number_abbr), so it never ends a sentence. A dotted form must start with
# a capital: a lower-case letter and a full stop ("e.g.") may be read as an item of a list (a. b. c.)
# across the paragraph.
_ABBREVIATED = re.compile(r"(?:(?<=\s)|^)([A-Za-z][a-z]*|[A-Z][A-Za-z]*(?:\.[A-Za-z]+)+)\.(?=\s([a-z\d(]))")
# An initial ("John F. Kennedy"): pysbd's SingleUpperCaseLetterRule replaces the full stop after a capital
# letter that follows a space, before a space (or a comma and a space). Not "I" or "V": its last step
# (replace_abbreviation_as_sentence_boundary) puts a full stop back after "I" and "I.V" before a word that
# starts sentences.
_INITIAL = re.compile(r"(?<=\s)[A-HJ-UW-Z]\.(?=,?\s)")
# Letters and full stops ("U.S.", "D.C.", "U.S.A."), after a space, before a space and a word: pysbd's
# MULTI_PERIOD_ABBREVIATION_REGEX replaces every full stop of them, and puts the last back (an end) only
# before a word that starts sentences ("The", "He": SENTENCE_STARTERS), which is left to pysbd here, and
# after "a.m." or "p.m." before a capital (AmPmRules), which is never set aside.
_DOTTED = re.compile(r"(?<=\s)[A-Za-z](?:\.[A-Za-z])+\.(?=\s+(\S+))")
_AM_PM = re.compile(r"[AaPp]\.[Mm]\.$")


@lru_cache(maxsize=None)
def _starters(language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    return frozenset(_rules(language).AbbreviationReplacer.SENTENCE_STARTERS)


# What makes pysbd read a paragraph as a whole rather than sentence by sentence: lists (a. b., (a) (b),
# 1. 2., 1) 2)), whose items it finds across the paragraph (ListItemReplacer: two items or more are
# enough here); braces (its abbreviation search looks for "{abbr} "); parentheses between quotations
# (PARENS_BETWEEN_DOUBLE_QUOTES_REGEX).
_PARENS_IN_QUOTES = re.compile(r"[\"\u201d]\s\(.*\)\s[\"\u201c]")
# A straight single quotation mark that is not inside a word: pysbd may pair it with the next one
_LOOSE_APOSTROPHE = re.compile(r"(?<![A-Za-z0-9])'")
_LETTER_STOP = re.compile(r"(?<!\S)[a-z]\.")  # what every lettered item holds (a quick look first)
_DIGIT_STOP = re.compile(r"\d\.")  # and every numbered one


@lru_cache(maxsize=1)
def _list_items() -> tuple[list[str], list[str], re.Pattern[str], re.Pattern[str], re.Pattern[str],
                           re.Pattern[str]]:
    items = ListItemReplacer
    return (items.LATIN_NUMERALS, items.ROMAN_NUMERALS, re.compile(items.ALPHABETICAL_LIST_WITH_PERIODS),
            re.compile(items.ALPHABETICAL_LIST_WITH_PARENS), re.compile(items.NUMBERED_LIST_REGEX_1),
            re.compile(items.NUMBERED_LIST_PARENS_REGEX))


def _listed(items: list[str], alphabet: Sequence[str] | None = None) -> bool:
    """Could pysbd take these for the items of a list? Only when two next to each other (the last and
    the first count as neighbours) are one apart: a. b., 2) 3), 9. 0. (iterate_alphabet_array,
    scan_lists)."""
    if alphabet is None:
        order = [int(i) for i in items]
    else:
        order = [alphabet.index(i) for i in items if i in alphabet]
    return len(order) > 1 and any(abs(a - b) == 1 or {a, b} == {0, 9} and alphabet is None
                                  for a, b in zip(order, order[1:] + order[:1]))


# What makes pysbd end a piece early even with no full stop inside: a quotation or brackets at its start
# followed by a capital (the first alternatives of SENTENCE_BOUNDARY_REGEX), and a dash before a
# closing quotation, a space and a capital (QUOTATION_AT_END_OF_SENTENCE_REGEX).
_LEADING_UNIT = re.compile("\\s*(?:\uff08[^\uff09]*\uff09(?=\\s?[A-Z])|\u300c[^\u300d]*\u300d(?=\\s[A-Z])"
                           "|\\([^)]{2,}\\)(?=\\s[A-Z])|'[^']*[^,]'(?=\\s[A-Z])|\"[^\"]*[^,]\"(?=\\s[A-Z])"
                           "|\u201c[^\u201d]*[^,]\u201d(?=\\s[A-Z]))")
_DASH_QUOTE = re.compile("-[\"'\u201c\u201d]\\s[A-Z]")
_CLOSING = "\"\u201d\u2019') \t"


def _whole(para: str) -> bool:
    """True when pysbd must read `para` whole: what it finds in one sentence may depend on another."""
    if "--" in para or "{" in para or "\\" in para or "\uff08" in para or "\u300c" in para:
        return True
    if "'" in para and _LOOSE_APOSTROPHE.search(para):
        return True
    latin, roman, letters, parens, numbers, numbers_parens = _list_items()
    if _LETTER_STOP.search(para):
        items = letters.findall(para)
        if _listed(items, latin) or _listed(items, roman):
            return True
    if _DIGIT_STOP.search(para) and _listed(numbers.findall(para)):
        return True
    if ")" in para:
        items = parens.findall(para)
        if (_listed(items, latin) or _listed(items, roman) or _listed(numbers_parens.findall(para))
                or _PARENS_IN_QUOTES.search(para)):
            return True
    return False


def _cut_after(word: str, para: str, end: int, language: str) -> bool:
    """Does pysbd end a sentence at the full stop after `word` (which ends at `end`, before a capital)?"""
    abbreviations, prepositive, _ = _abbreviations(language)
    word = word.lower()
    if word not in abbreviations:
        return True
    if word in prepositive:  # "Sen. Lee": never an end
        return False
    # Any other abbreviation keeps its full stop before a space and a capital, except before "I" and
    # "Co. KG" (replace_period_of_abbr, KommanditgesellschaftRule)
    rest = para[end:].lstrip(" \t").lstrip("\u201c\"")
    return not rest.startswith("I") and not (word == "co" and para.startswith(" KG", end))


def _one_sentence(piece: str, language: str) -> bool:
    """True when pysbd would give `piece` back as one sentence: no full stop, question or exclamation
    mark inside it but those of titles, abbreviations before a lower-case word, a digit or a bracket,
    initials and dotted forms (which pysbd never ends a sentence at), nothing that ends it early."""
    body = piece.rstrip(_CLOSING)
    if body and body[-1] in ".!?\u2026":
        body = body[:-1]
    if _INNER.search(body):
        body = _titles(language).sub("", body)
        abbreviations = _abbreviations(language)
        body = _ABBREVIATED.sub(lambda m: _unless_an_end(m, *abbreviations), body)
        if "." in body:
            body = _INITIAL.sub("", body)
            starters = _starters(language)
            body = _DOTTED.sub(lambda m: m.group() if m.group(1) in starters or _AM_PM.search(m.group()) else "", body)
        if _INNER.search(body):
            return False
    return not (_LEADING_UNIT.match(piece) or "-" in piece and _DASH_QUOTE.search(piece))


def _unless_an_end(m: re.Match[str], abbreviations: frozenset[str], prepositive: frozenset[str],
                   number: frozenset[str]) -> str:
    """An _ABBREVIATED match set aside ("") when pysbd replaces its full stop, else kept."""
    word = m.group(1).lower()
    if word not in abbreviations or word in prepositive:
        return m.group()
    if word in number:
        return "" if m.group(2) in "0123456789(" else m.group()
    return ""


@lru_cache(maxsize=None)
def _language(language: str = DEFAULT_LANGUAGE) -> type:
    """pysbd's `language` with its abbreviation search done in fewer steps, giving the same text.

    pysbd's search (AbbreviationReplacer.search_for_abbreviations_in_string) rewrites the whole line
    once for every word that starts like an abbreviation ("is", "p", "may", ...: most words of a
    line). Each rewrite only turns full stops into its marker, so rewriting again for the same word
    changes nothing, and a word with no full stop after it has nothing to rewrite: both are skipped.
    A line with a brace goes through pysbd's own search (its lookup of the next word reads "{abbr} ").
    """
    rules = _rules(language)
    base = rules.AbbreviationReplacer
    if base.search_for_abbreviations_in_string is not GenericReplacer.search_for_abbreviations_in_string:
        return rules  # the language has a search of its own: pysbd's as it is

    def search(self: Any, text: str) -> str:
        if "{" in text:
            return base.search_for_abbreviations_in_string(self, text)
        lowered, seen = text.lower(), set()
        for abbr in self.lang.Abbreviation.ABBREVIATIONS:
            stripped = abbr.strip()
            if stripped not in lowered:
                continue
            for match in re.findall(r"(?:^|\s){}".format(stripped), text, flags=re.IGNORECASE):
                if match not in seen:
                    seen.add(match)
                    if match.strip() + "." in text:
                        text = self.scan_for_replacements(text, match, 0, [])
        return text

    replacer = type("Replacer", (base,), {"search_for_abbreviations_in_string": search})
    return type("Language", (rules,), {"AbbreviationReplacer": replacer})


def _pysbd(text: str, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """What pysbd's Segmenter(clean=False).segment(text) returns, without its slow steps.

    pysbd places each sentence back in the text by compiling a regular expression per sentence and
    scanning the whole text with it; this does the same search with str.find (first non-overlapping
    occurrence, plus the whitespace after it, that ends after the previous one). Its abbreviation
    search is _language()'s.
    """
    found, prior_end = [], 0
    for sentence in Processor(text, _language(language)).process():
        if not sentence:
            return _segmenter(language).segment(text)
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


def _segments(para: str, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """pysbd's segments of `para`, asking pysbd only about the pieces between undisputed boundaries."""
    if language not in CUT_FIRST or _whole(para):
        return _pysbd(para, language)
    protected: list[tuple[int, int]] = []
    for pattern, marks in _PAIRED:
        if any(c in para for c in marks):
            spans = [m.span() for m in pattern.finditer(para)]
            outside = pattern.sub("", para) if spans else para
            if any(c in outside for c in marks):  # an unbalanced quotation or bracket: let pysbd judge
                return _pysbd(para, language)
            protected += spans
    cuts = []
    for m in _SURE.finditer(para):
        end = m.end()
        if any(a < end <= b for a, b in protected) or not _cut_after(m.group(1), para, end, language):
            continue
        cuts.append(end)
    out, start = [], 0
    for end in cuts + [len(para)]:
        piece = para[start:end]
        if not _one_sentence(piece, language):
            out += _pysbd(piece, language)
        elif piece.strip():
            out.append(piece)
        start = end
    return out


def _sentences(para: str, language: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for segment in _segments(para, language):
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
        if spans and (piece[0].islower() or _CONTINUES.match(piece)):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        cursor = end
        if end >= len(para):
            break
    if spans and spans[-1][1] < len(para.rstrip()):
        spans[-1] = (spans[-1][0], len(para.rstrip()))
    return spans
