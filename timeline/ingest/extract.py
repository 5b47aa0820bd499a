"""The article in a web page: its text (trafilatura) and its metadata, each value with the evidence for it.

The text is trafilatura's main-content extraction, one paragraph per line, without menus, ads, cookie
notices, related-story lists, newsletter boxes or footers. Metadata comes from the page's own markup
(evidence.py finds each candidate and where it is), so that each value can name its evidence; the
first candidate in evidence order is taken, and the others that agree are named with it.
trafilatura's own metadata and htmldate's date are read too: a value only they find is used, and
said to be; a value they or other evidence contradict is noted. A value nothing gives is None. The
publication date keeps the offset the page gives it; a time without an offset is dropped (the date
stays) and the notes say so.
"""
from __future__ import annotations

import codecs
import copy
import datetime
import functools
import itertools
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from timeline.errors import DateError, SourceRefused
from timeline.ingest import credits, evidence, language
from timeline.text import dates, written_dates

FIELDS = ("outlet", "title", "author", "published", "url")
DATA_URI = re.compile(r"data:[\w/+.-]{0,80}(?:;[\w=.-]+)*,[A-Za-z0-9+/=%\s]{512,}")
ABSOLUTE = re.compile(r"(?i)^https?://[^\s/?#]+")
MIN_WORDS = 15  # fewer words than this is no article (a consent wall, a paywall notice, a menu)
# A start tag's attributes past the first MAX_ATTRIBUTES are left out of what is parsed (never out of what is
# stored): the HTML parser compares each attribute of a tag with every one before it, so a tag of 80,000
# attributes took seconds to parse, and the page is parsed several times. Real tags have a few dozen at most.
MAX_ATTRIBUTES = 100
_ATTRIBUTE = r"""\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
CROWDED_TAG = re.compile(rf"(<[A-Za-z][^\s/>]*)((?:{_ATTRIBUTE}){{{MAX_ATTRIBUTES + 1},}})[^>]*")
# Inline elements that trafilatura strips, keeping their text. lxml's strip_tags leaves each one's text beside
# the next as a text node of its own, and every text node lxml's XPath returns is walked back to the element
# before it: a paragraph of thousands of them (a transcript with a <span> for each word, a tag cloud) took
# time quadratic in their number. Where an element has more than MANY_INLINE of them, their text is joined
# here first, in the copy trafilatura reads; a run of links that is most of its element's text is a list of
# links (trafilatura drops those by their link density), and is dropped.
INLINE = {"span", "a", "em", "i", "b", "strong", "u", "kbd", "samp", "tt", "var", "sub", "sup", "abbr", "acronym",
          "bdi", "bdo", "big", "cite", "data", "dfn", "font", "ins", "mark", "nobr", "small"}
MANY_INLINE = 200
HOLDS_ARTICLE = ".//h1|.//*[@itemprop='articleBody']|.//main|.//article"
# Below MAX_DEPTH levels, trafilatura's copy of the page has its containers taken away (their text and what
# they hold stay where they were, a space after each): trafilatura's fallback (readability) reads the text
# of every element, which took time in proportion to the page's size times its depth (the parser allows
# 2,048 levels). Real pages nest a few dozen deep.
MAX_DEPTH = 100
CONTAINERS = ("div", "section", "article", "main", "header", "span", "center", "font")
# Class and id names of page furniture trafilatura lets through, pruned before extraction. A name matches
# as whole words of a class or id ("newsletter-signup" holds newsletter, "cookies-not-set" holds no
# "cookie"), and an element that holds the article (its <h1>, its articleBody, most of the page's
# paragraphs) or is <html>, <body> or <main> is never pruned, whatever its classes say.
PRUNE = ("copyright", "newsletter", "newsletters", "signup", "sign-up", "subscribe", "promo", "promos", "related",
         "recirc", "most-read", "most-popular", "most-viewed", "cookie", "cookies", "cookie-banner", "consent",
         "paywall", "share-tools", "social-share", "share-buttons", "sharing", "advert", "adverts", "advertisement",
         "sponsored", "outbrain", "taboola")
# Lines at the start or end of the text that are the page's furniture, not the article.
FURNITURE = re.compile(r"^(?:(?:©|\(c\)|copyright\b).{0,200}|.{0,160}\ball rights reserved\b.{0,200}"
                       r"|(?:sign up|subscribe)\b.{0,120}\bnewsletter\b.{0,80}|share (?:this|on)\b.{0,60}"
                       r"|(?:follow us|advertisement|read more|related(?: stories| articles)?)\b.{0,60}"
                       r"|.{0,100}\b(?:we|this (?:web)?site|our site|[\w.-]+\.[a-z]{2,4}) (?:uses?|and our \d+ partners"
                       r" (?:use|store))\b.{0,40}\bcookies\b.{0,250}"
                       r"|(?:accept|reject|allow|manage)(?: all)?(?: cookies| preferences| choices)?|i (?:accept|agree))$",
                       re.IGNORECASE)
for _name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
    logging.getLogger(_name).addHandler(logging.NullHandler())  # the library never prints


@dataclass
class Page:
    """What a web page gives: the article text and each metadata field, with the evidence for it."""

    text: str  # one paragraph per line, each line ending in a newline; '' when the page holds no article
    fields: dict[str, str | None]  # {field: value or None} for FIELDS
    evidence: dict[str, str]  # {field: how the value was found}, for the fields found
    remarks: list[str] = field(default_factory=list)  # what else the curator should know (contradictions, credits)
    removed: list[str] = field(default_factory=list)  # furniture lines taken off the text's start or end
    header: list[str] = field(default_factory=list)  # the headline, standfirst, bullets, byline put above the text
    saved: str | None = None  # the capture time a saved-page tool wrote into the page (SingleFile), as ISO text
    languages: list[tuple[str, str]] = field(default_factory=list)  # what the markup declares (ingest/language)


# The encodings a browser decodes a page with (the WHATWG Encoding Standard's, as Python names them): a
# page declaring anything else ("punycode", "idna", "rot13", "unicode_escape") is read as if it declared
# nothing, as a browser reads it. ISO-8859-1 and ASCII are read as windows-1252, as browsers do.
WEB_ENCODINGS = {"utf-8", "ibm866", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7",
                 "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "koi8-r",
                 "koi8-u", "mac-roman", "cp874", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256",
                 "cp1257", "cp1258", "mac-cyrillic", "gbk", "gb18030", "big5", "euc_jp", "iso2022_jp", "shift_jis",
                 "euc_kr", "utf-16-le", "utf-16-be", "utf-16"}
AS_WINDOWS_1252 = {"latin-1", "iso8859-1", "ascii"}


def web_encoding(name: str | None) -> str | None:
    """The Python codec a browser would decode with for the charset label `name`, or None."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):
        return None
    if codec in AS_WINDOWS_1252:
        return "cp1252"
    return codec if codec in WEB_ENCODINGS else None


