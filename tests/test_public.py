"""`timeline serve --public` on 127.0.0.1: read-only, bounded, with security headers, and no page runs
script written by a curator or a source.

The server is the real command, on a copy of the real facts plus one article, fact and entity full
of HTML, JavaScript and SQL. Every request below goes to 127.0.0.1 on a free port.
"""
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse

import httpx
import pytest
from conftest import ROOT

SCRIPT = "<script>window.__xss=true</script>"
IMG = "<img src=x onerror=window.__xss=true>"
SQL = "'); DROP TABLE facts; --"
ARTICLE = (f"The banner on the wall read {SCRIPT} in large letters.\n"
           f"A second sign showed {IMG} below it.\n"
           f"The last one said {SQL} and nothing more.\n")
FACT = f"""\
- id: hostile-banner
  kind: event
  title: '{SCRIPT} {IMG}'
  notes: '{SQL.replace("'", "''")} {SCRIPT}'
  entities: [hostile-entity]
  sources:
    - source: hostile
      quote: 'The banner on the wall read {SCRIPT} in large letters.'
    - source: hostile
      quote: 'A second sign showed {IMG} below it.'
"""
ENTITY = f"""\
- id: hostile-entity
  name: '{IMG}'
  type: organisation
  description: '{SCRIPT}'
"""
RUNAWAY = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base, process, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not start in {seconds}s: {log.read_text()[-2000:]}")


def hostile_repo(path):
    for folder in ("facts", "sources"):
        shutil.copytree(ROOT / folder, path / folder)
    (path / "sources" / "hostile.txt").write_text(ARTICLE, encoding="utf-8")
    sha = hashlib.sha256(ARTICLE.encode()).hexdigest()
    with open(path / "sources" / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(f"\n- id: hostile\n  path: sources/hostile.txt\n  sha256: {sha}\n  outlet: '{IMG}'\n"
                f"  title: '{SCRIPT}'\n  published: 2025-03-26\n")
    (path / "facts" / "hostile.yaml").write_text(FACT, encoding="utf-8")
    with open(path / "facts" / "entities.yaml", "a", encoding="utf-8") as f:
        f.write(ENTITY)
    return path


@pytest.fixture(scope="module", params=[1, 2], ids=["one-process", "two-workers"])
def public(tmp_path_factory, request):
    """(base URL, repo path) of `timeline serve --public` on a free port: one Datasette process, and two
    behind the one port (--workers 2), which must serve the same site with the same settings."""
    repo = hostile_repo(tmp_path_factory.mktemp("public"))
    port = free_port()
    log = repo / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "timeline", "serve", "--public", "--no-watch", "--port", str(port),
             "--metadata", str(ROOT / "metadata.json"), "--workers", str(request.param)],
            cwd=repo, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        yield base, repo
    finally:
        process.terminate()
        process.wait(timeout=20)
        try:
            os.killpg(process.pid, 9)  # a safety net: nothing of the server outlives the tests
        except ProcessLookupError:
            pass


def sql(base, query):
    return httpx.get(f"{base}/timeline.json", params={"sql": query, "_shape": "array"}, timeout=30)


def test_the_settings_are_the_public_ones(public):
    from timeline.site.server import PUBLIC_SETTINGS

    base, _ = public
    settings = httpx.get(base + "/-/settings.json").json()
    for name, value in PUBLIC_SETTINGS.items():
        expected = {"on": True, "off": False}.get(value, value)
        assert settings[name] == expected, name
    assert httpx.get(base + "/-/databases.json").json()[0]["is_mutable"] is False


@pytest.mark.parametrize("statement", [
    "insert into facts (id, kind, title) values ('x', 'event', 'x')",
    "update facts set title = 'changed'",
    "delete from citations",
    "drop table facts",
    "create table evil (x)",
    "attach database '/tmp/evil.db' as evil",
    "select 1; drop table facts",
    "pragma journal_mode = wal",
    "pragma writable_schema = on",
    "select * from pragma_writable_schema",
    "vacuum",
    "select load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')",
    "with x as (select 1) insert into facts (id) select 1",
    "replace into facts (id) values ('x')",
])
def test_writes_attach_pragmas_and_extensions_are_refused(public, statement):
    base, repo = public
    before = (repo / "timeline.db").read_bytes()
    response = sql(base, statement)
    assert response.status_code == 400, response.text[:300]
    assert response.json()["ok"] is False
    assert (repo / "timeline.db").read_bytes() == before
    assert sql(base, "select count(*) as n from facts").json()[0]["n"] > 100


