"""`timeline add-source`: saved pages, WARCs, text files and URLs become pinned sources.

The pages are made here (tests/news_pages.py), in the shapes real news sites use; every test runs the
real CLI and then `timeline check`, and compares what was stored byte for byte.
"""
import gzip
import hashlib
import http.server
import io
import os
import subprocess
import sys
import threading
import time
import zlib

import news_pages as pages
import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from timeline.cli import cli
from timeline.core import yamlfile
from timeline.errors import ArchiveError, SourceRefused
from timeline.ingest import add_source, archive


def sha(data):
    return hashlib.sha256(data).hexdigest()


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def add(tree, target, *options):
    """`timeline add-source` run in the story's folder, as a user runs it."""
    here = os.getcwd()
    os.chdir(tree.path)
    try:
        return run("add-source", target, *options)
    finally:
        os.chdir(here)


def check(tree):
    return run("check", "--facts", tree.facts, "--sources", tree.sources)


def entry(tree, source_id):
    data = yamlfile.read(tree.sources / "sources.yaml")
    return next(item for item in data if item["id"] == source_id)


def snapshot(tree):
    """Every file under sources/ with its bytes: a refusal must leave this as it was."""
    return {p.name: p.read_bytes() for p in sorted(tree.sources.iterdir())}


def added_id(result):
    assert result.exit_code == 0, result.output
    return result.output.split("'")[1]


# ---------------------------------------------------------------- saved pages

PAGES = ["LEDGER", "HERALD", "NORTHERN", "VALLEY", "GAZETTE", "DISPATCH"]


@pytest.mark.parametrize("name", PAGES)
def test_a_saved_page_becomes_a_source(tree, name):
    page = getattr(pages, name)
    saved = tree.write(f"{name.lower()}.html", page["html"])
    result = add(tree, saved)
    source_id = added_id(result)
    item = entry(tree, source_id)
    original = (tree.path / item["original"]).read_bytes()
    text = (tree.path / item["path"]).read_text(encoding="utf-8")
    assert original == saved.read_bytes()
    assert item["original_sha256"] == sha(original) and item["sha256"] == sha(text.encode("utf-8"))
    assert item["original"] == f"sources/{source_id}.html" and item["path"] == f"sources/{source_id}.txt"
    lines = text.splitlines()
    for paragraph in page["paragraphs"]:
        assert paragraph in lines  # each paragraph kept verbatim, on a line of its own
    for furniture in page["boilerplate"]:
        assert furniture not in text
    assert {k: item[k] for k in page["fields"]} == page["fields"]
    assert item["retrieved"] == page.get("retrieved")  # a saved page knows it only when the saver wrote it in
    for key, words in page["evidence"].items():
        assert f"{key}: " in item["notes"] and words in item["notes"], item["notes"]
    for key, value in page["fields"].items():
        if value is None:
            assert key in result.output.split("Not found: ")[1].split("\n")[0]
    assert result.output.rstrip().endswith(f"Next: timeline suggest {source_id}")
    assert check(tree).exit_code == 0


def test_what_the_command_prints(tree, monkeypatch):
    tree.write("bridge.html", pages.LEDGER["html"])
    monkeypatch.chdir(tree.path)
    result = run("add-source", "bridge.html")
    assert result.output == """\
Added source 'coastal-ledger-harbour-bridge-opens' from a saved page (bridge.html):
  text       sources/coastal-ledger-harbour-bridge-opens.txt (7 paragraphs, 132 words)
  original   sources/coastal-ledger-harbour-bridge-opens.html (stored byte for byte)
  outlet     The Coastal Ledger
  title      Harbour bridge opens after years of delay
  author     Jane Roe; Omar Haddad
  published  2025-03-26T19:50:00-04:00
  url        https://www.coastal-ledger.example/news/2025/03/26/harbour-bridge-opens/
  language   en
The evidence for each value is in the notes of 'coastal-ledger-harbour-bridge-opens' in sources/sources.yaml.
Next: timeline suggest coastal-ledger-harbour-bridge-opens
"""
    assert run("check").output == "OK: 1 facts, 2 entities, 2 sources\n"


