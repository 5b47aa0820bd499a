"""The drawing above the timeline (/chronology): counted in SQL, laid out by plugins/chart.py, drawn as SVG."""
import datetime
import re
import sqlite3

import pytest
from test_exports import fetch
from test_query_plans import plan
from test_site import plugin

chart = plugin("chart")


@pytest.mark.parametrize("start, end, expected", [
    ("2025-03", "2025-03", ("2025-03-01", "2025-03-31", None)),  # a month is the whole month
    ("2025", "", ("2025-01-01", "9999-12-31", None)),
    ("", "2025-02", ("0001-01-01", "2025-02-28", None)),
    ("1940s", "1940s", ("1940-01-01", "1949-12-31", None)),  # read as a fact's date: is
    ("2025-03-26", "2025-03-26", ("2025-03-26", "2025-03-26", None)),
    ("2025-13", "", (None, None, "from/to: Cannot read date '2025-13': there is no month 13: months run 01 to 12")),
    ("2025-04", "2025-03", (None, None, "from (2025-04) is after to (2025-03): swap them")),
])
def test_period_reads_from_and_to_as_periods(start, end, expected):
    got = chart.period(start, end)
    if expected[2]:
        assert got["error"] == expected[2] and not got["given"]
    else:
        assert (got["start"], got["end"], got["error"], got["given"]) == (*expected, True)


@pytest.mark.parametrize("first, last, unit, bins", [
    ("2025-03-01", "2025-03-31", "day", 31),
    ("2025-01-05", "2025-04-05", "day", 91),  # up to 92 days, a bar a day
    ("2025-01-05", "2025-05-05", "month", 5),
    ("2001-01-01", "2008-12-01", "month", 96),
    ("2001-01-01", "2009-01-01", "year", 9),
    ("1798-01-01", "2025-03-26", "decade", 24),
])
def test_the_unit_is_the_finest_that_shows_the_range_in_few_bars(first, last, unit, bins):
    got = chart.scale(None, first, last)
    assert (got["unit"], got["bins"]) == (unit, bins)
    assert got["start"] <= first and got["end"] >= last


def test_the_drawing_opens_on_the_years_where_the_facts_cluster():
    spring = [{"year": "1798", "n": 1}, {"year": "1945", "n": 1}, {"year": "2023", "n": 2}, {"year": "2025", "n": 40}]
    assert chart.focus(spring) == {"from": "2025", "to": "2025", "inside": 40, "outside": 4, "first": "1798",
                                   "last": "2025"}
    spread = [{"year": str(y), "n": 10} for y in range(2000, 2023)]
    assert chart.focus(spread) is None  # no cluster: every year is drawn
    assert chart.focus([]) is None


def test_a_month_dated_fact_is_a_band_over_its_whole_month_never_its_first_day():
    scale = chart.scale(None, "2025-02-01", "2025-03-31")
    counts = [{"kind": "event", "fits": 1, "start": "2025-02-01", "stop": None, "n": 2},
              {"kind": "court_action", "fits": 1, "start": "2025-03-15", "stop": None, "n": 1},
              {"kind": "event", "fits": 0, "start": "2025-02-01", "stop": "2025-02-28", "n": 3}]
    d = chart.drawing(scale, counts, {"kind": "", "entity": "noem"})
    bars = {b["name"]: b for b in d["bars"]}
    assert bars["1 February 2025"]["total"] == 2 and bars["15 March 2025"]["court"] == 1
    assert sum(b["total"] for b in d["bars"]) == 3
    (band,) = d["spans"]
    assert band["name"] == "February 2025" and band["n"] == 3
    assert band["x"] == bars["1 February 2025"]["x"]  # starts where February starts ...
    assert band["x"] + band["width"] == bars["1 March 2025"]["x"]  # ... and ends where March begins
    assert band["href"] == "/chronology?entity=noem&from=2025-02&to=2025-02"
    assert bars["15 March 2025"]["href"] == "/chronology?entity=noem&from=2025-03-15&to=2025-03-15"
    assert d["total"] == 6 and d["in_bars"] == 3


def count(db, sql, *params):
    return sqlite3.connect(db).execute(sql, params).fetchone()[0]


def drawn(html):
    """{(kind of mark, data-kind): sum of data-n} for the bars and bands of the drawing on a page."""
    svg = html[html.index('<svg class="chart"'):html.index("</svg>", html.index('<svg class="chart"'))]
    found = {}
    for mark, kind, n in re.findall(r'<rect class="(bar|span)"[^>]* data-kind="([^"]+)" data-n="(\d+)"', svg):
        found[(mark, kind)] = found.get((mark, kind), 0) + int(n)
    return found


