"""The exports: TimelineJS 3 JSON and a W3C Web Annotation collection, checked against the database."""
import asyncio
import base64
import datetime
import hashlib
import html
import json
import re
import sqlite3

import pytest
from conftest import ARTICLE, ROOT
from datasette.app import Datasette
from test_datasette import get
from test_site import evil_db, excerpt_db  # noqa: F401 - fixtures

from timeline.site.server import SITE_PLUGINS, SITE_TEMPLATES, site_metadata

ANNO = "http://www.w3.org/ns/anno.jsonld"
MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
               "identifying", "linking", "moderating", "questioning", "replying", "tagging"}


def query(db, sql, *params):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return [dict(r) for r in conn.execute(sql, params)]


def fetch(db, path, host=None):
    """(status, content type, body) of one request to the site, in-process, with an optional Host header."""
    async def run():
        ds = Datasette([str(db)], immutables=[], metadata=site_metadata(ROOT / "metadata.json"),
                       plugins_dir=SITE_PLUGINS, template_dir=SITE_TEMPLATES)
        response = await ds.client.get(path, headers={"host": host} if host else None)
        return response.status_code, response.headers.get("content-type"), response.text

    return asyncio.run(run())


def loaded_plugin(name):
    """The plugin module Datasette loaded from the site's plugins folder (to lower its limits in a test)."""
    from datasette.plugins import pm

    Datasette([], plugins_dir=SITE_PLUGINS)  # registers the folder's plugins once per process
    return pm.get_plugin(f"{name}.py")


# --- TimelineJS --------------------------------------------------------------------------------

def timelinejs(db, path="/export/timelinejs.json", host=None):
    status, kind, body = fetch(db, path, host)
    assert status == 200, body
    assert kind.startswith("application/json")
    return json.loads(body)


def test_timelinejs_has_one_event_per_dated_fact_with_its_precision(db):
    data = timelinejs(db)
    facts = {f["id"]: f for f in query(db, "SELECT * FROM facts WHERE date_start IS NOT NULL")}
    events = data["events"]
    assert sorted(e["unique_id"] for e in events) == sorted(facts)
    for e in events:
        f = facts[e["unique_id"]]
        start = datetime.date.fromisoformat(f["date_start"])
        end = datetime.date.fromisoformat(f["date_end"])
        expected = {"day": {"year": start.year, "month": start.month, "day": start.day},
                    "week": {"year": start.year, "month": start.month, "day": start.day},
                    "month": {"year": start.year, "month": start.month},
                    "year": {"year": start.year}, "decade": {"year": start.year}}[f["date_precision"]]
        assert e["start_date"] == expected, f["id"]
        if f["date_precision"] == "decade":
            assert e["end_date"] == {"year": end.year}
        elif f["date_precision"] == "week":
            assert e["end_date"] == {"year": end.year, "month": end.month, "day": end.day}
        else:
            assert "end_date" not in e, f["id"]  # a day, a month or a year is one date at its precision
        assert e["display_date"] == f["date_label"]
        assert html.unescape(e["text"]["headline"]) == f["title"] and "<" not in e["text"]["headline"]
    assert [e["start_date"] for e in events if e["unique_id"] == "alien-enemies-act-last-invoked-wwii"] == [{"year": 1940}]
    months = [e for e in events if facts[e["unique_id"]]["date_precision"] == "month"]
    assert months and all("day" not in e["start_date"] for e in months)


def test_timelinejs_text_has_the_quotes_their_outlets_and_a_link_to_the_fact(db):
    data = timelinejs(db, host="news.example.org")
    event = next(e for e in data["events"] if e["unique_id"] == "boasberg-order-halting-deportations")
    text = event["text"]["text"]
    for c in query(db, "SELECT citations.quote, sources.outlet FROM citations JOIN sources ON sources.id ="
                       " citations.source_id WHERE fact_id = 'boasberg-order-halting-deportations'"):
        assert f"<blockquote>\u201c{html.escape(c['quote'])}\u201d</blockquote>" in text
        assert c["outlet"] in text
    assert '<a href="http://news.example.org/timeline/facts/boasberg-order-halting-deportations">' in text
    assert "http://news.example.org/timeline/sources/wapo#s-" in text
    assert data["title"]["text"]["headline"]
    assert event["group"] == "Court action"


