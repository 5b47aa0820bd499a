"""The pages a reader gets from a public site (`timeline serve --public`, `timeline publish`): outlet names,
dates in words and fact titles, never the curator's workings -- no file path, fact, source or entity id, hash or
evidence note -- on the project's story and on a new story of two articles with a disagreement of its own;
and the curator's own site (`timeline serve`) showing them, with a switch to the reader's view.

Every page a reader can reach from the home page is crawled, in process, on a Datasette made from the very
options `timeline serve --public` gives it (server.datasette_command). The data pages (`/timeline`, its tables,
views, SQL and JSON) show the database as it is kept, ids included, and are not crawled: the home page names
them as such.
"""
import asyncio
import hashlib
import html
import re
import sqlite3
from urllib.parse import urlsplit

import pytest
from conftest import ROOT

from timeline import api
from timeline.database import build
from timeline.site.server import datasette_command

# The pages made for readers: home, timeline, disagreements, search, and the fact, source and entity pages.
READER_PAGE = re.compile(r"^/(chronology|conflicts|search|timeline/(facts|sources|entities)/[^/]+)?$")
MAX_WITH_QUERY = 25  # /chronology and /search pages with a query string crawled, each


def site(db, metadata, public=True):
    """The Datasette that `timeline serve [--public]` runs for `db`, as an object (no server, no port)."""
    from datasette.cli import serve

    command = datasette_command(str(db), 8001, public=public, metadata=str(metadata))
    args = command[command.index("--") + 1:]  # the options `datasette serve` takes
    with serve.make_context("datasette serve", args) as ctx:
        return ctx.invoke(serve.callback, **ctx.params, return_instance=True)


def visible(page):
    """What a reader reads: the text of the page (scripts and styles left out) and its title and aria-label
    attributes, entities decoded."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    labels = " ".join(re.findall(r'(?:title|aria-label|alt)="([^"]*)"', page))
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page) + " " + labels))


def crawl(ds, extra=()):
    """{path: html} of every reader page reachable from the home page (and `extra`), each answering 200."""

    async def run():
        pages, queue, with_query = {}, ["/", *extra], {}
        while queue:
            path = queue.pop(0)
            if path in pages:
                continue
            response = await ds.client.get(path)
            assert response.status_code == 200, path
            pages[path] = response.text
            for href in re.findall(r'href="([^"]+)"', response.text):
                link = urlsplit(html.unescape(href))
                if link.scheme or link.netloc or not READER_PAGE.match(link.path) or link.path.endswith(".json"):
                    continue
                target = link.path + ("?" + link.query if link.query else "")
                if link.query:
                    with_query[link.path] = with_query.get(link.path, 0) + 1
                    if with_query[link.path] > MAX_WITH_QUERY:
                        continue
                queue.append(target)
        return pages

    return asyncio.run(run())


def workings(db):
    """What only a curator may see, from the database itself: every fact, source and entity id, file path,
    hash and evidence note."""
    conn = sqlite3.connect(db)
    ids = {i for (i,) in conn.execute("select id from facts union select id from sources union select id from entities")}
    paths = {p for (p,) in conn.execute("select file from facts union select file from entities union select path"
                                        " from sources union select original from sources where original is not null")}
    hashes = {h for (h,) in conn.execute("select sha256 from sources union select original_sha256 from sources"
                                         " where original_sha256 is not null")}
    notes = {n.strip()[:60] for (n,) in conn.execute("select notes from sources where notes is not null")}
    return ids, paths, hashes, notes


def leaks(text, ids, paths, hashes, notes):
    found = [i for i in ids if re.search(rf"(?<![\w./-]){re.escape(i)}(?![\w/-])", text)]
    found += [p for p in paths | hashes | notes if p and p in text]
    found += re.findall(r"\b[\w-]+\.(?:yaml|txt)\b", text)
    return found


def assert_no_workings(pages, db):
    ids, paths, hashes, notes = workings(db)
    shown = {path: leaks(visible(page), ids, paths, hashes, notes) for path, page in pages.items()}
    assert {path: found for path, found in shown.items() if found} == {}


def test_no_page_of_a_public_site_shows_the_curators_workings(real_db):
    ds = site(real_db, ROOT / "metadata.json")
    pages = crawl(ds, ["/search?q=terrorist", "/search?q=Boasberg", "/search?q=30"])
    (facts,), = sqlite3.connect(real_db).execute("select count(*) from facts")
    assert len([p for p in pages if p.startswith("/timeline/facts/")]) == facts  # every fact page was read
    assert_no_workings(pages, real_db)
    assert "/-/view" not in "".join(pages.values())  # no switch to the curator's view either
    fact = visible(pages["/timeline/facts/us-pays-6-million-a-year"])
    assert "The Washington Post, Wednesday 26 March 2025" in fact


def test_every_disagreement_is_on_the_fact_pages_involved(real_db):
    ds = site(real_db, ROOT / "metadata.json")
    conn = sqlite3.connect(real_db)
    involved = conn.execute("select fact_id from fact_disagreements union select fact_id from date_conflicts").fetchall()
    topics = dict(conn.execute("select id, topic from facts"))
    pages = crawl(ds, [f"/timeline/facts/{fact_id}" for (fact_id,) in involved])
    for (fact_id,) in involved:
        page = pages[f"/timeline/facts/{fact_id}"]
        assert 'id="disagreement"' in page, fact_id
        others = conn.execute("select fact_id from fact_disagreements where topic = ? and fact_id != ?",
                              (topics[fact_id], fact_id)).fetchall()
        assert all(f'href="/timeline/facts/{other}"' in page for (other,) in others), fact_id  # each value's facts
    assert all('class="flag disputed"' in pages["/chronology"] for _ in involved)


A_STORY_ARTICLES = {
    "harbour-herald-0324": ("The Harbour Herald", "2025-03-24",
                            "The council said on Monday that the bridge cost more than $12 million to build.\n"
                            "The mayor is due to open the bridge on Thursday, officials said.\n"),
    "coast-times-0325": ("Coast Times", "2025-03-25T08:30:00+00:00",
                         "Officials put the cost of the bridge at $9 million.\n"
                         "The council approved the bridge last month after a long debate.\n"),
}
A_STORY_FACTS = """\
- id: bridge-cost-herald-figure
  kind: figure
  title: The Harbour Herald reports the bridge cost more than $12 million
  value: 12000000
  qualifier: more_than
  unit: USD
  topic: bridge-cost
  sources:
    - source: harbour-herald-0324
      quote: "the bridge cost more than $12 million to build"
