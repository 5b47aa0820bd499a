"""No request makes the site answer 5xx: a malformed parameter is a 400 that says what to write, and an
odd but valid one (a lone ", a 3,000-word search, a feed with nothing in it) is a correct page.

The site is served in-process exactly as `timeline serve --public` serves it (the public settings,
the packaged templates, plugins and metadata), and every parameter Datasette 0.65 reads is tried
with values it does not expect, on tables, views, canned queries, feeds and the site's own pages.
FUZZ_SCALE=20 tries every combination (about 50,000 requests, some 15 minutes) instead of a sample.
"""
import asyncio
import os
import random
import urllib.parse
import xml.etree.ElementTree as ET

import httpx
import pytest
from conftest import ARTICLE, FACT, ROOT, Tree
from datasette.app import Datasette

from timeline.site import server

# Datasette leaves a coroutine unawaited when a request fails early; that is its own, not a fault here.
pytestmark = pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
METADATA = server.site_metadata(ROOT / "metadata.json")
PUBLIC = {name: {"on": True, "off": False}.get(value, value) for name, value in server.PUBLIC_SETTINGS.items()}


def site(path):
    """The site on the database at `path`, as `timeline serve --public` runs it."""
    return Datasette(immutables=[str(path)], metadata=METADATA, template_dir=server.SITE_TEMPLATES,
                     plugins_dir=server.SITE_PLUGINS, static_mounts=[("static", server.SITE_STATIC)],
                     settings=PUBLIC)


def get_all(ds, paths, bodies=True):
    """{path: (status, body or None)}; an exception inside the site counts as the 500 a server would send."""
    async def run():
        await ds.invoke_startup()
        transport = httpx.ASGITransport(app=ds.app(), raise_app_exceptions=False)
        out = {}
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            for path in paths:
                response = await client.get(path)
                out[path] = (response.status_code, response.text if bodies else None)
        return out
    return asyncio.run(run())


@pytest.fixture(scope="module")
def real(db):
    return site(db)


def q(**params):
    return urllib.parse.urlencode(params)


THREE_THOUSAND_WORDS = " ".join(["the", "bridge", "of", "noem", "prison"] * 600)
ATOM_SQL = "select 1 as atom_id, 'x' as atom_title, {updated} as atom_updated"
ICS_SQL = "select 'x' as event_name, {start} as event_dtstart"

# (path, expected status, words the page must hold)
LISTED = [
    ("/search?" + q(q='"'), 200, "Nothing found"),
    ("/search?" + q(q='"""'), 200, "Nothing found"),
    ("/search?" + q(q=THREE_THOUSAND_WORDS), 200, "only the first 16 words were searched"),
    ("/timeline/search.json?" + q(q='"'), 200, '"rows": []'),
    ("/timeline/search.json?" + q(q=THREE_THOUSAND_WORDS), 200, '"ok": true'),
    ("/timeline/facts?_timelimit=abc", 400, "whole milliseconds"),
    ("/timeline/facts_feed.atom?_timelimit=abc", 400, "whole milliseconds"),
    ("/timeline/timeline?_next=abc", 400, "how many rows to skip"),
    ("/timeline/conflicts.json?_next=abc", 400, "how many rows to skip"),
    ("/timeline/facts?" + q(_through='{"table":"x"}'), 400, "naming the table, column and value"),
    ("/timeline/facts?" + q(_through="-1"), 400, "naming the table, column and value"),
    ("/timeline/facts?" + q(_through='{"table":"facts","column":"x","value":"y"}'), 400, "foreign key"),
    ("/timeline/facts?" + q(_facet='{"x":1}'), 400, "a column name"),
    ("/timeline/facts.json?_json_infinity=maybe", 400, "_json_infinity=1"),
    ("/timeline/facts?value__gt=99999999999999999999", 400, "too large"),
    ("/timeline/facts?" + q(_where="\x00"), 400, "NUL"),
    ("/timeline.atom?" + q(sql=ATOM_SQL.format(updated="'garbage'")), 400, "atom_updated must be"),
    ("/timeline.atom?" + q(sql=ATOM_SQL.format(updated="null")), 400, "atom_updated must be"),
    ("/timeline.atom?" + q(sql=ATOM_SQL.format(updated="12")), 400, "atom_updated must be"),
    ("/timeline.atom?" + q(sql=ATOM_SQL.format(updated="'2025-03-26T00:00:00+00:00'") + " where 0"), 200, "<feed"),
    ("/timeline.ics?" + q(sql=ICS_SQL.format(start="'soon'")), 400, "event_dtstart"),
    ("/timeline.ics?" + q(sql=ICS_SQL.format(start="x'00'")), 400, "event_dtstart"),
]


