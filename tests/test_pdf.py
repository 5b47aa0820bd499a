"""PDF sources: a court filing added with `timeline add-source`, read page by page, cited by page.

The filings are written here with reportlab, in the shape a federal court's filings have: the
court's filing stamp at the top of every page, a page number at the foot, a caption, double-spaced
paragraphs with indented first lines, words broken at line ends, a signature.
"""
import hashlib
import http.server
import io
import json
import sqlite3
import threading
import time

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas
from test_add_source import Handler, add, added_id, check, entry, refused, snapshot, warc

from timeline.errors import ArchiveError
from timeline.ingest import archive, pdf

STAMP = "Case 1:25-cv-00766-JEB   Document 2   Filed 03/15/25   Page {n} of {total}"
FILING = [
    ["UNITED STATES DISTRICT COURT", "FOR THE DISTRICT OF COLUMBIA", "",
     "J.G.G., et al., Plaintiffs, v. DONALD J. TRUMP, et al., Defendants.", "",
     "TEMPORARY RESTRAINING ORDER", "",
     "    The Court hereby ORDERS that the Government shall not remove any member of the class from",
     "the United States for fourteen days. This tempo-",
     "rary restraining order shall remain in effect pending a well-",
     "known hearing on the motion."],
    ["    A well-known rule applies here, and the parties shall file their briefs by March 20, 2025.",
     "The hearing on the motion is set for March 21, 2025, at 10 a.m.", "",
     "    The Government shall inform the Court of any flight that has left the United States",
     "since the filing of the complaint."],
    ["    SO ORDERED.", "", "JAMES E. BOASBERG", "Chief United States District Judge"],
]


