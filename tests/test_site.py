"""The site's pages, feeds and excerpt databases, served by Datasette with our templates and plugins."""
import importlib.util
import re
import sqlite3
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, SITE, Tree
from markupsafe import escape
from click.testing import CliRunner
from datasette.cli import cli as datasette_cli
from test_datasette import get

from timeline.database import build, excerpts
from timeline.database.rows import table_rows
from timeline.inputs import story
from timeline.site.server import site_options, write_site_metadata


def get_as_curator(db, path):
    """A page as the curator's own site (`timeline serve` without --public) serves it."""
    options = site_options(write_site_metadata(ROOT / "metadata.json", db.parent, curator=True), ROOT)
    result = CliRunner().invoke(datasette_cli, [str(db), *options, "--get", path])
    assert result.exit_code == 0, f"{path}: {result.output[:500]}"
    return result.output


def plugin(name):
    spec = importlib.util.spec_from_file_location(f"site_plugin_{name}", SITE / "plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


site = plugin("site")


@pytest.fixture(scope="module")
def excerpt_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("excerpts") / "timeline.db"
    build.build(str(path), str(ROOT / "facts"), str(ROOT / "sources"), excerpts=True)
    return path


def text(html):
    """The visible words of a page, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def query(db, sql, *params):
    return sqlite3.connect(db).execute(sql, params).fetchall()


# --- helpers in plugins/site.py, called directly ------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    ((40000, "up_to", "inmates", None), "up to 40,000 inmates"),
    ((6000000, "exact", "USD", "year"), "6,000,000 USD a year"),
    ((30.0, "approx", "people", None), "about 30 people"),
    ((2.5, None, "km", None), "2.5 km"),
    ((None, None, None, None), ""),
])
def test_figure_text(args, expected):
    assert site.figure_text(*args) == expected


@pytest.mark.parametrize("text, at, start, stop, expected", [
    ("The cat sat.", 100, 104, 107, [("The ", False), ("cat", True), (" sat.", False)]),
    ("The cat sat.", 100, 90, 103, [("The", True), (" cat sat.", False)]),       # quote began earlier
    ("The cat sat.", 100, 108, 130, [("The cat ", False), ("sat.", True)]),      # quote goes on
    ("The cat sat.", 100, 0, 50, [("The cat sat.", False)]),                     # elsewhere
])
def test_pieces_split_a_sentence_around_the_quote(text, at, start, stop, expected):
    assert site.pieces(text, at, start, stop) == expected


@pytest.mark.parametrize("start, precision, expected", [
    ("2025-03-26", "day", ("2025", "March 2025")),
    ("2025-02-01", "month", ("2025", "February 2025")),
    ("2023-01-01", "year", ("2023", "")),
    ("1940-01-01", "decade", ("1940s", "")),
    (None, None, ("Undated", "")),
])
def test_group_label(start, precision, expected):
    assert site.group_label(start, precision) == expected


def test_row_path_encodes_keys():
    assert site.row_path("facts", "noem-visits-cecot") == "/timeline/facts/noem-visits-cecot"
    assert site.row_path("sentences", "wapo:3") == "/timeline/sentences/wapo~3A3"


def test_calendar_plugin_makes_plain_dates_all_day():
    calendar = plugin("calendar")
    event = calendar.AllDayEvent()
    event.begin = "2025-03-26"
    assert event.all_day
    timed = calendar.AllDayEvent()
    timed.begin = "2025-03-26T19:50:00-04:00"
    assert not timed.all_day


# --- pages -------------------------------------------------------------------------------------

PAGES = ["/", "/chronology", "/chronology?kind=court_action", "/chronology?entity=kristi-noem",
         "/timeline/facts/us-pays-6-million-a-year", "/timeline/facts/noem-visits-cecot",
         "/timeline/sources/wapo", "/timeline/sources/unknown-outlet", "/timeline/entities/kristi-noem",
         "/search", "/search?q=Boasberg", "/search?q=%22unbalanced", "/timeline/facts", "/timeline/sentences"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_and_links_back_to_the_timeline(db, path):
    assert 'href="/chronology"' in get(db, path)


def test_home_counts_what_is_there(db):
    page = text(get(db, "/"))
    (facts,), = query(db, "select count(*) from facts")
    (sources,), = query(db, "select count(*) from sources")
    assert f"{facts} facts" in page and f"{sources} sources" in page
    assert "The Washington Post" in page


def test_timeline_groups_by_year_then_month_in_date_order(db):
    html = get(db, "/chronology")
    headings = re.findall(r"<h[23]>([^<]+)</h[23]>", html)
    assert headings[:2] == ["1798", "1940s"]
    assert headings.index("2025") < headings.index("February 2025") < headings.index("March 2025")
    assert headings[-1] == "Undated"
    labels = re.findall(r'<span class="date">([^<]+)</span>', html)
    assert "26 March 2025" in labels and "2023" in labels
    assert not [label for label in labels if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", label)]
    (count,), = query(db, "select count(*) from facts")
    assert html.count('<li class="entry">') == count
    assert 'href="/timeline/calendar.ics"' in html


@pytest.mark.parametrize("args, sql", [
    ("kind=court_action", "select count(*) from facts where kind = 'court_action'"),
    ("kind=claim", "select count(*) from facts where kind = 'claim'"),
    ("entity=james-boasberg", "select count(distinct fact_id) from fact_entities where entity_id = 'james-boasberg'"),
    ("kind=statement&entity=kristi-noem", "select count(*) from facts where kind = 'statement' and id in"
     " (select fact_id from fact_entities where entity_id = 'kristi-noem')"),
    ("kind=nothing-like-this", "select 0"),
])
def test_timeline_filters(db, args, sql):
    html = get(db, "/chronology?" + args)
    (expected,), = query(db, sql)
    assert html.count('<li class="entry">') == expected
    assert f"{expected} fact" in html


def test_fact_page_shows_each_citation_in_its_paragraph_with_the_quote_marked(db):
    html = get(db, "/timeline/facts/cecot-capacity-40000")
    quotes = query(db, "select quote from citations where fact_id = 'cecot-capacity-40000' order by position")
    marked = re.findall(r"<mark>([^<]*)</mark>", html)
    assert [q for (q,) in quotes] == [m.replace("&#39;", "'") for m in marked]
    page = text(html)
    assert "up to 40,000 inmates" in page
    assert "The prison, opened in 2023 as part of Bukele" in page  # the paragraph around the quote
    assert "facts/figures.yaml:" not in page  # the curator's workings ...
    assert "facts/figures.yaml:" in text(get_as_curator(db, "/timeline/facts/cecot-capacity-40000"))  # ... are theirs
    assert 'href="/timeline/sources/newsweek#s-' in html
    assert "Related facts" in page


def test_fact_page_explains_a_worked_out_date_and_who_said_it(db):
    (fact_id, basis, speaker), = query(db, "select facts.id, date_basis, entities.name from facts join entities"
                                        " on entities.id = attributed_to where date_text is not null"
                                        " and kind = 'statement' order by facts.id limit 1")
    page = text(get(db, f"/timeline/facts/{fact_id}"))
    (phrase, outlet), = query(db, "select date_text, outlet from facts join sources on sources.id = when_source"
                                  " where facts.id = ?", fact_id)
    assert f"worked out from &ldquo;{escape(phrase)}&rdquo; in {outlet} of Wednesday 26 March 2025" in page
    assert str(escape(basis)) not in page  # the curator's account, with ids and ISO dates ...
    assert str(escape(basis)) in text(get_as_curator(db, f"/timeline/facts/{fact_id}"))  # ... is the curator's
    assert "Said by " + str(escape(speaker)) in page


def test_fact_page_counts_independent_origins_by_name(db):
    page = text(get(db, "/timeline/facts/noem-toolkit"))
    assert "4 sources from 3 independent origins" in page
    assert "AP: Moneycontrol, Unnamed outlet BBC News The Washington Post" in page  # a wire's copies count once
    assert "The Washington Post, Wednesday 26 March 2025" in page and "Moneycontrol (via AP)" in page


def test_fact_page_says_where_sources_disagree_and_what_was_resolved(db):
    page = text(get(db, "/timeline/facts/tren-de-aragua-designated-terrorist-group"))
    assert "Sources disagree They date it differently: February 2025 this fact (The Washington Post)" \
           " January 2025 Trump signs an executive order" in page
    assert "Not resolved" in page
    page = text(get(db, "/timeline/facts/salvadoran-inmates-behind-noem-dozens"))
    assert "They give figures that cannot all be true: about 12 inmates" in page
    assert "Resolved by the editors: Guards lined up about a dozen" in page
    page = text(get(db, "/timeline/facts/noem-x-post-leave-now"))  # Newsweek's stamp dates it otherwise
    assert "Newsweek: the article's own time stamp" in page and "Wednesday 19 March 2025" in page


def test_the_conflicts_page_lists_every_disagreement_for_a_reader(db):
    html = get(db, "/conflicts")
    topics = {t for (t,) in query(db, "select distinct topic from fact_disagreements")}
    assert len(topics) == 3 and all(f'id="topic-{t}"' in html for t in topics)
    page = text(html)
    assert "Dates: February 2025 or January 2025" in page and "1 not resolved, 2 resolved" in page
    for (fact_id,) in query(db, "select fact_id from fact_disagreements union select fact_id from date_conflicts"):
        assert f'href="/timeline/facts/{fact_id}"' in html


def test_source_page_marks_cited_sentences_and_links_their_facts(db):
    html = get(db, "/timeline/sources/wapo")
    (sentences,), = query(db, "select count(*) from sentences where source_id = 'wapo'")
    assert html.count(' id="s-') == sentences
    assert "$6 million a year" in text(html)
    assert 'href="/timeline/facts/us-pays-6-million-a-year"' in html
    (sha,), = query(db, "select sha256 from sources where id = 'wapo'")
    assert sha not in html and sha in get_as_curator(db, "/timeline/sources/wapo")
    assert "Published Wednesday 26 March 2025" in text(html)


def test_entity_page_lists_its_facts_in_date_order(db):
    html = get(db, "/timeline/entities/james-boasberg")
    expected = [r[0] for r in query(db, "select timeline.id from timeline where id in (select fact_id from"
                                        " fact_entities where entity_id = 'james-boasberg')")]
    assert list(dict.fromkeys(re.findall(r'href="/timeline/facts/([^"#]+)', html))) == expected


def test_an_entity_page_shows_its_aliases_and_search_finds_them(db):
    html = get(db, "/timeline/entities/gustavo-villatoro")
    assert "Also called &ldquo;the Salvadoran minister&rdquo;, &ldquo;El Salvador&#39;s justice minister&rdquo;" in html
    html = get(db, "/search?q=Salvadoran+minister")
    found = html[html.index("results-entities"):]
    found = found[:found.index("</ul>")]
    assert 'href="/timeline/entities/gustavo-villatoro"' in found
    assert "also called &ldquo;the <mark>Salvadoran</mark> <mark>minister</mark>&rdquo;" in found


def test_search_finds_facts_names_and_sentences_with_links(db):
    html = get(db, "/search?q=Boasberg")
    assert 'href="/timeline/entities/james-boasberg"' in html
    assert re.search(r'href="/timeline/facts/[a-z0-9-]+"', html)
    assert re.search(r'href="/timeline/sources/[a-z-]+#s-\d+"', html)


def test_calendar_feed_has_every_day_dated_fact_as_an_all_day_event(db):
    feed = get(db, "/timeline/calendar.ics")
    (days,), = query(db, "select count(*) from facts where date_precision = 'day'")
    assert feed.count("BEGIN:VEVENT") == days > 0
    assert feed.count("DTSTART;VALUE=DATE:") == days
    assert "DTSTART;VALUE=DATE:20250326" in feed


def test_atom_feed_has_every_fact(db):
    feed = get(db, "/timeline/facts_feed.atom")
    root = ET.fromstring(feed[feed.index("<?xml"):].encode())
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    (count,), = query(db, "select count(*) from facts")
    assert len(entries) == count


# --- excerpt databases -------------------------------------------------------------------------

def test_excerpts_keep_cited_sentences_and_their_neighbours_only(db, excerpt_db):
    full = {r[0]: r[1:] for r in query(db, "select id, source_id, position, paragraph, start, [end] from sentences")}
    kept = {r[0] for r in query(excerpt_db, "select id from sentences")}
    cited = {r[0] for r in query(db, "select distinct sentences.id from sentences join citations on"
                                     " citations.source_id = sentences.source_id and citations.start < sentences.[end]"
                                     " and citations.[end] > sentences.start")}
    near = {sid for sid, (source, position, paragraph, _, _) in full.items()
            if any(f"{source}:{p}" in cited and full[f"{source}:{p}"][2] == paragraph
                   for p in (position - 1, position + 1))}
    assert cited <= kept
    assert kept == cited | near
    assert len(kept) < len(full)
    assert query(excerpt_db, "select count(*) from facts") == query(db, "select count(*) from facts")


def test_excerpts_keep_drops_an_uncited_paragraph():
    rows = {"citations": [{"source_id": "a", "start": 0, "end": 5}],
            "sentences": [{"source_id": "a", "position": n, "paragraph": p, "start": s, "end": s + 5}
                          for n, (p, s) in enumerate([(1, 0), (1, 6), (1, 12), (2, 18), (3, 24)], start=1)]}
    assert [s["position"] for s in excerpts.keep(rows)] == [1, 2]


@pytest.mark.parametrize("path", PAGES + ["/timeline/calendar.ics", "/timeline/facts_feed.atom"])
def test_every_page_works_on_the_excerpt_database(excerpt_db, path):
    get(excerpt_db, path)


def test_excerpt_source_page_shows_what_is_left_out(excerpt_db):
    html = get(excerpt_db, "/timeline/sources/wapo")
    assert "[&hellip;]" in html and "keeps only the cited sentences" in html


# --- escaping ----------------------------------------------------------------------------------

EVIL = '<script>alert(1)</script> " onmouseover="alert(2)'


@pytest.fixture
def evil_db(tmp_path):
    tree = Tree(tmp_path)
    tree.article("gazette", f"The notice read {EVIL} and nothing else.\nA second line.\n")
    tree.write("facts/entities.yaml", "- id: evil\n  name: '" + EVIL + "'\n  type: person\n"
               "  description: '" + EVIL + "'\n  aliases: ['" + EVIL + "']\n")
    tree.write("facts/facts.yaml", "- id: evil-fact\n  kind: statement\n  title: '" + EVIL + "'\n"
               "  date: 2025-03-20\n  attributed_to: evil\n  topic: evil\n  notes: '" + EVIL + "'\n"
               "  sources:\n    - source: gazette\n      quote: 'notice read " + EVIL.replace("'", "''") + "'\n")
    tree.build()
    return tree.db


@pytest.mark.parametrize("path", ["/", "/chronology", "/chronology?entity=evil", "/timeline/facts/evil-fact",
                                  "/timeline/sources/gazette", "/timeline/entities/evil", "/search?q=alert",
                                  "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%20%22%20onmouseover%3D%22alert(2)",
                                  "/chronology?kind=%22%20onmouseover%3D%22alert(2)", "/timeline/facts",
                                  "/timeline/timeline", "/timeline/statements"])
def test_every_page_escapes_hostile_text(evil_db, path):
    html = get(evil_db, path)
    assert "<script>alert" not in html
    assert '" onmouseover=' not in html
    assert path == "/" or "&lt;script&gt;alert(1)" in html  # the text is there, escaped (home shows none)


def test_atom_feed_carries_hostile_text_as_text(evil_db):
    feed = get(evil_db, "/timeline/facts_feed.atom")
    root = ET.fromstring(feed[feed.index("<?xml"):].encode())
    entry = root.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == EVIL
    assert entry.find("{http://www.w3.org/2005/Atom}content").get("type") == "text"
    assert not [e for e in root.iter() if "script" in e.tag]


def test_the_hostile_quote_is_marked_as_text(evil_db):
    html = get(evil_db, "/timeline/facts/evil-fact")
    assert "<mark>notice read &lt;script&gt;alert(1)&lt;/script&gt; &#34; onmouseover=&#34;alert(2)</mark>" in html


def test_build_excerpts_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from timeline.cli import cli

    db = tmp_path / "timeline.db"
    result = CliRunner().invoke(cli, ["build", "--excerpts", "--facts", str(ROOT / "facts"),
                                      "--sources", str(ROOT / "sources"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "(excerpts)" in result.output
    full = story.check(str(ROOT / "facts"), str(ROOT / "sources"))
    (kept,), = query(db, "select count(*) from sentences")
    assert kept == len(excerpts.keep(table_rows(full)))


def test_excerpts_drop_rows_that_refer_to_dropped_sentences():
    rows = {"citations": [{"source_id": "a", "start": 0, "end": 5, "sentence_id": "a:1"}],
            "sentences": [{"id": f"a:{n}", "source_id": "a", "position": n, "paragraph": n, "start": 6 * n - 6,
                           "end": 6 * n - 1} for n in (1, 2)],
            "set_aside": [{"sentence_id": "a:1", "quote": "kept"}, {"sentence_id": "a:2", "quote": "dropped"}],
            "shared_sentences": [{"sentence_a": "a:1", "sentence_b": "a:2"}]}
    out = excerpts.excerpted(rows)
    assert [s["id"] for s in out["sentences"]] == ["a:1"]
    assert out["set_aside"] == [{"sentence_id": "a:1", "quote": "kept"}]
    assert out["shared_sentences"] == [] and out["citations"] == rows["citations"]


def test_home_links_every_view_it_names_that_exists(db):
    html = get(db, "/")
    views = {r[0] for r in query(db, "select name from sqlite_master where type in ('table', 'view')")}
    linked = set(re.findall(r'href="/timeline/([a-z_]+)"', html))
    assert linked <= views | {"single_source"}
    assert 'href="/conflicts"' in html  # the readable page, not the raw view
