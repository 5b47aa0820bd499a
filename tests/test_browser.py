"""The site in a real browser: Debian's Chromium, headless, against Datasette on 127.0.0.1.

scripts/test installs chromium and chromium-driver with apt-get when they are absent. Without them
these tests fail (they do not skip): a site nobody has looked at in a browser is not tested.
Screenshots of every page, at desktop and phone width, are saved in tests/screenshots/.
"""
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from conftest import ROOT

from timeline.inputs import story
from timeline.site.server import datasette_command

AXE = ROOT / "tests" / "vendor" / "axe.min.js"  # axe-core from npm, for the tests only (tests/vendor/README.md)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = ROOT / "tests" / "screenshots"
DESKTOP = (1280, 1000)
PHONE = (390, 844)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(real_db, tmp_path_factory):
    """Datasette serving a copy of the real database on a free 127.0.0.1 port, as `timeline serve` runs it."""
    db = tmp_path_factory.mktemp("browser") / "timeline.db"
    db.write_bytes(real_db.read_bytes())
    port = free_port()
    command = datasette_command(str(db), port, metadata=str(ROOT / "metadata.json"))
    log = open(db.parent / "datasette.log", "wb")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Datasette did not start: {(db.parent / 'datasette.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium driven through Debian's chromedriver (Selenium Manager never downloads anything)."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        pytest.fail(f"{' and '.join(missing)} missing: install Debian's browser with"
                    " `apt-get install chromium chromium-driver` (scripts/test does this when run as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def visit(browser, server, path, name):
    """Load `path`, save desktop and phone screenshots, fail on any console error; return the page text."""
    browser.set_window_size(*DESKTOP)
    browser.get(server + path)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}-desktop.png"))
    browser.set_window_size(*PHONE)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}-phone.png"))
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0] + 1, f"{path} is {width}px wide at phone width: it scrolls sideways"
    browser.set_window_size(*DESKTOP)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], f"console errors on {path}"
    return browser.find_element("tag name", "body").text


def links(browser):
    return {a.get_attribute("pathname") + (a.get_attribute("search") or "")
            for a in browser.find_elements("css selector", "a[href]")}


def test_home(browser, server):
    text = visit(browser, server, "/", "home")
    assert "facts" in text and "sources" in text
    assert {"/chronology", "/timeline/sources/wapo"} <= links(browser)
    assert browser.find_element("css selector", "form.search input[name=q]").is_displayed()


def test_timeline_groups_by_year_and_month_and_filters(browser, server):
    text = visit(browser, server, "/chronology", "timeline")
    headings = [h.text for h in browser.find_elements("css selector", "h2, h3")]
    assert headings.index("2025") < headings.index("March 2025")
    assert "26 March 2025" in text
    everything = len(browser.find_elements("css selector", "li.entry"))

    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "kind")).select_by_value("court_action")
    browser.find_element("css selector", "form.filters button").click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda b: "kind=court_action" in b.current_url
                                     and b.execute_script("return document.readyState") == "complete")
    kinds = {e.text for e in browser.find_elements("css selector", "li.entry .kind")}
    assert kinds == {"COURT ACTION"}  # shown in capitals by the style sheet
    assert 0 < len(browser.find_elements("css selector", "li.entry")) < everything
    assert "kind=court_action" in browser.current_url


def test_fact_page_shows_the_quote_highlighted_in_its_paragraph(browser, server):
    text = visit(browser, server, "/timeline/facts/us-pays-6-million-a-year", "fact")
    marks = [m for m in browser.find_elements("css selector", "blockquote mark")]
    assert marks and all(m.is_displayed() for m in marks)
    assert any("$6 million a year" in m.text for m in marks)
    assert "The Washington Post" in text
    assert "facts/" in text and ".yaml:" in text


