"""What a web page's markup says about its article: each candidate value with where it was found.

`collect` reads JSON-LD (NewsArticle and its subtypes, Article, BlogPosting...; in lists and @graphs,
@id references followed), OpenGraph and other <meta> tags, microdata, <time> elements, the canonical
link, bylines and visible date lines, the <h1> and <title>, the copyright line, and the address and
time a browser or SingleFile wrote into a saved page. extract.py chooses among the candidates.
"""
from __future__ import annotations

import html as html_module
import json
import re
from collections import Counter
from typing import Any
from urllib.parse import urljoin

from timeline.errors import DateError
from timeline.ingest import credits
from timeline.text import written_dates

ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
                 "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "satiricalarticle",
                 "blogposting", "liveblogposting", "report", "techarticle", "socialmediaposting")
# Boilerplate trafilatura keeps when a page marks it only by class or id: pruned before extraction.
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:[0-9]{4}(?:\s*[-\u2013]\s*[0-9]{4})?\s*,?\s*)?"
                       r"(?P<name>[A-Z][\w&.'\u2019 -]{1,60}?)\s*(?:[.,;|]|\ball rights\b|$)", re.IGNORECASE)
DATE_LABEL = re.compile(r"\b(?:(?:first |originally )?published|posted|publication date|date published)"
                        r"(?:\s+on)?\s*:?\s*", re.IGNORECASE)
UPDATE_LABEL = re.compile(r"\b(?:updated|last updated|modified|last modified)\b", re.IGNORECASE)
ROLES = re.compile(r"^(?:(?:senior |chief |deputy |special |staff |contributing |political |foreign |national "
                   r"|associate |managing )*(?:writer|reporter|correspondent|editor|contributor|columnist"
                   r"|journalist|photographer|producer|analyst|staff)s?|for .{1,40}|special to .{1,40})$",
                   re.IGNORECASE)
AUTHOR_META = ("author", "byl", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author",
               "article:author", "og:article:author", "citation_author")
DATE_META = ("article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
             "publish-date", "publish_date", "publication_date", "dc.date.issued", "dcterms.issued", "dc.date",
             "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published", "citation_publication_date",
             "date")
TITLE_META = ("og:title", "twitter:title", "parsely-title", "dc.title", "sailthru.title", "title")
SITE_META = ("og:site_name", "application-name", "dc.publisher", "publisher")



def collect(tree: Any, html: str, base: str | None) -> tuple[dict[str, Any], str | None]:
    """({field: [(value, evidence)] best first, plus 'copyright' and 'updated'}, saved time or None)."""
    found: dict[str, Any] = {f: [] for f in ("outlet", "title", "author", "published", "url")}
    _json_ld(tree, found)
    _meta(tree, found, base)
    _visible(tree, found)
    saved = _saved_page(html, found)
    found["offsets"] = offsets(html)
    return found, saved


TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:\.[0-9]+)?([+-][0-9]{2}:?[0-9]{2})")
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def offsets(html: str) -> list[tuple[str, int]]:
    """[(UTC offset, how many timestamps of the page give it)], most given first: the page's own time
    zone, from every ISO timestamp in its markup that is not in UTC."""
    counted = Counter(m[1] if ":" in m[1] else m[1][:3] + ":" + m[1][3:] for m in TIMESTAMP.finditer(html[:2_000_000]))
    counted.pop("+00:00", None)
    counted.pop("-00:00", None)
    return counted.most_common()


def unescape(value: str | None) -> str | None:
    """A value with the character references left in it decoded ('&#8211;' and '&amp;#8211;' -> '\u2013')."""
    for _ in range(2):
        if value and ENTITY.search(value):
            value = " ".join(html_module.unescape(value).split())
    return value


def first(tree: Any, xpath: str) -> str | None:
    values = tree.xpath(xpath)
    return values[0].strip() if values and isinstance(values[0], str) and values[0].strip() else None


