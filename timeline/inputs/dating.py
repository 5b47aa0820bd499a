"""A fact's date: `date:` read, `when:` resolved against its source's publication date, the guard
against dates after publication, and what the fact's own sources imply about its date (date
conflicts: a relative phrase in a quote, or the article's own time stamp, giving another date)."""
from __future__ import annotations

import dataclasses
import datetime
import re
import sys
from collections.abc import Iterable, Mapping

from timeline.core import yamlfile
from timeline.core.validate import Checker
from timeline.errors import DateError
from timeline.records import Citation, Fact, Row, Source, base_language, sentence_position
from timeline.text import dates, mentions, periods, quotes

# Matched at each sentence's start, in place (match(text, start, end)): not a copy of every sentence of every article.
_STAMP = re.compile(r"\s*(?:Update[d]?|Published|Posted|Last updated)\s*:?\s*"
                    r"(?:(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})|(\w+\.? \d{1,2},? \d{4})|(\d{4}-\d{2}-\d{2}))", re.I)

# The characters _STAMP can begin with after its spaces: the first letters of its words in either case
# (under IGNORECASE no other character matches one of them; a test tries every character).
_STAMP_FIRST = frozenset("UuPpLl")

_RELATIVE_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tonight",
                   "yesterday", "tomorrow", "ago", "this", "last", "next", "earlier", "later")
_RELATIVE = re.compile(r"\b(?:" + "|".join(_RELATIVE_WORDS) + r")\b", re.I)
# A quote that holds none of _RELATIVE_WORDS, even inside other words, has no relative phrase.
# Spanish: the same, in Spanish ('rcoles' is in 'miércoles' with or without its accent, 'bado' in 'sábado').
_SPANISH_RELATIVE_WORDS = ("lunes", "martes", "rcoles", "jueves", "viernes", "bado", "domingo", "hoy", "ayer", "anoche",
                           "hace", "pasad", "xim", "este", "esta", "que viene", "dentro de")
_SPANISH_RELATIVE = re.compile(r"\b(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|hoy|ayer|anoche|"
                               r"anteayer|ma[nñ]ana|hace|pasad[oa]|pr[oó]xim[oa]|est[ea]|que viene|dentro de)\b", re.I)

Stamp = tuple[datetime.date, str]  # (date, text) of an article's own time stamp
# ({source id: its stamp}, {(source id, sentence start): its date phrases}): what fact_date_conflicts keeps
Seen = tuple[dict[str, Stamp | None], dict[tuple[str, int], list[mentions.DatePhrase]]]


def stamp(source: Source) -> Stamp | None:
    """(date, text) of the article's own time stamp ('Update: 3/25/25, 7:50 p.m. ET'), or None."""
    article = source.text
    for _, start, end in source.sentences:
        if start >= end or (article[start] not in _STAMP_FIRST and not article[start].isspace()):
            continue  # (a sentence that cannot match: most are never given to the pattern)
        m = _STAMP.match(article, start, end)
        if not m:
            continue
        text = article[start:end]
        try:
            if m.group(1):
                year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
                day = datetime.date(year, int(m.group(1)), int(m.group(2)))
            elif m.group(4):
                day = dates.resolve_phrase(m.group(4), source.published_date or "2000-01-01").start
            else:
                day = datetime.date.fromisoformat(m.group(5))
        except (ValueError, DateError):
            continue
        if not periods.in_range(day):
            continue  # 'Updated: 1/2/5025' is a typo, not a date
        return day, text
    return None


def date_conflicts(facts: Iterable[Fact], sources: Mapping[str, Source]) -> list[Row]:
    """[row]: a cited source whose own words put a dated fact on another date.

    kind 'phrase': a date phrase inside the quote resolves (against that source's publication date)
    to a period that does not overlap the fact's date. kind 'stamp': the article's own time stamp
    differs from its publication date, and the fact's phrase resolved against the stamp gives
    another date than the fact has (or the article reports events dated after its stamp).
    A fact checked in this build holds its rows already ("date_conflicts_found": worked out with its
    file's checks, in whichever process checked it); one taken from the build cache has them worked
    out here."""
    out: list[Row] = []
    seen: Seen = ({}, {})
    for f in sorted(facts, key=lambda f: f["id"]):
        found = f.get("date_conflicts_found")
        out += fact_date_conflicts(f, sources, seen) if found is None else found
    return out


