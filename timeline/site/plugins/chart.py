"""The drawing above the timeline (/chronology): how many facts fall in each day, month, year or decade.

The template runs the counting queries (grouped in SQL, so a page at 100,000 facts reads a few hundred
rows) and draws an SVG from the numbers these helpers return: positions, sizes, labels and links,
never markup, so Jinja escapes every piece of text. Nothing is loaded from anywhere and nothing runs
in the browser: each period is a plain link (`?from=2025-03&to=2025-03`) that filters the list.

- `period(from, to)` reads the `from`/`to` parameters (YYYY, YYYY-MM or YYYY-MM-DD: a period, so
  `to=2025-03` means up to 31 March 2025).
- `scale(period, first, last)` picks the unit, the finest of day, month, year and decade that shows
  the range in at most MAX_BINS bars, and widens the range to whole units.
- `drawing(scale, counts, ...)` lays out the bars (facts whose whole period lies within one unit:
  a day-dated fact in its month, a month-dated fact in its month or year) and the bands beneath them
  (facts dated more coarsely than the unit: a month-dated fact on a chart of days, a year-dated one
  on a chart of months, drawn across their whole period, never as their first day).
"""
import bisect
import calendar
import datetime
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl

from timeline.text import dates, periods

MAX_BINS = {"day": 92, "month": 96, "year": 80}  # past these, the next coarser unit
UNITS = ("day", "month", "year", "decade")
PREFIX = {"day": 10, "month": 7, "year": 4, "decade": 3}  # a period's key: the first characters of its ISO date
KIND_ORDER = ("event", "figure", "court_action", "statement", "claim")
KIND_NAMES = {"event": "Events", "figure": "Figures", "court_action": "Court actions", "statement": "Statements",
              "claim": "Claims"}
# Colours that stay apart for the common kinds of colour blindness (Okabe and Ito), each with its own
# pattern, so no kind is told from another by colour alone.
STYLES = {
    "event": ("#0072b2", "solid"),
    "figure": ("#e69f00", "stripes"),
    "court_action": ("#d55e00", "crosshatch"),
    "statement": ("#009e73", "dots"),
    "claim": ("#cc79a7", "lines"),
}
OTHER_STYLE = ("#777777", "solid")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The drawing's own coordinates (the SVG scales to the page's width).
WIDTH, LEFT, RIGHT, TOP = 640, 34, 6, 14
BARS = 120  # height of the tallest bar
AXIS = 22  # room for the labels under the bars
LANE, LANE_GAP, MAX_LANES = 11, 3, 8


FOCUS_SHARE = 0.8  # the drawing opens on the stretch of years holding this share of the dated facts ...
FOCUS_AT_MOST = 0.5  # ... when it is at most this share of all the years they span


def focus(years: Iterable[Mapping[str, Any] | sqlite3.Row]) -> dict[str, Any] | None:
    """Where the drawing opens when no period is asked for: the shortest run of whole years holding
    FOCUS_SHARE of the dated facts, when it is at most FOCUS_AT_MOST of the years they span (a story of
    one spring with its background in earlier decades opens on that spring). `years`: rows of (year, n).
    {from, to, inside, outside, first, last} with years as text, or None to draw everything."""
    counts = {int(r["year"]): r["n"] for r in years if r["year"] and r["year"].isdigit()}
    if not counts:
        return None
    first, last = min(counts), max(counts)
    total = sum(counts.values())
    best: tuple[int, int, int] | None = None
    ordered = sorted(counts)
    for i, a in enumerate(ordered):  # the latest shortest run wins a tie: news is about the latest events
        inside = 0
        for b in ordered[i:]:
            inside += counts[b]
            if inside >= FOCUS_SHARE * total:
                if best is None or b - a <= best[1] - best[0]:
                    best = (a, b, inside)
                break
    assert best is not None  # the run of every year holds them all
    a, b, inside = best
    if (b - a + 1) > FOCUS_AT_MOST * (last - first + 1):
        return None
    return {"from": str(a).zfill(4), "to": str(b).zfill(4), "inside": inside, "outside": total - inside,
            "first": str(first).zfill(4), "last": str(last).zfill(4)}