def _json_ld(tree: Any, found: dict[str, Any]) -> None:
    nodes: list[dict[str, Any]] = []
    for script in tree.xpath("//script[contains(translate(@type, 'JSONLD+', 'jsonld+'), 'ld+json')]"):
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", raw).strip().rstrip(";")
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        _flatten(data, nodes)
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    articles = [n for n in nodes if _types(n) & set(ARTICLE_TYPES)]
    if not articles:
        return
    # A NewsArticle subtype before a plain Article or BlogPosting; then the first in the page.
    article = sorted(articles, key=lambda n: not any("news" in t for t in _types(n)))[0]
    kind = next(iter(sorted(_types(article) & set(ARTICLE_TYPES), key=lambda t: "news" not in t)))
    label = f"JSON-LD {_type_name(article, kind)}"
    headline = _string(article.get("headline")) or _string(article.get("name"))
    if headline:
        found["title"].append((headline, f"{label} headline"))
    published = _string(article.get("datePublished")) or _string(article.get("dateCreated"))
    if published:
        found["published"].append((published, f"{label} datePublished"))
    people = []
    for author in _list(article.get("author")) + _list(article.get("creator")):
        author = by_id.get(author.get("@id"), author) if isinstance(author, dict) else author
        name = _string(author.get("name")) if isinstance(author, dict) else _string(author)
        people += names(name)
    if people:
        found["author"].append(("; ".join(dict.fromkeys(people)), f"{label} author"))
    found["credits"] = credits.in_markup(article, by_id, label)
    websites = [n for n in nodes if "website" in _types(n) and _string(n.get("name"))]
    if websites:
        found["outlet"].append((_string(websites[0]["name"]), "JSON-LD WebSite name"))
    for publisher in _list(article.get("publisher")) + _list(article.get("sourceOrganization")):
        publisher = by_id.get(publisher.get("@id"), publisher) if isinstance(publisher, dict) else publisher
        name = _string(publisher.get("name")) if isinstance(publisher, dict) else _string(publisher)
        if name:
            found["outlet"].append((name, f"{label} publisher"))
            break
    for key in ("url", "mainEntityOfPage", "isPartOf"):
        value = article.get(key)
        value = by_id.get(value.get("@id"), value) if isinstance(value, dict) else value
        address = (_string(value.get("url")) or _string(value.get("@id"))) if isinstance(value, dict) else _string(value)
        if address and address.startswith("http") and "#" not in address:
            found["url"].append((address, f"{label} {key}"))
            break