@pytest.mark.parametrize("path, status, words", LISTED, ids=[p[0][:60] for p in LISTED])
def test_listed_requests(real, path, status, words):
    found, body = get_all(real, [path])[path]
    assert (found, words in body) == (status, True), body[:500]


@pytest.fixture(scope="module")
def odd_trees(tmp_path_factory):
    """Two stories: one with no facts yet, one whose only source gives no publication date."""
    empty = Tree(tmp_path_factory.mktemp("no-facts"))
    empty.write("facts/facts.yaml", "[]\n")
    empty.build()
    undated = Tree(tmp_path_factory.mktemp("no-published"))
    undated.article("herald", ARTICLE, published=None)
    undated.write("facts/facts.yaml", FACT + FACT.replace("bridge-cost", "bridge-cost-herald")
                  .replace("source: gazette", "source: herald"))
    undated.build()
    return empty, undated


@pytest.mark.parametrize("which, entries", [(0, 0), (1, 2)], ids=["no facts", "a source without published"])
def test_the_facts_feed_is_valid_atom_with_no_facts_or_no_dates(odd_trees, which, entries):
    tree = odd_trees[which]
    status, body = get_all(site(tree.db), ["/timeline/facts_feed.atom"])["/timeline/facts_feed.atom"]
    assert status == 200, body[:500]
    feed = ET.fromstring(body)
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}updated").text
    assert len(feed.findall(f"{atom}entry")) == entries
    assert all(entry.find(f"{atom}updated").text for entry in feed.findall(f"{atom}entry"))


@pytest.mark.parametrize("path", ["/", "/chronology", "/search?q=bridge", "/timeline", "/timeline/conflicts",
                                  "/timeline/calendar.ics", "/timeline/facts_feed.atom"])
def test_a_story_with_no_facts_has_every_page(odd_trees, path):
    status, body = get_all(site(odd_trees[0].db), [path])[path]
    assert status == 200, body[:500]


# --- the whole class: every parameter Datasette reads, with values it does not expect -----------------

PARAMETERS = [
    "_col", "_nocol", "_sort", "_sort_desc", "_sort_by_desc", "_nocount", "_count", "_nofacet", "_nosuggest",
    "_shape", "_next", "_size", "_timelimit", "_labels", "_label", "_extras", "_json", "_json_infinity",
    "_show_hidden", "_ttl", "_dl", "_header", "_trace", "_stream", "_fts_table", "_fts_pk", "_searchmode",
    "_search", "_search_title", "_where", "_through", "_facet", "_facet_array", "_facet_date", "_facet_size",
    "_context", "_nl", "_ics_title", "_feed_title", "_plain", "_hash", "_filter_column", "_filter_op",
    "_filter_value", "sql", "q", "source", "fact_id", "from_date", "to_date", "id__in", "id__notin", "id__gt",
    "title__contains", "date_start__date", "id__arraycontains", "value__gt", "value__lte", "kind__notin",
    "id__isnull", "id__exact", "rowid__gt", "title__glob", "title__like",
]
VALUES = [
    "abc", "-1", "0", "1e999", "99999999999999999999", "", '"', "[", "]", "{", '{"table":"x"}', '{"column":1}',
    '{"table":"facts","column":"x","value":"y"}', "[1,2]", '[{"a":1}]', "[[1]]", "null", "nan", "\x00", "x" * 5000,
    "\u202e\u00e9\U0001f600", "%", "'", ";", "max", "title", "id", "_rowid_", "facts", "facts_fts", "1 2 3 " * 300,
    "select 1", "-", "~", "~2F", "1.5", "*", "on", "true",
]
PATHS = [
    "/timeline/facts", "/timeline/facts.json", "/timeline/facts.csv", "/timeline/facts.atom", "/timeline/timeline",
    "/timeline/timeline.json", "/timeline/timeline.csv", "/timeline/conflicts", "/timeline/sentences",
    "/timeline/facts_fts", "/timeline/entities.json", "/timeline/search", "/timeline/search.json",
    "/timeline/facts_feed", "/timeline/facts_feed.atom", "/timeline/calendar", "/timeline/calendar.ics",
    "/timeline/source_facts", "/timeline/facts/noem-visits-cecot", "/timeline/sources/wapo", "/timeline",
    "/timeline.json", "/search", "/chronology", "/",
]