def test_timelinejs_chooses_facts_as_the_timeline_does(db):
    march = timelinejs(db, "/export/timelinejs.json?from=2025-03&to=2025-03&kind=court_action")
    expected = query(db, "SELECT id FROM facts WHERE kind = 'court_action' AND date_start >= '2025-03-01'"
                         " AND date_end <= '2025-03-31' ORDER BY date_start, id")
    assert [e["unique_id"] for e in march["events"]] == [f["id"] for f in expected] != []
    noem = timelinejs(db, "/export/timelinejs.json?entity=kristi-noem")
    (n,), = [tuple(r.values()) for r in query(db, "SELECT count(*) FROM facts WHERE date_start IS NOT NULL AND id IN"
                                                  " (SELECT fact_id FROM fact_entities WHERE entity_id = 'kristi-noem')")]
    assert len(noem["events"]) == n > 0


@pytest.mark.parametrize("path, status, words", [
    ("/export/timelinejs.json?from=2025-13", 400, "there is no month 13"),
    ("/export/timelinejs.json?from=2025-04&to=2025-03", 400, "swap them"),
    ("/export/timelinejs.json?to=%3Cscript%3E", 400, "Cannot read date"),
    ("/export/annotations.jsonld?page=0", 400, "is not a page number"),
    ("/export/annotations.jsonld?page=abc", 400, "is not a page number"),
    ("/export/annotations.jsonld?page=%C2%B2", 400, "is not a page number"),
    ("/export/annotations.jsonld?page=99999999999999999999999", 400, "is not a page number"),
    ("/export/annotations.jsonld?page=2", 404, "past the last page"),
    ("/export/annotations.jsonld?source=nosuch", 404, "there is no source 'nosuch'"),
])
def test_bad_parameters_are_answered_400_or_404_never_500(db, path, status, words):
    got, kind, body = fetch(db, path)
    assert (got, kind.split(";")[0]) == (status, "application/json")
    assert words in json.loads(body)["error"]


def test_too_many_events_for_timelinejs_is_a_400_that_says_how_to_narrow_them(db, monkeypatch):
    monkeypatch.setattr(loaded_plugin("exports"), "MAX_EVENTS", 10)
    status, _, body = fetch(db, "/export/timelinejs.json")
    assert status == 400 and "choose some with kind=, entity=, from= and to=" in json.loads(body)["error"]
    assert fetch(db, "/export/timelinejs.json?kind=court_action")[0] == 200


def test_timelinejs_escapes_hostile_text(evil_db):
    data = timelinejs(evil_db)
    (event,) = data["events"]
    assert "<script>" not in json.dumps(data) and '" onmouseover=' not in json.dumps(data)
    assert event["text"]["headline"].startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "&lt;script&gt;alert(1)" in event["text"]["text"]


# --- Web Annotations ---------------------------------------------------------------------------

def is_iri(value):
    return isinstance(value, str) and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", value) is not None


def check_context(doc):
    """@context: 1 or more values, http://www.w3.org/ns/anno.jsonld among them; a single one as a string."""
    context = doc["@context"]
    assert context == ANNO or (isinstance(context, list) and ANNO in context and len(context) > 1)


def check_types(value, wanted):
    types = value if isinstance(value, list) else [value]
    assert wanted in types, (wanted, value)


def check_annotation(a):
    """The W3C Web Annotation Data Model's MUSTs (and the SHOULDs we promise) for one annotation."""
    assert is_iri(a["id"])  # exactly 1 IRI
    check_types(a["type"], "Annotation")
    assert a["motivation"] in MOTIVATIONS
    assert "bodyValue" not in a
    targets = a["target"] if isinstance(a["target"], list) else [a["target"]]
    assert len(targets) >= 1
    for body in a["body"] if isinstance(a["body"], list) else [a["body"]]:
        assert is_iri(body["id"])  # an External Web Resource has exactly 1 id
    for target in targets:
        if target.get("type") == "SpecificResource" or "selector" in target:
            source = target["source"]  # exactly 1 source
            assert is_iri(source if isinstance(source, str) else source["id"])
            selectors = target["selector"] if isinstance(target["selector"], list) else [target["selector"]]
            for s in selectors:
                assert isinstance(s["type"], str)  # exactly 1 type
                if s["type"] == "TextQuoteSelector":
                    assert isinstance(s["exact"], str) and s["exact"]
                    assert isinstance(s.get("prefix", ""), str) and isinstance(s.get("suffix", ""), str)
                elif s["type"] == "TextPositionSelector":
                    assert type(s["start"]) is int and type(s["end"]) is int and 0 <= s["start"] <= s["end"]
            for state in target.get("state", []) if isinstance(target.get("state"), list) else [target["state"]]:
                assert state["type"] == "TimeState"
                assert is_iri(state["cached"])
                if "sourceDate" in state:
                    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", state["sourceDate"])
        else:
            assert is_iri(target["id"])


