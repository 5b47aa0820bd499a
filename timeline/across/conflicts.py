"""Facts that disagree: same topic, figures that cannot both be true (their qualifiers respected), different
units or dates that do not overlap. The tables it fills
also hold what each fact's own sources imply about its date (timeline.inputs.dating, worked out as
each file is checked) and the curator's resolutions (facts/resolutions.yaml, timeline.inputs.curation).
"""
from __future__ import annotations

import itertools
import math
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
    on `value` when a figure cannot be true together with another of the same unit, its qualifier
    respected (value_range: "more than 200" agrees with 238, "up to 40,000" with 40,000, "about 30" with
    30; rates compared per year), and on `date` when a fact's period does not overlap every other dated
    fact's. Each row holds the fact's own value of that field and how many different values the facts
    it is compared with give, so a topic of n facts has at most 3n rows (one row per pair of facts would
    be n(n-1)/2 for each field)."""
    by_topic: dict[str, list[Mapping[str, Any]]] = {}
    for f in sorted(facts, key=lambda f: f["id"]):
        if f["topic"]:
            by_topic.setdefault(f["topic"], []).append(f)
    out: list[Row] = []
    for topic, group in sorted(by_topic.items()):
        figures = [f for f in group if f["kind"] == "figure" and f["value"] is not None]
        by_unit: dict[str | None, list[Mapping[str, Any]]] = {}
        for f in figures:
            by_unit.setdefault(normal_unit(f["unit"]), []).append(f)
        if len(by_unit) > 1:
            out += [_row(topic, "unit", f, _unit(f), len(by_unit)) for f in figures]
        for same_unit in by_unit.values():
            ranges = [(f, value_range(f)) for f in same_unit]
            highest_low = max((r[0] for _, r in ranges), key=lambda b: (b[0], b[1]))
            lowest_high = min((r[1] for _, r in ranges), key=lambda b: (b[0], not b[1]))
            figures_given = len({(f["value_qualifier"] or "exact", normal_value(f)) for f in same_unit})
            out += [_row(topic, "value", f, _value(f), figures_given) for f, (low, high) in ranges
                    if not _meet(low, lowest_high) or not _meet(highest_low, high)]
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


# A figure's qualifier read as the range of numbers it allows: (low, high), each bound (number, strict).
# "about" allows APPROX either side of the number: "about 30" is 27 to 33, "about a dozen" 10.8 to 13.2.
APPROX = 0.10
Bound = tuple[float, bool]


def value_range(fact: Mapping[str, Any]) -> tuple[Bound, Bound]:
    """The numbers a figure allows, its qualifier respected, per year for a rate: ((low, strict), (high,
    strict)); a strict bound is not itself allowed ("more than 200" is (200, True), (inf, False)).
    exact and a qualifier this module does not know allow the number alone."""
    v = normal_value(fact)
    assert v is not None  # figures without a value are not compared
    qualifier = fact["value_qualifier"] or "exact"
    if qualifier == "approx":
        return (v - abs(v) * APPROX, False), (v + abs(v) * APPROX, False)
    if qualifier in ("at_least", "more_than"):
        return (v, qualifier == "more_than"), (math.inf, False)
    if qualifier in ("at_most", "up_to", "less_than"):
        return (-math.inf, False), (v, qualifier == "less_than")
    return (v, False), (v, False)


def _meet(low: Bound, high: Bound) -> bool:
    """True when some number is at least `low` and at most `high` (strict bounds excluded)."""
    return low[0] < high[0] or (low[0] == high[0] and not low[1] and not high[1])


def _row(topic: str, field: str, fact: Mapping[str, Any], value: object, n_values: int) -> Row:
    return {"topic": topic, "field": field, "fact_id": fact["id"], "value": str(value), "n_values": n_values}


QUALIFIER_WORDS = {"approx": "about", "at_least": "at least", "at_most": "at most", "more_than": "more than",
                   "less_than": "less than", "up_to": "up to"}


def _value(f: Mapping[str, Any]) -> str:
    """The figure as written, its qualifier in words: 'more than 200 people', '1,000,000 USD per month'."""
    v = f["value"]
    text = f"{v:,}" if isinstance(v, int) else str(v)
    words = [QUALIFIER_WORDS.get(f["value_qualifier"] or "", ""), text, f["unit"] or ""]
    return " ".join(w for w in words if w) + (f" per {f['value_per']}" if f["value_per"] else "")


def _unit(f: Mapping[str, Any]) -> str:
    return f"{f['unit']}" + (f" per {f['value_per']}" if f["value_per"] else "")


def rows(inputs: Inputs) -> dict[str, list[Row]]:
    return {"fact_disagreements": disagreements(inputs.facts),
            "date_conflicts": dating.date_conflicts(inputs.facts, inputs.sources),
            "resolutions": [{k: r[k] for k in ("topic", "stands", "reason", "file", "line")}
                            for r in getattr(inputs, "resolutions", [])]}