def decode(data: bytes, declared: str | None = None) -> str:
    """The page's text: the charset of a byte-order mark, the HTTP header (`declared`), the page's own
    <meta charset>, else UTF-8, else Windows-1252 (what browsers assume). A charset no browser decodes
    with is passed over."""
    name: str | None  # a charset
    for bom, name in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(name, "replace")
    head = data[:4096].decode("ascii", "replace")
    m = re.search(r"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", head, re.IGNORECASE)
    for name in (declared, m and m[1], "utf-8"):
        codec = web_encoding("utf-8" if name and name.lower() in ("utf8", "unicode") else name)
        if not codec:
            continue
        try:
            return data.decode(codec)
        except (UnicodeError, ValueError):
            continue
    return data.decode("cp1252", "replace")


def extract(html: str, url: str | None = None) -> Page:
    """Page for the HTML text `html`; `url` is where it came from (a WARC record's or a fetch's), if known.

    Raises SourceRefused when the page cannot be read whole (nothing is ever cut silently)."""
    # trafilatura and htmldate take a quarter of a second to load: only a page being added needs them
    import trafilatura

    html = re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", html)  # lxml refuses an encoding declaration in text
    # Embedded images and fonts (a SingleFile page holds them as data: addresses, megabytes each) carry no
    # text: they are left out of what is parsed, never out of what is stored.
    html = few_attributes(DATA_URI.sub("data:,", html))
    tree = parse(html)
    if tree is None:
        return Page("", dict.fromkeys(FIELDS), {}, ["the file could not be read as HTML"])
    found, saved = evidence.collect(tree, html, url)
    languages = language.declared(tree)
    base = _address(url, found)
    _prune(tree)
    text = trafilatura.extract(_inline_joined(_shallow(copy.deepcopy(tree))), url=base, output_format="txt",
                               include_comments=False, include_tables=True, include_images=False, include_links=False,
                               deduplicate=False)
    lines, removed = _paragraphs(text or "")
    marks = Marks(tree)
    header = _header(tree, lines, found, marks) if lines else []
    lines = header + lines
    words = sum(len(line.split()) for line in lines) - sum(len(line.split()) for line in header)
    library = _library(html, base)
    page = Page("".join(line + "\n" for line in lines) if words >= MIN_WORDS else "", {}, {}, removed=removed,
                saved=saved, header=header if words >= MIN_WORDS else [])
    page.remarks += found.get("remarks", [])
    page.languages = languages
    if library.get("searched"):  # a date htmldate found only by searching the text: not a year alone
        updated = published_iso(found["updated"][0]) if found.get("updated") else None
        if (library["date"] or "").endswith("-01-01") or updated and updated[0][:10] == library["date"]:
            library["date"] = None  # (htmldate makes "since 2021" 2021-01-01), nor the update time
    _choose_published(found["published"], library.get("date"), page, found.get("offsets", []), base,
                      bool(library.get("searched")))
    for name in ("title", "outlet", "author", "url"):
        _choose(name, found[name], library.get(name), page, base)
    for name, value in page.fields.items():
        page.fields[name] = evidence.unescape(value)
    credits.propose(page, found.get("credits", []) + _credit(found.get("copyright"), page),
                    _trailing(tree, lines[-1], marks) if lines else [])
    if not page.fields["published"] and found.get("updated"):
        got = published_iso(found["updated"][0])
        page.remarks.append(f'the page gives only an update time, "{evidence.clip(found["updated"][1])}"'
                            + (f" ({got[0]})" if got else "") + ": published is left empty; the first"
                            " version may be older")
    return page