def check_page(page, embedded):
    if embedded:
        assert "@context" not in page
    else:
        check_context(page)
    assert is_iri(page["id"])
    check_types(page["type"], "AnnotationPage")
    assert isinstance(page["items"], list) and page["items"]  # 1 or more annotations
    assert type(page["startIndex"]) is int and page["startIndex"] >= 0
    for a in page["items"]:
        check_annotation(a)


def check_collection(doc):
    check_context(doc)
    assert is_iri(doc["id"])
    check_types(doc["type"], "AnnotationCollection")
    assert isinstance(doc["label"], str) and doc["label"]
    assert type(doc["total"]) is int and doc["total"] >= 0
    if doc["total"]:
        assert "first" in doc and is_iri(doc["last"])
        check_page(doc["first"], embedded=True)


def annotations(db, path="/export/annotations.jsonld", host=None):
    status, kind, body = fetch(db, path, host)
    assert status == 200, body
    assert kind == 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    return json.loads(body)


def every_annotation(db, path="/export/annotations.jsonld"):
    """The collection, then every page by its `next` link, checked against the model on the way."""
    collection = annotations(db, path)
    check_collection(collection)
    items, page, pages = [], collection.get("first"), 0
    while page:
        pages += 1
        items += page["items"]
        assert page["startIndex"] == len(items) - len(page["items"])
        if "next" not in page:
            assert page["id"] == collection["last"]
            break
        following = annotations(db, page["next"].replace("http://localhost", ""))
        check_page(following, embedded=False)
        assert following["prev"] == page["id"]
        assert following["partOf"]["id"] == collection["id"] and following["partOf"]["total"] == collection["total"]
        page = following
    assert len(items) == collection["total"]
    return collection, items, pages


def article(db, source_id):
    """The article's text as stored (the citations' offsets count in it)."""
    (row,) = query(db, "SELECT path FROM sources WHERE id = ?", source_id)
    return (ROOT / row["path"]).read_text(encoding="utf-8")


def test_every_citation_is_an_annotation_of_its_words(db):
    collection, items, _ = every_annotation(db)
    citations = {(c["fact_id"], c["position"]): c for c in query(
        db, "SELECT citations.*, facts.title, sources.url, sources.sha256 FROM citations JOIN facts ON facts.id ="
            " citations.fact_id JOIN sources ON sources.id = citations.source_id")}
    assert collection["total"] == len(citations) == len(items)
    seen = set()
    for a in items:
        fact_id, position = a["id"].rsplit("/", 1)[1].rsplit(",", 1)
        key = (fact_id, int(position))
        c = citations[key]
        seen.add(key)
        quote, where, *page = a["target"]["selector"]
        assert (quote["type"], where["type"]) == ("TextQuoteSelector", "TextPositionSelector")
        assert page == ([{"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc8118",
                          "value": f"page={c['page']}", "refinedBy": quote}] if c["page"] else [])
        assert quote["exact"] == c["quote"] and (where["start"], where["end"]) == (c["start"], c["end"])
        text = article(db, c["source_id"])
        assert text[c["start"]:c["end"]] == quote["exact"]
        assert text[c["start"] - len(quote["prefix"]):c["start"]] == quote["prefix"]  # the article's own characters
        assert text[c["end"]:c["end"] + len(quote["suffix"])] == quote["suffix"]
        assert len(quote["prefix"]) <= 32 and len(quote["suffix"]) <= 32
        assert a["body"]["dcterms:identifier"] == c["fact_id"] and a["body"]["dcterms:title"] == c["title"]
        assert a["body"]["id"] == f"http://localhost/timeline/facts/{c['fact_id']}"
        assert a["target"]["source"]["id"] == (c["url"] or f"http://localhost/timeline/sources/{c['source_id']}")
        assert a["target"]["source"]["dcterms:identifier"] == c["source_id"]
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode().rstrip("=")
        assert a["target"]["state"]["cached"] == f"ni:///sha-256;{digest}"
    assert seen == set(citations)
    full = [q for a in items for q in a["target"]["selector"][:1]]
    assert sum(1 for q in full if q["prefix"]) > len(full) / 2  # most quotes have words before them