def period(start_text: str | None, end_text: str | None) -> dict[str, Any]:
    """The period the `from` and `to` parameters ask for, each read as a fact's `date:` is (YYYY,
    YYYY-MM, YYYY-MM-DD or a decade such as 1990s: `to=2025-03` means up to 31 March 2025):
    {given, start, end, from, to, error} with ISO dates (the widest when a side is not given);
    `error` says what is wrong with them, for a person."""
    out: dict[str, Any] = {"given": False, "start": "0001-01-01", "end": "9999-12-31", "error": None,
                           "from": start_text or "", "to": end_text or ""}
    try:
        if start_text:
            out["start"] = dates.parse_date(start_text).start.isoformat()
        if end_text:
            out["end"] = dates.parse_date(end_text).end.isoformat()
    except dates.DateError as e:
        out["error"] = f"from/to: {e}"
        return out
    if out["start"] > out["end"]:
        out["error"] = f"from ({start_text}) is after to ({end_text}): swap them"
        return out
    out["given"] = bool(start_text or end_text)
    return out


def _day(iso):
    return datetime.date.fromisoformat(iso[:10])


def _floor(day, unit):
    if unit == "day":
        return day
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return datetime.date(max(1, day.year - day.year % 10), 1, 1)


def _next(day, unit):
    """The first day of the unit after the one starting at `day` (None past the calendar's end)."""
    try:
        if unit == "day":
            return day + datetime.timedelta(days=1)
        if unit == "month":
            return datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return datetime.date(day.year + (1 if unit == "year" else 10 - day.year % 10), 1, 1)
    except (ValueError, OverflowError):
        return None


def _count(start, end, unit):
    if unit == "day":
        return (end - start).days + 1
    if unit == "month":
        return (end.year - start.year) * 12 + end.month - start.month + 1
    if unit == "year":
        return end.year - start.year + 1
    return end.year // 10 - start.year // 10 + 1


def scale(chosen: Mapping[str, Any] | None, first: str | None = None, last: str | None = None) -> dict[str, Any] | None:
    """{unit, prefix, start, end, bins} for the chart of the range asked for (`chosen`, from period()
    or focus()), each side not given taken from the dated facts' first and last start dates (`first`,
    `last`); None when no fact is dated there."""
    if not first or not last:
        return None
    if chosen and "start" not in chosen:  # a focus: whole years
        chosen = period(chosen["from"], chosen["to"])
    start = _day(chosen["start"] if chosen and chosen.get("from") else first)
    end = _day(chosen["end"] if chosen and chosen.get("to") else last)
    if start > end:
        return None
    for unit in UNITS:
        if unit == "decade" or _count(start, end, unit) <= MAX_BINS[unit]:
            break
    start = _floor(start, unit)
    stop = _next(_floor(end, unit), unit)
    end = (stop - datetime.timedelta(days=1)) if stop else datetime.date.max
    return {"unit": unit, "prefix": PREFIX[unit], "start": start.isoformat(), "end": end.isoformat(),
            "bins": _count(start, end, unit)}


def _label(day, unit, first):
    """The words under a bar: '1 Mar' at a month's start, else '15'; 'Jan 2025' at a year's start, else
    'Apr'; '2025'; '1940s'."""
    if unit == "day":
        return f"{day.day} {MONTHS[day.month - 1]}" if day.day == 1 or first else str(day.day)
    if unit == "month":
        return f"{MONTHS[day.month - 1]} {day.year}" if day.month == 1 or first else MONTHS[day.month - 1]
    if unit == "year":
        return str(day.year)
    return f"{day.year}s"


# Which bars get a label, by how many bars there are: calendar steps, so labels fall on the same days
# (the 1st, 8th, 15th and 22nd of a month; every third month; years ending in 0 or 5, ...).
TICKS: dict[str, tuple[tuple[int | None, tuple[int, ...] | int | None], ...]]
TICKS = {"day": ((12, None), (31, (1, 8, 15, 22)), (62, (1, 15)), (None, (1,))),
         "month": ((12, None), (36, (1, 4, 7, 10)), (72, (1, 7)), (None, (1,))),
         "year": ((12, 1), (30, 2), (60, 5), (None, 10)),
         "decade": ((12, 10), (24, 20), (None, 50))}