def test_sources_yaml_keeps_its_comments_and_layout(tree):
    yaml_file = tree.sources / "sources.yaml"
    before = "# The articles of the story.\n#\n# Each one pinned by its sha256.\n\n" + yaml_file.read_text()
    before = before.replace("  outlet: The Gazette", "  outlet: The Gazette   # from the masthead")
    yaml_file.write_text(before)
    add(tree, tree.write("bridge.html", pages.LEDGER["html"]))
    after = yaml_file.read_text()
    assert after.startswith(before)
    assert after[len(before):].startswith("\n- id: coastal-ledger-harbour-bridge-opens\n  path: ")  # after a blank line
    assert [item["id"] for item in yamlfile.read(yaml_file)] == ["gazette", "coastal-ledger-harbour-bridge-opens"]


def test_options_replace_what_the_page_says_and_say_so(tree):
    saved = tree.write("rents.html", pages.VALLEY["html"])
    result = add(tree, saved, "--id", "valley-rents", "--outlet", "The Valley Times", "--url",
                 "https://valleytimes.example/rents", "--published", "2025-03-26")
    assert added_id(result) == "valley-rents"
    item = entry(tree, "valley-rents")
    assert (item["outlet"], item["url"], item["published"]) == ("The Valley Times", "https://valleytimes.example/rents",
                                                               "2025-03-26")
    assert "outlet: given with --outlet." in item["notes"] and "published: given with --published." in item["notes"]
    assert "Not found" not in result.output


def test_a_page_in_windows_1252_is_read_in_its_declared_charset(tree):
    saved = tree.write("mill.html", pages.cp1252_page())
    source_id = added_id(add(tree, saved))
    text = (tree.sources / f"{source_id}.txt").read_text(encoding="utf-8")
    assert "\u201cIt is the end of an era,\u201d said Joan Hartley, who has worked there for 31 years." in text
    assert (tree.sources / f"{source_id}.html").read_bytes() == pages.cp1252_page()
    item = entry(tree, source_id)
    assert (item["outlet"], item["published"], item["author"]) == ("Dale Courier", None, None)


def test_unknown_values_stay_empty_and_the_command_says_so(tree):
    html = """<html><body><div class="story"><p>The lighthouse on Gull Point will be sold at auction next month,
    the county said, after no buyer came forward for two years.</p><p>Its lamp was switched off in 1998.</p>
    </div></body></html>"""
    result = add(tree, tree.write("gull.html", html))
    source_id = added_id(result)
    assert source_id == "gull"  # no outlet or title: the file's name
    item = entry(tree, source_id)
    assert [item[k] for k in ("outlet", "title", "author", "published", "url")] == [None] * 5
    assert "Not found: outlet, title, author, published, url (left empty: fill in what you know in" in result.output
    assert "Not found in the page: outlet, title, author, published, url." in item["notes"]
    assert check(tree).exit_code == 0


def test_an_id_is_proposed_once(tree):
    first = added_id(add(tree, tree.write("a.html", pages.LEDGER["html"])))
    other = pages.ledger(pages.BRIDGE[:3] + ["A later paragraph about tolls that the update added to the story."],
                         canonical="https://www.coastal-ledger.example/news/2025/03/27/harbour-bridge-update/")
    second = added_id(add(tree, tree.write("b.html", other)))
    assert (first, second) == ("coastal-ledger-harbour-bridge-opens", "coastal-ledger-harbour-bridge-opens-2")


def test_shared_wire_copy_is_reported(tree):
    wire = ("NEW HAVEN (AP) \u2014 " + pages.BRIDGE[0], *pages.BRIDGE[1:])
    copy = pages.ledger(list(wire), canonical="https://www.coastal-ledger.example/wire/bridge")
    add(tree, tree.write("ap.html", copy), "--id", "ap-bridge")
    run_text = entry(tree, "ap-bridge")
    assert run_text["based_on"] == "AP"  # the dateline credits the agency
    assert 'based_on: the dateline "NEW HAVEN (AP) \u2014".' in run_text["notes"]
    rewrite = pages.HERALD["html"].replace("".join(f"<p>{p}</p>\n" for p in pages.PORT[:2]), "")
    for p in pages.PORT:
        rewrite = rewrite.replace(f"<p>{p}</p>", "")
    rewrite = rewrite.replace('<div class="share">', "\n".join(f"<p>{p}</p>" for p in pages.BRIDGE[:4])
                              + '<div class="share">')
    result = add(tree, tree.write("rewrite.html", rewrite), "--id", "herald-bridge")
    assert "Wire copy? It shares 4 sentences with source 'ap-bridge'; 'ap-bridge' credits AP: if both are one wire service's copy," \
           " set based_on for 'herald-bridge' in sources/sources.yaml" in result.output
    assert check(tree).exit_code == 0


