"""Real pages kept whole: the shapes of real news pages that extraction used to get wrong.

Each page is made here in the shape real sites use (classes as their CMSs write them, JSON-LD as
their plugins write it); the measurements on real pages are scripts/measure_extraction.py's.
"""
import html as html_module
import importlib.util
import json

import news_pages as pages
import pytest
from conftest import ROOT
from test_add_source import add, added_id, check, entry

from timeline.ingest import extract

BODY = pages.BRIDGE


def page(body_class="", container_class="article-body", head="", before_text="", paragraphs=BODY, after_text="",
         title="Harbour bridge opens after years of delay"):
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | The Coastal Ledger</title>{head}</head>
<body class="{body_class}">
<nav class="site-nav"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<div id="cookie-notice" class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<main><article><h1>{title}</h1>{before_text}
<div class="{container_class}">{"".join(f"<p>{html_module.escape(p, quote=False)}</p>" for p in paragraphs)}</div>
{after_text}</article>
<aside class="related-stories"><h3>Related stories</h3><a href="/a">Council approves bridge budget</a></aside></main>
<footer><p>&copy; 2025 The Coastal Ledger. All rights reserved.</p></footer></body></html>"""


@pytest.mark.parametrize("body_class, container_class", [
    ("post-template-default single single-post cookies-not-set", "entry-content"),  # WordPress
    ("pageFrame subType-unsubscribed logged-out", "article-body"),  # a paywalled daily, reader logged out
    ("mm-use-consent-management-enabled mm-use-amp-consent-enabled", "article-body"),
    ("gizmodo blog-recirc-group-fmgNonSatire permalink", "js_post-content"),
    ("", "entry-content category-news-promotion"),  # the article's own container named for its category
    ("", "article-body newsletter-promo-enabled"),
])
def test_a_class_naming_furniture_on_what_holds_the_article_deletes_nothing(body_class, container_class):
    got = extract.extract(page(body_class, container_class))
    lines = got.text.splitlines()
    assert lines[-len(BODY):] == BODY
    for furniture in ("cookies", "Related stories", "Council approves", "All rights reserved", "Weather"):
        assert furniture not in got.text


def test_the_headline_standfirst_bullets_and_byline_are_lines_of_the_text(tree):
    bullets = ["The bridge cost $12 million, $3 million over budget", "Tolls start at $4 a crossing",
               "About 300 people worked on it at its peak"]
    before = ('<p class="standfirst">The town\u2019s new crossing finally opens, 18 months late.</p>'
              '<ul class="story-highlights">' + "".join(f"<li>{b}</li>" for b in bullets) + "</ul>"
              '<div class="byline">By <a href="/by/jane-roe">Jane Roe</a>, Transport Correspondent</div>'
              '<div class="share-tools"><a>Share on Facebook</a></div>'
              '<figure><img src="x.jpg"><figcaption>The bridge at dawn. Photo: Ann Lee</figcaption></figure>')
    html = page(before_text=before)
    got = extract.extract(html)
    assert got.text.splitlines() == ["Harbour bridge opens after years of delay",
                                     "The town\u2019s new crossing finally opens, 18 months late.", *bullets,
                                     "By Jane Roe, Transport Correspondent", *BODY]
    assert got.header == got.text.splitlines()[:6]
    source_id = added_id(add(tree, tree.write("bridge.html", html)))
    tree.write("facts/facts.yaml", f"""\
        - id: tolls
          kind: event
          title: Tolls start at $4
          sources:
            - source: {source_id}
              quote: "Tolls start at $4 a crossing"
        """)
    assert check(tree).exit_code == 0


def test_a_page_with_only_a_menu_after_its_headline_gets_the_headline_alone():
    html = page(before_text='<ul class="tags"><li><a href="/t/bridges">Bridges</a></li><li><a href="/t/town">Town'
                            ' council news and more</a></li></ul>')
    assert extract.extract(html).header == ["Harbour bridge opens after years of delay"]


def test_entities_are_decoded_in_every_field():
    data = {"@context": "https://schema.org", "@type": "NewsArticle",
            "headline": "Harbour bridge opens &#8211; after years of delay", "author": {"name": "Jane Ro&eacute;"},
            "publisher": {"@type": "Organization", "name": "The Coastal Ledger &amp;amp; Times"}}
    got = extract.extract(page(head=pages.ld(data)))
    assert got.fields["title"] == "Harbour bridge opens \u2013 after years of delay"
    assert got.fields["author"] == "Jane Ro\u00e9"
    assert got.fields["outlet"] == "The Coastal Ledger & Times"


def test_a_relative_canonical_link_is_resolved_against_the_pages_address(tree):
    head = '<link rel="canonical" href="/news/2025/03/26/bridge-opens">'
    got = extract.extract(page(head=head), url="https://www.coastal-ledger.example/amp/bridge?x=1")
    assert got.fields["url"] == "https://www.coastal-ledger.example/news/2025/03/26/bridge-opens"
    saved = page(head=head + '<meta property="og:url" content="https://www.coastal-ledger.example/news/b">')
    assert extract.extract(saved).fields["url"] == "https://www.coastal-ledger.example/news/2025/03/26/bridge-opens"
    # nothing to resolve it against: left empty, said, and the source is added all the same
    result = add(tree, tree.write("bridge.html", page(head=head)))
    item = entry(tree, added_id(result))
    assert item["url"] is None
    assert 'gives the relative address "/news/2025/03/26/bridge-opens"' in result.output
    assert check(tree).exit_code == 0


def test_a_utc_time_is_written_in_the_pages_own_offset():
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour bridge opens",
            "datePublished": "2025-03-27T01:30:00Z", "dateModified": "2025-03-27T08:00:00-04:00"}
    got = extract.extract(page(head=pages.ld(data) + '<meta property="article:modified_time"'
                                                     ' content="2025-03-27T08:00:00-04:00">'))
    assert got.fields["published"] == "2025-03-26T21:30:00-04:00"  # the local day: relative dates count from it
    assert "in the page's own UTC offset -04:00" in got.evidence["published"]


WIRE_PAGES = {
    "dateline": ("WASHINGTON, March 26 (Reuters) - " + BODY[0], "", "Reuters", 'the dateline "WASHINGTON, March 26'),
    "AP dateline": ("NEW HAVEN, Conn. (AP) \u2014 " + BODY[0], "", "AP", "the dateline"),
    "with input": (BODY[0], "<p>With AP input</p>", "AP", 'the credit line "With AP input"'),
    "contributed": (BODY[0], "<p>The Associated Press contributed to this report.</p>", "AP", "the credit line"),
    "agency dash": (BODY[0], "<p>\u2014 AFP</p>", "AFP", 'the credit line "\u2014 AFP"'),
}


@pytest.mark.parametrize("name", WIRE_PAGES)
def test_wire_credits_are_proposed_with_their_evidence(name):
    first, after, wire, said = WIRE_PAGES[name]
    got = extract.extract(page(paragraphs=[first, *BODY[1:]], after_text=after))
    assert got.fields["based_on"] == wire
    assert got.evidence["based_on"].startswith(said)


def test_a_credit_in_the_markup_or_the_byline():
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour bridge opens",
            "sourceOrganization": {"@type": "Organization", "name": "Reuters"}}
    got = extract.extract(page(head=pages.ld(data)))
    assert (got.fields["based_on"], got.evidence["based_on"]) == ("Reuters", "JSON-LD NewsArticle sourceOrganization"
                                                                             " (Reuters)")
    based = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour bridge opens",
             "isBasedOn": "https://apnews.com/article/bridge-0123"}
    assert extract.extract(page(head=pages.ld(based))).fields["based_on"] == "AP"
    byline = extract.extract(page(before_text='<p class="byline">By The Associated Press</p>'))
    assert byline.fields["based_on"] == "AP"


def test_an_article_about_an_agency_is_not_its_copy():
    about = ["Thomson Reuters said on Wednesday it would cut 300 jobs at Reuters, its news agency.",
             "\u201cWe are changing how Reuters works,\u201d the chief executive said, according to a memo seen by"
             " the Coastal Ledger.", "The Associated Press reported similar cuts last year.",
             "Reuters and AP did not respond to requests for comment. (AP Photo/Evan Vucci) is a credit we saw."]
    got = extract.extract(page(paragraphs=about, title="Reuters to cut 300 jobs"))
    assert got.fields["based_on"] is None and "based_on" not in got.evidence


def test_the_curator_overrides_the_credit(tree):
    html = page(paragraphs=["WASHINGTON (AP) \u2014 " + BODY[0], *BODY[1:]])
    assert entry(tree, added_id(add(tree, tree.write("a.html", html), "--based-on", "Reuters")))["based_on"] == \
        "Reuters"
    item = entry(tree, added_id(add(tree, tree.write("b.html", html.replace("opened", "opens")), "--based-on", "")))
    assert item["based_on"] is None and "none: --based-on '' (what was found: AP)" in item["notes"]


def test_a_saved_page_with_an_image_over_10_mb_keeps_every_paragraph():
    image = "data:image/png;base64," + "A" * (11 * 1024 * 1024)
    html = page(paragraphs=BODY[:2]).replace("</p></div>", f'</p><p><img src="{image}"></p>'
                                             + "".join(f"<p>{p}</p>" for p in BODY[2:]) + "</div>", 1)
    assert extract.extract(html).text.splitlines()[-len(BODY):] == BODY


def test_a_script_over_10_mb_keeps_every_paragraph():
    script = "<script>var x = '" + "x" * (11 * 1024 * 1024) + "';</script>"
    html = page(paragraphs=BODY[:2]).replace("</p></div>", "</p></div>" + script + '<div class="more">'
                                             + "".join(f"<p>{p}</p>" for p in BODY[2:]) + "</div>", 1)
    assert all(p in extract.extract(html).text for p in BODY)


@pytest.mark.parametrize("charset", ["punycode", "idna", "rot13", "utf-7", "no-such-charset"])
def test_a_charset_no_browser_decodes_with_is_passed_over(tree, charset):
    html = page().replace('<meta charset="utf-8">', f'<meta charset="{charset}">').encode("utf-8")
    result = add(tree, tree.write(f"{charset}.html", html))
    assert result.exit_code == 0, result.output
    assert BODY[1] in (tree.path / entry(tree, added_id(result))["path"]).read_text(encoding="utf-8")


def test_json_ld_in_a_list_of_graphs_with_entities_in_names():
    data = [{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Ledger &#038; Co"},
                                                          {"@type": "NewsArticle", "headline": "Bridge &#8217;opens&#8217;"}]}]
    got = extract.extract(page(head=f'<script type="application/ld+json">{json.dumps(data)}</script>'))
    assert got.fields["title"] == "Bridge \u2019opens\u2019" and got.fields["outlet"] == "Ledger & Co"


def test_a_utc_time_past_midnight_takes_the_day_in_the_pages_address():
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour bridge opens",
            "datePublished": "2025-03-27T02:10:00+00:00"}
    got = extract.extract(page(head=pages.ld(data)), url="https://www.coastal-ledger.example/2025/03/26/bridge-opens")
    assert got.fields["published"] == "2025-03-26"
    assert got.evidence["published"].startswith("the date in the page's address")


spec = importlib.util.spec_from_file_location("page_timing", ROOT / "scripts" / "page_timing.py")
page_timing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(page_timing)


@pytest.mark.parametrize("shape", list(page_timing.SHAPES))
def test_reading_a_page_grows_linearly_with_its_size_whatever_its_shape(shape):
    """A 600 KB page with many attributes took 96 s: one element with thousands of attributes (the
    parser compares each with every one before it), a paragraph of thousands of inline elements or links
    (trafilatura strips the tags, leaving each text beside the next, and lxml walks back over them for
    every text its XPath returns), deep nesting (each element's ancestors or descendants looked at again).
    The times of n and 4n of each shape, in this process, are compared with each other: quadratic growth
    gives 10 to 26 times here, linear about 4. scripts/page_timing.py prints them at larger sizes."""
    make = page_timing.SHAPES[shape]
    small, large = make(100), make(400)
    page_timing.seconds(small)  # the libraries loaded and warm
    a = min(page_timing.seconds(small) for _ in range(2))
    b, got = page_timing.timed(large)
    assert b < 8 * max(a, 0.02), (shape, a, b)
    assert got.text.count(page_timing.PARAGRAPH) >= 12  # the article is read whole