def few_attributes(html: str) -> str:
    """The HTML with every start tag cut to its first MAX_ATTRIBUTES attributes (the rest of the tag dropped)."""
    def cut(match: re.Match[str]) -> str:
        kept = itertools.islice(re.finditer(_ATTRIBUTE, match[2]), MAX_ATTRIBUTES)
        return match[1] + "".join(m[0] for m in kept)
    return CROWDED_TAG.sub(cut, html)


def parse(html: str) -> Any:
    """The page's lxml tree, or None when it is no HTML at all. Read with no limit on the size of one
    text or attribute (lxml's default stops at 10 MB and drops the rest of the page without a word);
    should the parser still give up part of the way, the page is refused rather than cut."""
    # loaded here for the same reason as trafilatura in extract()
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True, collect_ids=False, default_doctype=False, remove_comments=True,
                                   remove_pis=True)  # as trafilatura reads a page: a comment inside a paragraph cut it
    try:
        tree = lxml.html.fromstring(html, parser=parser)
    except (ValueError, lxml.html.etree.ParserError):
        return None
    cut = [e for e in parser.error_log if re.search(r"huge|too long|memory|Excessive", e.message, re.IGNORECASE)]
    if cut:
        raise SourceRefused(f"the page could not be read whole (the HTML parser stopped at line {cut[0].line}:"
                            f" {cut[0].message.strip()}): save it again, or save the article's text as a .txt file")
    return tree


def _address(url: str | None, found: dict[str, Any]) -> str | None:
    """The page's own address: the one it came from, else the first absolute address the page gives. A
    relative address in the page (a canonical link '/news/x') is resolved against it, or dropped with
    a remark when there is none to resolve it against."""
    absolute = [u for u, _ in found["url"] if ABSOLUTE.match(u)]
    base = url or (absolute[0] if absolute else None)
    kept = []
    for value, said in found["url"]:
        if ABSOLUTE.match(value):
            kept.append((value, said))
        elif base and ABSOLUTE.match(urljoin(base, value)):
            kept.append((urljoin(base, value), f"{said}, \"{evidence.clip(value)}\" resolved against {base}"))
        else:
            found.setdefault("remarks", []).append(
                f"url: {said} gives the relative address \"{evidence.clip(value)}\" and the page says nothing to"
                " resolve it against: give the article's address with --url")
    found["url"] = kept
    return base or (kept[0][0] if kept else None)