def test_source_page_links_cited_sentences_to_facts(browser, server):
    text = visit(browser, server, "/timeline/sources/wapo", "source")
    assert "The Washington Post" in text
    cited = browser.find_elements("css selector", ".cited")
    assert cited
    fact_link = cited[0].find_element("css selector", ".facts-citing a")
    fact_link.click()
    assert "/timeline/facts/" in browser.current_url
    assert browser.find_elements("css selector", "blockquote mark")


def test_entity_page_lists_facts_in_date_order(browser, server):
    text = visit(browser, server, "/timeline/entities/kristi-noem", "entity")
    assert "Kristi Noem" in text
    dates = [d.text for d in browser.find_elements("css selector", "li .date")]
    assert dates and "26 March 2025" in dates


def test_search_finds_facts_names_and_sentences(browser, server):
    visit(browser, server, "/", "home")
    box = browser.find_element("css selector", "form.search input[name=q]")
    box.send_keys("Boasberg")
    box.submit()
    assert "/search?q=Boasberg" in browser.current_url
    visit(browser, server, "/search?q=Boasberg", "search")
    assert browser.find_elements("css selector", ".results-facts a")
    assert browser.find_elements("css selector", ".results-sentences blockquote")
    assert any("Boasberg" in a.text for a in browser.find_elements("css selector", ".results-entities a"))


def boxes(browser, *elements):
    return browser.execute_script("return Array.from(arguments).map(e => { const b = e.getBoundingClientRect();"
                                  " return [b.left, b.width]; });", *elements)


def test_timeline_draws_month_dated_facts_over_their_whole_month(browser, server):
    visit(browser, server, "/chronology?from=2025-02&to=2025-03", "chronology-period")
    assert browser.find_element("css selector", "svg.chart").get_attribute("data-unit") == "day"
    band = browser.find_element("css selector", 'a.span rect[data-name="February 2025"]')
    axis = browser.find_element("css selector", "svg.chart line.axis")
    # No fact is dated to a day of February: the month is drawn narrow (a collapsed stretch), the band over all of it
    february = browser.find_element("css selector", 'svg.chart rect.gap[data-name="February 2025"]')
    (band_left, band_width), (axis_left, axis_width), (gap_left, gap_width) = boxes(browser, band, axis, february)
    assert band.is_displayed() and abs(band_left - axis_left) < 1
    assert abs(band_left - gap_left) < 1 and abs(band_width - gap_width) < 1
    assert gap_width < axis_width * 28 / 59 / 4  # far less than its 28 days of 59 would take
    busiest = browser.find_element("css selector", 'svg.chart a.period[href*="from=2025-03-26"] rect.hit')
    assert boxes(browser, busiest)[0][1] > 2 * axis_width / 59  # so the busy days get the room
    day = browser.find_element("css selector", 'svg.chart a.period[href*="from=2025-03-26"]')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", day)
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda b: "from=2025-03-26" in b.current_url
                                     and b.execute_script("return document.readyState") == "complete")
    dates = {d.text for d in browser.find_elements("css selector", "li.entry .date")}
    assert dates == {"26 March 2025"}


def test_timeline_drawing_at_desktop_and_phone_width(browser, server):
    text = visit(browser, server, "/chronology", "chronology")
    assert "dated facts" in text and "undated facts are not drawn" in text
    assert browser.find_elements("css selector", "svg.chart a.period rect.bar")
    legend = [li.text for li in browser.find_elements("css selector", "ul.legend li")]
    assert any(item.startswith("Court actions (") for item in legend)


def test_the_drawing_is_reached_by_keyboard_and_has_its_table(browser, server):
    visit(browser, server, "/chronology", "chronology")
    bars = browser.find_elements("css selector", "svg.chart a.period")
    assert bars
    browser.execute_script("arguments[0].focus()", bars[-1])
    assert browser.execute_script("return document.activeElement === arguments[0]", bars[-1])
    drawn = set(browser.execute_script("return Array.from(arguments[0]).map(a => a.getAttribute('href'))", bars))
    tabled = set(browser.execute_script("return Array.from(document.querySelectorAll('#chart-table td a'))"
                                        ".map(a => a.getAttribute('href'))"))
    assert drawn <= tabled  # every bar is a row of the table beside it