def _flatten(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            _flatten(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        for key in ("@graph", "mainEntity", "itemListElement", "hasPart"):
            if isinstance(data.get(key), (list, dict)):
                _flatten(data[key], out, depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    return {str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for t in _list(node.get("@type"))}


def _type_name(node: dict[str, Any], kind: str) -> str:
    return next((str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in _list(node.get("@type"))
                 if str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() == kind), kind)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _string(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, str) and value.strip():
        return unescape(" ".join(value.split()))
    return None


def names(text: str | None) -> list[str]:
    """The people in a byline or author value: 'By Jane Roe and Omar Haddad, Staff Writers' -> both people."""
    if not text or text.startswith(("http://", "https://", "www.")):
        return []
    text = " ".join(text.split())
    text = re.sub(r"^(?:by|written by|words by|von|par|por)\s+", "", text, flags=re.IGNORECASE)
    parts = re.split(r"\s*(?:;|,|\band\b|&|\|)\s*", text)
    return [p for p in (" ".join(p.split()).strip(" .") for p in parts) if p and not ROLES.match(p)
            and len(p) <= 80 and not p.startswith(("http://", "https://"))]


def _meta(tree: Any, found: dict[str, Any], base: str | None) -> None:
    metas = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        value = " ".join((meta.get("content") or "").split())
        if key and value and key not in metas:
            metas[key] = value
    for key in TITLE_META:
        if key in metas:
            found["title"].append((metas[key], f'<meta {_attr(key)}="{key}">'))
    for key in SITE_META:
        if key in metas:
            found["outlet"].append((metas[key], f'<meta {_attr(key)}="{key}">'))
    for key in AUTHOR_META:
        people = names(metas.get(key))
        if people:
            found["author"].append(("; ".join(people), f'<meta {_attr(key)}="{key}">'))
    for key in DATE_META:
        if key in metas:
            found["published"].append((metas[key], f'<meta {_attr(key)}="{key}">'))
    for node in tree.xpath("//*[@itemprop='datePublished'][not(self::meta)]"):
        value = node.get("datetime") or node.get("content") or node.text_content()
        if value and value.strip():
            found["published"].append((value.strip(), f'microdata itemprop="datePublished" (<{node.tag}>)'))
            break
    people = []
    for node in tree.xpath("//*[@itemprop='author'][not(self::meta)]"):
        inner = node.xpath(".//*[@itemprop='name']")
        inner = inner[0] if inner else node
        people += names(inner.get("content") if inner.tag == "meta" else inner.text_content())
    if people:
        found["author"].append(("; ".join(dict.fromkeys(people)), 'microdata itemprop="author"'))
    for prop, key in (("headline", "title"), ("publisher", "outlet")):
        for node in tree.xpath(f"//*[@itemprop='{prop}']"):
            inner = node.xpath(".//*[@itemprop='name']") if prop == "publisher" else [node]
            if not inner:
                continue
            value = inner[0].get("content") if inner[0].tag == "meta" else inner[0].text_content()
            if value and value.strip():
                found[key].append((" ".join(value.split()), f'microdata itemprop="{prop}"'))
                break
    canonical = first(tree, "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")
    if canonical:
        found["url"].insert(0, (urljoin(base or "", canonical), '<link rel="canonical">'))
    if "og:url" in metas:
        found["url"].append((urljoin(base or "", metas["og:url"]), '<meta property="og:url">'))
    h1 = tree.xpath("//h1")
    if h1 and " ".join(h1[0].text_content().split()):
        found["title"].append((" ".join(h1[0].text_content().split()), "the page's <h1>"))
    title = first(tree, "//title/text()")
    if title:
        title = " ".join(title.split())
        parts = re.split(r"\s+[|\u2013\u2014:-]\s+|\s+::\s+", title)
        if len(parts) > 1 and len(parts[-1].split()) <= 6:
            found["title"].append((" - ".join(parts[:-1]) if len(parts) > 2 else parts[0], "the page's <title>"))
            found["outlet"].append((parts[-1], "the page's <title> after the headline"))
        else:
            found["title"].append((title, "the page's <title>"))


def _attr(key: str) -> str:
    return "property" if key.startswith(("og:", "article:")) else "name"


OUTSIDE = "ancestor::*[self::nav or self::footer or self::aside or contains(@class, 'related')]"
LINE_TAGS = {"p", "div", "span", "li", "small", "time", "dd", "header", "em", "strong"}
BYLINE_TAGS = {"p", "div", "span", "address"}


def _in_page(tree: Any, tags: set[str]) -> list[Any]:
    """The elements of `tags` in the page's <body>, in order, outside a nav, footer, aside or an element whose
    class says 'related' (OUTSIDE): one pass down the tree, not each element's ancestors looked at again."""
    def encloses(node: Any) -> bool:
        return node.tag in ("nav", "footer", "aside") or "related" in (node.get("class") or "")

    found = []
    for body in tree.iter("body"):
        if any(encloses(a) for a in body.iterancestors()):
            continue
        outside: set[Any] = set()
        for node in body.iterdescendants():
            parent = node.getparent()
            if parent in outside or encloses(parent):
                outside.add(node)
            elif node.tag in tags:
                found.append(node)
    return found


def _visible(tree: Any, found: dict[str, Any]) -> None:
    """<time datetime> elements and date lines a reader sees ('Published March 26, 2025 7:50 p.m. ET')."""
    times = [t for t in tree.xpath(f"//time[not({OUTSIDE})]")]
    marked = [t for t in times if t.get("pubdate") is not None or "publish" in (t.get("class") or "").lower()]
    in_article = [t for t in times if t.xpath("ancestor::article")]
    for node, where in ((marked, "<time> marked as published"), (in_article, "the first <time> in the <article>"),
                        (times, "the first <time> in the page")):
        if node:
            value = node[0].get("datetime") or node[0].text_content()
            if value and value.strip():
                found["published"].append((value.strip(), f"{where} ({_short(node[0])})"))
            break
    labelled = unlabelled = updated = None
    for node in _in_page(tree, LINE_TAGS):
        line = _short_text(node, 200)
        if not line:
            continue
        label = DATE_LABEL.search(line)
        if label and not labelled:
            labelled = line_date(line[label.end():], f'the visible date line "{clip(line)}"')
        elif not unlabelled and not UPDATE_LABEL.search(line):
            whole = _whole_line_date(line)
            if whole:
                unlabelled = (whole, f'the visible date line "{clip(line)}"')
        elif not updated and (update := UPDATE_LABEL.search(line)):
            updated = line_date(line[update.end():].lstrip(" :"), line)
    for hit in (labelled, unlabelled):
        if hit:
            found["published"].append(hit)
    if updated:
        found["updated"] = updated
    for node in _in_page(tree, BYLINE_TAGS):
        line = _short_text(node, 120)
        byline = re.search(r"byline|author", f"{node.get('class')} {node.get('id')} {node.get('rel')}", re.IGNORECASE)
        if line and (re.match(r"(?i:by)\s+\w", line) or byline and len(line.split()) <= 12):
            people = names(re.split(r"\s+(?:\||\u2022|\u00b7)\s+|\s+(?:updated|published|posted)\b", line,
                                    flags=re.IGNORECASE)[0])
            people = [n for n in people if not DATE_LABEL.search(n) and not re.search(r"[0-9]", n)]
            if people:
                found["author"].append(("; ".join(people), f'the byline "{clip(line)}"'))
                break
    for line in tree.xpath("//body//text()"):
        m = COPYRIGHT.search(line) if re.search(r"©|\(c\)|copyright", line, re.IGNORECASE) else None
        if m and m["name"].strip(" .,").lower() not in ("all rights reserved",):
            found["copyright"] = m["name"].strip(" .,")


def _short_text(node: Any, limit: int) -> str | None:
    """The element's text with spaces collapsed, or None when it is longer than `limit` (read no further:
    a page's wrappers hold all of its text)."""
    parts, size = [], 0
    for piece in node.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit * 4:
            return None
    line = " ".join("".join(parts).split())
    return line if line and len(line) <= limit else None


def line_date(rest: str, label: str) -> tuple[str, str] | None:
    try:
        hit = written_dates.find_written_date(rest)
    except DateError:
        return None
    if hit and hit[2][0] <= 12:  # the date follows the label
        return rest[hit[2][0]:hit[2][1]], label
    return None


def _whole_line_date(line: str) -> str | None:
    try:
        return line if written_dates.written_date(line) else None
    except DateError:
        return None


def _short(node: Any) -> str:
    return f'datetime="{node.get("datetime")}"' if node.get("datetime") else clip(node.text_content())


def clip(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def _saved_page(html: str, found: dict[str, Any]) -> str | None:
    """The address (and time) a browser or SingleFile wrote into a saved page's comments."""
    m = re.search(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", html[:4096], re.IGNORECASE)
    if m:
        found["url"].append((m[1], "the browser's 'saved from url' comment"))
    m = re.search(r"<!--\s*Page saved with SingleFile\s*\n\s*url:\s*(\S+)\s*\n\s*saved date:\s*([^\n(]+)",
                  html[:8192])
    if not m:
        return None
    found["url"].append((m[1], "SingleFile's 'url:' comment"))
    written = re.sub(r"\bGMT([+-][0-9]{2})([0-9]{2})\b", r"\1:\2", m[2].strip())  # Wed Mar 26 2025 20:01:02 GMT-0400
    written = re.sub(r"^(\w+) (\w+) (\d+) (\d{4}) ", r"\1 \2 \3, \4 ", written)
    try:
        hit = written_dates.written_date(written)
    except DateError:
        return None
    return hit[0] if hit and "T" in hit[0] else None