def _prune(tree: Any) -> None:
    """Take the furniture PRUNE names out of the tree, never what holds the article (see PRUNE). One pass
    down and one up the tree (what holds what is worked out once, not again for every element)."""
    for node in list(tree.iter("script", "style", "noscript", "template")):
        node.drop_tree()  # code, not text (the JSON-LD was read before)
    nodes = [node for node in tree.iter() if isinstance(node.tag, str)]
    holders: set[Any] = set()  # elements with an <h1>, an articleBody or a <main> inside them
    held: dict[Any, int] = {}  # the length of the text of the paragraphs in each element
    for node in reversed(nodes):  # every element after those inside it
        own = len(node.text_content()) if node.tag == "p" else 0
        held[node] = held.get(node, 0) + own
        parent = node.getparent()
        if parent is None:
            continue
        held[parent] = held.get(parent, 0) + held[node]
        if node in holders or node.tag in ("h1", "main") or node.get("itemprop") == "articleBody":
            holders.add(parent)
    total = held.get(tree, 0)
    doomed = []
    for node in nodes:
        if node.tag in ("html", "body", "main", "head"):
            continue
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if not names.strip() or not _names_match(names) or node in holders:
            continue
        if total and held[node] > total / 2:
            continue
        doomed.append(node)
    for node in doomed:
        if node.getparent() is not None:
            node.drop_tree()  # the text after it stays


def _shallow(tree: Any) -> Any:
    """The tree without the containers nested more than MAX_DEPTH deep (their contents left in their place,
    a space after each, so that no two words are joined)."""
    # loaded here for the same reason as trafilatura in extract()
    import lxml.html

    depth = {tree: 0}
    roots = []  # the elements at MAX_DEPTH with elements below them
    for node in tree.iterdescendants():
        level = depth[node] = depth[node.getparent()] + 1
        if level > MAX_DEPTH and node.tag in CONTAINERS:
            node.tail = " " + (node.tail or "")
        if level == MAX_DEPTH and len(node):
            roots.append(node)
    if roots:
        for root in roots:
            lxml.html.etree.strip_tags(root, *CONTAINERS)
    return tree


def _inline_joined(tree: Any) -> Any:
    """The tree with the text of the inline elements joined where an element has more than MANY_INLINE of
    them (see INLINE), and such a run that is mostly links dropped; every other element is left as it is."""
    crowded = [node for node in tree.iter() if sum(1 for child in node if child.tag in INLINE) > MANY_INLINE]
    for node in crowded:
        if node.getparent() is not None and 2 * sum(len(a.text_content()) for a in node.iter("a")) \
                > len(node.text_content()) and not node.xpath(HOLDS_ARTICLE):
            node.drop_tree()  # a list of links (its tail stays)
            continue
        kept: list[Any] = []  # the elements left, each with the texts that now follow it
        texts: dict[Any, list[str]] = {node: [node.text or ""]}
        for child in list(node):
            if child.tag in INLINE and all(d.tag in INLINE for d in child.iterdescendants()):
                texts[kept[-1] if kept else node] += [child.text_content(), child.tail or ""]
                child.tail = None
                node.remove(child)
            else:
                kept.append(child)
                texts[child] = [child.tail or ""]
        node.text = "".join(texts.pop(node)) or None
        for child, pieces in texts.items():
            child.tail = "".join(pieces) or None
    return tree


@functools.lru_cache(maxsize=4096)
def _names_match(names: str) -> bool:
    return any(f"-{word}-" in _joined(name) for name in names.split() for word in PRUNE)


# Block elements whose text is a line of the page a reader sees between the headline and the article's text.
BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "div", "span", "address", "dd", "section", "header", "strong")
MAX_HEADER_BLOCKS = 15
MEDIA = ("caption", "credit", "credits", "photo", "image", "img", "media", "gallery", "video", "figure", "slideshow",
         "carousel", "lightbox", "player", "audio", "podcast")
CAPTION = re.compile(r"(?i)^(?:photo|image|picture|video|graphic|illustration|file|watch|listen)\b|\b(?:AP Photo|Getty"
                     r" Images|Photo:|photo by|file photo|image \d+ of|/ ?(?:Reuters|AFP|AP)\b|\(Photo)")


INNER_TAGS = {"p", "div", "li", "ul", "ol", "h2", "h3", "h4", "section", "article", "figure", "table", "header"}
ASIDE_TAGS = {"figure", "figcaption", "nav", "footer", "aside", "form"}