def filing(pages=FILING, stamp=STAMP, labels=None, title="Microsoft Word - order.docx", encrypt=None):
    """A PDF in the shape of a federal court's filing (reportlab): `pages` as lines of text, an
    indented line starting a paragraph, the filing stamp on top and the page number at the foot."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=letter, encrypt=encrypt)
    c.setTitle(title)
    for n, lines in enumerate(pages, 1):
        if stamp:
            c.setFont("Helvetica", 9)
            c.drawString(72, 760, stamp.format(n=n, total=len(pages)))
        c.setFont("Times-Roman", 12)
        y = 700
        for line in lines:
            x = 108 if line.startswith("    ") else 72
            if line.strip():
                c.drawString(x, y, line.strip())
            y -= 24
        c.drawCentredString(306, 40, labels[n - 1] if labels else str(n))
        c.showPage()
    c.save()
    return out.getvalue()


def test_a_filing_is_read_page_by_page():
    doc = pdf.read(filing(), "order.pdf")
    assert doc.pages[0] == [
        "UNITED STATES DISTRICT COURT FOR THE DISTRICT OF COLUMBIA",
        "J.G.G., et al., Plaintiffs, v. DONALD J. TRUMP, et al., Defendants.",
        "TEMPORARY RESTRAINING ORDER",
        # the broken word joined; the hyphen kept where the filing writes the word with one elsewhere
        "The Court hereby ORDERS that the Government shall not remove any member of the class from the United"
        " States for fourteen days. This temporary restraining order shall remain in effect pending a well-known"
        " hearing on the motion."]
    assert doc.pages[1][1] == ("The Government shall inform the Court of any flight that has left the United"
                               " States since the filing of the complaint.")
    assert doc.pages[2] == ["SO ORDERED.", "JAMES E. BOASBERG", "Chief United States District Judge"]
    assert doc.text.count("\f") == 2 and "Case 1:25" not in doc.text and "Page 2" not in doc.text
    assert doc.labels == ["1", "2", "3"]
    assert doc.fields == {"outlet": "United States District Court for the District of Columbia",
                          "title": "Temporary Restraining Order", "author": "James E. Boasberg",
                          "published": "2025-03-15", "url": None,
                          "court": "United States District Court for the District of Columbia",
                          "case_name": "J.G.G. v. Donald J. Trump", "docket_number": "1:25-cv-00766",
                          "document_number": "2", "date_filed": "2025-03-15"}
    assert doc.evidence["docket_number"] == ('the court\'s filing stamp "Case 1:25-cv-00766-JEB Document 2 Filed'
                                             ' 03/15/25 Page 1 of 3"')


def test_a_running_header_without_a_stamp_and_printed_labels():
    words = ["The appeal raises one question.", "We hold that it does.", "The order is vacated in part.",
             "So ordered, the dissent notwithstanding."]
    pages = [["Slip opinion", words[n - 1]] for n in range(1, 5)]
    doc = pdf.read(filing(pages, stamp="IN RE EXAMPLE  -  Opinion of the Court", labels=["i", "ii", "1", "2"]),
                   "opinion.pdf")
    assert doc.pages == [[w] for w in words]  # the two lines of the running header taken off every page
    assert doc.labels == ["i", "ii", "1", "2"]


def test_add_source_stores_the_pdf_and_its_text(tree):
    data = filing()
    result = add(tree, tree.write("order.pdf", data))
    source_id = added_id(result)
    item = entry(tree, source_id)
    assert source_id == "united-states-district-temporary-restraining-order"
    assert (tree.path / item["original"]).read_bytes() == data and item["original"].endswith(".pdf")
    text = (tree.path / item["path"]).read_text(encoding="utf-8")
    assert text.split("\f")[2] == "SO ORDERED.\nJAMES E. BOASBERG\nChief United States District Judge\n"
    for key, value in {"court": "United States District Court for the District of Columbia",
                       "case_name": "J.G.G. v. Donald J. Trump", "docket_number": "1:25-cv-00766",
                       "document_number": "2", "date_filed": "2025-03-15", "published": "2025-03-15"}.items():
        assert item[key] == value, key
    assert "page_labels" not in item  # pages numbered 1, 2, 3 need no labels
    assert "taken off every page as running headers and footers" in item["notes"]
    assert "court      United States District Court for the District of Columbia" in result.output
    assert check(tree).exit_code == 0


def test_a_fact_cites_a_filing_by_page_and_the_database_says_which(tree):
    source_id = added_id(add(tree, tree.write("order.pdf", filing(labels=["i", "1", "2"])),
                             "--id", "tro", "--docket-number", "1:25-cv-766"))
    assert entry(tree, source_id)["page_labels"] == ["i", "1", "2"]
    assert entry(tree, source_id)["docket_number"] == "1:25-cv-766"
    tree.write("facts/facts.yaml", """\
        - id: tro-issued
          kind: court_action
          title: A judge orders a halt to removals
          date: 2025-03-15
          sources:
            - source: tro
              quote: "This temporary restraining order shall remain in effect"
            - source: tro
              quote: "any flight that has left the United States"
              page: "1"
        """)
    assert tree.codes() == []
    tree.build()
    with sqlite3.connect(tree.db) as conn:
        cited = conn.execute("select page, page_label from citations order by position").fetchall()
        stored = conn.execute("select court, docket_number, date_filed, pages, page_labels from sources"
                              " where id = 'tro'").fetchone()
        on_page = conn.execute("select count(*) from sentences where source_id = 'tro' and page = 3").fetchone()
    assert cited == [(1, "i"), (2, "1")]
    assert stored == ("United States District Court for the District of Columbia", "1:25-cv-766", "2025-03-15", 3,
                      json.dumps(["i", "1", "2"]))
    assert on_page == (3,)


@pytest.mark.parametrize("page, code, message", [
    ("7", "bad-page", "page: '7' is not a page of source 'tro'; its pages are labelled 1, 2, 3"),
    ("2", "quote-not-on-page", "the quote is on page 1 (page 1 of 3), not on page 2: write page: '1'"),
])
def test_a_wrong_page_is_a_problem(tree, page, code, message):
    add(tree, tree.write("order.pdf", filing()), "--id", "tro")
    tree.write("facts/facts.yaml", f"""\
        - id: tro-issued
          kind: court_action
          title: A judge orders a halt to removals
          sources:
            - source: tro
              quote: "This temporary restraining order shall remain in effect"
              page: "{page}"
        """)
    problems = tree.check()
    assert [(p.line, p.code) for p in problems] == [(7, code)]
    assert message in problems[0].message


def test_a_quote_does_not_cross_a_page_break(tree):
    add(tree, tree.write("order.pdf", filing()), "--id", "tro")
    tree.write("facts/facts.yaml", """\
        - id: tro-issued
          kind: court_action
          title: A judge orders a halt to removals
          sources:
            - source: tro
              quote: "hearing on the motion. A well-known rule applies here"
        """)
    assert [p.code for p in tree.check()] == ["quote-spans-paragraphs"]


def test_a_page_on_a_source_that_is_no_pdf(tree):
    tree.write("facts/facts.yaml", """\
        - id: x
          kind: event
          title: Something happened
          sources:
            - source: gazette
              quote: "the council said on Monday"
              page: "1"
        """)
    problems = tree.check()
    assert [p.code for p in problems] == ["bad-page"] and "has no pages (only a PDF source does)" in problems[0].message


def test_pdfs_that_cannot_be_added(tree):
    before = snapshot(tree)
    blank = io.BytesIO()
    c = canvas.Canvas(blank)
    c.rect(100, 100, 300, 300, fill=1)  # a picture of a page: no text layer
    c.showPage()
    c.save()
    assert "without a text layer" in refused(tree, tree.write("scan.pdf", blank.getvalue()))
    assert "needs OCR, which timeline does not do" in refused(tree, tree.write("scan.pdf", blank.getvalue()))
    assert "is an encrypted PDF" in refused(tree, tree.write("locked.pdf", filing(encrypt="secret")))
    assert "cannot be read as a PDF" in refused(tree, tree.write("broken.pdf", filing()[:300]))
    assert snapshot(tree) == {**before, **{}}


def test_bad_page_labels_in_sources_yaml(tree):
    add(tree, tree.write("order.pdf", filing()), "--id", "tro")
    text = (tree.sources / "sources.yaml").read_text()
    (tree.sources / "sources.yaml").write_text(text + "  page_labels: [i, ii]\n")
    problems = tree.check()
    assert [p.code for p in problems] == ["bad-value"]
    assert "page_labels lists 2 labels but sources/tro.txt has 3 pages" in problems[0].message


def test_the_fact_page_shows_the_page_and_the_export_carries_it(tree):
    from test_exports import annotations, fetch

    add(tree, tree.write("order.pdf", filing(labels=["i", "1", "2"])), "--id", "tro")
    tree.write("facts/facts.yaml", """\
        - id: tro-issued
          kind: court_action
          title: A judge orders a halt to removals
          date: 2025-03-15
          sources:
            - source: tro
              quote: "any flight that has left the United States"
        """)
    tree.build()
    status, _, page = fetch(tree.db, "/timeline/facts/tro-issued")
    assert status == 200
    assert '<strong class="page">p.&nbsp;1</strong>' in page
    # the whole page the quote is on, the quote highlighted in it
    assert "A well-known rule applies here" in page and "<mark>any flight that has left the United States</mark>" in page
    assert "TEMPORARY RESTRAINING ORDER" not in page  # another page
    status, _, source_page = fetch(tree.db, "/timeline/sources/tro")
    assert "<dt>Docket</dt><dd>1:25-cv-00766, document 2</dd>" in source_page
    (a,) = annotations(tree.db)["first"]["items"]
    page_selector = a["target"]["selector"][-1]
    assert page_selector == {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc8118",
                             "value": "page=2", "refinedBy": a["target"]["selector"][0]}
    assert a["target"]["source"]["format"] == "application/pdf"


# ---------------------------------------------------------------- a filing at its address

@pytest.fixture(scope="module")
def court_site():
    """A court's site on 127.0.0.1: the filing as application/pdf, behind a redirect, as a download of no
    stated type, and one that drips."""
    data = filing()

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        for byte in data[:40]:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.1)

    routes = {"/filings/order.pdf": (200, {"Content-Type": "application/pdf"}, data, 0),
              "/docket/2": (302, {"Location": "/filings/order.pdf"}, b"", 0),
              "/download/2": (200, {"Content-Type": "application/octet-stream",
                                    "Content-Disposition": 'attachment; filename="order.pdf"'}, data, 0),
              "/slow.pdf": drip}
    handler = type("CourtHandler", (Handler,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", data
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path, final", [("/filings/order.pdf", "/filings/order.pdf"),
                                         ("/docket/2", "/filings/order.pdf"),  # the docket's link redirects
                                         ("/download/2", "/download/2")])  # application/octet-stream
def test_a_filing_at_its_address_is_fetched_and_stored_as_the_pdf(tree, court_site, path, final):
    """archive.fetch refused anything that was not HTML: a court's filing at its address could not be added."""
    base, data = court_site
    result = add(tree, base + path, "--allow-private-addresses")
    item = entry(tree, added_id(result))
    assert item["original"].endswith(".pdf") and (tree.path / item["original"]).read_bytes() == data
    assert item["original_sha256"] == hashlib.sha256(data).hexdigest()
    assert sorted(p.name for p in tree.sources.iterdir()) == sorted(
        ["sources.yaml", "gazette.txt", item["path"].split("/")[1], item["original"].split("/")[1]])  # no WARC
    assert item["url"] == base + final and item["retrieved"].endswith("Z")
    assert (item["docket_number"], item["date_filed"]) == ("1:25-cv-00766", "2025-03-15")
    text = (tree.path / item["path"]).read_text(encoding="utf-8")
    assert text.split("\f")[2] == "SO ORDERED.\nJAMES E. BOASBERG\nChief United States District Judge\n"
    assert f"the PDF of the response for {base + final}" in item["notes"] and "WARC is not kept" in item["notes"]
    assert check(tree).exit_code == 0
    again = add(tree, base + "/filings/order.pdf", "--allow-private-addresses")
    assert again.exit_code == 1 and "is already source" in again.output


