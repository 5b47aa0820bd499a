"""Facts that disagree: same topic, different value, unit, qualifier or date; sources that imply
different dates; and the curator's resolutions (facts/resolutions.yaml).
"""
import datetime
import itertools
import os
import re

from . import dates, mentions
from .facts import RESOLUTIONS_FILE, read_yaml, repo_path
from .validate import Checker

RESOLUTION_KEYS = ("topic", "stands", "reason")

# Units compared after normalising: case, plural, currency names and symbols, rates to per year.
_CURRENCY_WORDS = {"$": "USD", "dollar": "USD", "us dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR",
                   "\u20ac": "EUR", "pound": "GBP", "gbp": "GBP", "\u00a3": "GBP"}
_PER_YEAR = {"day": 365, "week": 52, "month": 12, "year": 1, None: 1}
_STAMP = re.compile(r"^\s*(?:Update[d]?|Published|Posted|Last updated)\s*:?\s*"
                    r"(?:(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})|(\w+\.? \d{1,2},? \d{4})|(\d{4}-\d{2}-\d{2}))", re.I)


_RELATIVE_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tonight",
                   "yesterday", "tomorrow", "ago", "this", "last", "next", "earlier", "later")
_RELATIVE = re.compile(r"\b(?:" + "|".join(_RELATIVE_WORDS) + r")\b", re.I)
# A quote that holds none of _RELATIVE_WORDS, even inside other words, has no relative phrase.


def load_resolutions(facts_dir, facts, relative_to=None):
    """([resolution dict], [Problem]) from facts/resolutions.yaml, checked against the facts."""
    path = os.path.join(facts_dir, RESOLUTIONS_FILE)
    if not os.path.exists(path):
        return [], []
    shown = os.path.relpath(path, relative_to or os.getcwd())
    check = Checker(shown)
    data = read_yaml(path, shown, check) or []
    by_id = {f["id"]: f for f in facts}
    topics = {f["topic"] for f in facts if f["topic"]}
    out, seen = [], {}
    for item, line in zip(data, getattr(data, "lines", [])):
        if not hasattr(item, "line_of"):
            check.add(line, "not-a-mapping", "each resolution is a mapping with keys " + ", ".join(RESOLUTION_KEYS))
            continue
        check.keys(item, RESOLUTION_KEYS, RESOLUTION_KEYS, "resolution")
        topic, stands, reason = (check.text(item, k) for k in RESOLUTION_KEYS)
        if not (topic and stands and reason):
            continue
        if topic not in topics:
            check.add(item.line_of("topic"), "unknown-topic",
                      f"topic '{topic}' is not the topic of any fact: check the spelling (topics are set by"
                      " 'topic:' in the fact files)")
            continue
        if stands not in by_id:
            check.add(item.line_of("stands"), "unknown-fact",
                      f"resolution of '{topic}': stands '{stands}' is not a fact id: name the fact whose value stands")
            continue
        if by_id[stands]["topic"] != topic:
            check.add(item.line_of("stands"), "bad-value",
                      f"resolution of '{topic}': fact '{stands}' has topic '{by_id[stands]['topic']}', not"
                      f" '{topic}': name one of that topic's facts")
            continue
        if topic in seen:
            check.add(item.line_of("topic"), "duplicate-id",
                      f"topic '{topic}' is already resolved on line {seen[topic]}: keep one resolution per topic")
            continue
        seen[topic] = item.line
        out.append({"topic": topic, "stands": stands, "reason": reason.strip(), "file": repo_path(os.path.join(facts_dir, RESOLUTIONS_FILE), facts_dir),
                    "line": item.line})
    return out, check.problems