class Marks:
    """What each element of a page is, worked out in one pass down and one up the tree (asking each element
    about its ancestors or descendants again took time quadratic in the page's depth):
    `blocks`: the elements with a block inside them (INNER_TAGS; `blocks_in_lists` the same with lists
    not counted as blocks); `aside`: the elements in (or that are) a figure, caption, nav, footer, aside or
    form (ASIDE); `media`: those in (or that are) an element named for a picture or video (MEDIA)."""

    def __init__(self, tree: Any) -> None:
        nodes = [node for node in tree.iter() if isinstance(node.tag, str)]
        self.blocks: set[Any] = set()
        self.blocks_in_lists: set[Any] = set()  # blocks other than <ul> and <ol> inside
        self.aside: set[Any] = set()
        self.media: set[Any] = set()
        for node in nodes:
            parent = node.getparent()
            if node.tag in ASIDE_TAGS or parent in self.aside:
                self.aside.add(node)
            names = f"{node.get('class') or ''} {node.get('id') or ''}"
            if parent in self.media or names.strip() and _names_media(names):
                self.media.add(node)
        for node in reversed(nodes):  # every element after those inside it
            parent = node.getparent()
            if parent is None:
                continue
            if node.tag in INNER_TAGS or node in self.blocks:
                self.blocks.add(parent)
            if node.tag in INNER_TAGS - {"ul", "ol"} or node in self.blocks_in_lists:
                self.blocks_in_lists.add(parent)


def _header(tree: Any, lines: list[str], found: dict[str, Any], marks: Marks) -> list[str]:
    """The lines a reader sees above the article's text that extraction left out: the visible headline
    (its <h1>), a standfirst or highlight bullets, the byline; each only once, and only when the walk
    from the <h1> reaches the text's first line (else only the headline and byline, never a menu)."""
    h1 = next((h for h in tree.xpath(f"//h1[not({evidence.OUTSIDE})]") if " ".join(h.text_content().split())), None)
    if h1 is None:
        return []
    headline = " ".join(h1.text_content().split())
    titles = [_norm(v) for v, _ in found["title"]]
    if len(headline.split()) < 3 and not any(_norm(headline) == t for t in titles):
        return []  # a site's name or a section's, not the article's headline
    have = {_norm(line) for line in lines}
    first = _norm(lines[0])
    out = [headline]
    bylines = [e.split('"')[1] for v, e in found["author"] if e.startswith("the byline") and '"' in e]
    reached = False
    inside_taken: set[Any] = set()  # the elements inside those taken as lines
    blocks = 0
    for node in h1.xpath("following::*"):
        if not isinstance(node.tag, str) or node.tag not in BLOCKS or node in marks.blocks_in_lists:
            continue
        if node in inside_taken or node in marks.aside or node in marks.media:
            continue
        line = " ".join(node.text_content().split())
        if not line:
            continue
        folded = _norm(line)
        if folded == first or len(folded) > 40 and first.startswith(folded) or len(first) > 40 and folded.startswith(first):
            reached = True
            break
        if folded in have:
            continue
        blocks += 1
        if blocks > MAX_HEADER_BLOCKS:
            break
        inside_taken.update(node.iterdescendants())
        links = " ".join(" ".join(a.text_content().split()) for a in node.iter("a"))
        if _header_line(line) and (links != line or re.match(r"(?i)by\s", line)):  # a link alone: another story
            out.append(line)
    if not reached:
        out = [headline] + [b for b in bylines if b != headline]
    out = list(dict.fromkeys(line for line in out if _norm(line) not in have))
    return out


@functools.lru_cache(maxsize=4096)
def _names_media(names: str) -> bool:
    """True when a class or id names a picture, video or its caption."""
    return any(f"-{word}-" in _joined(name) for name in names.split() for word in MEDIA)


@functools.lru_cache(maxsize=4096)
def _joined(name: str) -> str:
    return "-" + "-".join(p.lower() for p in re.split(r"[-_]+|(?<=[a-z])(?=[A-Z])", name) if p) + "-"


def _trailing(tree: Any, last: str, marks: Marks, n: int = 6) -> list[str]:
    """The texts of the first `n` blocks after the text's last line in the page, which extraction left
    out: where a credit line ("With AP input") often stands."""
    folded = _norm(last)
    out: list[str] = []
    seen = False
    for node in tree.iter(*BLOCKS):
        if node in marks.blocks:
            continue
        line = " ".join(node.text_content().split())
        if not seen:
            seen = bool(line) and _norm(line) == folded
        elif line:
            out.append(line)
            if len(out) >= n:
                break
    return out


