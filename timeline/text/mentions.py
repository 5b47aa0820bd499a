"""Find what a sentence mentions: date phrases, numbers with what they count, quotations and their
likely speaker, court words. Used by `timeline suggest` and by the date-conflict check.

Each function reads the sentence in its article's language (`language`, a BCP 47 tag): English here,
Spanish by timeline.text.spanish_mentions; another language is read as English.

Everything here is a heuristic for a curator to confirm: nothing it finds becomes a fact by itself.
"""
import datetime
import functools
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from timeline.errors import DateError
from timeline.records import Entity, base_language
from timeline.text import dates, spanish_mentions

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_REL = r"(?:(?:last|next|this|this past|this coming|earlier this|later this)\s+)"
_ZONE = r"(?:ET|EDT|EST|CT|CDT|CST|MT|MDT|MST|PT|PDT|PST|GMT|UTC|BST|CET|CEST)"
_CLOCK = rf"(?:[0-9]{{1,2}}(?::[0-9]{{2}})?\s*[ap]\.?\s?m\b\.?|noon|midnight)(?:\s+{_ZONE}\b)?"
_DAY_NAME = rf"(?:{_WEEKDAY}|today|tonight|yesterday|tomorrow|{_MONTH}\s+[0-9]{{1,2}}(?:st|nd|rd|th)?)"
_DATE_PHRASE = re.compile(
    rf"\b(?:(?:on|in|since|by|during|from|over|early|mid|late|early-|mid-|late-|about|around|circa|before|after"
    rf"|prior to)\s+)*(?:"
    rf"(?:at\s+|by\s+)?{_CLOCK}(?:,?\s+(?:on\s+)?{_DAY_NAME})?"
    rf"|{_DAY_NAME},?\s+(?:at\s+)?{_CLOCK}"
    rf"|{_WEEKDAY},?\s+{_MONTH}\s+[0-9]{{1,2}}(?:st|nd|rd|th)?(?:,?\s+[0-9]{{4}})?"
    rf"|{_MONTH}\s+[0-9]{{1,2}}\s*[-\u2013]\s*[0-9]{{1,2}}(?:,?\s+[0-9]{{4}})?\b"
    rf"|{_MONTH}\s+[0-9]{{1,2}}(?:st|nd|rd|th)?(?:,?\s+[0-9]{{4}})?\b"
    rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+[0-9]{{4}})?"
    rf"|{_MONTH},?\s+(?:of\s+)?[0-9]{{4}}"
    rf"|(?:the\s+)?(?:first|second|third|fourth|final)[\s-]quarter(?:\s+of\s+(?:[0-9]{{4}}|(?:this|last|next|the)\s+year))?"
    rf"|Q[1-4](?:\s+[0-9]{{4}})?\b"
    rf"|(?:the\s+)?(?:first|second)\s+half\s+of\s+(?:[0-9]{{4}}|(?:this|last|next|the)\s+year)"
    rf"|(?:(?:this|last|next|this past|this coming)\s+)(?:spring|summer|fall|autumn|winter)\b"
    rf"|(?:spring|summer|fall|autumn|winter)\s+(?:of\s+)?[0-9]{{4}}(?:[-\u2013][0-9]{{2}})?"
    rf"|(?:this|last|next|the|this past|this coming)\s+weekend"
    rf"|{_REL}?{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|{_REL}?{_MONTH}(?=[\s,.;:!?)]|$)"
    rf"|(?:last|this|next|earlier this|later this)\s+(?:week|month|year)"
    rf"|(?:[0-9]{{1,3}}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)\s+"
    rf"(?:day|week|month|year)s?\s+ago"
    rf"|today|yesterday|tomorrow|tonight|last night"
    rf"|(?:the\s+)?(?:[0-9]{{3}}0s|'[0-9]0s)"
    rf"|(?:1[0-9]|20)[0-9]{{2}}(?![0-9,]|\s*(?:[-\u2013]\s*)?(?:people|men|inmates|years?|times)\b)"
    rf")(?!['\u2019]s\b|[-\u2013]\w)", re.IGNORECASE)