def test_annotation_pages_link_next_and_prev(db, monkeypatch):
    monkeypatch.setattr(loaded_plugin("exports"), "PAGE_SIZE", 50)
    collection, items, pages = every_annotation(db)
    (n,), = [tuple(r.values()) for r in query(db, "SELECT count(*) FROM citations")]
    assert pages == -(-n // 50) > 1 and len(items) == n
    assert collection["last"] == f"http://localhost/export/annotations.jsonld?page={pages}"
    assert len({a["id"] for a in items}) == n


def test_one_sources_annotations_in_the_articles_order(db):
    collection, items, _ = every_annotation(db, "/export/annotations.jsonld?source=wapo")
    starts = [a["target"]["selector"][1]["start"] for a in items]
    (n,), = [tuple(r.values()) for r in query(db, "SELECT count(*) FROM citations WHERE source_id = 'wapo'")]
    assert len(items) == n and starts == sorted(starts)
    assert collection["id"] == "http://localhost/export/annotations.jsonld?source=wapo"


def test_an_excerpt_database_gives_no_context_beyond_its_excerpts(excerpt_db):  # noqa: F811
    _, items, _ = every_annotation(excerpt_db)
    kept = {}
    for s in query(excerpt_db, "SELECT source_id, paragraph, text FROM sentences ORDER BY source_id, position"):
        kept.setdefault((s["source_id"], s["paragraph"]), []).append(s["text"])
    for a in items:
        quote = a["target"]["selector"][0]
        source = a["target"]["source"]["dcterms:identifier"]
        paragraphs = [" ".join(texts) for (sid, _), texts in kept.items() if sid == source]
        assert any(quote["prefix"] + quote["exact"] + quote["suffix"] in p for p in paragraphs), quote


def test_the_exports_are_linked_from_the_site(db):
    assert 'href="/export/annotations.jsonld?source=wapo"' in get(db, "/timeline/sources/wapo")
    home = get(db, "/")
    assert 'href="/export/timelinejs.json"' in home and 'href="/export/annotations.jsonld"' in home


def test_annotations_have_the_address_the_site_is_reached_at(tree):
    tree.build()
    collection = annotations(tree.db, host="timeline.example.org:8443")
    (a,) = collection["first"]["items"]
    assert a["id"] == "http://timeline.example.org:8443/timeline/citations/bridge-cost,1"
    assert a["target"]["source"]["id"] == "http://timeline.example.org:8443/timeline/sources/gazette"
    assert "sourceDate" not in a["target"]["state"]  # published is a date without a time


# --- the W3C's own rules --------------------------------------------------------------------------

def w3c_validator(kind):
    """A jsonschema validator for one definition of tests/schemas/web-annotation-musts.json (the MUST rules
    of the W3C Web Annotation test suite), checking formats as the suite does: `uri` and `date-time`
    must be checked for real (rfc3986-validator and rfc3339-validator), never passed by default."""
    from jsonschema import Draft4Validator

    checker = Draft4Validator.FORMAT_CHECKER
    assert {"uri", "date-time"} <= set(checker.checkers), "install the test requirements: formats unchecked"
    schema = json.loads((ROOT / "tests" / "schemas" / "web-annotation-musts.json").read_text(encoding="utf-8"))
    return Draft4Validator({**schema, "$ref": f"#/definitions/{kind}"}, format_checker=checker)


def w3c_failures(kind, doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in w3c_validator(kind).iter_errors(doc)]


def test_every_annotation_passes_the_w3c_test_suites_must_rules(db):
    collection, items, _ = every_annotation(db)
    assert not w3c_failures("collection", collection)
    passing = [a for a in items if not w3c_failures("annotation", {"@context": ANNO, **a})]
    assert len(passing) == len(items) == collection["total"] > 200, w3c_failures("annotation", {"@context": ANNO,
                                                                                                 **items[0]})


def test_a_date_without_a_time_is_the_span_of_that_day_and_every_address_a_uri(tree):
    tree.article("gazette", ARTICLE, published="2025-03-26", url="https://diario.example/año/puente?q=sí")
    tree.build()
    collection = annotations(tree.db, host="timeline.example.org")
    (a,) = collection["first"]["items"]
    assert not w3c_failures("annotation", {"@context": ANNO, **a})
    state = a["target"]["state"]
    assert "sourceDate" not in state  # no time is claimed ...
    assert (state["sourceDateStart"], state["sourceDateEnd"]) == ("2025-03-25T10:00:00Z", "2025-03-27T11:59:59Z")
    assert a["target"]["source"]["id"] == "https://diario.example/a%C3%B1o/puente?q=s%C3%AD"
    assert not w3c_failures("collection", collection)


def test_a_source_without_a_date_has_no_time_state(tree):
    tree.article("gazette", ARTICLE, published=None, url="https://diário.example/x%zz")
    tree.build()
    (a,) = annotations(tree.db)["first"]["items"]
    assert "state" not in a["target"]
    assert a["target"]["source"]["id"] == "https://xn--dirio-yqa.example/x%25zz"
    assert not w3c_failures("annotation", {"@context": ANNO, **a})