def fact_date_conflicts(f: Fact, sources: Mapping[str, Source], seen: Seen | None = None) -> list[Row]:
    """The date_conflicts rows of one fact. `seen`: ({source id: stamp}, {(source id, sentence start):
    date phrases}), kept from fact to fact: many facts cite the same articles and sentences."""
    stamps, phrases = seen if seen is not None else ({}, {})
    out: list[Row] = []
    if not f["date_start"]:
        return out
    reported: set[tuple[str, str]] = set()
    for cite in f["citations"]:
        source = sources[cite["source_id"]]
        if source.published_date is None:
            continue
        spanish = base_language(source.language) == "es"
        if not dates.may_contain(source.text, _SPANISH_RELATIVE_WORDS if spanish else _RELATIVE_WORDS, cite["start"],
                                 cite["end"]):
            continue  # no phrase inside this quote can be relative: skip looking for date phrases
        sentence = _sentence(source, cite)
        key = (source.id, sentence[1])
        if key not in phrases:
            assert source.published is not None  # its published_date was read from it
            phrases[key] = mentions.date_phrases(sentence[0], source.published, source.id, language=source.language)
        for phrase in phrases[key]:
            if not (sentence[1] + phrase.start >= cite["start"] and sentence[1] + phrase.end <= cite["end"]):
                continue
            r = phrase.resolved
            if not (_SPANISH_RELATIVE if spanish else _RELATIVE).search(phrase.text) or \
                    dates.PRECISIONS.index(r.precision) < dates.PRECISIONS.index(f["date_precision"]):
                continue  # an absolute date, or a finer one: it dates something else in the quote
            assert f["date_end"] is not None  # set with date_start
            if r.start.isoformat() <= f["date_end"] and f["date_start"] <= r.end.isoformat():
                continue
            phrase_key = (source.id, phrase.text.lower())
            if phrase_key not in reported:
                reported.add(phrase_key)
                out.append(_date_row(f, source.id, "phrase", phrase.text, r.start, r.end, r.basis))
    for sid in sorted({c["source_id"] for c in f["citations"]}):
        source = sources[sid]
        if sid not in stamps:
            stamps[sid] = stamp(source)
        found = stamps[sid]
        if not found or source.published_date is None or found[0] == source.published_date:
            continue
        day, text = found
        if f["date_text"] and (f.get("when_source") or f["citations"][0]["source_id"]) == sid:
            cite = next(c for c in f["citations"] if c["source_id"] == sid)
            try:
                r = dates.resolve_phrase(f["date_text"], day.isoformat(), source_id=f"{sid} (by its stamp)",
                                         context=_sentence(source, cite)[0], language=base_language(source.language))
            except DateError:
                continue
            if (r.start.isoformat(), r.end.isoformat()) != (f["date_start"], f["date_end"]):
                out.append(_date_row(f, sid, "stamp", text, r.start, r.end,
                                     f"the article's stamp '{text}' says {day.isoformat()}, its recorded"
                                     f" publication date is {source.published_date.isoformat()}: {r.basis}"))
        elif f["date_start"] > day.isoformat():
            out.append(_date_row(f, sid, "stamp", text, day, day,
                                 f"the article's stamp '{text}' ({day.isoformat()}) is earlier than the"
                                 f" fact it reports ({f['date_label']})"))
    return out


def _date_row(f: Fact, sid: str, kind: str, text: str, start: datetime.date, end: datetime.date, basis: str) -> Row:
    return {"fact_id": f["id"], "source_id": sid, "kind": kind, "text": text, "implied_start": start.isoformat(),
            "implied_end": end.isoformat(), "fact_date_start": f["date_start"], "fact_date_end": f["date_end"],
            "basis": basis}


def _sentence(source: Source, cite: Citation) -> tuple[str, int]:
    """(text, start) of the sentence the citation starts in."""
    position = sentence_position(cite["sentence_id"])
    _, start, end = source.sentences[position - 1]
    return source.text[start:end], start