_DAY_WORD = re.compile(rf"{_WEEKDAY}|{_MONTH}|Today|Yesterday")  # a word that is no one's name (fullmatch)
# Month names that are also ordinary words: only a capitalised form counts.
_AMBIGUOUS_MONTHS = {"may", "march", "mar", "jan", "june", "july", "aug", "sept", "oct", "dec"}

_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "a dozen": 12, "twenty": 20, "thirty": 30,
                 "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCY = {"$": "USD", "US$": "USD", "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY"}
_QUALIFIERS = (("up to", "up_to"), ("more than", "more_than"), ("over", "more_than"), ("at least", "at_least"),
               ("at most", "at_most"), ("fewer than", "less_than"), ("less than", "less_than"),
               ("under", "less_than"), ("about", "approx"), ("approximately", "approx"), ("around", "approx"),
               ("roughly", "approx"), ("nearly", "approx"), ("almost", "approx"), ("some", "approx"),
               ("an estimated", "approx"))
_QUALIFIER_RE = "|".join(re.escape(q) for q, _ in sorted(_QUALIFIERS, key=lambda x: -len(x[0])))
_NUMBER = re.compile(
    rf"(?:\b(?P<qual>{_QUALIFIER_RE})\s+)?"
    rf"(?P<cur>US\$|[$\u20ac\u00a3\u00a5])?"
    rf"(?P<num>\b[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?\b|\b[0-9]+(?:\.[0-9]+)?\b"
    rf"|\b(?:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})\b)"
    rf"(?:\s+(?P<scale>thousand|million|billion|trillion)\b)?"
    rf"(?P<hyphen>-)?", re.IGNORECASE)
_COUNTED = re.compile(r"\s*(?:of\s+(?:the\s+)?)?((?:[A-Za-z][\w.'\u2019-]*\s+){0,2}[A-Za-z][\w.'\u2019-]*)")
_STOP_AFTER = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as",
               "is", "are", "was", "were", "that", "who", "which", "it", "its", "he", "she", "they", "we",
               "p", "a.m", "p.m", "percent"}
_PER = re.compile(r"^\s*(?:a|an|per|each)\s+(day|week|month|year)\b", re.IGNORECASE)

COURT_WORDS = re.compile(
    r"\b(?:court|courts|judge|judges|justice|injunction|ruling|ruled|rule[sd]?|order(?:ed)?|appeals?|"
    r"habeas corpus|petition|lawsuit|sued|verdict|sentenced|sentence|upheld|blocked|halting|"
    r"restraining|hearing|indicted|charges?)\b", re.IGNORECASE)

_QUOTATION = re.compile(r"[\u201c\"]([^\u201c\u201d\"]{2,}?)[\u201d\"]")
_SPEECH = (r"(?:said|says|told|stated|added|asked|argued|warned|wrote|posted|noted|explained|insisted|"
           r"declared|described|emphasi[sz]ed|recorded)")
_NAME = r"((?:[A-Z][\w.'\u2019-]*|de|del|la|von|van)(?:\s+(?:[A-Z][\w.'\u2019-]*|de|del|la|von|van)){0,3})"
_SPEAKER_PATTERNS = (
    re.compile(rf"{_NAME},?\s+(?:[a-z]+\s+){{0,1}}{_SPEECH}"),
    re.compile(rf"{_SPEECH}\s+{_NAME}"),
)
_SPEAKER_AFTER = (re.compile(rf"^\W*{_SPEECH}\s+{_NAME}"), re.compile(rf"^\W*{_NAME},?\s+{_SPEECH}"))


@dataclass(frozen=True)
class DatePhrase:
    text: str
    start: int
    end: int
    resolved: dates.Resolved