def test_a_runaway_query_is_stopped_by_the_time_limit(public):
    base, _ = public
    started = time.monotonic()
    response = sql(base, RUNAWAY)
    took = time.monotonic() - started
    assert response.status_code == 400
    assert response.json()["title"] == "SQL Interrupted"
    assert "took too long" in response.json()["error"]
    assert took < 10
    assert sql(base, "select 1 as one").json() == [{"one": 1}]  # and the server is still there


def server_pids(base):
    """The process ids serving `base`: Datasette (a child of `timeline serve`), or uvicorn's supervisor
    and its worker processes with --workers."""
    port = base.rsplit(":", 1)[1].encode()
    parents, top = {}, None
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if port in argv and (b"datasette" in argv or b"timeline.site.asgi" in argv):
                top = int(entry)
    if top is None:
        pytest.fail(f"no Datasette process serves port {port.decode()}")
    found = [top]
    for pid in found:
        found += [child for child, parent in parents.items() if parent == pid and child not in found]
    return found


def rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += int(next(line for line in f if line.startswith("VmRSS:")).split()[1]) / 1024
        except (OSError, StopIteration):
            pass  # gone meanwhile
    return total


HUGE = [
    "select zeroblob(60000000)",
    "select randomblob(60000000) as r",
    "select replace(hex(zeroblob(1000000)), '0', '00') as x",
    "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000)"
    " select zeroblob(1000000) as a, zeroblob(1000000) as b from c",
    "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000)"
    " select group_concat(printf('%.*c', 1000000, 'x')) from c",
    "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000)"
    " select printf('%.*c', 1000000, 'x') as a from c",
]


def test_huge_values_are_refused_quickly_and_memory_stays_bounded(public):
    import concurrent.futures

    base, _ = public
    pids = server_pids(base)
    sql(base, "select 1")
    before = rss_mb(pids)

    def timed(query):
        started = time.monotonic()
        return sql(base, query), time.monotonic() - started

    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(timed, [q for q in HUGE for _ in range(3)]))
    grown = rss_mb(pids) - before
    for (response, took), query in zip(answers, [q for q in HUGE for _ in range(3)]):
        assert response.status_code == 400, (query, response.status_code, response.text[:300])
        assert "too big" in response.text or "too large" in response.text, response.text[:300]
        assert took < 5, (query, took)
    assert grown < 150, f"Datasette grew by {grown:.0f} MB"
    assert sql(base, "select 1 as one").json() == [{"one": 1}]


@pytest.mark.parametrize("query", ["select fts3_tokenizer('simple')", "select hex(fts3_tokenizer('porter')) as p",
                                   "select fts3_tokenizer('evil', x'0100000000000000')",
                                   "select * from (select fts3_tokenizer('unicode61'))"])
def test_fts3_tokenizer_is_refused(public, query):
    base, _ = public
    response = sql(base, query)
    assert response.status_code == 400, response.text[:300]
    assert "not authorized" in response.json()["error"]


def test_full_text_search_still_works(public):
    base, _ = public
    found = httpx.get(f"{base}/timeline/facts.json?_search=xss&_shape=array").json()  # in the title
    assert [row["id"] for row in found] == ["hostile-banner"]
    assert "hostile-banner" in httpx.get(f"{base}/search?q=xss").text
    found = httpx.get(f"{base}/timeline/search.json?q=banner&_shape=array").json()  # in the article only
    assert [(row["found_in"], row["id"]) for row in found] == [("sentence", "hostile:1")]


def test_rows_are_bounded(public):
    base, _ = public
    response = httpx.get(f"{base}/timeline.json", params={
        "sql": "with recursive c(x) as (select 1 union all select x + 1 from c limit 5000) select x from c"})
    body = response.json()
    assert len(body["rows"]) == 1000
    assert body["truncated"] is True


def test_the_database_file_is_not_offered(public):
    base, _ = public
    assert httpx.get(base + "/timeline.db").status_code == 403


