"""Candidate facts from sentences no fact cites yet, as YAML skeletons for a curator to paste.

Nothing here writes a fact: curation stays human. Sentences set aside in facts/set-aside.yaml
(entries with `source` and `quote`) are skipped.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from timeline.core.validate import slug
from timeline.records import Source
from timeline.text import dates, mentions

if TYPE_CHECKING:
    from timeline.inputs.story import Inputs


@dataclass
class Candidate:
    sentence_id: str
    sentence: str
    kind: str
    source_id: str
    why: str
    value: float | None = None
    qualifier: str | None = None
    unit: str | None = None
    per: str | None = None
    attributed_to: str | None = None
    speaker: str | None = None
    phrases: list[mentions.DatePhrase] = field(default_factory=list)
    language: str = "en"  # the source's: a Spanish sentence's date phrases are told apart in Spanish


def uncited_sentences(inputs: Inputs, source_id: str | None = None) -> list[tuple[Source, int, int, int]]:
    """[(source, position, start, end)] of sentences no citation touches and none set aside."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in [c for f in inputs.facts for c in f["citations"]] + list(getattr(inputs, "set_aside", [])):
        spans.setdefault(c["source_id"], []).append((c["start"], c["end"]))
    out: list[tuple[Source, int, int, int]] = []
    for sid in sorted(inputs.sources):
        if source_id and sid != source_id:
            continue
        source = inputs.sources[sid]
        for n, (_, start, end) in enumerate(source.sentences, start=1):
            if any(s < end and start < e for s, e in spans.get(sid, [])):
                continue
            out.append((source, n, start, end))
    return out


def candidates(inputs: Inputs, source_id: str | None = None) -> list[Candidate]:
    """Every candidate fact in the uncited sentences of one source (or all), in sentence order.

    The kind comes from the sentence's main verb and its subject: a quotation is a statement; a court
    or judge that rules or orders is a court action; someone who says something without quotation
    marks ('the Justice Department said the order...') makes a claim, attributed to them; a number
    with what it counts is a figure; a date alone, an event."""
    out: list[Candidate] = []
    for source, n, start, end in uncited_sentences(inputs, source_id):
        text = source.text[start:end]
        sid = f"{source.id}:{n}"
        language = source.language
        phrases = mentions.date_phrases(text, source.published, source.id, language=language) \
            if source.published_date and source.published else []  # (published_date is read from published)
        skip = [(p.start, p.end) for p in phrases]
        action, subject = mentions.main_action(text, language)
        found: list[Candidate] = []
        for q in mentions.quotations(text, language):
            speaker = q.speaker or (subject if action == "speech" else None)
            entity = mentions.match_entity(speaker, inputs.entities)
            found.append(Candidate(sid, text, "statement", source.id, f"quotation: \u201c{_short(q.text)}\u201d",
                                   attributed_to=entity, speaker=speaker))
        for num in mentions.numbers(text, skip=skip, language=language):
            found.append(Candidate(sid, text, "figure", source.id, f"number: {num.text} {num.unit}",
                                   value=num.value, qualifier=num.qualifier, unit=num.unit, per=num.per))
        if not found and action == "court":
            found.append(Candidate(sid, text, "court_action", source.id, f"{subject} rules or orders"))
        elif not found and action == "speech":
            found.append(Candidate(sid, text, "claim", source.id, f"{subject} says so",
                                   attributed_to=mentions.match_entity(subject, inputs.entities), speaker=subject))
        words = mentions.court_words(text, language)
        if words and not found:
            found.append(Candidate(sid, text, "event", source.id, "court words: " + ", ".join(words)))
        if phrases and not found:
            found.append(Candidate(sid, text, "event", source.id, "date phrase"))
        for c in found:
            c.phrases, c.language = phrases, language
        out += found
    return out


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _date_field(resolved: dates.Resolved) -> str | None:
    """The date: value for a resolved phrase: its EDTF form (2025-03-26, 2025-03, 2025-33, 1990~...)."""
    return resolved.edtf


# '... había llegado', 'ya': the act before the day named (Spanish)
_PLUPERFECT_ES = re.compile(r"\bhab[ií]an?\s+(?:ya\s+)?\w+(?:ado|ido|to|cho|so)\b|\bya\b", re.IGNORECASE)
_PLUPERFECT = re.compile(r"\bhad\s+(?:already\s+|previously\s+|earlier\s+)?(?:been\s+)?\w+(?:ed|en|wn|t)\b|\balready\b",
                         re.IGNORECASE)


def _unjustified(c: Candidate) -> str | None:
    """Why no date can be proposed for the candidate's sentence, or None when its first phrase dates it."""
    pluperfect = _PLUPERFECT_ES if c.language.split("-")[0].lower() == "es" else _PLUPERFECT
    possessive = mentions.possessive_dates(c.sentence, c.language)
    if possessive:
        why = f"'{possessive[0]}' names the day of something else, not of what the sentence reports"
        if pluperfect.search(c.sentence):
            why += f"; '{pluperfect.search(c.sentence)[0]}' puts the act before it"  # type: ignore[index]
        return why + ": find the date in the article, or leave date: out"
    if not c.phrases:
        return None
    first = c.phrases[0].resolved
    if first.guess:
        return first.guess
    if pluperfect.search(c.sentence) and first.precision in ("day", "time"):
        return (f"'{pluperfect.search(c.sentence)[0]}' puts the act before {first.label}: find its own"  # type: ignore[index]
                " date in the article, or leave date: out")
    return None


def to_yaml(c: Candidate) -> str:
    """A ready-to-paste YAML skeleton for one candidate (comments say what was found)."""
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 - a JSON string is a YAML double-quoted scalar
    position = c.sentence_id.rsplit(":", 1)[1]
    extra = slug(str(c.value) + "-" + (c.unit or "")) if c.kind == "figure" else c.kind.replace("_", "-")
    lines = [f"# {c.sentence_id}: {c.why}",
             f"- id: {slug(c.source_id)}-{position}-{extra}",
             f"  kind: {c.kind}",
             f"  title: {q('TODO: say the fact in one sentence')}"]
    unjustified = _unjustified(c)
    for i, p in enumerate(c.phrases):
        if i == 0 and unjustified:
            lines.append(f"  date: TODO  # {unjustified}")
            lines.append(f"  # the sentence says {q(p.text)}: {p.resolved.basis}")
        elif i == 0:
            date = _date_field(p.resolved)
            lines.append(f"  when: {q(p.text)}")
            if date:
                lines.append(f"  date: {q(date)}")
            lines.append(f"  # {p.resolved.basis}")
        else:
            lines.append(f"  # also: {q(p.text)} -> {p.resolved.label}")
    if not c.phrases and unjustified:
        lines.append(f"  date: TODO  # {unjustified}")
    if c.kind == "figure":
        lines += [f"  value: {c.value}", f"  qualifier: {c.qualifier}", f"  unit: {q(c.unit)}"]
        if c.per:
            lines.append(f"  per: {c.per}")
    if c.kind in ("statement", "claim"):
        if c.attributed_to:
            lines.append(f"  attributed_to: {c.attributed_to}")
        else:
            who = f" ('{c.speaker}' is not in entities.yaml)" if c.speaker else ""
            lines.append(f"  attributed_to: TODO  # who said it{who}: an entity id")
    lines += ["  sources:", f"    - source: {c.source_id}", f"      quote: {q(c.sentence)}"]
    return "\n".join(lines)