@dataclass(frozen=True)
class Number:
    text: str
    start: int
    end: int
    value: float
    qualifier: str
    unit: str
    per: str | None


@dataclass(frozen=True)
class Quotation:
    text: str
    start: int
    end: int
    speaker: str | None  # the name as written, or None


def _spanish(language: str) -> bool:
    return base_language(language) == "es"


def date_phrases(sentence: str, published: str | datetime.date, source_id: str | None = None,
                 direction: str | None = None, language: str = "en") -> list[DatePhrase]:
    """Date phrases in `sentence` that resolve against the publication date, in order. A possessive
    ("Thursday's case") names the day of something else and is left out; so is a phrase glued to a
    word ("2019-style")."""
    found = []
    if _spanish(language):
        for phrase, start, end in spanish_mentions.date_spans(sentence):
            try:
                resolved = dates.resolve_phrase(phrase, published, context=sentence, source_id=source_id,
                                                direction=direction, language="es")
            except DateError:
                continue
            found.append(DatePhrase(phrase, start, end, resolved))
        return found
    for m in _DATE_PHRASE.finditer(sentence):
        phrase = m.group(0).strip(" ,")
        core = re.sub(r"^(?:(?:on|in|since|by|during|from|over|the|this|last|next)\s+)+", "", phrase, flags=re.I)
        first = core.split()[0].rstrip(".,") if core.split() else ""
        if first.lower() in _AMBIGUOUS_MONTHS and not first[:1].isupper():
            continue
        if re.fullmatch(r"[0-9]{4}", core) and _inside_number(sentence, m.start(), m.end()):
            continue
        try:
            resolved = dates.resolve_phrase(phrase, published, context=sentence, source_id=source_id,
                                            direction=direction)
        except DateError:
            continue
        found.append(DatePhrase(phrase, m.start(), m.start() + len(m.group(0).rstrip(" ,")), resolved))
    return found


def possessive_dates(sentence: str, language: str = "en") -> list[str]:
    """Date words used as possessives ("Thursday's case", "March's vote"): each names the day of
    something else, not of what the sentence's verb does. (Spanish says it with 'del', which the
    clause rules read: none here.)"""
    if _spanish(language):
        return []
    return [m.group(0) for m in re.finditer(rf"\b(?:{_WEEKDAY}|{_MONTH}|today|yesterday|tomorrow)['\u2019]s\b",
                                            sentence)]


def _inside_number(text: str, start: int, end: int) -> bool:
    return (start > 0 and (text[start - 1].isdigit() or text[start - 1] in "$.,")) or \
        (end < len(text) and text[end:end + 1].isdigit())