def date_fact(fact: Fact, item: yamlfile.Mapping, text: dict[str, str | None], checker: Checker,
              sources: Mapping[str, Source], label: str) -> bool:
    """Fill date_start, date_end, date_precision, date_qualifier, date_edtf, date_text, date_basis and
    date_label; False on a problem. A reading of `when:` that was a guess adds a warning to the fact's
    `warnings` ([line, code, message]), which `direction:` or an explicit `date:` settles."""
    fact.update({"date_start": None, "date_end": None, "date_precision": None, "date_qualifier": None,
                 "date_edtf": None, "date_text": None, "date_basis": None, "date_label": None})
    given = None
    if text["date"] is not None:
        try:
            given = dates.parse_date(text["date"])
        except DateError as e:
            checker.add(item.line_of("date"), "bad-date", f"{label}: date: {e}")
            return False
    resolved = given
    read_ahead = False  # the date comes from when: read as pointing ahead from its source
    if text["when"] is not None:
        sid = text["when_source"] or fact["citations"][0]["source_id"]
        if sid not in {c["source_id"] for c in fact["citations"]}:
            cited = ", ".join(dict.fromkeys(c["source_id"] for c in fact["citations"]))
            checker.add(item.line_of("when_source"), "unknown-source",
                      f"{label}: when_source '{sid}' is not one of this fact's sources: use one of this fact's"
                      f" sources: {cited}")
            return False
        source = sources[sid]
        if source.published_date is None and source.published:
            return False  # sources.yaml gives a date that cannot be read: reported there, once
        if source.published_date is None:
            checker.add(item.line_of("when"), "bad-date",
                      f"{label}: when: '{text['when']}' needs the publication date of '{sid}', which sources.yaml"
                      " does not give: add published there, or use date: instead")
            return False
        cite = next(c for c in fact["citations"] if c["source_id"] == sid)
        context = _sentence_text(source, cite)
        try:
            resolved = dates.resolve_phrase(text["when"], source.published_date, direction=text["direction"],
                                            context=context, source_id=sid, language=base_language(source.language))
            if given is not None and resolved.alternative and not _agrees(given, resolved):
                first, last, precision = resolved.alternative
                other = dataclasses.replace(resolved, start=first, end=last, precision=precision, time=None,
                                            guess=None, alternative=None,
                                            basis=f"{resolved.basis}; date: {text['date']} takes the other reading,"
                                                  f" {dates.date_label(first, precision, last)}")
                if _agrees(given, other):  # date: settles the guess, the other way
                    resolved = other
        except DateError as e:
            checker.add(item.line_of("when"), "bad-date", f"{label}: when: {e}")
            return False
        if not _said_in(text["when"], source, cite):
            start, end = _sentences_of(source, cite)
            checker.add(item.line_of("when"), "when-not-in-sentence",
                      f"{label}: when: '{text['when']}' is not in the sentence it is read from (in '{sid}':"
                      f" {quotes.quoted(source.text[start:end])}): copy the date phrase as the sentence says it,"
                      " cite the sentence that says it (when_source: names which source), or use date: instead")
            return False
        fact["date_text"] = text["when"]
        fact["when_source"] = sid
        read_ahead = resolved.start > source.published_date
        if given is not None:
            if not _agrees(given, resolved):
                checker.add(item.line_of("date"), "date-mismatch",
                          f"{label}: date: {text['date']} ({given.start}..{given.end}) does not agree with"
                          f" when: {resolved.basis}: correct one of them")
                return False
            ranged = given.end > resolved.end and periods.whole_period(given.start, given.precision) \
                != (given.start, given.end)  # 'Wednesday' with date: 2025-03-26/2025-03-28
            if dates.PRECISIONS.index(given.precision) < dates.PRECISIONS.index(resolved.precision) \
                    or ranged or given.qualifier:
                resolved = dates.Resolved(given.start, given.end, given.precision, resolved.basis, given.qualifier,
                                          given.time)
        elif resolved.guess and text["direction"] is None:
            fact.setdefault("warnings", []).append(
                [item.line_of("when"), "date-guessed", f"{label}: when: {resolved.guess}"])
    if resolved is None:
        return True
    # Many facts share a date, a kind, a source, an entity: one string object each (less memory at 100k facts).
    fact.update({"date_start": sys.intern(resolved.start.isoformat()), "date_end": sys.intern(resolved.end.isoformat()),
                 "date_precision": resolved.precision, "date_qualifier": resolved.qualifier,
                 "date_edtf": sys.intern(resolved.edtf), "date_basis": resolved.basis or None,
                 "date_label": sys.intern(resolved.label)})
    if text["direction"] == "future" or resolved.qualifier == "before":
        return True
    for cite in fact["citations"]:
        source = sources[cite["source_id"]]
        if source.published_date is None or resolved.start <= source.published_date:
            continue
        if read_ahead and source.id == fact.get("when_source"):
            continue  # when: was read as pointing ahead in this very sentence (a guess is warned about)
        way, words = _reported_direction(resolved, source, cite)
        if way == "future":
            continue
        why = f"'{words}' in its clause says it is past" if words else "nothing in the sentence says it lies ahead"
        checker.add(item.line_of("date") if "date" in item else item.line_of("when"), "date-after-source",
                  f"{label}: dated {fact['date_label']}, after '{source.id}' was published"
                  f" ({source.published_date}), yet {why}: check the date, or add direction: future if it was"
                  " announced ahead")
        return False
    return True