def normal_unit(unit):
    """'Dollars' -> 'USD', 'inmates' -> 'inmate', 'men per cell' -> 'man per cell'."""
    if unit is None:
        return None
    text = " ".join(unit.casefold().split())
    words = text.split()
    if words:
        last = words[0]
        words[0] = ("man" if last == "men" else "woman" if last == "women" else "person" if last == "people"
                    else last[:-3] + "y" if last.endswith("ies") else last[:-1]
                    if last.endswith("s") and not last.endswith("ss") else last)
    text = " ".join(words)
    return _CURRENCY_WORDS.get(text, text.upper() if re.fullmatch(r"[a-z]{3}", text) and text.upper()
                               in ("USD", "EUR", "GBP", "JPY") else text)


def normal_value(fact):
    """The value per year when the figure is a rate, else the value."""
    if fact["value"] is None:
        return None
    return float(fact["value"]) * _PER_YEAR.get(fact["value_per"], 1)


def pairs_involving(items, involving, fact_id):
    """The pairs of itertools.combinations(items, 2), in its order; with `involving` (a set of fact ids),
    only the pairs where at least one item's fact_id(item) is in it, found without trying the others."""
    if involving is None:
        yield from itertools.combinations(items, 2)
        return
    marked = [n for n, item in enumerate(items) if fact_id(item) in involving]
    for n, a in enumerate(items):
        if fact_id(a) in involving:
            for b in items[n + 1:]:
                yield a, b
        else:
            for m in marked:
                if m > n:
                    yield a, items[m]


def disagreements(facts):
    """[row]: one per fact per field of its topic on which the topic's facts disagree.

    Facts of a topic disagree on `unit` when its figures count different things (after normalising),
    on `value` when figures of the same unit give different numbers (rates compared per year), on
    `qualifier` when its figures say exact, about, up to... differently, and on `date` when a fact's
    period does not overlap every other dated fact's. Each row holds the fact's own value of that field
    and how many different values the facts it is compared with give, so a topic of n facts has at most
    4n rows (one row per pair of facts would be n(n-1)/2 for each field)."""
    by_topic = {}
    for f in sorted(facts, key=lambda f: f["id"]):
        if f["topic"]:
            by_topic.setdefault(f["topic"], []).append(f)
    out = []
    for topic, group in sorted(by_topic.items()):
        figures = [f for f in group if f["kind"] == "figure"]
        by_unit = {}
        for f in figures:
            by_unit.setdefault(normal_unit(f["unit"]), []).append(f)
        if len(by_unit) > 1:
            out += [_row(topic, "unit", f, _unit(f), len(by_unit)) for f in figures]
        for same_unit in by_unit.values():
            values = {normal_value(f) for f in same_unit}
            if len(values) > 1:
                out += [_row(topic, "value", f, _value(f), len(values)) for f in same_unit]
        qualifiers = {f["value_qualifier"] for f in figures}
        if len(qualifiers) > 1:
            out += [_row(topic, "qualifier", f, f["value_qualifier"], len(qualifiers)) for f in figures]
        dated = [f for f in group if f["date_start"]]
        if dated:
            # A fact's period misses another's when that one ends before it starts or starts after it ends
            # (never itself: a period starts on or before its end).
            first_end = min(f["date_end"] for f in dated)
            last_start = max(f["date_start"] for f in dated)
            periods = len({(f["date_start"], f["date_end"]) for f in dated})
            out += [_row(topic, "date", f, f["date_label"], periods) for f in dated
                    if first_end < f["date_start"] or last_start > f["date_end"]]
    return sorted(out, key=lambda r: (r["topic"], r["field"], r["fact_id"]))


def _row(topic, field, fact, value, n_values):
    return {"topic": topic, "field": field, "fact_id": fact["id"], "value": str(value), "n_values": n_values}


def _value(f):
    v = f["value"]
    text = f"{v:,}" if isinstance(v, int) else str(v)
    return f"{text} {f['unit']}" + (f" per {f['value_per']}" if f["value_per"] else "")


def _unit(f):
    return f"{f['unit']}" + (f" per {f['value_per']}" if f["value_per"] else "")


