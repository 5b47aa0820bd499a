"""Bad input in a URL is the client's mistake: answer 400 with Datasette's error page, not 500.

Datasette 0.65 answers many malformed parameters with a server error: `?_sort=nosuch` ("Cannot sort
table by nosuch"), `?_sort=a&_sort_desc=b`, `?id__in=[` (a JSON error), `?_timelimit=abc` and
`?_next=abc` on a view (int()), `?_through={"table":"x"}` and `?_facet={"x":1}` (a missing key),
`?_json_infinity=maybe`, `?value__gt=99999999999999999999` (a number SQLite cannot hold),
`?id__in=[{"a":1}]`, a NUL character in a column name or `?_where=`, a query a custom page runs that
takes too long. A public server should keep
5xx for real faults, so monitoring and load tests can count them: when a request fails and one of
its parameters is malformed (`malformed`), or the failure is one only a request can cause
(`client_mistake`), the answer is 400 with what was wrong and what to write instead.

Two more of the same kind: a POST to a table, a view or a canned query that writes nothing answered
500 with a traceback in the log (Datasette asserts, or returns what is not a response): it is 405,
send GET. And a CSV of SQL that fails answered 200 with an empty body (Datasette's CSV writer takes
the error for no rows): it is 400 with SQLite's message, as the same query's JSON and HTML are.
"""
import json
import re
import sqlite3
from collections.abc import Iterable
from urllib.parse import parse_qsl

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.handle_exception import handle_exception as datasette_error_page
from datasette.utils.asgi import Request
from datasette.views.base import DataView, DatasetteError

CLIENT_MISTAKES = ("Cannot sort table by ", "Cannot use _sort and _sort_desc at the same time",
                   "Invalid _through - could not find corresponding foreign key")
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
BOOLEANS = ("on", "off", "true", "false", "1", "0")
NUMERIC_FILTERS = ("__gt", "__gte", "__lt", "__lte")
LARGEST_INTEGER = 2 ** 63 - 1  # SQLite's


def client_mistake(exception: BaseException) -> str | None:
    """The message for a 400 when `exception` can only have been caused by the request, else None."""
    if isinstance(exception, DatasetteError) and exception.status == 500 \
            and str(exception.message).startswith(CLIENT_MISTAKES):
        return exception.message
    if isinstance(exception, json.JSONDecodeError):
        return f"A parameter holds malformed JSON ({exception.msg}): check the URL"
    if isinstance(exception, QueryInterrupted):
        return "The query took too long and was stopped: ask for less (fewer words, a narrower filter)"
    if isinstance(exception, OverflowError) and "SQLite INTEGER" in str(exception):
        return "A number in the request is too large for the database (the largest is 9223372036854775807)"
    return None


def _json_object(value, keys):
    try:
        data = json.loads(value)
    except ValueError:
        return False
    return isinstance(data, dict) and all(isinstance(data.get(k), str) for k in keys)


def _json_list_of_values(value):
    try:
        data = json.loads(value)
    except ValueError:
        return False
    return isinstance(data, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) or v is None
                                          for v in data)


def malformed(pairs: Iterable[tuple[str, str]], is_view: bool = False) -> str | None:
    """What is wrong with the first malformed parameter Datasette reads, for a person, or None.

    `pairs`: the query string as (name, value) pairs; `is_view`: the path is a view or canned query,
    whose `_next` is a row offset (a table's is a key)."""
    for name, value in pairs:
        if name == "_timelimit" and not WHOLE_NUMBER.fullmatch(value):
            return f"_timelimit={value[:40]!r}: give a time limit in whole milliseconds, e.g. _timelimit=500"
        if name == "_next" and is_view and not WHOLE_NUMBER.fullmatch(value):
            return f"_next={value[:40]!r}: on a view, _next is how many rows to skip, e.g. _next=100"
        if name == "_json_infinity" and value.lower() not in BOOLEANS:
            return f"_json_infinity={value[:40]!r}: write _json_infinity=1 or _json_infinity=0"
        if name == "_through" and not _json_object(value, ("table", "column", "value")):
            return (f"_through={value[:60]!r}: write a JSON object naming the table, column and value,"
                    ' e.g. _through={"table":"fact_entities","column":"entity_id","value":"harbour-bridge"}')
        if name.startswith("_facet") and name != "_facet_size" and value.startswith("{") \
                and not _json_object(value, ("column",)):
            return f'{name}={value[:60]!r}: write a column name, or a JSON object such as {{"column": "kind"}}'
        if name.endswith(NUMERIC_FILTERS) and value.isdigit() and int(value) > LARGEST_INTEGER:
            return f"{name}={value[:40]}: the number is too large for the database (at most {LARGEST_INTEGER})"
        if name.endswith(("__in", "__notin")) and value.startswith("[") and not _json_list_of_values(value):
            return f'{name}={value[:60]!r}: write a JSON list of values, e.g. ["a", "b"], or a, b'
        if "\x00" in name + value:
            return f"{name[:40]!r} holds a NUL character (%00), which no name or SQL may hold: remove it"
    return None