def _ticked(day, unit, bins):
    for most, which in TICKS[unit]:
        if most is None or bins <= most:
            break
    if which is None:
        return True
    if isinstance(which, int):  # years and decades: every `which` years
        return day.year % which == 0
    if unit == "day":
        return day.day in which
    return day.month in which


def _name(day, unit):
    """A period as a person writes it: '26 March 2025', 'March 2025', '2025', '1940s'."""
    if unit == "day":
        return f"{day.day} {calendar.month_name[day.month]} {day.year}"
    if unit == "month":
        return f"{calendar.month_name[day.month]} {day.year}"
    return str(day.year) if unit == "year" else f"{day.year}s"


def _bounds(day, unit):
    """(from, to) parameters for the period of `unit` starting at `day`."""
    if unit == "day":
        return day.isoformat(), day.isoformat()
    if unit == "month":
        return day.isoformat()[:7], day.isoformat()[:7]
    if unit == "year":
        return str(day.year), str(day.year)
    return f"{day.year}s", f"{day.year}s"


def link(start: str | None, end: str | None, keep: Mapping[str, str | None], page: str = "/chronology") -> str:
    """/chronology?from=..&to=.. keeping the reader's other filters (`keep`: {name: value})."""
    args = [(k, v) for k, v in keep.items() if v] + [(k, v) for k, v in (("from", start), ("to", end)) if v]
    return page + ("?" + urlencode(args) if args else "")


def _style(kind):
    """(colour, pattern, fill id) of a kind; kinds the site does not know share one grey."""
    color, pattern = STYLES.get(kind, OTHER_STYLE)
    return color, pattern, f"fill-{kind}" if kind in STYLES else "fill-other"


def _summary(counts, ahead=None):
    total = sum(counts.values())
    parts = [f"{n} {KIND_NAMES.get(k, k).lower() if n != 1 else KIND_NAMES.get(k, k).lower().rstrip('s')}"
             for k, n in _kinds(counts)]
    later = sum((ahead or {}).values())
    return (f"{total} fact{'s' if total != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
            + (f", {later} of them still to come when reported" if later else ""))


def _kinds(counts):
    return sorted(((k, n) for k, n in counts.items() if n),
                  key=lambda kn: (KIND_ORDER.index(kn[0]) if kn[0] in KIND_ORDER else len(KIND_ORDER), kn[0]))


# Where the facts are gets the room: a drawing of more than COLLAPSE_OVER bars draws each stretch of bars
# with no fact (a whole month of a chart of days, a whole year of a chart of months, ..., or a run of at least
# RUN bars) GAP bars wide, marked as a break, so a dense week is not squeezed by the empty weeks before it.
COLLAPSE_OVER = 31
RUN = {"day": 7, "month": 6, "year": 5, "decade": 5}
GAP = 1.5