def _agrees(given: dates.Resolved, resolved: dates.Resolved) -> bool:
    """True when date: and the date when: gives can both be right: date: starts within when:'s period and
    is no longer than it, unless it is a range starting there ('Wednesday' and 2025-03-26/2025-03-28)."""
    if not resolved.start <= given.start <= resolved.end:
        return False
    return given.end <= resolved.end or given.precision == resolved.precision or given.start != given.end


def _reported_direction(resolved: dates.Resolved, source: Source, cite: Citation) -> tuple[str | None, str]:
    """('past' | 'future' | None, the deciding words) for a date as the citing sentence reports it: the
    clause of the date phrase in it that gives this date (timeline.text.tense); with no such phrase, any
    future marker in the sentence ('will', 'scheduled to') counts, as there is nothing nearer to read."""
    sentence, _ = _sentence(source, cite)
    assert source.published is not None  # its published_date was read from it
    language = base_language(source.language)
    for phrase in mentions.date_phrases(sentence, source.published, source.id, language=language):
        r = phrase.resolved
        if r.start <= resolved.end and resolved.start <= r.end:
            return dates.clause_direction(sentence, phrase.start, phrase.end, language)
    for phrase in mentions.date_phrases(sentence, source.published, source.id, direction="future", language=language):
        r = phrase.resolved
        if r.start <= resolved.end and resolved.start <= r.end:
            return dates.clause_direction(sentence, phrase.start, phrase.end, language)
    found = dates.future_marker(sentence, language)
    return ("future", found) if found else (None, "")


def _sentences_of(source: Source, cite: Citation) -> tuple[int, int]:
    """(start, end) of the sentences a citation touches, from the first one's start to the last one's end."""
    first = source.sentences[sentence_position(cite["sentence_id"]) - 1]
    last = source.sentences[source.sentence_at(cite["end"] - 1) - 1]
    return first[1], max(last[2], cite["end"])


def _said_in(phrase: str, source: Source, cite: Citation) -> bool:
    """True when the date phrase is written in the sentences the citation touches (ignoring case and
    typographic variants; a leading 'on', 'in', 'since'... may be the curator's own)."""
    start, end = _sentences_of(source, cite)
    sentence = source.text[start:end]
    phrase = phrase.strip()
    shorter = dates.without_preposition(phrase, base_language(source.language))
    return any(quotes.occurrences(sentence, p, flags=re.IGNORECASE) for p in dict.fromkeys((phrase, shorter)) if p)


def _sentence_text(source: Source, cite: Citation) -> str:
    _, start, end = source.sentences[sentence_position(cite["sentence_id"]) - 1]
    return source.text[start:max(end, cite["end"])]