async def _is_view(datasette, request):
    """True when the request's path is /<database>/<view or canned query>[.format]."""
    parts = request.path.strip("/").split("/")
    if len(parts) != 2:
        return False
    database, name = parts[0], parts[1].rsplit(".", 1)[0] if "." in parts[1] else parts[1]
    try:
        db = datasette.get_database(database)
    except KeyError:
        return False
    queries = (datasette.metadata("queries", database=database) or {})
    try:
        return name in queries or name in await db.view_names()
    except sqlite3.Error:
        return False


def _csv_of_errors_too(as_csv):
    """DataView.as_csv answering 400 when the query failed (its data says ok: false), never an empty 200."""
    async def csv(self, request, database):
        data = self.data

        async def checked(*args, **kwargs):
            result = await data(*args, **kwargs)
            found = result[0] if isinstance(result, tuple) and result and isinstance(result[0], dict) else {}
            if found.get("ok") is False and found.get("error"):
                raise DatasetteError(str(found["error"]), title="Invalid SQL", status=400)
            return result

        self.data = checked  # this view object serves this one request
        return await as_csv(self, request, database)

    setattr(csv, "wrapped_by_timeline", True)
    return csv


if not getattr(DataView.as_csv, "wrapped_by_timeline", False):
    DataView.as_csv = _csv_of_errors_too(DataView.as_csv)


def _writes(datasette, path):
    """False when a POST to `path` can only fail: a table, a view or a canned query that writes nothing
    (/<database>/<name>[.format]), which Datasette answers with a 500 and a traceback."""
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[0] not in datasette.databases:
        return True
    queries = datasette.metadata("queries", database=parts[0]) or {}
    for name in {parts[1], parts[1].rsplit(".", 1)[0]}:
        query = queries.get(name)
        if isinstance(query, dict) and query.get("write"):
            return True
    return False


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def reads_only(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method") == "POST" and not _writes(datasette, scope["path"]):
                error = DatasetteError("This page cannot be written to: send GET to read it", title="Method not allowed",
                                       status=405)
                response = await datasette_error_page(datasette, Request(scope, receive), error)()
                response.headers["allow"] = "GET, HEAD"
                return await response.asgi_send(send)
            return await app(scope, receive, send)

        return reads_only

    return wrap


@hookimpl
def handle_exception(datasette, request, exception):
    async def inner():
        if request.method == "POST" and isinstance(exception, (AssertionError, AttributeError)):
            error = DatasetteError("This page cannot be written to: send GET to read it", title="Method not allowed",
                                   status=405)
            return await datasette_error_page(datasette, request, error)()
        message = client_mistake(exception)
        if message is None and isinstance(exception, (ValueError, TypeError, KeyError, IndexError, OverflowError,
                                                      sqlite3.Error)):
            message = malformed(parse_qsl(request.query_string, keep_blank_values=True),
                                await _is_view(datasette, request))
            message = message and f"A parameter is malformed: {message}"
        if message is None:
            return None
        return await datasette_error_page(datasette, request,
                                          DatasetteError(message, title="Bad request", status=400))()

    return inner