def test_security_headers_on_every_kind_of_response(public):
    base, _ = public
    for path in ("/", "/timeline", "/timeline/facts", "/timeline/facts.json", "/timeline/facts/hostile-banner",
                 "/-/static/app.css", "/no/such/page"):
        headers = httpx.get(base + path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] in ("same-origin", "no-referrer"), path  # Datasette sets the stricter one
        csp = headers["content-security-policy"]
        assert "script-src 'self' 'sha256-" in csp, path
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], path
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path


PAGES_WITH_USER_TEXT = [
    "/",
    "/timeline",
    "/timeline/facts",
    "/timeline/facts/hostile-banner",
    "/timeline/facts?_search=banner",
    "/timeline/citations?fact_id=hostile-banner",
    "/timeline/sources",
    "/timeline/sources/hostile",
    "/timeline/sentences?source_id=hostile",
    "/timeline/sentences/hostile~3A1",
    "/timeline/entities/hostile-entity",
    "/timeline/timeline",
    "/timeline/statements",
    "/timeline/search?q=banner",
    "/timeline/source_facts?source=hostile",
    "/timeline?sql=" + urllib.parse.quote(f"select '{SCRIPT}' as a, '{IMG}' as b"),
    "/timeline/facts?title=" + urllib.parse.quote(SCRIPT),
    "/timeline/facts?_sort=" + urllib.parse.quote(SCRIPT),
    "/timeline/facts?_sort_desc=" + urllib.parse.quote(SCRIPT),
    "/timeline/facts?id__in=" + urllib.parse.quote(SCRIPT),
    "/timeline/facts?_search=" + urllib.parse.quote(SCRIPT),
    "/chronology",
    "/search?q=" + urllib.parse.quote(SCRIPT),
]


@pytest.mark.parametrize("path", PAGES_WITH_USER_TEXT)
def test_user_text_is_escaped_on_every_page(public, path):
    base, _ = public
    response = httpx.get(base + path)
    assert response.status_code in (200, 400, 404), path
    html = response.text
    assert SCRIPT not in html and IMG not in html
    assert "<script>window.__xss" not in html and "<img src=x" not in html


@pytest.mark.parametrize("path", ["/timeline/facts?_sort=nosuch", "/timeline/facts?_sort=id&_sort_desc=title",
                                  "/timeline/facts?id__in=%5B", "/timeline/facts.json?id__in=%5B",
                                  "/timeline/facts?_search=%22unbalanced", "/timeline.json?sql=select+nosuch+from+facts",
                                  "/timeline/facts?_size=99999", "/timeline/facts?_col=nosuch",
                                  "/timeline/facts?_facet=nosuch", "/timeline/facts?_next=zzz"])
def test_malformed_parameters_are_client_errors_not_server_errors(public, path):
    base, _ = public
    assert httpx.get(base + path).status_code < 500


def test_user_text_is_stored_as_written(public):
    base, _ = public
    [row] = sql(base, "select title, notes from facts where id = 'hostile-banner'").json()
    assert row == {"title": f"{SCRIPT} {IMG}", "notes": f"{SQL} {SCRIPT}"}
    assert sql(base, "select count(*) as n from facts").json()[0]["n"] > 100  # the SQL in the notes did nothing


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Debian Chromium (as tests/test_browser.py), with the browser console readable."""
    missing = [p for p in ("/usr/bin/chromium", "/usr/bin/chromedriver") if not shutil.which(p)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/install-chromium (scripts/test does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-public')}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize("path", PAGES_WITH_USER_TEXT + ["/timeline/facts?_facet=kind", "/timeline?sql=select+1"])
def test_no_script_runs_and_no_page_script_is_blocked_in_a_browser(public, browser, path):
    base, _ = public
    browser.get(base + path)
    assert browser.execute_script("return window.__xss === undefined")
    messages = [e["message"] for e in browser.get_log("browser")]
    assert not [m for m in messages if "Content Security Policy" in m], messages


def test_the_home_page_is_the_site_and_the_instance_json_is_still_datasettes(public):
    base, _ = public
    home = httpx.get(base + "/")
    assert home.status_code == 200
    assert 'href="/chronology"' in home.text and "Datasette v0." in home.text
    assert 'rel="alternate" type="application/json+datasette"' in home.text
    assert "timeline" in httpx.get(base + "/.json").json()