def _header_line(line: str) -> bool:
    """A line worth keeping above the text: not a lone date or time, a label, a share button, furniture."""
    words = line.split()
    if FURNITURE.match(line) or CAPTION.search(line) or len(line) > 1500:
        return False
    if len(words) <= 3 and not re.match(r"(?i)by\s", line):
        return False  # "Share", "5 min read", "Listen to this article", "Politics"
    if re.search(r"(?i)\b(?:min(?:ute)?s? read|listen to (?:this )?article|share (?:this|on)|comments?\b \(?\d)"
                 r"|^(?:filed under|tags|topics|categories|more on|see also|read also)\b", line):
        return False
    if len(words) <= 10 and re.search(r"\b(?:19|20)[0-9]{2}\b", line) and not re.search(r"[.!?]\W*$", line) \
            and (evidence.DATE_LABEL.match(line) or re.search(r"[0-9]{1,2}[:.][0-9]{2}", line)):
        return False  # "Published November 20th, 2019 - 07:29 GMT", "Nov 20 2019, 10:18am IST"
    if evidence.UPDATE_LABEL.search(line) and len(words) <= 16:
        return False  # "Updated 8:02 a.m.", "New Delhi, News Bureau | Updated :"
    try:
        if written_dates.written_date(line):
            return False  # a date line alone (it is the published date's evidence)
    except DateError:
        pass
    return True


# ---------------------------------------------------------------- the text