def _parent(day, unit):
    """The key of the period one unit coarser holding `day`: its month for a day, its year for a month, ..."""
    if unit == "day":
        return day.isoformat()[:7]
    if unit == "month":
        return str(day.year)
    return str(day.year // (10 if unit == "year" else 100))


def _pieces(days, unit, occupied):
    """The drawing's columns, in order: (first bin, bin after the last, collapsed). A bin with a fact is
    a column of its own; so is every bin when the drawing is short. Empty bins that fill a whole parent
    period (as far as the drawing goes), or make a run of RUN[unit] within one, are one collapsed column."""
    keys = [d.isoformat()[:PREFIX[unit]] for d, _ in days]
    parents = [_parent(d, unit) for d, _ in days]
    out: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(days):
        if keys[i] in occupied or len(days) <= COLLAPSE_OVER:
            out.append((i, i + 1, False))
            i += 1
            continue
        j = i
        while j < len(days) and keys[j] not in occupied and parents[j] == parents[i]:
            j += 1
        whole = (i == 0 or parents[i - 1] != parents[i]) and (j == len(days) or parents[j] != parents[i])
        if j - i >= RUN[unit] or (whole and j - i > 1):
            out.append((i, j, True))
        else:
            out += [(k, k + 1, False) for k in range(i, j)]
        i = j
    return out


def _tally(counts):
    """({bin key: {kind: n}}, {(first day, last day): {kind: n}}) from rows of (kind, fits, start, stop, n)."""
    bins: dict[str, dict[str, int]] = {}
    spans: dict[tuple[str, str], dict[str, int]] = {}
    for row in counts:
        kind, fits, first, stop, n = row["kind"], row["fits"], row["start"], row["stop"], row["n"]
        found = bins.setdefault(first, {}) if fits else spans.setdefault((first, stop), {})
        found[kind] = found.get(kind, 0) + n
    return bins, spans


def drawing(chart_scale: Mapping[str, Any], counts: Iterable[Mapping[str, Any] | sqlite3.Row],
            keep: Mapping[str, str | None] | None = None,
            scheduled: Iterable[Mapping[str, Any] | sqlite3.Row] = ()) -> dict[str, Any]:
    """Everything the template draws, from `counts`: rows of (kind, fits, start, stop, n) where `fits`
    is 1 for facts within one unit (`start` is then the unit's key, e.g. '2025-03') and 0 for the
    others (`start`, `stop`: their own first and last day). `scheduled`: the same rows for the facts
    among them that were still to come when reported (scheduled_facts), drawn hollow. Coordinates are
    in the SVG's units; stretches with no fact are collapsed (_pieces) when the drawing is long."""
    keep = keep or {}
    unit = chart_scale["unit"]
    start, end = _day(chart_scale["start"]), _day(chart_scale["end"])
    plot = WIDTH - LEFT - RIGHT
    bins, spans = _tally(counts)
    ahead_bins, ahead_spans = _tally(scheduled)

    days: list[tuple[datetime.date, datetime.date | None]] = []
    day: datetime.date | None = start
    while day is not None and day <= end:
        following = _next(day, unit)
        days.append((day, following))
        day = following
    occupied = {k for k, found in bins.items() if sum(found.values())}
    pieces = _pieces(days, unit, occupied)
    weight = sum(min(GAP, b - a) if collapsed else 1 for a, b, collapsed in pieces)
    # (first day, day after, left, right) of each column: x() is linear in days within a column
    columns, left = [], float(LEFT)
    for a, b, collapsed in pieces:
        right = left + plot * (min(GAP, b - a) if collapsed else 1) / weight
        after = days[b - 1][1] or end + datetime.timedelta(days=1) if end < datetime.date.max else end
        columns.append((days[a][0], after, left, right))
        left = right
    firsts = [c[0] for c in columns]

    def x(when):
        if when <= start:
            return float(LEFT)
        i = bisect.bisect_right(firsts, when) - 1
        first, after, a, b = columns[i]
        span = max((after - first).days, 1)
        return round(a + (b - a) * min((when - first).days, span) / span, 2)

    tallest = max((sum(c.values()) for c in bins.values()), default=0)
    bars = []
    for day, following in days:
        key = day.isoformat()[:PREFIX[unit]]
        found, ahead = bins.get(key, {}), ahead_bins.get(key, {})
        left, right = x(day), (x(following) if following else float(WIDTH - RIGHT))
        segments, top = [], TOP + BARS
        for kind, n in _kinds(found):
            for part, is_ahead in ((n - ahead.get(kind, 0), False), (ahead.get(kind, 0), True)):
                if part <= 0:
                    continue
                height = BARS * part / tallest
                top -= height
                segments.append({"kind": kind, "n": part, "y": round(top, 2), "height": round(height, 2),
                                 "fill": _style(kind)[2], "scheduled": is_ahead})
        a, b = _bounds(day, unit)
        bars.append({"x": left, "width": round(max(right - left - (1 if right - left > 3 else 0), 0.5), 2),
                     "total": sum(found.values()), "segments": segments, "court": found.get("court_action", 0),
                     "href": link(a, b, keep), "name": _name(day, unit), "summary": _summary(found, ahead),
                     "top": round(top, 2), "scheduled": sum(ahead.values())})
    ticks: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    shown = len(pieces)
    for a, b, collapsed in pieces:
        first, last = days[a][0], days[b - 1][0]
        left, right = x(first), (x(days[b - 1][1]) if days[b - 1][1] else float(WIDTH - RIGHT))
        if collapsed:
            whole = (a == 0 or _parent(days[a - 1][0], unit) != _parent(first, unit)) and \
                (b == len(days) or _parent(days[b][0], unit) != _parent(first, unit))
            gaps.append({"x": round(left, 2), "width": round(right - left, 2), "name": _stretch_name(first, last, unit),
                         "whole": whole})
            if whole and unit != "decade":
                ticks.append({"x": round((left + right) / 2, 2), "label": _label(first, _coarser(unit), not ticks),
                              "parent": _parent(first, unit)})
        elif _ticked(first, unit, shown):
            # a label names the month (of days) or year (of months) again when the one before was in another
            renamed = not ticks or ticks[-1]["parent"] != _parent(first, unit)
            ticks.append({"x": round((left + right) / 2, 2), "label": _label(first, unit, renamed),
                          "parent": _parent(first, unit)})
    lanes: list[float] = []
    placed: list[dict[str, Any]] = []
    for (first, stop), found in sorted(spans.items()):
        a_day, b_day = _day(first), _day(stop)
        ahead = ahead_spans.get((first, stop), {})
        for kind, n in _kinds(found):
            for part, is_ahead in ((n - ahead.get(kind, 0), False), (ahead.get(kind, 0), True)):
                if part <= 0:
                    continue
                left, right = x(a_day), x(b_day + datetime.timedelta(days=1)) if b_day < end else WIDTH - RIGHT
                lane = next((i for i, last in enumerate(lanes) if last <= left), None)
                if lane is None:
                    if len(lanes) >= MAX_LANES:
                        lane = min(range(len(lanes)), key=lambda i: lanes[i])  # overlap rather than grow without end
                    else:
                        lanes.append(0)
                        lane = len(lanes) - 1
                lanes[lane] = max(lanes[lane], right + 1)
                precision = _precision(a_day, b_day)
                placed.append({
                    "kind": kind, "n": part, "lane": lane, "x": left, "width": round(max(right - left, 2), 2),
                    "fill": _style(kind)[2], "clipped_left": a_day < start, "clipped_right": b_day > end,
                    "href": link(*_span_bounds(a_day, b_day, precision), keep),
                    "name": _span_name(a_day, b_day, precision), "scheduled": is_ahead,
                    "summary": _summary({kind: part}, {kind: part} if is_ahead else {})})
    axis_y = TOP + BARS
    lanes_top = axis_y + AXIS
    height = lanes_top + (len(lanes) * (LANE + LANE_GAP) + 6 if lanes else 0)
    for span in placed:
        span["y"] = lanes_top + span["lane"] * (LANE + LANE_GAP)
    in_bars = sum(sum(c.values()) for c in bins.values())
    return {"unit": unit, "bars": bars, "spans": placed, "ticks": ticks, "gaps": gaps, "tallest": tallest,
            "width": WIDTH, "height": height, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "axis_y": axis_y,
            "lanes_top": lanes_top, "lane_height": LANE, "name": _range_name(start, end, unit),
            "total": in_bars + sum(sum(c.values()) for c in spans.values()), "in_bars": in_bars,
            "scheduled": sum(sum(c.values()) for c in ahead_bins.values())
            + sum(sum(c.values()) for c in ahead_spans.values()),
            "kinds": _legend(bins, spans), "unit_plural": {"day": "days", "month": "months", "year": "years",
                                                         "decade": "decades"}[unit]}


def _coarser(unit):
    return {"day": "month", "month": "year", "year": "decade"}.get(unit, "decade")


def _stretch_name(first, last, unit):
    """A collapsed stretch as a person says it: 'January 2025', '1 to 13 March 2025', '2001 to 2005'."""
    if unit == "day" and first.day == 1 and _next(first, "month") == last + datetime.timedelta(days=1):
        return _name(first, "month")
    if unit == "month" and (first.month, last.month) == (1, 12) and first.year == last.year:
        return str(first.year)
    a, b = _name(first, unit), _name(last, unit)
    return a if a == b else f"{a} to {b}"


def _precision(a, b):
    """What a span covers as a person says it: 'month', 'year', 'decade' or 'days' (a week, a range)."""
    if a.day == 1 and _next(a, "month") == b + datetime.timedelta(days=1):
        return "month"
    if (a.month, a.day) == (1, 1) and (b.month, b.day) == (12, 31):
        return "year" if a.year == b.year else ("decade" if a.year % 10 == 0 and b.year == a.year + 9 else "years")
    if a.day == 1 and _next(b, "day") and _next(b, "day").day == 1:
        return "months"
    return "days"


def _span_bounds(a: datetime.date, b: datetime.date, precision: str) -> tuple[str, str]:
    if precision == "month":
        return a.isoformat()[:7], a.isoformat()[:7]
    if precision == "decade":
        return f"{a.year}s", f"{a.year}s"
    if precision in ("year", "years"):
        return str(a.year), str(b.year)
    if precision == "months":
        return a.isoformat()[:7], b.isoformat()[:7]
    return a.isoformat(), b.isoformat()


def _span_name(a, b, precision):
    if precision == "month":
        return _name(a, "month")
    if precision == "year":
        return str(a.year)
    if precision == "decade":
        return f"{a.year}s"
    if precision == "years":
        return f"{a.year} to {b.year}"
    if precision == "months":  # a quarter, a season, a half, months in a row: 'Q1 2025', 'spring 2025'
        unit = next((u for u in ("quarter", "season", "half") if periods.whole_period(a, u) == (a, b)), "month")
        return periods.date_label(a, unit, b)
    return f"{_name(a, 'day')} to {_name(b, 'day')}"



def _range_name(start, end, unit):
    """The range drawn, as a person says it: 'March 2025', '2025', '2001 to 2022', '1790s to 2020s'."""
    if unit == "day" and start.day == 1 and _next(start, "month") == end + datetime.timedelta(days=1):
        return _name(start, "month")
    if unit == "month" and start.year == end.year and (start.month, end.month) == (1, 12):
        return str(start.year)
    first, last = _name(start, unit), _name(_floor(end, unit), unit)
    return first if first == last else f"{first} to {last}"


def _legend(bins, spans):
    totals: dict[str, int] = {}
    for found in list(bins.values()) + list(spans.values()):
        for kind, n in found.items():
            totals[kind] = totals.get(kind, 0) + n
    return [{"kind": kind, "n": n, "name": KIND_NAMES.get(kind, kind.replace("_", " ").capitalize()),
             "fill": _style(kind)[2]} for kind, n in _kinds(totals)]


def zoom_out(chart_scale: Mapping[str, Any] | None, keep: Mapping[str, str | None] | None = None) -> str | None:
    """The link one level out from the range shown (a month's days -> its year's months, ...), or None."""
    if not chart_scale:
        return None
    start, end = _day(chart_scale["start"]), _day(chart_scale["end"])
    unit = {"day": "year", "month": "decade"}.get(chart_scale["unit"])
    if unit is None:
        return None
    a = _floor(start, unit)
    b = _floor(end, unit)
    return link(_bounds(a, unit)[0], _bounds(b, unit)[1], keep or {})


def patterns() -> list[dict[str, str]]:
    """The fill patterns, one per kind and one for kinds the site does not know: {id, color, pattern}."""
    return [{"id": f"fill-{kind}", "color": color, "pattern": pattern}
            for kind, (color, pattern) in list(STYLES.items()) + [("other", OTHER_STYLE)]]


@hookimpl
def extra_template_vars():
    return {"chart_period": period, "chart_focus": focus, "chart_scale": scale, "chart_drawing": drawing, "chart_zoom_out": zoom_out,
            "chart_patterns": patterns, "chart_link": link}