def test_a_period_lists_the_facts_dated_within_it_and_draws_them(db):
    status, _, html = fetch(db, "/chronology?from=2025-03&to=2025-03")
    assert status == 200
    within = count(db, "SELECT count(*) FROM facts WHERE date_start >= '2025-03-01' AND date_end <= '2025-03-31'")
    assert html.count('<li class="entry">') == within > 0
    assert sum(drawn(html).values()) == within
    assert 'data-unit="day" data-start="2025-03-01" data-end="2025-03-31"' in html
    assert 'href="/chronology?from=2025-03-26&amp;to=2025-03-26"' in html  # each day is a link
    assert "Zoom out" in html and 'href="/chronology?from=2025&amp;to=2025"' in html


def test_the_drawing_opens_on_the_cluster_and_counts_the_undated_aside(db):
    status, _, html = fetch(db, "/chronology")
    assert status == 200
    undated = count(db, "SELECT count(*) FROM facts WHERE date_start IS NULL")
    assert f"{undated} undated facts are not drawn" in html
    in_2025 = count(db, "SELECT count(*) FROM facts WHERE date_start >= '2025-01-01' AND date_start <= '2025-12-31'")
    assert sum(drawn(html).values()) == in_2025
    assert re.search(r'data-unit="day" data-start="2025-01-01"', html)
    assert 'id="chart-everything"' in html and html.count('<li class="entry">') == count(db, "SELECT count(*) FROM facts")


@pytest.mark.parametrize("args, where", [
    ("kind=court_action", "kind = 'court_action'"),
    ("entity=kristi-noem", "id IN (SELECT fact_id FROM fact_entities WHERE entity_id = 'kristi-noem')"),
])
def test_the_drawing_honours_the_filters_and_its_links_keep_them(db, args, where):
    _, _, html = fetch(db, f"/chronology?{args}&from=2025&to=2025")
    assert sum(drawn(html).values()) == count(db, f"SELECT count(*) FROM facts WHERE {where} AND date_start >="
                                                  " '2025-01-01' AND date_end <= '2025-12-31'")
    svg = html[html.index('<svg class="chart"'):html.index("</svg>")]
    links = re.findall(r'<a class="(?:period|span)" href="([^"]+)"', svg)
    assert links and all(args in link.replace("&amp;", "&") for link in links)


def test_court_actions_are_marked(db):
    _, _, html = fetch(db, "/chronology?from=2025-03&to=2025-03")
    days = {d for (d,) in sqlite3.connect(db).execute(
        "SELECT DISTINCT date_start FROM facts WHERE kind = 'court_action' AND date_precision = 'day'"
        " AND date_start LIKE '2025-03-%'")}
    assert days and html.count('<path class="court-mark"') == len(days) + 1  # and one in the legend


def test_a_bad_period_is_a_400_that_says_what_to_write(db):
    status, _, html = fetch(db, "/chronology?from=2025-13&to=%3Cscript%3E")
    assert status == 400
    assert "there is no month 13" in html and "<script>" not in html.split("</h1>")[1].split("<script")[0]
    assert '<svg class="chart"' in html  # the whole timeline, drawn as without a period


def test_the_counts_read_indexes_alone(real_db):
    fits = "substr(facts.date_start, 1, 7) = substr(facts.date_end, 1, 7)"
    counts = (f"SELECT facts.kind, {fits}, CASE WHEN {fits} THEN substr(facts.date_start, 1, 7) ELSE facts.date_start"
              f" END, count(*) FROM facts WHERE facts.date_start >= '2025-01-01' AND facts.date_start <= '2025-12-31'"
              " AND {where} GROUP BY 1, 2, 3")
    assert any("COVERING INDEX facts_date" in step for step in plan(real_db, counts.format(where="1")))
    assert any("COVERING INDEX facts_kind" in step
               for step in plan(real_db, counts.format(where="facts.kind = 'event'")))
    listed = ("SELECT count(*) FROM facts WHERE 1 AND facts.date_start >= '2025-03-01'"
              " AND facts.date_end <= '2025-03-31'")
    assert any("COVERING INDEX facts_date" in step for step in plan(real_db, listed))


def test_every_day_of_the_drawing_is_in_order_and_in_bounds():
    scale = chart.scale(None, "2024-12-30", "2025-01-02")
    d = chart.drawing(scale, [])
    xs = [b["x"] for b in d["bars"]]
    assert xs == sorted(xs) and xs[0] == d["left"] and xs[-1] + d["bars"][-1]["width"] <= d["right"]
    assert [b["name"] for b in d["bars"]] == ["30 December 2024", "31 December 2024", "1 January 2025",
                                              "2 January 2025"]
    assert datetime.date.fromisoformat(scale["end"]) == datetime.date(2025, 1, 2)
