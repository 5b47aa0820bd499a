"""Template helpers for the site pages: links to rows, figures in words, highlighted quotes.

Everything returned here is either plain text (Jinja escapes it) or a list of (text, marked) pieces
that templates print with {{ }} inside <mark> or not: no function builds HTML from data.
"""
import os
import re

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
    }