# ---------------------------------------------------------------- WARC files

def warc(records, gzip=True):
    """A WARC written by warcio: records are (url, status, content type, body)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("capture.warc.gz", {"software": "a test"}))
    for url, status, kind, body in records:
        headers = StatusAndHeaders(status, [("Content-Type", kind), ("Content-Length", str(len(body)))],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                      http_headers=headers,
                                                      warc_headers_dict={"WARC-Date": "2025-03-27T08:15:02Z"}))
    return out.getvalue()


LEDGER_HEADER = ["Harbour bridge opens after years of delay", "By Jane Roe and Omar Haddad"]  # kept above the text
ARTICLE_URL = "https://www.coastal-ledger.example/news/2025/03/26/harbour-bridge-opens/?utm_source=share"
AD = b"<html><body><div>Advertisement: Buy a boat today</div></body></html>"


def test_a_warc_with_one_page_and_its_resources(tree):
    data = warc([("https://www.coastal-ledger.example/", "301 Moved Permanently", "text/html", b""),
                 (ARTICLE_URL, "200 OK", "text/html; charset=utf-8", pages.LEDGER["html"].encode()),
                 ("https://www.coastal-ledger.example/site.css", "200 OK", "text/css", b"body { color: black }"),
                 ("https://ads.example/frame", "200 OK", "text/html", AD)])
    saved = tree.write("capture.warc.gz", data)
    result = add(tree, saved)
    source_id = added_id(result)
    item = entry(tree, source_id)
    assert item["original"] == f"sources/{source_id}.warc.gz"
    assert (tree.path / item["original"]).read_bytes() == data and item["original_sha256"] == sha(data)
    assert item["retrieved"] == "2025-03-27T08:15:02Z"
    assert item["url"] == pages.LEDGER["fields"]["url"]  # the canonical address, not the shared link
    text = (tree.path / item["path"]).read_text()
    assert text.splitlines() == LEDGER_HEADER + pages.BRIDGE
    assert "the response for " + ARTICLE_URL + ", the one with the most article text (132 words) of 2 HTML" \
           " responses (others: https://ads.example/frame); pick another with --record URL" in result.output
    assert "retrieved: the WARC-Date of the response record (2025-03-27T08:15:02Z)." in item["notes"]
    assert "Archived from " + ARTICLE_URL + " (the WARC-Target-URI)." in item["notes"]
    assert "Check:" not in result.output
    assert check(tree).exit_code == 0


def test_a_plain_warc_and_the_record_option(tree):
    other_html = pages.NORTHERN["html"].encode()
    data = warc([(ARTICLE_URL, "200 OK", "text/html", pages.LEDGER["html"].encode()),
                 ("https://northernpost.example/flood", "200 OK", "application/xhtml+xml", other_html)], gzip=False)
    result = add(tree, tree.write("two.warc", data), "--record", "https://northernpost.example/flood")
    source_id = added_id(result)
    item = entry(tree, source_id)
    assert item["original"].endswith(".warc") and item["title"] == "Flood defences fail in three villages"
    assert "(chosen with --record)" in result.output


def test_a_warc_without_a_text_url_uses_the_target_uri(tree):
    html = pages.VALLEY["html"].encode()
    result = add(tree, tree.write("rents.warc.gz", warc([("https://valleytimes.example/rents-frozen", "200 OK",
                                                          "text/html", html)])))
    item = entry(tree, added_id(result))
    assert item["url"] == "https://valleytimes.example/rents-frozen"
    assert "url: the WARC record's WARC-Target-URI." in item["notes"]


def bomb_record(kind, size, line_breaks=True, header_run=0):
    """One gzipped WARC response record whose payload is `size` bytes (zeros, or lines of them), written a
    megabyte at a time: a file of about a thousandth of what it decompresses to."""
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nX-Long: ").encode() + b"y" * header_run + b"\r\n\r\n"
    warc_headers = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/{kind}\r\n"
                    f"WARC-Date: 2025-03-27T08:15:02Z\r\nWARC-Record-ID: <urn:uuid:{size}-{kind.replace('/', '-')}>\r\n"
                    f"Content-Type: application/http; msgtype=response\r\n"
                    f"Content-Length: {len(http) + size}\r\n\r\n").encode()
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [squeeze.compress(warc_headers + http)]
    piece = (b"\0" * 99 + b"\n") * 10_000 if line_breaks else b"\0" * 1_000_000
    for _ in range(size // 1_000_000):
        out.append(squeeze.compress(piece))
    out.append(squeeze.compress(b"\r\n\r\n"))
    return b"".join(out) + squeeze.flush()


def read_warc_in_a_process(path):
    """(what html_responses says, peak memory in MB) in a fresh process, with 60 s."""
    script = ("import re, sys; from timeline.ingest import archive\n"
              "try:\n    print(len(archive.html_responses(open(sys.argv[1], 'rb').read())[0]))\n"
              "except archive.ArchiveError as e:\n    print(e)\n"
              "print(int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1]) // 1024)")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    said, peak = done.stdout.strip().rsplit("\n", 1)
    return said, int(peak)


@pytest.mark.parametrize("records, words", [
    ([("text/html", 300_000_000, True, 0)], "over 50 MB"),  # one page of 300 MB (read whole: 4.2 GB for 2 MB)
    ([("image/jpeg", 100_000_000, True, 0)] * 6, "more than 500 MB once decompressed"),  # 6 records of 100 MB
    ([("image/jpeg", 300_000_000, False, 0)], "without a line break"),  # zeros with no line break at all
    ([("text/html", 1_000_000, True, 200_000_000)], "without a line break"),  # a 200 MB header line
])
def test_a_warc_is_read_as_a_stream_with_a_bound(tree, records, words):
    """A 2 MB .warc.gz took 4.2 GB of memory and a 374 KB one of 6 records 567 MB: every record was read
    whole. Now each is read in pieces, and what it decompresses to is bounded."""
    path = tree.write("bomb.warc.gz", b"".join(bomb_record(*r) for r in records))
    started = time.monotonic()
    said, peak = read_warc_in_a_process(path)
    assert words in said and peak < 200, (said, peak)
    assert time.monotonic() - started < 30


def test_a_warc_of_many_ordinary_records_still_reads(tree):
    data = b"".join(bomb_record("image/jpeg", 20_000_000) for _ in range(5)) + warc(
        [(ARTICLE_URL, "200 OK", "text/html", pages.LEDGER["html"].encode())])
    said, peak = read_warc_in_a_process(tree.write("big.warc.gz", data))
    assert said == "1" and peak < 200, (said, peak)


# ---------------------------------------------------------------- URLs, served here

class Handler(http.server.BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):
        route = self.routes.get(self.path, (404, {"Content-Type": "text/html"}, b"gone", 0))
        if callable(route):
            try:
                return route(self)
            except (BrokenPipeError, ConnectionResetError):
                return None
        status, headers, body, delay = route
        time.sleep(delay)
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up (the /slow page's timeout): said quietly, not as a traceback that lands
            # in whichever test's captured output is current when this thread wakes
            pass

    def log_message(self, *args):
        pass


BOMB = gzip.compress(b"\0" * 100_000_000, 9)  # 100 MB of zeros in about 100 kB


def endless_redirect(handler):
    """A 302 whose body never ends (chunked): at most 200 MB, for at most 20 s, then it stops by itself."""
    handler.send_response(302)
    handler.send_header("Location", "/news/bridge")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"x" * 1_000_000
    stop = time.monotonic() + 20
    for _ in range(200):
        if time.monotonic() > stop:
            break
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def drip(handler):
    """A page sent one byte every 0.2 s (a per-read timeout never fires), for at most 15 s."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "75")
    handler.end_headers()
    for _ in range(75):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.2)


