"""A fact's values against the words it cites: a figure's value must be a number its quote says, and a
statement's or claim's speaker should be named where the words are.

- `figure_value`: the numbers a quote says ("40,000", "$6 million" = 6000000, "more than 200", "three",
  "40,000-inmate", "a dozen"; in a Spanish source "40.000", "3,5 millones", "6 millones de dólares"); a figure whose value is none of them is a problem (`value-not-in-quote`)
  naming the numbers found.
- `attribution`: `attributed_to` is named (its full name, a word of it such as a surname or "court",
  or one of its aliases in entities.yaml: "the Salvadoran minister") in the cited sentence or its
  paragraph, and the sentence does not give the words to someone else ("..., Noem said" for a fact
  attributed to Bukele); otherwise a warning (`speaker-not-named`): the curator checks who said it.
  Names are compared as a reader would: in any case (an acronym such as DHS in capitals), accents or
  not, "U.S." as "US", with or without a possessive ("Noem's"), typographic apostrophes as straight.

Both run on every fact of a build, so each looks only at the cited words and stops at the first
answer.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from timeline.records import Citation, Entity, Source, base_language, sentence_position
from timeline.text import mentions, spanish_mentions

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1, "an": 1, "single": 1,
          "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000, "millions": 2e6}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6,
           "bn": 1e9, "mn": 1e6}
_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?P<digits>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    rf"|\b(?P<words>(?:{_WORD})(?:[\s-]+(?:{_WORD}|and))*)\b", re.IGNORECASE)
_SCALE_AFTER = re.compile(r"[\s-]*(hundred|thousand|million|billion|trillion|bn|mn|k|m)\b", re.IGNORECASE)
_DIGIT_WORDS = re.compile(r"[0-9]")


def numbers_said(text: str) -> list[float]:
    """Every number `text` says, as values: digits, words, with their scale ("$6 million", "two hundred")."""
    out: list[float] = []
    for m in _NUMBER.finditer(text):
        value = _digits(m["digits"]) if m["digits"] else _words(m["words"])
        if value is None:
            continue
        rest = text[m.end():]
        while True:
            scale = _SCALE_AFTER.match(rest)
            if not scale or (scale[1].lower() in ("k", "m") and not m["digits"]):
                break
            value *= _SCALES[scale[1].lower()]
            rest = rest[scale.end():]
        out.append(value)
    return out


def _digits(text: str) -> float:
    return float(text.replace(",", ""))


def _words(text: str) -> float | None:
    """'three' 3, 'twenty-five' 25, 'two hundred' 200, 'a dozen' 12; None for a lone 'a' or 'and'."""
    total, current, seen = 0.0, 0.0, False
    for word in re.split(r"[\s-]+", text.lower()):
        if word == "and":
            continue
        if word in ("a", "an", "single"):
            continue  # 'a dozen', 'a million': the word after it gives the number
        if word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _TENS:
            current += _TENS[word]
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]  # 'a million', 'two thousand'
            current, seen = 0.0, True
    return (total + current) if seen else None


def figure_value(value: float, citations: list[Citation],
                 sources: Mapping[str, Source] | None = None) -> tuple[bool, list[float]]:
    """(True, []) when `value` is a number one of the quotes says; else (False, the numbers they say). Each
    quote is read in its source's language (`sources`): a Spanish '40.000' is forty thousand, '3,5' three and
    a half."""
    said: list[float] = []
    for c in citations:
        source = sources.get(c["source_id"]) if sources is not None else None
        spanish = source is not None and base_language(source.language) == "es"
        found = spanish_mentions.numbers_said(c["quote"]) if spanish else numbers_said(c["quote"])
        if any(abs(v - value) <= 1e-9 * max(1.0, abs(value)) for v in found):
            return True, []
        said += found
    return False, said


def shown(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


# ------------------------------------------------------------------ speakers

_STOP = {"the", "of", "and", "for", "us", "u.s.", "de", "del", "la", "von", "van", "mr", "mrs", "ms", "dr", "jr",
         "sr", "president", "secretary", "minister", "judge", "justice", "department", "office", "national",
         "state", "states", "united", "government"}


def name_words(entity: Entity) -> list[str]:
    """How a sentence may name the entity, folded: its full name, each distinctive word of it (a surname,
    'Court'), the initials of a name of three or more words (DHS), and each of its aliases whole."""
    return list(_name_words(entity.get("name") or "", entity.get("type"), tuple(entity.get("aliases") or ())))


@functools.lru_cache(maxsize=4096)
def _name_words(full_name: str, kind: str | None, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """name_words of an entity with this name, type and aliases: worked out once, not for each fact naming it."""
    name = mentions.folded(full_name)
    if not name:
        return ()
    words = [w.strip(".,()") for w in name.split()]
    out = [name] + [w for w in words if len(w) >= 3 and w.lower() not in _STOP]
    if kind == "court":
        out.append("court")
    capitals = [w for w in words if w[:1].isupper() and w.lower() not in ("of", "the", "and")]
    if len(capitals) >= 3:
        out.append("".join(w[0] for w in capitals))
    out += [mentions.folded(alias) for alias in aliases if mentions.folded(alias)]
    return tuple(out)


def _named(words: list[str], text: str) -> bool:
    """True when `text` names one of `words` (name_words): an acronym (DHS, ICE) in capitals, anything else
    in any case, each as whole words of the folded text."""
    text = mentions.folded(text)
    lower = text.lower()
    for w in words:
        if w.isupper() and len(w) <= 5:
            if _acronym(w).search(text):
                return True
        elif w.lower() in lower and _whole_word(w.lower()).search(lower):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _acronym(word: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(word)}\b")


@functools.lru_cache(maxsize=4096)
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")


def attribution(entity_id: str, entities: Mapping[str, Entity], citations: list[Citation],
                sources: Mapping[str, Source]) -> str | None:
    """None when every cited sentence (or its paragraph) names the speaker `entity_id`, else what is wrong."""
    entity = entities.get(entity_id)
    if entity is None:
        return None
    words = name_words(entity)
    if not words:
        return None
    unnamed = []
    for c in citations:
        source = sources.get(c["source_id"])
        if source is None or not source.text:
            continue
        index = sentence_position(c["sentence_id"]) - 1
        paragraph, start, end = source.sentences[index]
        sentence = source.text[start:max(end, c["end"])]
        other = _other_speaker(sentence, c, start, words, source.language)
        if other:
            return (f"the sentence gives these words to {other}, not to {entity.get('name')} (in source"
                    f" '{c['source_id']}'): check attributed_to")
        if _named(words, sentence):
            return None
        lo, hi = _paragraph(source, index, paragraph)
        if _named(words, source.text[lo:hi]):
            return None
        unnamed.append(c["source_id"])
    if not unnamed:
        return None
    return (f"{entity.get('name')} is not named in any cited sentence or its paragraph (in"
            f" {', '.join(repr(u) for u in dict.fromkeys(unnamed))}): check who said it; add the name the"
            " article uses to the entity's aliases in entities.yaml, or cite the words that name the speaker")


def _other_speaker(sentence: str, c: Citation, start: int, words: list[str], language: str = "en") -> str | None:
    """The name next to a speech verb in the sentence ('..., Noem said', '—dijo Noem'), when it is not the
    speaker's."""
    lo, hi = c["start"] - start, c["end"] - start
    said = [q.speaker for q in mentions.quotations(sentence, language) if q.start < hi and lo < q.end and q.speaker]
    speaker = said[0] if said else mentions.speaker_near(sentence[:max(0, lo)], sentence[max(0, hi):], language)
    if not speaker or _named(words, speaker) or speaker.lower() in ("he", "she", "they", "it", "él", "ella"):
        return None
    if not re.search(r"[A-Z]", speaker):
        return None
    return speaker


def _paragraph(source: Source, index: int, paragraph: int) -> tuple[int, int]:
    """(start, end) of the paragraph holding sentence `index` (0-based): its first sentence's start to its
    last one's end, walking out from that sentence only."""
    first = last = index
    while first > 0 and source.sentences[first - 1][0] == paragraph:
        first -= 1
    while last + 1 < len(source.sentences) and source.sentences[last + 1][0] == paragraph:
        last += 1
    return source.sentences[first][1], source.sentences[last][2]
