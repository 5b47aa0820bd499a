"""Template helpers for the site pages: links to rows, figures in words, highlighted quotes.

Everything returned here is either plain text (Jinja escapes it) or a list of (text, marked) pieces
that templates print with {{ }} inside <mark> or not: no function builds HTML from data.
"""
import datetime
import json
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode

# The packaged site's templates, next to this plugins folder. A story's own templates/ (Datasette's
# --template-dir) comes first, so a story can replace any one page and keep the rest.
TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")

DATABASE = "timeline"

QUALIFIERS = {
    "approx": "about",
    "at_least": "at least",
    "at_most": "at most",
    "more_than": "more than",
    "less_than": "less than",
    "up_to": "up to",
}

KINDS = {
    "event": "Event",
    "figure": "Figure",
    "court_action": "Court action",
    "statement": "Statement",
    "claim": "Claim",
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# FTS5's highlight() and snippet() put these around the matched words (characters of Unicode's private
# use area, which no article holds); marked() splits the text at them, so Jinja escapes every piece.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
# A reader's search of facts reads their titles, dates and units (their notes are the curator's).
READER_FACT_COLUMNS = "{title date_label unit}"

MAX_SEARCH_WORDS = 16  # a reader's search is at most this many words (3,000 would only time out)
_SEARCH_PART = re.compile(r'"([^"]*)"?|([^\s"]+)')  # a "quoted phrase" (closed or not) or a bare word
_WORD = re.compile(r"\w+")
_LINKED_SCHEMES = ("http://", "https://")


def search_terms(q: str | None) -> tuple[str, int]:
    """(FTS5 query, words left out) for what a reader typed: every word must occur, a "quoted phrase"
    as a phrase. Only words reach the index, each inside quotes, so nothing typed is ever read as FTS
    syntax (a lone ", NEAR, *, -); after MAX_SEARCH_WORDS words the rest are left out. With no word at
    all the query is '""', which matches nothing (an empty MATCH is an error)."""
    terms, used, left_out = [], 0, 0
    for m in _SEARCH_PART.finditer(q or ""):
        words = _WORD.findall(m.group(1) if m.group(1) is not None else m.group(2))
        keep = words[:max(0, MAX_SEARCH_WORDS - used)]
        left_out += len(words) - len(keep)
        used += len(keep)
        if keep:
            terms.append('"' + " ".join(keep) + '"')
    return " ".join(dict.fromkeys(terms)) or '""', left_out


def search_match(q: str | None) -> str:
    """search_terms' FTS5 query alone: the SQL function search_match(:q) of every served connection."""
    return search_terms(q)[0]


def reader_fact_match(match: str) -> str:
    """search_terms' query limited to the columns a reader sees of a fact (FTS5 column filter)."""
    return f"{READER_FACT_COLUMNS} : ({match})"


def found_pieces(text: str | None) -> list[tuple[str, bool]]:
    """FTS5 highlight()/snippet() output split into [(piece, is_marked)] at MARK_OPEN/MARK_CLOSE."""
    out: list[tuple[str, bool]] = []
    inside = False
    for part in re.split(f"({MARK_OPEN}|{MARK_CLOSE})", text or ""):
        if part in (MARK_OPEN, MARK_CLOSE):
            inside = part == MARK_OPEN
        elif part:
            out.append((part, inside))
    return out


def _day(text: object) -> datetime.date | None:
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def date_words(iso: object) -> str:
    """'2025-03-26' (or a datetime from that day) as 'Wednesday 26 March 2025'; other text as it is."""
    day = _day(iso)
    if day is None:
        return "" if iso is None else str(iso)
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def time_words(published: object) -> str:
    """The time of a publication datetime as written there, with its offset: '19:50 (UTC-04:00)'; '' for a date."""
    if not isinstance(published, str) or "T" not in published:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(published.strip())
    except ValueError:
        return ""
    offset = moment.strftime("%z")
    zone = f" (UTC{offset[:3]}:{offset[3:]})" if offset else ""
    return f"{moment:%H:%M}{zone}"


def fact_date(date_label: str | None, date_start: str | None, precision: str | None) -> str:
    """A fact's date for a reader: a day with its weekday ('Wednesday 26 March 2025'); any other
    precision as its label says it ('March 2025', 'week of 24 March 2025', whatever a new one says)."""
    if precision == "day" and _day(date_start):
        return date_words(date_start)
    return date_label or ""


def period_words(start: str | None, end: str | None) -> str:
    """A period from its first and last day: '19 March 2025', 'March 2025', '2025', '1 to 7 March 2025'."""
    a, b = _day(start), _day(end)
    if a is None or b is None:
        return start or ""
    if a == b:
        return date_words(start)
    if a.day == 1 and (b + datetime.timedelta(days=1)).day == 1 and (a.year, a.month) == (b.year, b.month):
        return f"{MONTHS[a.month - 1]} {a.year}"
    if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31):
        return str(a.year) if a.year == b.year else f"{a.year} to {b.year}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day} to {b.day} {MONTHS[a.month - 1]} {a.year}"
    return f"{a.day} {MONTHS[a.month - 1]} {a.year} to {b.day} {MONTHS[b.month - 1]} {b.year}"