def _paragraphs(text: str) -> tuple[list[str], list[str]]:
    """(lines, removed): trafilatura's lines with spaces collapsed, furniture lines taken off both ends."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    removed: list[str] = []
    while lines and FURNITURE.match(lines[-1]):
        removed.insert(0, lines.pop())
    while lines and FURNITURE.match(lines[0]):
        removed.append(lines.pop(0))
    return lines, removed


def _credit(name: str | None, page: Page) -> list[tuple[str, str]]:
    """The copyright holder: a news agency is a credit ([(agency, evidence)]), anyone else is the outlet of
    last resort."""
    if not name:
        return []
    wire = credits.agency(name)
    if wire:
        return [(wire, f"the page's copyright line ({name})")]
    if not page.fields.get("outlet"):
        page.fields["outlet"] = name
        page.evidence["outlet"] = (f"the page's copyright line \"{name}\" (the owner of the page: check that it is"
                                   " the outlet, not its parent company)")
    return []


def _library(html: str, base: str | None) -> dict[str, str | None]:
    """What trafilatura's metadata and htmldate find: {field: value}, to check the evidence against."""
    # loaded here for the same reason as in extract()
    import htmldate
    import trafilatura

    out = {}
    try:
        meta = trafilatura.extract_metadata(html, default_url=base)
    except Exception:  # noqa: BLE001 - a library failure only loses the cross-check
        meta = None
    if meta is not None:
        out = {"title": meta.title, "outlet": meta.sitename, "author": meta.author, "url": meta.url}
    try:
        out["date"] = htmldate.find_date(html, url=base, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
        if not out["date"]:  # the page's markup says nothing htmldate trusts: its search of the page's text
            out["date"] = htmldate.find_date(html, url=base, original_date=True, extensive_search=True,
                                             outputformat="%Y-%m-%d")
            out["searched"] = "yes" if out["date"] else None
    except Exception:  # noqa: BLE001
        out["date"] = None
    return out


# ---------------------------------------------------------------- choosing

def _norm(value: str | None) -> str:
    return re.sub(r"[\W_]+", " ", value).strip().casefold() if value else ""


def _choose(name: str, candidates: list[tuple[str, str]], library: str | None, page: Page,
            base: str | None = None) -> None:
    """The first candidate (evidence order), with the others that agree; trafilatura's value when there
    is no other evidence; a note when trafilatura says something else."""
    if name == "author" and library:
        library = "; ".join(evidence.names(library.replace(";", ","))) or None
    candidates = [(v, e) for v, e in candidates if v]
    if library and name == "url" and base and _same_url(library, base):
        library = None  # trafilatura repeats the address it was given: no evidence of its own
    if library and name == "outlet" and re.fullmatch(r"[\w.-]+\.[a-z]{2,}", library):
        library = None  # a host name, not the outlet's name
    if name == "outlet":  # the site's own name before the publisher's (often the parent company)
        candidates.sort(key=lambda c: 0 if "og:site_name" in c[1] else 1 if "WebSite" in c[1] else 2)
    if name == "title":  # a headline marked as one before the <h1> and <title>
        candidates.sort(key=lambda c: 0 if "JSON-LD" in c[1] else 1 if "microdata" in c[1] else 2)
    if not candidates and library:
        page.fields[name] = library
        page.evidence[name] = "trafilatura's metadata (from the page's text and markup)"
        return
    if not candidates:
        page.fields[name] = None
        return
    value, said = candidates[0]
    same = [e for v, e in candidates[1:] if _norm(v) == _norm(value)]
    other = [(v, e) for v, e in candidates[1:] if _norm(v) != _norm(value)]
    page.fields[name] = value
    page.evidence[name] = said + _also(same)
    if name == "url":
        other = [(v, e) for v, e in other if not _same_url(v, value)]
    if name in ("title", "outlet"):
        other = [(v, e) for v, e in other if _norm(value) not in _norm(v) and _norm(v) not in _norm(value)]
    if other and name != "title":
        v, e = other[0]
        page.remarks.append(f"{name}: {e} says '{evidence.clip(v)}'")
    if library and _norm(library) != _norm(value) and name in ("author", "outlet") \
            and _norm(library) not in [_norm(v) for v, _ in candidates]:
        page.remarks.append(f"{name}: trafilatura's metadata says '{evidence.clip(library)}'")


def _also(same: list[str], n: int = 3) -> str:
    same = list(dict.fromkeys(same))
    if not same:
        return ""
    more = f" and {len(same) - n} more" if len(same) > n else ""
    return f"; the same in {', '.join(same[:n])}{more}"


def url_key(url: str) -> str:
    """An address as compared for sameness: no scheme, www., fragment, tracking parameters or final '/'."""
    url = re.sub(r"#.*$", "", url.strip())
    url = re.sub(r"^https?://(?:www\.)?", "", url, flags=re.IGNORECASE)
    base, _, query = url.partition("?")
    kept = [q for q in query.split("&") if q and not re.match(r"(?:utm_|fbclid|gclid|mc_|ref=|cmpid)", q, re.I)]
    host, _, path = base.partition("/")
    return host.lower() + "/" + path.rstrip("/") + ("?" + "&".join(kept) if kept else "")


def _same_url(a: str, b: str) -> bool:
    return url_key(a) == url_key(b)


def published_iso(raw: str) -> tuple[str, str] | None:
    """(ISO text sources.yaml accepts, remark) for a date or datetime the page gives, or None."""
    raw = raw.strip()
    m = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]([0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(?:\.[0-9]+)?"
                     r"\s*(Z|[+-][0-9]{2}:?[0-9]{2})?)?", raw, re.IGNORECASE)
    if m:
        date, clock, offset = m[1], m[2], m[3]
        if clock and offset:
            clock = clock if len(clock) == 8 else clock + ":00"
            offset = "+00:00" if offset.upper() == "Z" else offset if ":" in offset else offset[:3] + ":" + offset[3:]
            iso, remark = f"{date}T{clock}{offset}", ""
        else:
            iso = date
            remark = f"the page gives the time {clock[:5]} without a UTC offset: only the date is kept" if clock else ""
        try:
            dates.parse_published(iso)
        except DateError:
            return None
        return iso, remark
    try:
        return written_dates.written_date(raw)
    except DateError:
        return None


def _instant(iso: str) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(iso) if "T" in iso else None


URL_DATE = re.compile(r"/((?:19|20)[0-9]{2})[/-]?([01][0-9])[/-]?([0-3][0-9])(?:[/_.-]|$)")


def _choose_published(candidates: list[tuple[str, str]], library_date: str | None, page: Page,
                      offsets: list[tuple[str, int]] | None = None, url: str | None = None,
                      searched: bool = False) -> None:
    read = []
    for raw, said in candidates:
        got = published_iso(raw)
        if got:
            read.append((got[0], got[1], said))
    if not read:
        page.fields["published"] = library_date
        if library_date:
            page.evidence["published"] = ("htmldate's search of the page's text (the date only: check it)" if searched
                                          else "htmldate (its reading of the page's markup; the date only)")
        return
    iso, remark, said = read[0]
    # The same moment given in the article's own offset beats UTC: the local date is what relative
    # dates ("on Monday") count from.
    for other, _, other_evidence in read[1:]:
        if "T" in iso and "T" in other and iso[19:] in ("+00:00",) and other[19:] != "+00:00" \
                and _instant(other) == _instant(iso):
            iso, said = other, f"{other_evidence} (the same moment as {said}, in the article's own offset)"
            break
    if "T" in iso and iso[19:] == "+00:00" and offsets and said == read[0][2]:
        local = _in_offset(iso, offsets[0][0])
        if local:  # a UTC time on a page whose other times are local: its local date is the article's
            n = offsets[0][1]
            iso, said = local, (f"{said}, in the page's own UTC offset {offsets[0][0]} (that of {n} other"
                                f" time{'s' if n != 1 else ''} in its markup)")
    in_url = URL_DATE.search(url or "")
    if "T" in iso and iso[19:] == "+00:00" and in_url and said == read[0][2]:
        day = f"{in_url[1]}-{in_url[2]}-{in_url[3]}"
        moment = _instant(iso)
        if moment is not None and day != iso[:10] and any(
                moment.astimezone(datetime.timezone(datetime.timedelta(hours=h))).date().isoformat() == day
                for h in range(-12, 15)):
            # a UTC time past midnight on a page whose address carries the local day: the day is the article's
            page.remarks.append(f"published: {said} gives {iso} (UTC); the page's address gives the local day {day}")
            iso, said = day, f"the date in the page's address ({said} gives the same moment in UTC: {iso})"
    if "T" not in iso:  # a date alone: take the time from evidence that agrees on the day, if any
        for other, _, other_evidence in read[1:]:
            if "T" in other and other[:10] == iso:
                iso, said, remark = other, f"{said}, with the time from {other_evidence}", ""
                break
    same = [e for o, _, e in read if e != said and e not in said and _agrees(o, iso)]
    differ = [(o, e) for o, _, e in read if not _agrees(o, iso)]
    page.fields["published"] = iso
    page.evidence["published"] = said + _also(same)
    if remark:
        page.remarks.append(f"published: {remark}")
    for o, e in differ[:2]:
        page.remarks.append(f"published: {e} says {o}")
    if library_date and library_date != iso[:10] and not any(o[:10] == library_date for o, _, _ in read):
        page.remarks.append(f"published: htmldate finds {library_date}")


def _in_offset(iso: str, offset: str) -> str | None:
    """The moment `iso` written in the UTC offset `offset` ('-04:00'), or None."""
    m = re.fullmatch(r"([+-])([0-9]{2}):([0-9]{2})", offset)
    moment = _instant(iso)
    if not m or moment is None or int(m[2]) > 14:
        return None
    delta = datetime.timedelta(hours=int(m[2]), minutes=int(m[3])) * (1 if m[1] == "+" else -1)
    return moment.astimezone(datetime.timezone(delta)).isoformat()


def _agrees(a: str, b: str) -> bool:
    if "T" in a and "T" in b:
        return _instant(a) == _instant(b)
    return a[:10] == b[:10]


def from_text(text: str) -> Page:
    """Page for a plain-text article (stored as given): a date line ('Published March 26, 2025') and a
    byline ('By Ann Lee') among its first lines, and a first line short enough to be the headline."""
    page = Page(text, dict.fromkeys(FIELDS), {})
    lines = [line.strip() for line in text.splitlines() if line.strip()][:12]
    if lines and len(lines[0].split()) <= 20 and not lines[0].endswith((".", "\u201d", '"')):
        page.fields["title"], page.evidence["title"] = lines[0], "the text's first line (taken as the headline)"
    for line in lines:
        label = evidence.DATE_LABEL.search(line)
        hit = evidence.line_date(line[label.end():], f'the date line "{evidence.clip(line)}"') if label else None
        if hit and not page.fields["published"]:
            got = published_iso(hit[0])
            if got:
                page.fields["published"], page.evidence["published"] = got[0], hit[1]
                if got[1]:
                    page.remarks.append(f"published: {got[1]}")
        if re.match(r"(?i:by)\s+[A-Z]", line) and len(line) <= 120 and not page.fields["author"]:
            names = [n for n in evidence.names(line) if not re.search(r"[0-9]", n)]
            if names:
                page.fields["author"], page.evidence["author"] = "; ".join(names), f'the byline "{evidence.clip(line)}"'
    return page