def drip_headers(handler):
    """Response headers sent one byte every 0.2 s, for at most 15 s."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Slow: " + b"y" * 60:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.2)


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    Handler.routes = {
        "/news/bridge": (200, {"Content-Type": "text/html; charset=utf-8"}, pages.LEDGER["html"].encode(), 0),
        "/old-link": (301, {"Location": "/news/bridge"}, b"", 0),
        "/report.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 ...", 0),
        "/photo.jpg": (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0 a picture", 0),
        "/download": (200, {"Content-Type": "application/octet-stream"}, b"PK\x03\x04 a zip", 0),
        "/slow": (200, {"Content-Type": "text/html"}, b"<html></html>", 2),
        "/private": (403, {"Content-Type": "text/html"}, b"<html>Forbidden</html>", 0),
        "/endless-redirect": endless_redirect,
        "/bomb-redirect": (302, {"Location": "/news/bridge", "Content-Encoding": "gzip"}, BOMB, 0),
        "/drip": drip,
        "/drip-headers": drip_headers,
        "/javascript": (302, {"Location": "javascript:alert(document.cookie)"}, b"", 0),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_a_url_is_fetched_archived_and_added(tree, site):
    result = add(tree, f"{site}/old-link", "--allow-private-addresses")
    source_id = added_id(result)
    item = entry(tree, source_id)
    assert item["original"] == f"sources/{source_id}.warc.gz"
    stored = (tree.path / item["original"]).read_bytes()
    responses, n_records = archive.html_responses(stored)
    assert n_records == 4  # a request and a response for the redirect and for the page
    assert [r.url for r in responses] == [f"{site}/news/bridge"]
    assert responses[0].body == pages.LEDGER["html"].encode()  # the body exactly as served
    assert item["retrieved"].endswith("Z") and item["original_sha256"] == sha(stored)
    assert (tree.path / item["path"]).read_text().splitlines() == LEDGER_HEADER + pages.BRIDGE
    assert item["url"] == pages.LEDGER["fields"]["url"]
    assert f"from a fetched URL ({site}/old-link)" in result.output
    assert check(tree).exit_code == 0
    again = add(tree, f"{site}/news/bridge", "--allow-private-addresses")
    assert again.exit_code == 1 and f"is already source '{source_id}'" in again.output


@pytest.mark.parametrize("path, words", [
    ("/missing", "answered 404 Not Found: nothing was fetched"),
    ("/private", "answered 403 Forbidden"),
    ("/report.pdf", "cannot be read as a PDF"),  # a PDF is read as one (tests/test_pdf.py), this one is damaged
    ("/photo.jpg", "is image/jpeg, not an HTML page or a PDF"),
    ("/download", "is application/octet-stream and not a PDF"),
])
def test_a_url_that_is_no_page_is_refused(tree, site, path, words):
    before = snapshot(tree)
    result = add(tree, site + path, "--allow-private-addresses")
    assert result.exit_code == 1 and words in result.output and result.output.count("\n") == 1, result.output
    assert snapshot(tree) == before


def test_a_url_that_does_not_answer_in_time(tree, site):
    before = snapshot(tree)
    with pytest.raises(SourceRefused, match=r"did not answer within 0.3 s"):
        add_source.add_source(f"{site}/slow", str(tree.sources), fetch=lambda url: archive.fetch(url, timeout=0.3, allow_private=True))
    assert snapshot(tree) == before


def test_an_endless_redirect_body_is_refused_at_once(tree, site):
    """A 302 with a body that never ends grew the process to a MemoryError (1.4 GB in 15 s)."""
    before, started = snapshot(tree), time.monotonic()
    result = add(tree, f"{site}/endless-redirect", "--allow-private-addresses")
    assert result.exit_code == 1 and "sends more than 1 MB with a redirect" in result.output, result.output
    assert time.monotonic() - started < 5 and snapshot(tree) == before


def test_a_gzip_bomb_in_a_redirect_is_never_inflated(tree, site):
    """100 MB of zeros gzipped to 100 kB in a 302 was inflated whole, and archived decoded under its gzip
    header (a 512 MB bomb peaked at 1.09 GB)."""
    result = add(tree, f"{site}/bomb-redirect", "--allow-private-addresses")
    assert result.exit_code == 1 and "decompresses to more than 1 MB with a redirect" in result.output, result.output


def test_the_whole_fetch_has_one_deadline(tree, site):
    """A server sending a byte every few seconds kept add-source running past 90 s: no single read waits
    long, so only a deadline for the whole fetch stops it, in the body and in the headers alike."""
    for path in ("/drip", "/drip-headers"):
        started = time.monotonic()
        with pytest.raises(ArchiveError, match=r"did not answer within 1 s"):
            archive.fetch(f"{site}{path}", timeout=1, allow_private=True)
        assert time.monotonic() - started < 2.5, path


@pytest.mark.parametrize("target", ["http://127.0.0.1:9/", "http://localhost:9/", "http://[::1]:9/"])
def test_loopback_is_refused_unless_allowed(tree, target):
    """add-source followed redirects to loopback, 10/8, 172.16/12, 192.168/16 and 169.254.169.254; a name is
    judged by the address it resolves to (localhost), before anything is sent."""
    result = add(tree, target)
    assert result.exit_code == 1 and "add-source fetches only public addresses" in result.output
    assert "give --allow-private-addresses" in result.output and result.output.count("\n") == 1


def test_a_private_address_is_refused_before_connecting():
    """Every connection of a fetch, a redirect's included, goes through this check of the resolved address
    (tested without connecting anywhere: only loopback may be a test's target)."""
    fetching = archive._Fetching(allow_private=False, deadline=time.monotonic() + 5)
    for host in ("169.254.169.254", "10.0.0.1", "192.168.1.1", "localhost"):
        with pytest.raises(ArchiveError, match=r"add-source fetches only public addresses"):
            fetching.connect(lambda *a, **k: pytest.fail("connected"), host, 80, 1.0)


@pytest.mark.parametrize("address, public", [
    ("127.0.0.1", False), ("127.8.9.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("172.31.255.1", False),
    ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("fe80::1", False), ("fd00::1", False),
    ("224.0.0.1", False), ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
    ("172.32.0.1", True)])
def test_which_addresses_are_public(address, public):
    assert archive.public_address(address) is public


def test_a_javascript_redirect_is_one_line(tree, site):
    result = add(tree, f"{site}/javascript", "--allow-private-addresses")
    assert result.exit_code == 1 and "redirects to 'javascript:alert(document.cookie)', which is not a web" \
        " address" in result.output and "Traceback" not in result.output and result.output.count("\n") == 1


def test_nothing_listens(tree):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = add(tree, f"http://127.0.0.1:{port}/article", "--allow-private-addresses")
    assert result.exit_code == 1 and "could not fetch http://127.0.0.1:" in result.output


# ---------------------------------------------------------------- text files

def test_a_text_file_is_stored_as_given(tree):
    data = ("Ferry service to end in May\nBy Omar Haddad\nPublished: 26 March 2025\n"
            + "\n".join(pages.BRIDGE[:3]) + "\n").encode()
    result = add(tree, tree.write("ferry.txt", data))
    source_id = added_id(result)
    item = entry(tree, source_id)
    assert (tree.sources / f"{source_id}.txt").read_bytes() == data and item["sha256"] == sha(data)
    assert "original" not in item and item["retrieved"] is None
    assert (item["title"], item["author"], item["published"]) == ("Ferry service to end in May", "Omar Haddad",
                                                                 "2025-03-26")
    assert "published: the date line \"Published: 26 March 2025\"." in item["notes"]
    assert check(tree).exit_code == 0


# ---------------------------------------------------------------- refusals: one line, nothing written

def refused(tree, target, *options):
    before = snapshot(tree)
    result = add(tree, target, *options)
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: "), result.output
    assert result.output.rstrip().endswith("Nothing was written.")
    assert snapshot(tree) == before
    return result.output


def test_refusals(tree, monkeypatch):
    saved = tree.write("bridge.html", pages.LEDGER["html"])
    source_id = added_id(add(tree, saved))
    # the same original, again
    assert f"bridge.html is already source '{source_id}' (sources/{source_id}.html has the same bytes)" \
        in refused(tree, saved)
    # the same article re-saved with other ads around it: same text
    resaved = tree.write("again.html", pages.LEDGER["html"].replace("Storm warning", "Heat warning"))
    assert f"the article text of again.html is already source '{source_id}'" in refused(tree, resaved)
    # another page whose address is a source's
    moved = pages.ledger(pages.BRIDGE[:4], canonical=pages.LEDGER["fields"]["url"] + "?utm_campaign=x")
    assert f"is already source '{source_id}' (its url)" in refused(tree, tree.write("moved.html", moved))
    # the same text file as an existing source's article
    assert "is already source 'gazette'" in refused(tree, tree.sources / "gazette.txt")
    # no article text
    assert "consent.html holds no article text" in refused(tree, tree.write("consent.html", pages.CONSENT_WALL))
    # binary files
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
    assert "photo.png is a binary file" in refused(tree, tree.write("photo.png", png))
    assert "report.pdf cannot be read as a PDF" in refused(tree, tree.write("report.pdf", b"%PDF-1.7\n..."))
    assert "is a ZIP file (a WACZ" in refused(tree, tree.write("capture.wacz", b"PK\x03\x04" + bytes(50)))
    # unreadable: missing, a folder, not UTF-8 text, empty, oversized
    assert "there is no file" in refused(tree, tree.path / "nowhere.html")
    assert "is a folder" in refused(tree, tree.facts)
    assert "latin.txt is not UTF-8 text (byte 3)" in refused(tree, tree.write("latin.txt", "Caf\xe9s close".encode("latin-1")))
    assert "empty.html is empty" in refused(tree, tree.write("empty.html", b"  \n"))
    monkeypatch.setattr(archive, "MAX_BYTES", 2**20 // 4)
    big = pages.NORTHERN["html"].replace("</body>", "<!--" + "x" * (2**20 // 3) + "--></body>")
    assert "big.html is 0.3 MB; the limit is 0.25 MB: save only the article's page" in refused(
        tree, tree.write("big.html", big))
    monkeypatch.undo()
    # WARCs with no HTML response, or not WARCs at all
    css_only = warc([("https://x.example/site.css", "200 OK", "text/css", b"body {}"),
                     ("https://x.example/page", "404 Not Found", "text/html", b"<html>no</html>")])
    assert "css.warc.gz holds no HTML page or PDF (3 records" in refused(tree, tree.write("css.warc.gz", css_only))
    broken = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99\r\n\r\nabc"
    assert "broken.warc: it is not a readable WARC file" in refused(tree, tree.write("broken.warc", broken))
    whole = warc([(ARTICLE_URL, "200 OK", "text/html", pages.NORTHERN["html"].encode())])
    assert "is cut short" in refused(tree, tree.write("cut.warc.gz", whole[: len(whole) // 2]))
    plain = warc([(ARTICLE_URL, "200 OK", "text/html", pages.NORTHERN["html"].encode())], gzip=False)
    altered = plain.replace(b"Flood barriers failed", b"Flood barriers held")
    assert "is damaged: its digest does not match" in refused(tree, tree.write("altered.warc", altered))
    two = warc([(ARTICLE_URL, "200 OK", "text/html", pages.NORTHERN["html"].encode())])
    assert "has no HTML page or PDF for https://other.example/" in refused(tree, tree.write("one.warc.gz", two),
                                                                          "--record", "https://other.example/")
    # ids: in use, not a slug; a bad --published
    flood = tree.write("flood.html", pages.NORTHERN["html"])
    assert "the id 'gazette' is already used by source 'gazette' (line 1 of sources.yaml)" in refused(tree, flood,
                                                                                                      "--id", "gazette")
    assert "--id 'Flood_News' is not an id" in refused(tree, flood, "--id", "Flood_News")
    assert "--published: Cannot read published date 'March 26, 2025': write 2025-03-26" in refused(
        tree, flood, "--published", "March 26, 2025")
    assert "'3/4/2025' is ambiguous: write 2025-03-04 if it is month first (U.S.), or 2025-04-03" in refused(
        tree, flood, "--published", "3/4/2025")
    assert check(tree).exit_code == 0


def test_a_broken_sources_yaml_is_refused_before_anything_is_read(tree):
    (tree.sources / "sources.yaml").write_text("- id: gazette\n  path: [unclosed\n")
    output = refused(tree, tree.write("flood.html", pages.NORTHERN["html"]))
    assert "sources/sources.yaml:3: yaml-syntax: " in output and "fix sources.yaml first" in output


def test_a_new_story_gets_its_sources_yaml(tmp_path):
    (tmp_path / "sources").mkdir()
    saved = tmp_path / "flood.html"
    saved.write_text(pages.NORTHERN["html"])
    result = run("add-source", saved, "--sources", tmp_path / "sources")
    source_id = added_id(result)
    assert (tmp_path / "sources" / "sources.yaml").read_text().startswith(f"- id: {source_id}\n")


# ---------------------------------------------------------------- the build keeps originals pinned

def test_a_changed_or_missing_original_fails_the_build(tree):
    source_id = added_id(add(tree, tree.write("flood.html", pages.NORTHERN["html"])))
    original = tree.sources / f"{source_id}.html"
    original.write_bytes(original.read_bytes() + b"<!-- an edit -->")
    result = check(tree)
    assert result.exit_code == 1 and "source-changed" in result.output and f"original 'sources/{source_id}.html'" \
        in result.output
    original.unlink()
    assert "source-missing" in check(tree).output


def test_original_and_its_sha256_go_together(tree):
    yaml_file = tree.sources / "sources.yaml"
    yaml_file.write_text(yaml_file.read_text() + "  original: sources/gazette.html\n")
    assert ("sources/sources.yaml", 6, "missing-key") in tree.codes()  # the line of original:


def test_the_sources_table_has_the_new_columns(tree):
    source_id = added_id(add(tree, tree.write("flood.html", pages.NORTHERN["html"])))
    tree.build()
    import sqlite3

    row = sqlite3.connect(tree.db).execute("select original, original_sha256, retrieved from sources where id = ?",
                                           (source_id,)).fetchone()
    assert row == (f"sources/{source_id}.html", sha(pages.NORTHERN["html"].encode()), None)


def test_yaml_values_read_back_unchanged():
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.text(max_size=60))
    def one(value):
        assert yamlfile.parse(f"k: {add_source._scalar(value)}\n")["k"] == value

    one()


def test_a_copyright_line_inside_the_article_is_left_out_and_noted(tree):
    html = ("<html><body><article><h1>Ferry fares rise</h1>" + "".join(f"<p>{p}</p>" for p in pages.BRIDGE[:3])
            + "<p>\u00a9 2025 Example News Group. All rights reserved.</p></article></body></html>")
    item = entry(tree, added_id(add(tree, tree.write("fares.html", html))))
    text = (tree.path / item["path"]).read_text()
    assert text.splitlines() == ["Ferry fares rise"] + pages.BRIDGE[:3]
    assert 'left out of the text as page furniture: "\u00a9 2025 Example News Group. All rights reserved."' \
        in item["notes"]
    assert item["outlet"] == "Example News Group" and "copyright line" in item["notes"]


def test_a_wire_services_copyright_is_not_taken_for_the_outlet(tree):
    html = ("<html><body><article>" + "".join(f"<p>{p}</p>" for p in pages.FLOOD)
            + "<p>Copyright 2025 The Associated Press. All rights reserved.</p></article></body></html>")
    result = add(tree, tree.write("wire.html", html))
    item = entry(tree, added_id(result))
    assert item["outlet"] is None and item["based_on"] == "AP"
    assert 'based_on: the credit line "Copyright 2025 The Associated Press. All rights reserved."; the same in' \
           " the page's copyright line (The Associated Press)." in item["notes"]


def test_an_update_time_is_not_taken_for_the_publication_date(tree):
    html = ("<html><head><title>Port reopens | Channel 9 News</title></head><body><div class='headline'>"
            "<h1>Port reopens</h1><div class='timestamp'>Updated 7:50 PM EDT, Wed March 26, 2025</div></div>"
            "<div class='article__content'>" + "".join(f"<p>{p}</p>" for p in pages.PORT) + "</div></body></html>")
    result = add(tree, tree.write("port.html", html))
    item = entry(tree, added_id(result))
    assert item["published"] is None and item["outlet"] == "Channel 9 News"
    assert 'Check: the page gives only an update time, "Updated 7:50 PM EDT, Wed March 26, 2025"' \
           " (2025-03-26T19:50:00-04:00): published is left empty" in result.output


def test_an_xhtml_page_with_an_xml_declaration(tree):
    html = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            '<title>Flood defences fail</title><meta name="author" content="Tom Birch" /></head><body><div>'
            + "".join(f"<p>{p}</p>" for p in pages.FLOOD) + "</div></body></html>")
    item = entry(tree, added_id(add(tree, tree.write("flood.xhtml", html))))
    assert (tree.path / item["path"]).read_text().splitlines() == pages.FLOOD and item["author"] == "Tom Birch"


def test_from_timeline_init_to_a_checked_fact(tmp_path, monkeypatch):
    """The README's five minutes: a new story, a saved page, a fact citing it, a clean check."""
    monkeypatch.chdir(tmp_path)
    assert run("init", "story").exit_code == 0
    monkeypatch.chdir(tmp_path / "story")
    (tmp_path / "bridge-opens.html").write_text(pages.LEDGER["html"], encoding="utf-8")
    result = run("add-source", tmp_path / "bridge-opens.html")
    source_id = added_id(result)
    assert yamlfile.read("sources/sources.yaml")[0]["id"] == source_id
    with open("facts/bridge.yaml", "w", encoding="utf-8") as f:
        f.write(f"""- id: bridge-cost
  kind: figure
  title: The Harbour Bridge cost $12 million to build
  value: 12000000
  unit: USD
  sources:
    - source: {source_id}
      quote: "The bridge cost $12 million to build"
""")
    checked = run("check")
    assert checked.exit_code == 0 and checked.output.startswith("OK: "), checked.output


def test_originals_count_as_listed_files(tree):
    from timeline.inputs import sources

    source_id = added_id(add(tree, tree.write("flood.html", pages.NORTHERN["html"])))
    known, problems = sources.load_sources(str(tree.sources))
    assert problems == []
    assert sources.listed_files(known) == {"sources/gazette.txt", f"sources/{source_id}.txt",
                                           f"sources/{source_id}.html"}
