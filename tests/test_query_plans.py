"""Pages stay quick at 100,000 facts because their queries read a page of rows, not the whole table.

These check query plans, not timings: a plan that sorts every fact to show the first 100 is a bug.
"""
import sqlite3

import pytest

from timeline.site.server import datasette_command, site_metadata


def plan(db, sql):
    return [row[3] for row in sqlite3.connect(db).execute("EXPLAIN QUERY PLAN " + sql)]


@pytest.mark.parametrize("view", ["timeline", "figures", "statements", "court_actions"])
def test_a_page_of_a_chronological_view_is_read_in_index_order(real_db, view):
    steps = plan(real_db, f"SELECT * FROM {view} LIMIT 101")
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps, steps
    assert any("_chronological" in step for step in steps), steps


def test_the_coverage_query_streams_sources_in_index_order(real_db):

    from conftest import ROOT

    sql = site_metadata(ROOT / "metadata.json")["databases"]["timeline"]["queries"]["coverage"]["sql"]
    steps = plan(real_db, sql)
    assert "SCAN sentences USING INDEX sentences_source" in steps, steps
    assert not any("TEMP B-TREE" in step for step in steps), steps


def test_a_page_of_conflicts_is_read_in_index_order(real_db):
    steps = plan(real_db, "SELECT * FROM conflicts LIMIT 51")
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps, steps
    assert "SCAN d USING INDEX fact_disagreements_topic" in steps, steps


def test_the_busiest_entities_are_counted_from_an_index_alone(real_db):
    """The timeline page's "who or what" choice: 0.5 s at 100,000 facts reading every row, 0.06 s from the index."""
    import re

    from conftest import SITE

    page = (SITE / "templates" / "pages" / "chronology.html").read_text()
    sql = re.search(r'set top = cached_sql\("([^"]+)"\)', page).group(1)
    steps = plan(real_db, sql)
    assert "SCAN fact_entities USING COVERING INDEX fact_entities_entity" in steps, steps


@pytest.mark.parametrize("sql", [
    "SELECT * FROM facts WHERE id = 'x'",
    "SELECT * FROM citations WHERE source_id = 'x'",
    "SELECT * FROM sentences WHERE source_id = 'x' ORDER BY position",
    "SELECT * FROM fact_entities WHERE entity_id = 'x'",
])
def test_the_lookups_behind_fact_source_and_entity_pages_use_an_index(real_db, sql):
    steps = plan(real_db, sql)
    assert not any(step.startswith("SCAN") for step in steps), steps


@pytest.mark.parametrize("public", [False, True])
def test_served_without_facet_suggestions(public):
    command = datasette_command("timeline.db", 8001, public=public)
    assert command[command.index("suggest_facets") - 1:command.index("suggest_facets") + 2] == [
        "--setting", "suggest_facets", "off"]
