"""Every served connection is bounded: no value, no result and no SQL function can outgrow the server.

Datasette's time limit stops a query that runs long, but not one that is quick and huge: `select
zeroblob(60000000)` takes milliseconds in SQLite and then seconds of Python turning 60 MB into JSON
(outside the time limit), and three of them at once took a server from 113 MB to 3.2 GB. So, on
every connection Datasette opens (served publicly or locally: none of this costs a reader anything):

- SQLITE_LIMIT_LENGTH is MAX_VALUE_BYTES: no string or blob, stored or computed (zeroblob, printf,
  group_concat, replace...), may be longer; SQLite refuses it at once ("string or blob too big"). It
  is larger than any value a build can write (a facts file is at most 10 MB, an article too), and
  4,000 times the longest value in the real data (a 4 kB full-text index block; the longest sentence
  is 475 characters, the longest notes 815).
- A result may hold at most MAX_RESULT_BYTES of text and blobs (a page of rows is at most
  max_returned_rows of them): past that the query stops with "result too large", before Datasette
  renders any of it.
- `fts3_tokenizer()` is refused (an authorizer denies the function): with one argument it returns
  the address of a tokenizer in the server's memory, with two it installs any address as a
  tokenizer. Full-text search does not need it (the site's indexes are FTS5; FTS3/4 tables find
  their tokenizers inside SQLite, not through this function).
"""
import sqlite3
from collections.abc import Callable
from typing import Any

from datasette import hookimpl

from timeline.errors import ResultTooLarge

MAX_VALUE_BYTES = 2 * 1024 * 1024
MAX_RESULT_BYTES = 16 * 1024 * 1024
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer"})


def authorizer(action: int, arg1: str | None, arg2: str | None, database: str | None, trigger: str | None) -> int:
    """SQLite's authorizer callback: deny the functions in DENIED_FUNCTIONS, allow everything else
    (Datasette and SQLite's read-only mode already refuse writes)."""
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def bounded_rows(limit: int = MAX_RESULT_BYTES) -> Callable[[sqlite3.Cursor, tuple[Any, ...]], sqlite3.Row]:
    """A row factory making sqlite3.Row objects (as Datasette's does) that raises ResultTooLarge once the
    rows fetched from one cursor hold more than `limit` bytes of text and blobs."""
    last: dict[str, Any] = {"cursor": None, "used": 0}

    def row_factory(cursor, row):
        if last["cursor"] is not cursor:  # a new query (held here, so no later cursor can share its id)
            last["cursor"], last["used"] = cursor, 0
        used = last["used"]
        for value in row:
            used += len(value) if isinstance(value, (str, bytes)) else 8
        last["used"] = used
        if used > limit:
            raise ResultTooLarge(f"result too large: these rows hold more than {limit // (1024 * 1024)} MB;"
                                 " ask for fewer rows (_size=, LIMIT) or fewer or shorter columns")
        return sqlite3.Row(cursor, row)

    return row_factory


def bound(conn: sqlite3.Connection) -> None:
    """Apply every limit above to a connection."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.set_authorizer(authorizer)
    conn.row_factory = bounded_rows()


@hookimpl
def prepare_connection(conn):
    bound(conn)