def axe_violations(browser):
    """axe-core's violations of WCAG 2.1 A and AA on the page shown: [(rule, impact, [targets])]."""
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])),"
        " e => done([['axe failed', String(e), []]]));", WCAG)
    return found


A11Y_PAGES = {"home": "/", "chronology": "/chronology", "fact": "/timeline/facts/tren-de-aragua-designated-terrorist-group",
              "source": "/timeline/sources/newsweek", "entity": "/timeline/entities/kristi-noem",
              "search": "/search?q=terrorist", "conflicts": "/conflicts", "table": "/timeline/facts"}


def test_every_page_type_has_no_wcag_violation_axe_core_finds(browser, server):
    """axe-core (tests/vendor) in Chromium: 0 violations at WCAG 2.1 A and AA on each page type, as the curator
    sees it at desktop width and as a reader sees it on a phone."""
    browser.set_script_timeout(60)
    found = {}
    for view, size in (("curator", DESKTOP), ("reader", PHONE)):
        browser.set_window_size(*size)
        if view == "reader":
            browser.get(server + "/-/view?as=reader&next=/")
        for name, path in A11Y_PAGES.items():
            browser.get(server + path)
            found[(view, name)] = axe_violations(browser)
    browser.get(server + "/-/view?as=curator&next=/")
    browser.set_window_size(*DESKTOP)
    assert {page: v for page, v in found.items() if v} == {}


def select_in_page(browser, script, *args):
    browser.execute_script("const range = (function () {" + script + "}).apply(null, arguments);"
                           "const s = getSelection(); s.removeAllRanges(); s.addRange(range);", *args)


def test_source_page_turns_selected_words_into_a_citation_that_checks(browser, server, tmp_path):
    import shutil

    from selenium.webdriver.support.ui import WebDriverWait


    visit(browser, server, "/timeline/sources/wapo", "source-cite")
    phrase = "accused of belonging to the"
    select_in_page(browser, """
        const phrase = arguments[0];
        let seen = 0;
        for (const el of document.querySelectorAll('.source-text .s')) {
          const node = el.firstChild;
          for (let i = node.textContent.indexOf(phrase); i !== -1; i = node.textContent.indexOf(phrase, i + 1)) {
            if (++seen === 2) { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + phrase.length); return r; }
          }
        }""", phrase)
    shown = browser.find_element("id", "cite-yaml")
    WebDriverWait(browser, 5).until(lambda b: "occurrence" in shown.get_attribute("textContent"))
    first = shown.get_attribute("textContent")
    assert first == f'    - source: wapo\n      quote: "{phrase}"\n      occurrence: 2'
    assert "occur 2 times" in browser.find_element("id", "cite-note").text
    browser.execute_script("getSelection().anchorNode.parentElement.scrollIntoView({block: 'center'})")
    browser.save_screenshot(str(SCREENSHOTS / "source-citation-desktop.png"))
    browser.find_element("id", "cite-copy").click()
    WebDriverWait(browser, 5).until(lambda b: b.find_element("id", "cite-copied").text)
    assert shown.get_attribute("textContent") == first  # clicking the button keeps the citation

    # From inside a cited sentence (past its links to facts) into the next sentence of the paragraph.
    select_in_page(browser, """
        for (const cited of document.querySelectorAll('.source-text .cited')) {
          const next = cited.nextElementSibling, words = next && (next.matches('.s') ? next : next.querySelector('.s'));
          if (words && words.textContent.length > 20 && cited.firstChild.textContent.length > 30) {
            const r = document.createRange();
            r.setStart(cited.firstChild.firstChild, cited.firstChild.textContent.length - 12);
            r.setEnd(words.firstChild, 15);
            return r;
          }
        }""")
    WebDriverWait(browser, 5).until(lambda b: shown.get_attribute("textContent") != first)
    second = shown.get_attribute("textContent")
    assert "\u2192" not in second  # the links to facts are not words of the article

    work = tmp_path / "story"
    shutil.copytree(ROOT / "facts", work / "facts")
    shutil.copytree(ROOT / "sources", work / "sources")
    for n, citation in enumerate((first, second), start=1):
        (work / "facts" / f"copied-{n}.yaml").write_text(
            f"- id: copied-citation-{n}\n  kind: event\n  title: A citation copied from the source page\n"
            f"  sources:\n{citation}\n", encoding="utf-8")
    inputs = story.check(str(work / "facts"), str(work / "sources"))
    assert inputs.problems == []
    text = (ROOT / "sources" / "wapo.txt").read_text(encoding="utf-8")
    cited = {f["id"]: f["citations"][0] for f in inputs.facts if f["id"].startswith("copied-citation-")}
    assert cited["copied-citation-1"]["start"] == text.index(phrase, text.index(phrase) + 1)
    assert "\n" not in cited["copied-citation-2"]["quote"] and len(cited["copied-citation-2"]["quote"]) == 12 + 1 + 15


