"""Datasette serves the real database: pages and every canned query answer 200 with the expected rows."""
import json
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import ROOT
from datasette.cli import cli as datasette_cli

from timeline.site.server import site_metadata, site_options, write_site_metadata

METADATA = site_metadata(ROOT / "metadata.json")
QUERIES = METADATA["databases"]["timeline"]["queries"]


def get(db, path):
    args = [str(db), *site_options(write_site_metadata(ROOT / "metadata.json", db.parent), ROOT), "--get", path]
    result = CliRunner().invoke(datasette_cli, args)
    assert result.exit_code == 0, f"{path}: {result.output[:500]}"
    return result.output


def rows(db, path):
    return json.loads(get(db, path + ("&" if "?" in path else "?") + "_shape=array"))


@pytest.mark.parametrize("path", ["/", "/timeline", "/timeline/facts", "/timeline/timeline", "/timeline/figures",
                                  "/timeline/court_actions", "/timeline/statements", "/timeline/sources",
                                  "/timeline/sentences", "/timeline/entities", "/timeline/citations"])
def test_page_answers(db, path):
    assert "<html" in get(db, path).lower()


def test_every_canned_query_is_tested():
    assert set(QUERIES) <= set(CANNED)


CANNED = {
    "timeline_between": "/timeline/timeline_between.json?from_date=2025-03-01&to_date=2025-03-31",
    "source_facts": "/timeline/source_facts.json?source=wapo",
    "single_source": "/timeline/single_source.json",
    "search": "/timeline/search.json?q=Boasberg",
    "coverage": "/timeline/coverage.json",
    "unresolved_conflicts": "/timeline/unresolved_conflicts.json",
    "who_else_reports": "/timeline/who_else_reports.json?fact_id=noem-toolkit",
    "calendar": "/timeline/calendar.json",  # the feed itself: tests/test_site.py
    "facts_feed": "/timeline/facts_feed.json",  # likewise
}


def test_canned_coverage_has_nothing_uncovered(db):
    result = rows(db, CANNED["coverage"])
    assert len(result) == 5
    assert all(r["uncovered"] == 0 and r["with_detail"] == r["cited"] + r["set_aside"] for r in result)


def test_timeline_view_is_in_date_order(db):
    result = rows(db, "/timeline/timeline.json?_size=max")
    count = sqlite3.connect(db).execute("select count(*) from facts").fetchone()[0]
    assert len(result) == count
    dated = [r["date_label"] for r in result if r["date_label"]]
    assert dated[0] in ("1798", "1790s")
    assert "26 March 2025" in dated


def test_canned_source_facts_lists_what_one_source_says(db):
    result = rows(db, CANNED["source_facts"])
    assert {"fact", "kind", "date_label", "title", "quote", "sentence_id"} <= set(result[0])
    assert all(r["sentence_id"].startswith("wapo:") for r in result)
    assert any("$6 million a year" in r["quote"] for r in result)


def test_canned_single_source(db):
    result = rows(db, CANNED["single_source"])
    conn = sqlite3.connect(db)
    expected = conn.execute("select count(*) from (select fact_id from citations group by fact_id"
                            " having count(distinct source_id) = 1)").fetchone()[0]
    assert len(result) == expected > 0


def test_canned_search_finds_facts_and_sentences(db):
    result = rows(db, CANNED["search"])
    kinds = {r["found_in"] for r in result}
    assert {"fact", "sentence"} <= kinds
    assert any("Boasberg" in r["text"] for r in result)


def test_search_survives_fts_syntax_in_the_query(db):
    assert rows(db, "/timeline/search.json?q=%22unbalanced") == []


def test_canned_timeline_between_two_dates(db):
    result = rows(db, CANNED["timeline_between"])
    starts = [r["date_start"] for r in result]
    assert starts == sorted(starts) and starts[0] >= "2025-03-01" and starts[-1] <= "2025-03-31"
    assert "noem-visits-cecot" in [r["id"] for r in result]
    everything = rows(db, "/timeline/timeline_between.json?from_date=&to_date=")
    dated = sqlite3.connect(db).execute("select count(*) from facts where date_start is not null").fetchone()[0]
    assert len(everything) == dated
