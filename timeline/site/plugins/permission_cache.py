"""Table permissions are worked out once per table, not on every page view.

Datasette 0.65.5 answers "may this actor view table T?" by deep-copying the whole metadata (every
column description of every table) to find T's `allow` blocks, and its database page asks that for
every table and view: about 60% of `/timeline` at 100,000 facts (75 ms in-process, 40+ tables).
The blocks depend on the metadata alone, which does not change while a server runs, so they are kept
per (database, table) and per metadata object; the actor is still checked against them on every
request, exactly as before. If Datasette no longer has the method, nothing is changed.
"""
import copy
from typing import Any

from datasette import hookimpl


def cached_table_permission_allows(datasette: Any) -> dict[tuple[int, str, str], Any] | None:
    """Replace `datasette._table_permission_allows` with a cached version; returns the cache."""
    original = getattr(datasette, "_table_permission_allows", None)
    if original is None or getattr(original, "cache", None) is not None:
        return getattr(original, "cache", None)
    cache = {}

    def allows(database, table):
        key = (id(datasette._metadata_local), database, table)
        if key not in cache:
            cache[key] = original(database, table)
        return copy.deepcopy(cache[key])

    setattr(allows, "cache", cache)  # a function's own attribute, which mypy cannot declare
    datasette._table_permission_allows = allows
    return cache


@hookimpl
def startup(datasette):
    cached_table_permission_allows(datasette)