TIMELINEJS = ROOT / "tests" / "vendor" / "timelinejs"  # Knight Lab TimelineJS 3.9.11 from npm (tests/vendor/README.md)

def test_the_timelinejs_export_loads_in_the_real_timelinejs(browser, server, tmp_path):
    """/export/timelinejs.json given as it is to Knight Lab's TimelineJS (the library from npm, kept in
    tests/vendor): every event becomes a slide and a marker on its time axis, the library logs no error
    about the data, the page shows no error message, and nothing is loaded from anywhere but this disk."""
    with urllib.request.urlopen(server + "/export/timelinejs.json") as response:
        export = response.read().decode("utf-8")
    events = len(json.loads(export)["events"])
    assert events > 20
    page = tmp_path / "timelinejs.html"
    page.write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>TimelineJS</title>"
        f"<link rel='stylesheet' href='{(TIMELINEJS / 'css' / 'timeline.css').as_uri()}'>"
        f"<script src='{(TIMELINEJS / 'js' / 'timeline.js').as_uri()}'></script></head>"
        "<body><div id='timeline' style='width: 1200px; height: 700px'></div>"
        f"<script type='application/json' id='data'>{export.replace('</', '<' + chr(92) + '/')}</script>"
        "<script>window.done = null;"
        "const data = JSON.parse(document.getElementById('data').textContent);"
        f"const tl = new TL.Timeline('timeline', data, {{font: null, theme: null,"
        f" script_path: '{(TIMELINEJS / 'js').as_uri()}/'}});"
        "tl.on('ready', () => { window.done = 'ready'; });"
        "window.tl = tl;</script></body></html>", encoding="utf-8")
    browser.set_window_size(*DESKTOP)
    browser.get(page.as_uri())
    deadline = time.monotonic() + 30
    while browser.execute_script("return window.done") is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browser.execute_script("return window.done") == "ready", browser.execute_script(
        "const m = document.querySelector('.tl-message-full'); return m ? m.textContent : 'no message'")
    shown = browser.execute_script(
        "return {errors: tl.config.messages.errors,"
        " events: tl.config.events.length,"
        " slides: document.querySelectorAll('.tl-slide:not(.tl-slide-titleslide)').length,"
        " markers: document.querySelectorAll('.tl-timemarker').length,"
        " title: document.querySelector('.tl-slide-titleslide .tl-headline').textContent,"
        " message: document.querySelector('.tl-message-full') ?"
        "   getComputedStyle(document.querySelector('.tl-message-full')).display : 'none',"
        " loaded: performance.getEntriesByType('resource').map(r => r.name)}")
    browser.save_screenshot(str(SCREENSHOTS / "timelinejs-desktop.png"))
    assert shown["errors"] == []
    assert shown["events"] == events
    assert shown["slides"] == events
    assert shown["markers"] == events
    assert shown["title"].strip()
    assert shown["message"] == "none", "TimelineJS shows a message over the timeline"
    assert [r for r in shown["loaded"] if not r.startswith("file://")] == []
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
