"""Facts that disagree: same topic, different value, unit, qualifier or date. The tables it fills
also hold what each fact's own sources imply about its date (timeline.inputs.dating, worked out as
each file is checked) and the curator's resolutions (facts/resolutions.yaml, timeline.inputs.curation).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from timeline.inputs import dating
from timeline.records import Row

if TYPE_CHECKING:
    from timeline.inputs.story import Inputs

T = TypeVar("T")

# Units compared after normalising: case, plural, currency names and symbols, rates to per year.
_CURRENCY_WORDS = {"$": "USD", "dollar": "USD", "us dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR",
                   "\u20ac": "EUR", "pound": "GBP", "gbp": "GBP", "\u00a3": "GBP"}
_PER_YEAR = {"day": 365, "week": 52, "month": 12, "year": 1, None: 1}


def normal_unit(unit: str | None) -> str | None:
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


def normal_value(fact: Mapping[str, Any]) -> float | None:
    """The value per year when the figure is a rate, else the value."""
    if fact["value"] is None:
        return None
    return float(fact["value"]) * _PER_YEAR.get(fact["value_per"], 1)


def pairs_involving(items: Sequence[T], involving: Container[str] | None,
                    fact_id: Callable[[T], str]) -> Iterator[tuple[T, T]]:
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


def disagreements(facts: Iterable[Mapping[str, Any]]) -> list[Row]:
    """[row]: one per fact per field of its topic on which the topic's facts disagree.

    Facts of a topic disagree on `unit` when its figures count different things (after normalising),
    on `value` when figures of the same unit give different numbers (rates compared per year), on
    `qualifier` when its figures say exact, about, up to... differently, and on `date` when a fact's
    period does not overlap every other dated fact's. Each row holds the fact's own value of that field
    and how many different values the facts it is compared with give, so a topic of n facts has at most
    4n rows (one row per pair of facts would be n(n-1)/2 for each field)."""
    by_topic: dict[str, list[Mapping[str, Any]]] = {}
    for f in sorted(facts, key=lambda f: f["id"]):
        if f["topic"]:
            by_topic.setdefault(f["topic"], []).append(f)
    out: list[Row] = []
    for topic, group in sorted(by_topic.items()):
        figures = [f for f in group if f["kind"] == "figure"]
        by_unit: dict[str | None, list[Mapping[str, Any]]] = {}
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
        # (fact, date_start, date_end) of each dated fact (a fact has both ends of its period, or neither)
        dated = [(f, start, end) for f in group if (start := f["date_start"]) and (end := f["date_end"])]
        if dated:
            # A fact's period misses another's when that one ends before it starts or starts after it ends
            # (never itself: a period starts on or before its end).
            first_end = min(end for _, _, end in dated)
            last_start = max(start for _, start, _ in dated)
            periods = len({(start, end) for _, start, end in dated})
            out += [_row(topic, "date", f, f["date_label"], periods) for f, start, end in dated
                    if first_end < start or last_start > end]
    return sorted(out, key=lambda r: (r["topic"], r["field"], r["fact_id"]))


def _row(topic: str, field: str, fact: Mapping[str, Any], value: object, n_values: int) -> Row:
    return {"topic": topic, "field": field, "fact_id": fact["id"], "value": str(value), "n_values": n_values}


def _value(f: Mapping[str, Any]) -> str:
    v = f["value"]
    text = f"{v:,}" if isinstance(v, int) else str(v)
    return f"{text} {f['unit']}" + (f" per {f['value_per']}" if f["value_per"] else "")


def _unit(f: Mapping[str, Any]) -> str:
    return f"{f['unit']}" + (f" per {f['value_per']}" if f["value_per"] else "")


def rows(inputs: Inputs) -> dict[str, list[Row]]:
    return {"fact_disagreements": disagreements(inputs.facts),
            "date_conflicts": dating.date_conflicts(inputs.facts, inputs.sources),
            "resolutions": [{k: r[k] for k in ("topic", "stands", "reason", "file", "line")}
                            for r in getattr(inputs, "resolutions", [])]}