def numbers(sentence: str, skip: Collection[tuple[int, int]] = (), language: str = "en") -> list[Number]:
    """Numbers in `sentence` with what they count; spans in `skip` (e.g. date phrases) are left out."""
    if _spanish(language):
        return [Number(*found) for found in spanish_mentions.numbers(sentence, skip)]
    out = []
    for m in _NUMBER.finditer(sentence):
        start, end = m.start("num"), m.end()
        if any(s <= start < e for s, e in skip):
            continue
        raw = m.group("num")
        word = raw.lower()
        if word in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[word])
        else:
            value = float(raw.replace(",", ""))
            if re.search(r"[0-9]", sentence[end:end + 1]) or sentence[end:end + 1] in (":", "/") or \
                    sentence[max(0, m.start("num") - 1):m.start("num")] in (":", "/"):
                continue  # part of a time, a fraction or an identifier
            if re.search(r"[A-Za-z]-$", sentence[:m.start("num")]):
                continue  # a name such as MS-13
        if m.group("scale"):
            value *= _SCALE[m.group("scale").lower()]
        currency = _CURRENCY.get(m.group("cur") or "")
        rest = sentence[end:]
        unit, per = currency, None
        capacity = False
        if m.group("hyphen"):  # "465-year sentence": the unit is the word after the hyphen
            after = re.match(r"([A-Za-z]+)(?:\s+([A-Za-z]+))?", rest)
            if after and not currency and not _noun(after.group(1)):
                continue  # "three-tiered": an adjective, not what is counted
            unit = unit or (_plural(after.group(1)) if after else None)
            # "a 40,000-inmate prison": how many it holds, not how many are in it
            capacity = bool(after and after.group(2) and after.group(2).lower() in _CAPACITY_NOUNS)
        elif not unit:
            counted = _COUNTED.match(rest)
            if counted:
                words = counted.group(1).split()
                for i, w in enumerate(words):
                    if w.lower().strip(".") in _STOP_AFTER or w.endswith((".", ",")) and i < len(words) - 1:
                        words = words[:i + (0 if w.lower().strip(".") in _STOP_AFTER else 1)]
                        break
                words = [w.rstrip(".,") if w.count(".") < 2 else w for w in words]
                while words and words[-1].lower() in _STOP_AFTER:
                    words.pop()
                if words and words[0].lower() not in _STOP_AFTER and _noun(words[0]):
                    unit = " ".join(words)
        per_match = _PER.match(rest)
        if per_match:
            per = per_match.group(1).lower()
        if not unit:
            continue
        qualifier = dict(_QUALIFIERS).get((m.group("qual") or "").lower(), "exact")
        if capacity and qualifier == "exact":
            qualifier = "up_to"
        if word in ("dozen", "a dozen") or unit.lower().startswith("dozen"):
            qualifier = "approx" if qualifier == "exact" and word != "dozen" else qualifier
        number = int(value) if value == int(value) else value
        out.append(Number(sentence[m.start():end].strip(), m.start(), end, number, qualifier, unit, per))
    return out


_CAPACITY_NOUNS = {"prison", "prisons", "jail", "jails", "facility", "facilities", "stadium", "arena", "venue", "hall",
                   "camp", "center", "centre", "hospital", "shelter", "ship", "plane", "aircraft", "complex",
                   "capacity", "seat", "bed", "room", "tent", "compound", "dormitory", "building", "school"}
_NOT_NOUNS = {"more", "less", "other", "new", "old", "many", "much", "few", "such", "same", "each", "every", "last",
              "next", "first", "second", "per", "than", "times", "own", "only", "so", "too", "very", "also"}


def _noun(word: str) -> bool:
    """A rough test that `word` can be what a number counts: not an adjective, adverb or verb form."""
    w = word.lower().strip(".,")
    if w in _NOT_NOUNS or not w.isalpha() and "-" not in w:
        return False
    return not (w.endswith(("ed", "ing", "ly", "ful", "ous", "ive", "able", "ible")) and w not in
                ("seed", "feed", "bed", "shed", "hundred", "building", "meeting", "hearing", "ruling", "family",
                 "reply", "supply", "ally", "wedding", "killing", "shooting", "filing", "sibling"))


