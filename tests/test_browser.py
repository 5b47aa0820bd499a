"""The site in a real browser: Debian's Chromium, headless, against Datasette on 127.0.0.1.

scripts/test installs chromium and chromium-driver with apt-get when they are absent. Without them
these tests fail (they do not skip): a site nobody has looked at in a browser is not tested.
Screenshots of every page, at desktop and phone width, are saved in tests/screenshots/.
"""
import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import ROOT
from timeline.server import datasette_command

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
