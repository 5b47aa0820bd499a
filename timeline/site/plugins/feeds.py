"""The Atom and iCalendar renderers (datasette-atom, datasette-ics) answer 400 for rows they cannot
render, never 500; an empty Atom feed is a valid feed; and what they write passes its standard's rules.

Any query can be asked for as `.atom` or `.ics` once it returns the renderer's columns, so their
values are a reader's input: `atom_updated` that is not a date, `event_dtstart` of 'soon', a number
where text belongs. Each renderer raised on those (ValueError, TypeError, arrow's ParserError...),
and datasette-atom raised on a query with no rows at all (the feed's `updated` is the latest row's):
a story with no facts yet had a broken feed. The renderers are wrapped before Datasette registers
them (plugins in this folder load first), keeping their own signatures, which Datasette reads.

What they wrote broke their standards' MUSTs, and stored text could break them for everyone:
- iCalendar (RFC 5545): no DTSTAMP in any event (3.6.1: required), lines longer than 75 octets
  (3.1: folded), the last line without its CRLF. `rfc5545()` adds DTSTAMP (the time the served database
  was written: when the information was last revised), folds and ends every line.
- Atom (RFC 4287): no atom:author in the feed or its entries (4.1.1), and entry links relative to
  nothing. The feed gets the site as its author (its title, the site's address) and links are made
  absolute against the address the request reached.
- A character XML or iCalendar cannot carry (a control character, a lone surrogate, U+FFFE, U+FFFF
  and the other noncharacters) in a stored title or note made the Atom feed a 400 for every reader:
  `check` refuses them, and here any that reach a renderer are written as U+FFFD.
"""
import datetime
import functools
import inspect
import os
import re
from urllib.parse import urljoin

import datasette_atom
import datasette_ics
from datasette.utils.asgi import Response
from datasette.views.base import DatasetteError
from feedgen.feed import FeedGenerator
from lxml import etree

NO_DATE = "1970-01-01T00:00:00+00:00"  # an empty feed's `updated`: Atom requires one


def _client_errors(render, what, dates):
    """`render` answering 400 for rows it cannot render; every row's `dates` columns must hold text
    (the renderers take a missing date for no date, and write a feed or calendar without one)."""
    @functools.wraps(render)
    def wrapped(*args, **kwargs):
        try:
            rows = dict(zip(_parameters(render), args), **kwargs).get("rows") or []
            for row in rows:
                for column in dates:
                    if column in row.keys() and not isinstance(row[column], str):
                        raise ValueError(f"{column} {row[column]!r} is not a date")
            return render(*args, **kwargs)
        except DatasetteError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as e:
            raise DatasetteError(f"These rows cannot be made into {what}: {type(e).__name__}: {e}. {HINTS[what]}",
                                 title="Bad request", status=400) from None

    setattr(wrapped, "wrapped_by_timeline", True)  # a function's own attribute, which mypy cannot declare
    return wrapped


HINTS = {
    "an Atom feed": "atom_updated must be an ISO 8601 date and time with its offset"
                    " (2025-03-26T00:00:00+00:00), atom_id and atom_title text",
    "a calendar": "event_dtstart (and event_dtend) must be ISO 8601 dates or times (2025-03-26),"
                  " event_name text",
}


def _parameters(fn):
    return list(inspect.signature(fn).parameters)


def _atom_of_nothing(render_atom):
    """render_atom, but a query with no rows is a feed with no entries (not a 500)."""
    @functools.wraps(render_atom)
    def render(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
        if rows or not datasette_atom.REQUIRED_COLUMNS.issubset(columns):
            return render_atom(datasette, request, sql, columns, rows, database, table, query_name, view_name, data)
        feed = FeedGenerator()
        feed.id(request.url)
        feed.link(href=request.url, rel="self")
        feed.updated(NO_DATE)
        queries = (datasette.metadata(database=database) or {}).get("queries") or {}
        query = queries.get(query_name) if query_name else None
        feed.title((query.get("title") if isinstance(query, dict) else None) or sql or table or "Datasette")
        return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8", status=200)

    return render


# What neither XML 1.0 nor iCalendar's TEXT may hold (C0 controls but tab and line ends, DEL, C1 controls,
# surrogates) and Unicode's noncharacters (U+FDD0..U+FDEF, U+xFFFE and U+xFFFF in every plane).
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                        + "".join(rf"\U{p:04x}fffe\U{p:04x}ffff" for p in range(0x11)) + "]")