def outlet_name(outlet: str | None) -> str:
    """An outlet's name, or what to call an article whose text names none."""
    return outlet or "Unnamed outlet"


def from_json(text: str | None) -> Any:
    """A JSON value a query made (json_group_array ...), or None."""
    return json.loads(text) if text else None


def in_groups(rows: Iterable[Any], key: Callable[[Any], Any] | str) -> list[tuple[Any, list[Any]]]:
    """[(key, rows)] in the order each key first appears (Jinja's groupby sorts by the key instead)."""
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(key(row) if callable(key) else row[key], []).append(row)
    return list(groups.items())


def link_url(url: object) -> str | None:
    """`url` when it is an http(s) address a page may link to, else None (javascript:, data:, ...)."""
    if isinstance(url, str) and url.strip().lower().startswith(_LINKED_SCHEMES) and not any(
            c.isspace() or ord(c) < 32 for c in url.strip()):
        return url.strip()
    return None


def row_path(table: str, key: object) -> str:
    """The address of one row's page: /timeline/<table>/<tilde-encoded key>."""
    return f"/{DATABASE}/{table}/{tilde_encode(str(key))}"


def figure_text(value: object, qualifier: str | None = None, unit: str | None = None, per: str | None = None) -> str:
    """A figure as a reader says it: 'up to 40,000 inmates', '6,000,000 USD a year'."""
    if value is None:
        return ""
    number = value
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    number_text = f"{number:,}" if isinstance(number, (int, float)) else str(number)
    words = [QUALIFIERS.get(qualifier or "", ""), number_text, unit or ""]
    text = " ".join(w for w in words if w)
    return f"{text} a {per}" if per else text


def kind_label(kind: str | None) -> str:
    """'court_action' -> 'Court action'; unknown kinds are shown as they are."""
    return KINDS.get(kind or "", (kind or "").replace("_", " ").capitalize())


def pieces(text: str, text_start: int, mark_start: int, mark_end: int) -> list[tuple[str, bool]]:
    """Split `text` (which starts at offset `text_start` of its article) around the marked span.

    Returns [(piece, is_marked)], skipping empty pieces; the marked piece is the overlap of
    [mark_start, mark_end) with the text.
    """
    a = max(mark_start, text_start) - text_start
    b = min(mark_end, text_start + len(text)) - text_start
    if a >= b:
        return [(text, False)]
    return [(piece, marked) for piece, marked in ((text[:a], False), (text[a:b], True), (text[b:], False)) if piece]


def group_label(date_start: str | None, precision: str | None) -> tuple[str, str]:
    """(year heading, month heading or '') for grouping the timeline; ('Undated', '') without a date."""
    if not date_start:
        return ("Undated", "")
    year = date_start[:4]
    if precision == "decade":
        return (f"{year[:3]}0s", "")
    if precision in ("day", "week", "month") and len(date_start) >= 7:
        month = int(date_start[5:7])
        return (year, f"{MONTHS[month - 1]} {year}")
    return (year, "")


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Put the site's templates behind the story's own (or first, when the story has none)."""
    paths = env.loader.loaders[0].searchpath
    if os.path.isdir(TEMPLATES) and os.path.abspath(TEMPLATES) not in map(os.path.abspath, paths):
        paths.insert(1 if datasette.template_dir else 0, TEMPLATES)


@hookimpl
def prepare_connection(conn):
    conn.create_function("search_match", 1, search_match, deterministic=True)


@hookimpl
def extra_template_vars():
    return {
        "search_terms": search_terms,
        "max_search_words": MAX_SEARCH_WORDS,
        "link_url": link_url,
        "row_path": row_path,
        "figure_text": figure_text,
        "kind_label": kind_label,
        "pieces": pieces,
        "group_label": group_label,
        "kinds": KINDS,
        "found_pieces": found_pieces,
        "mark_open": MARK_OPEN,
        "mark_close": MARK_CLOSE,
        "reader_fact_match": reader_fact_match,
        "date_words": date_words,
        "time_words": time_words,
        "fact_date": fact_date,
        "period_words": period_words,
        "outlet_name": outlet_name,
        "from_json": from_json,
        "in_groups": in_groups,
    }
