"""The Atom and iCalendar renderers (datasette-atom, datasette-ics) answer 400 for rows they cannot
render, never 500, and an empty Atom feed is a valid feed.

Any query can be asked for as `.atom` or `.ics` once it returns the renderer's columns, so their
values are a reader's input: `atom_updated` that is not a date, `event_dtstart` of 'soon', a number
where text belongs. Each renderer raised on those (ValueError, TypeError, arrow's ParserError...),
and datasette-atom raised on a query with no rows at all (the feed's `updated` is the latest row's):
a story with no facts yet had a broken feed. The renderers are wrapped before Datasette registers
them (plugins in this folder load first), keeping their own signatures, which Datasette reads.
"""
import functools
import inspect

import datasette_atom
import datasette_ics
from datasette.utils.asgi import Response
from datasette.views.base import DatasetteError
from feedgen.feed import FeedGenerator

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


if not getattr(datasette_atom.render_atom, "wrapped_by_timeline", False):
    datasette_atom.render_atom = _client_errors(_atom_of_nothing(datasette_atom.render_atom), "an Atom feed",
                                                ("atom_updated",))
if not getattr(datasette_ics.render_ics, "wrapped_by_timeline", False):
    datasette_ics.render_ics = _client_errors(datasette_ics.render_ics, "a calendar", ("event_dtstart",))