def writable(value: object) -> object:
    """`value` with every character a feed cannot carry written as U+FFFD (text only; others unchanged)."""
    return UNWRITABLE.sub("\ufffd", value) if isinstance(value, str) else value


def _writable_rows(render):
    """`render` given rows whose text holds only characters its format can carry."""
    @functools.wraps(render)
    def wrapped(*args, **kwargs):
        call = dict(zip(_parameters(render), args), **kwargs)
        call["rows"] = [{k: writable(row[k]) for k in row.keys()} for row in call.get("rows") or []]
        return render(**call)

    return wrapped


def _database_time(datasette, database):
    """When the served database file was written (UTC): the time its data was last revised."""
    try:
        path = datasette.get_database(database).path
        stamp = datetime.datetime.fromtimestamp(os.stat(path).st_mtime, datetime.timezone.utc)
    except (KeyError, TypeError, OSError):
        stamp = datetime.datetime.now(datetime.timezone.utc)
    return stamp.strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> list[str]:
    """One content line as RFC 5545 3.1 folds it: no line longer than 75 octets (UTF-8) without its CRLF,
    each continuation starting with one space; never inside a character."""
    lines, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            lines.append(current)
            current, size = " ", 1
        current += char
        size += width
    return lines + [current]


def rfc5545(text: str, stamp: str) -> str:
    """An iCalendar object as RFC 5545 requires it: every VEVENT with a DTSTAMP (`stamp`), every line
    folded at 75 octets and ended with CRLF, the last one included. `text` is unfolded, one content line
    a line (datasette-ics writes it so)."""
    out: list[str] = []
    lines = [line for line in re.split(r"\r\n|\n", text) if line]
    for i, line in enumerate(lines):
        out += fold(line)
        if line == "BEGIN:VEVENT":
            event = lines[i + 1:lines.index("END:VEVENT", i)] if "END:VEVENT" in lines[i:] else []
            if not any(part.upper().startswith(("DTSTAMP:", "DTSTAMP;")) for part in event):
                out.append(f"DTSTAMP:{stamp}")
    return "".join(f"{line}\r\n" for line in out)


def _rfc5545(render_ics):
    """render_ics, its calendar made to pass RFC 5545 (see rfc5545())."""
    @functools.wraps(render_ics)
    def render(datasette, request, database, table, rows, columns, sql, query_name, data):
        response = render_ics(datasette, request, database, table, rows, columns, sql, query_name, data)
        if response.status == 200:
            body = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
            response.body = rfc5545(body, _database_time(datasette, database))
        return response

    return render


ATOM = "{http://www.w3.org/2005/Atom}"


def atom_author_and_links(feed: bytes | str, name: str, home: str, base: str) -> bytes:
    """An Atom feed with an atom:author (`name`, `home`) when it has none, as RFC 4287 4.1.1 requires
    of a feed whose entries have none, and every link made absolute against `base`."""
    root = etree.fromstring(feed.encode("utf-8") if isinstance(feed, str) else feed)
    if root.find(f"{ATOM}author") is None:
        author = etree.Element(f"{ATOM}author")
        etree.SubElement(author, f"{ATOM}name").text = name
        etree.SubElement(author, f"{ATOM}uri").text = home
        title = root.find(f"{ATOM}title")
        root.insert(list(root).index(title) + 1 if title is not None else 0, author)
    for link in root.iter(f"{ATOM}link"):
        if link.get("href") is not None:
            link.set("href", urljoin(base, link.get("href")))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _rfc4287(render_atom):
    """render_atom, its feed made to pass RFC 4287 (see atom_author_and_links())."""
    @functools.wraps(render_atom)
    def render(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
        response = render_atom(datasette, request, sql, columns, rows, database, table, query_name, view_name, data)
        if response.status == 200:
            home = datasette.absolute_url(request, "/")
            name = writable(datasette.metadata("title") or "Datasette")
            response.body = atom_author_and_links(response.body, str(name), home, request.url)
        return response

    return render


if not getattr(datasette_atom.render_atom, "wrapped_by_timeline", False):
    datasette_atom.render_atom = _client_errors(
        _writable_rows(_rfc4287(_atom_of_nothing(datasette_atom.render_atom))), "an Atom feed", ("atom_updated",))
if not getattr(datasette_ics.render_ics, "wrapped_by_timeline", False):
    datasette_ics.render_ics = _client_errors(_writable_rows(_rfc5545(datasette_ics.render_ics)), "a calendar",
                                              ("event_dtstart",))