def _plural(word: str) -> str:
    w = word.lower()
    if w in ("person",):
        return "people"
    if w.endswith("s"):
        return word
    if w.endswith("y") and w[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


_SPEAKER_WORDS = (r"court|courts|judge|judges|justice|justices|panel|department|ministry|government|administration|"
                  r"agency|police|prosecutors|officials?|spokes(?:man|woman|person)|company|office|white house|"
                  r"embassy|army|military|council|commission|campaign|group|union")
_SPEECH_VERBS = (r"said|says|told|stated|argued|wrote|announced|claimed|alleged|insisted|warned|noted|added|"
                 r"contended|maintained|acknowledged|confirmed|denied|asserted|countered|responded|replied")
_RULING_VERBS = (r"ruled|rules|ordered|orders|blocked|blocks|halted|halts|granted|grants|denied|upheld|struck down|"
                 r"dismissed|sentenced|enjoined|paused|vacated|rejected|allowed|issued|temporarily blocked|"
                 r"pushed back|extended|stayed|reversed|overturned")
_SUBJECT = (rf"(?P<subject>(?:the\s+)?(?:[A-Z][\w.'\u2019-]*\s+){{0,4}}(?:{_SPEAKER_WORDS})\b|"
            rf"(?:[A-Z][\w.'\u2019-]*)(?:\s+[A-Z][\w.'\u2019-]*){{0,3}})")
_SAID = re.compile(rf"{_SUBJECT},?\s+(?:also\s+|has\s+|had\s+|previously\s+)?(?P<verb>{_SPEECH_VERBS})\b"
                   rf"|(?P<verb2>{_SPEECH_VERBS})\s+(?P<subject2>(?:the\s+)?(?:[A-Z][\w.'\u2019-]*\s+){{0,4}}"
                   rf"(?:{_SPEAKER_WORDS})\b|[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){{0,3}})", re.IGNORECASE)
_RULED = re.compile(rf"{_SUBJECT},?\s+(?:\w+\s+)?(?:had\s+|has\s+)?(?:already\s+)?(?P<verb>{_RULING_VERBS})\b",
                    re.IGNORECASE)
_COURTISH = re.compile(r"\b(?:court|courts|judge|judges|justice|justices|panel|circuit|tribunal)\b", re.IGNORECASE)


def main_action(sentence: str, language: str = "en") -> tuple[str | None, str | None]:
    """('court', subject) when a court or judge rules or orders; ('speech', speaker) when someone says
    something; (None, None) otherwise. The subject is the words before the verb ('the court', 'Noem',
    'the Justice Department')."""
    if _spanish(language):
        return spanish_mentions.main_action(sentence)
    for m in _RULED.finditer(sentence):
        subject = _clean_subject(m["subject"])
        if subject and _COURTISH.search(subject):
            return "court", subject
    for m in _SAID.finditer(sentence):
        subject = _clean_subject(m["subject"] or m["subject2"] or "")
        if subject and subject.lower() not in ("he", "she", "they", "it", "we", "i"):
            return ("court" if _COURTISH.search(subject) and not m["verb2"] and
                    re.search(_RULING_VERBS, sentence) else "speech"), subject
    return None, None


def _clean_subject(subject: str) -> str | None:
    words = subject.split()
    while words and words[0] in ("In", "On", "But", "And", "When", "If", "This", "That", "Also", "However,"):
        words = words[1:]
    if words and _DAY_WORD.fullmatch(words[0]):
        return None
    return " ".join(words) or None


def quotations(sentence: str, language: str = "en") -> list[Quotation]:
    """Quoted passages with at least three words, each with the likely speaker named near it."""
    if _spanish(language):
        return [Quotation(*found) for found in spanish_mentions.quotations(sentence)]
    out = []
    matches = [m for m in _QUOTATION.finditer(sentence) if len(m.group(1).split()) >= 3]
    outside = sentence
    for m in matches:
        outside = outside[:m.start()] + " " * (m.end() - m.start()) + outside[m.end():]
    for m in matches:
        out.append(Quotation(m.group(1).strip(), m.start(1), m.end(1),
                             speaker_near(outside[:m.start()], outside[m.end():])))
    return out


def speaker_near(before: str, after: str, language: str = "en") -> str | None:
    """The name next to a speech verb ('..., said Enrique Anaya', 'Lee said: ...'), or None.

    The words right after the quotation come first, then the nearest words before it."""
    if _spanish(language):
        return spanish_mentions.speaker_near(before, after)
    after = after[:120]
    for pattern in _SPEAKER_AFTER:
        m = pattern.search(after)
        if m:
            return _tidy(m.group(1))
    found = [m for pattern in _SPEAKER_PATTERNS for m in pattern.finditer(before)]
    if found:
        return _tidy(max(found, key=lambda m: m.end()).group(1))
    return None


def _tidy(name: str) -> str | None:
    words = name.split()
    if _DAY_WORD.fullmatch(words[0]):
        return None
    while words and words[0] in ("The", "A", "An", "In", "On", "But", "And", "When", "If", "This", "That"):
        words = words[1:]
    return " ".join(words) or None


def court_words(sentence: str, language: str = "en") -> list[str]:
    """The court words in `sentence`, lowercased, each once, in order."""
    seen: list[str] = []
    for m in (spanish_mentions.COURT_WORDS if _spanish(language) else COURT_WORDS).finditer(sentence):
        word = m.group(0).lower()
        if word not in seen:
            seen.append(word)
    return seen


_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u2032`]")
# U.S., U.N., D.C.: \b(?:[A-Za-z]\.){2,} less its first letter, matched from the dot after it (the lookbehind then
# checks that letter and the word boundary before it). A pattern starting with '.' is searched by jumping from dot
# to dot; one starting with \b is tried at every character (20 times slower on news copy).
_ACRONYM = re.compile(r"\.(?<=\b[A-Za-z]\.)(?:[A-Za-z]\.)+")
_POSSESSIVE = re.compile(r"(?<=\w)'(?:s\b|(?=\W|$))")  # Noem's, the families'
# What folding changes in a text that is not all ASCII: a character beyond ASCII, and the backtick (an apostrophe).
_NOT_PLAIN = re.compile(r"[^\x00-\x5f\x61-\x7f]")


def folded(text: str) -> str:
    """Text as names are compared: without accents, typographic apostrophes made straight, "U.S." as "US",
    without possessives ("Noem's": "Noem"), with single spaces; the case is kept (see `_named`)."""
    if not text.isascii():
        text = _NOT_PLAIN.sub(_plain, text)
    text = _ACRONYM.sub(lambda m: m[0].replace(".", ""), text)
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    if "  " in text or text[:1] == " " or text[-1:] == " " or not text.isprintable():
        text = " ".join(text.split())  # else its only spaces are single " " between words (" " alone is printable)
    return text


def _plain(m: re.Match[str]) -> str:
    return _plain_char(m[0])


@functools.lru_cache(maxsize=None)
def _plain_char(c: str) -> str:
    """One character as `folded` reads it: its NFKD form without combining marks (accents), a typographic
    apostrophe made straight. Folding character by character gives what folding the whole text at once
    does: NFKD decomposes each character alone, and only reorders the combining marks this drops."""
    plain = "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d))
    return _APOSTROPHES.sub("'", plain)


def match_entity(name: str | None, entities: Mapping[str, Entity]) -> str | None:
    """The id of the entity `name` names: its full name or an alias, a person's surname or first name, or for a generic
    name ('the court', 'the Justice Department') the one entity whose name holds those words (a court for
    'the court'); None when none or several match."""
    if not name:
        return None
    name = re.sub(r"^the\s+", "", folded(name.strip()), flags=re.IGNORECASE).casefold()
    exact = [k for k, e in entities.items() if any(folded(n).casefold() in (name, "the " + name)
                                                   for n in (e.get("name") or "", *e.get("aliases", ())))]
    if len(exact) == 1:
        return exact[0]
    partial = [k for k, e in entities.items()
               if e.get("type") == "person" and name in (e.get("name") or "").casefold().split()]
    if len(partial) == 1:
        return partial[0]
    words = [w for w in re.findall(r"[\w'.-]+", name) if len(w) >= 3]
    if not words:
        return None
    if words == ["court"] or words[-1] in ("court", "judge"):
        courts = [k for k, e in entities.items() if e.get("type") == "court"]
        return courts[0] if len(courts) == 1 else None
    holding = [k for k, e in entities.items() if all(w in (e.get("name") or "").casefold() for w in words)]
    return holding[0] if len(holding) == 1 else None