def test_a_warc_holding_a_filing_is_read_the_same_way(tree):
    data = filing()
    capture = warc([("https://court.example/docket/", "200 OK", "text/html", b"<html><body>Docket</body></html>"),
                    ("https://court.example/order.pdf", "200 OK", "application/pdf", data)])
    result = add(tree, tree.write("capture.warc.gz", capture))
    item = entry(tree, added_id(result))
    assert item["original"].endswith(".pdf") and (tree.path / item["original"]).read_bytes() == data
    assert item["url"] == "https://court.example/order.pdf" and item["retrieved"] == "2025-03-27T08:15:02Z"
    assert item["docket_number"] == "1:25-cv-00766" and "WARC is not kept" in item["notes"]
    assert "of 2 HTML and PDF responses" in result.output
    assert check(tree).exit_code == 0


def test_a_filing_is_fetched_within_every_bound(tree, court_site, monkeypatch):
    """The same bounds as a page: loopback refused unless allowed, one deadline, a size limit."""
    base, data = court_site
    result = add(tree, base + "/filings/order.pdf")
    assert result.exit_code == 1 and "add-source fetches only public addresses" in result.output
    started = time.monotonic()
    with pytest.raises(ArchiveError, match=r"did not answer within 1 s"):
        archive.fetch(base + "/slow.pdf", timeout=1, allow_private=True)
    assert time.monotonic() - started < 2.5
    monkeypatch.setattr(archive, "MAX_BYTES", len(data) - 1)
    with pytest.raises(ArchiveError, match=r"sends more than"):
        archive.fetch(base + "/filings/order.pdf", allow_private=True)