- id: bridge-cost-times-figure
  kind: figure
  title: Coast Times puts the bridge's cost at $9 million
  value: 9000000
  unit: USD
  topic: bridge-cost
  sources:
    - source: coast-times-0325
      quote: "put the cost of the bridge at $9 million"
- id: mayor-to-open-bridge
  kind: event
  title: The mayor opens the bridge
  when: on Thursday
  direction: future
  sources:
    - source: harbour-herald-0324
      quote: "The mayor is due to open the bridge on Thursday"
- id: council-approves-bridge
  kind: event
  title: The council approves the bridge
  when: last month
  sources:
    - source: coast-times-0325
      quote: "The council approved the bridge last month"
"""


@pytest.fixture(scope="module")
def a_new_story(tmp_path_factory):
    """`timeline init`, two articles of two outlets, four facts: figures that cannot both be true, an event
    still to come when reported."""
    folder = tmp_path_factory.mktemp("new-story")
    api.init(str(folder), title="The harbour bridge")
    entries = []
    for sid, (outlet, published, text) in A_STORY_ARTICLES.items():
        (folder / "sources" / f"{sid}.txt").write_text(text, encoding="utf-8")
        sha = hashlib.sha256(text.encode()).hexdigest()
        entries.append(f"- id: {sid}\n  path: sources/{sid}.txt\n  sha256: {sha}\n  outlet: {outlet}\n"
                       f"  published: '{published}'\n  notes: Evidence <meta name=\"date\"> read from the page {sid}\n")
    (folder / "sources" / "sources.yaml").write_text("".join(entries), encoding="utf-8")
    (folder / "facts" / "facts.yaml").write_text(A_STORY_FACTS, encoding="utf-8")
    build.build(str(folder / "timeline.db"), str(folder / "facts"), str(folder / "sources"))
    return folder


def test_a_new_story_reads_as_a_reader_expects(a_new_story):
    db = a_new_story / "timeline.db"
    pages = crawl(site(db, a_new_story / "metadata.json"), ["/search?q=bridge+cost"])
    assert_no_workings(pages, db)
    fact = visible(pages["/timeline/facts/bridge-cost-times-figure"])
    assert "Sources disagree They give figures that cannot all be true: 9,000,000 USD this fact (Coast Times)" \
           " more than 12,000,000 USD The Harbour Herald reports the bridge cost more than $12 million" in fact
    assert "Coast Times, Tuesday 25 March 2025" in fact and "Not resolved" in fact
    opening = visible(pages["/timeline/facts/mayor-to-open-bridge"])
    assert "Thursday 27 March 2025" in opening
    assert "Scheduled, not a report of what happened: every article citing it was published by Monday 24 March" \
           " 2025" in opening
    assert "scheduled: still to come when reported" in visible(pages["/chronology"])
    assert 'class="bar scheduled"' in pages["/chronology"]
    assert "worked out from “last month” in Coast Times of Tuesday 25 March 2025" in visible(
        pages["/timeline/facts/council-approves-bridge"])
    search = pages["/search?q=bridge+cost"]
    assert "<mark>bridge</mark> <mark>cost</mark>" in search and "Cited by The Harbour Herald reports" in visible(search)
    assert visible(pages["/"]).count("Sources disagree") == 1 and 'href="/conflicts"' in pages["/"]


def test_the_curators_own_site_shows_the_workings_and_switches_to_the_readers_view(a_new_story):
    db = a_new_story / "timeline.db"
    ds = site(db, a_new_story / "metadata.json", public=False)

    async def run():
        curator = (await ds.client.get("/timeline/facts/bridge-cost-times-figure")).text
        switched = await ds.client.get("/-/view?as=reader&next=/timeline/facts/bridge-cost-times-figure")
        cookie = switched.cookies.get("timeline_view")
        reader = (await ds.client.get("/timeline/facts/bridge-cost-times-figure",
                                      cookies={"timeline_view": cookie})).text
        elsewhere = await ds.client.get("/-/view?as=reader&next=//example.org/")
        return curator, switched, cookie, reader, elsewhere

    curator, switched, cookie, reader, elsewhere = asyncio.run(run())
    assert "facts/facts.yaml:11" in visible(curator) and "See what readers see" in visible(curator)
    assert switched.status_code == 302 and switched.headers["location"] == "/timeline/facts/bridge-cost-times-figure"
    assert cookie == "reader"
    assert "facts/facts.yaml" not in visible(reader) and "Back to the curator's view" in visible(reader)
    assert elsewhere.headers["location"] == "/"  # never sends anyone to another site
    source = asyncio.run(site(db, a_new_story / "metadata.json", public=False).client.get(
        "/timeline/sources/coast-times-0325")).text
    assert "Evidence <meta name=\"date\"> read from the page" in html.unescape(source) and 'id="cite-helper"' in source
    public = site(db, a_new_story / "metadata.json")
    assert asyncio.run(public.client.get("/-/view?as=curator")).status_code == 404