def stamp(source):
    """(date, text) of the article's own time stamp ('Update: 3/25/25, 7:50 p.m. ET'), or None."""
    for _, start, end in source.sentences:
        text = source.text[start:end]
        m = _STAMP.match(text)
        if not m:
            continue
        try:
            if m.group(1):
                year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
                day = datetime.date(year, int(m.group(1)), int(m.group(2)))
            elif m.group(4):
                day = dates.resolve_phrase(m.group(4), source.published_date or "2000-01-01").start
            else:
                day = datetime.date.fromisoformat(m.group(5))
        except (ValueError, dates.DateError):
            continue
        if not dates.in_range(day):
            continue  # 'Updated: 1/2/5025' is a typo, not a date
        return day, text
    return None


def date_conflicts(facts, sources):
    """[row]: a cited source whose own words put a dated fact on another date.

    kind 'phrase': a date phrase inside the quote resolves (against that source's publication date)
    to a period that does not overlap the fact's date. kind 'stamp': the article's own time stamp
    differs from its publication date, and the fact's phrase resolved against the stamp gives
    another date than the fact has (or the article reports events dated after its stamp).
    A fact checked in this build holds its rows already (FOUND: worked out with its file's checks,
    in whichever process checked it); one taken from the build cache has them worked out here."""
    out, seen = [], ({}, {})
    for f in sorted(facts, key=lambda f: f["id"]):
        found = f.get(FOUND)
        out += fact_date_conflicts(f, sources, seen) if found is None else found
    return out


FOUND = "_date_conflicts"  # the key of a checked fact that holds its date_conflicts rows (never cached)


def fact_date_conflicts(f, sources, seen=None):
    """The date_conflicts rows of one fact. `seen`: ({source id: stamp}, {(source id, sentence start):
    date phrases}), kept from fact to fact: many facts cite the same articles and sentences."""
    stamps, phrases = seen if seen is not None else ({}, {})
    out = []
    if not f["date_start"]:
        return out
    shown = set()
    for cite in f["citations"]:
        source = sources[cite["source_id"]]
        if source.published_date is None:
            continue
        if not dates.may_contain(source.text, _RELATIVE_WORDS, cite["start"], cite["end"]):
            continue  # no phrase inside this quote can be relative: skip looking for date phrases
        sentence = _sentence(source, cite)
        key = (source.id, sentence[1])
        if key not in phrases:
            phrases[key] = mentions.date_phrases(sentence[0], source.published, source.id)
        for phrase in phrases[key]:
            if not (sentence[1] + phrase.start >= cite["start"] and sentence[1] + phrase.end <= cite["end"]):
                continue
            r = phrase.resolved
            if not _RELATIVE.search(phrase.text) or \
                    dates.PRECISIONS.index(r.precision) < dates.PRECISIONS.index(f["date_precision"]):
                continue  # an absolute date, or a finer one: it dates something else in the quote
            if r.start.isoformat() <= f["date_end"] and f["date_start"] <= r.end.isoformat():
                continue
            key = (source.id, phrase.text.lower())
            if key not in shown:
                shown.add(key)
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
            try:
                r = dates.resolve_phrase(f["date_text"], day.isoformat(), source_id=f"{sid} (by its stamp)")
            except dates.DateError:
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


def _date_row(f, sid, kind, text, start, end, basis):
    return {"fact_id": f["id"], "source_id": sid, "kind": kind, "text": text, "implied_start": start.isoformat(),
            "implied_end": end.isoformat(), "fact_date_start": f["date_start"], "fact_date_end": f["date_end"],
            "basis": basis}


def _sentence(source, cite):
    """(text, start) of the sentence the citation starts in."""
    position = int(cite["sentence_id"].rsplit(":", 1)[1])
    _, start, end = source.sentences[position - 1]
    return source.text[start:end], start


def rows(inputs):
    return {"fact_disagreements": disagreements(inputs.facts),
            "date_conflicts": date_conflicts(inputs.facts, inputs.sources),
            "resolutions": [{k: r[k] for k in ("topic", "stands", "reason", "file", "line")}
                            for r in getattr(inputs, "resolutions", [])]}