def sample():
    """Every (path, parameter, value) with FUZZ_SCALE=20; otherwise the same 800 of them, drawn at
    random once (a fixed seed: a failure is the same on every run)."""
    every = [(p, name, v) for p in PATHS for name in PARAMETERS for v in VALUES]
    if SCALE >= 20:
        return every
    return random.Random(16).sample(every, min(len(every), 800 * SCALE))


def test_no_parameter_makes_a_server_error(real):
    paths = [f"{path}?{q(**{name: value})}" for path, name, value in sample()]
    answers = get_all(real, paths, bodies=False)
    errors = sorted((status, path) for path, (status, _) in answers.items() if status >= 500)
    assert errors == [], f"{len(errors)} server errors, e.g. {errors[:10]}"


def test_a_url_that_is_not_http_is_never_a_link(tmp_path):
    """sources.yaml refuses such a url; a database made some other way still never links one."""
    import sqlite3

    tree = Tree(tmp_path)
    tree.build()
    db = sqlite3.connect(tree.db)
    db.execute("UPDATE sources SET url = ' JavaScript:alert(1)'")
    db.commit()
    db.close()
    pages = get_all(site(tree.db), ["/timeline/sources/gazette", "/timeline/facts/bridge-cost", "/timeline/sources"])
    for path, (status, body) in pages.items():
        assert status == 200, path
        assert "href=\" javascript" not in body.lower() and 'href="javascript' not in body.lower(), path
    assert "JavaScript:alert(1) (not a web address: not linked)" in pages["/timeline/sources/gazette"][1]


def post_all(ds, paths):
    """{path: (status, body)} for a POST of a form to each path."""
    async def run():
        await ds.invoke_startup()
        transport = httpx.ASGITransport(app=ds.app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return {path: ((r := await client.post(path, data={"a": "b"})).status_code, r.text) for path in paths}
    return asyncio.run(run())


def test_a_post_to_a_table_view_or_canned_query_is_405_never_500(real, capfd):
    """Every POST to a table, a view or a read-only canned query answered 500, with a traceback in the log."""
    paths = ["/timeline/facts", "/timeline/facts.json", "/timeline/figures", "/timeline/timeline",
             "/timeline/facts_feed", "/timeline/facts_feed.atom", "/timeline/search"]
    answers = post_all(real, paths)
    assert {path: status for path, (status, _) in answers.items()} == {path: 405 for path in paths}
    assert all("send GET" in body for _, body in answers.values())
    assert "Traceback" not in capfd.readouterr().err


def test_a_failed_csv_query_is_a_400_not_an_empty_200(real):
    """A CSV of SQL that fails answered 200 with an empty body, so a script saving it saw no error."""
    answers = get_all(real, ["/timeline.csv?" + q(sql="select nosuch"), "/timeline.csv?" + q(sql="select zeroblob(3000000)"),
                             "/timeline.csv?" + q(sql="select 1 +")])
    for path, (status, body) in answers.items():
        assert status == 400, (path, status, body)
    assert "no such column: nosuch" in answers["/timeline.csv?" + q(sql="select nosuch")][1]
    assert get_all(real, ["/timeline.csv?" + q(sql="select 1 as one")])["/timeline.csv?sql=select+1+as+one"] == \
        (200, "one\r\n1\r\n")
