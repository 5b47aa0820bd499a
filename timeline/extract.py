"""The article in a web page: its text (trafilatura) and its metadata, each value with the evidence for it.

The text is trafilatura's main-content extraction, one paragraph per line, without menus, ads, cookie
notices, related-story lists, newsletter boxes or footers. Metadata comes from the page's own markup,
read here so that each value can name its evidence: JSON-LD (NewsArticle and its subtypes, Article,
BlogPosting..., in @graph or lists, @id references followed), OpenGraph and other <meta> tags,
microdata, <time datetime>, the canonical link, a visible date line ("Published March 26, 2025 7:50
p.m. ET"), the <title> and <h1>. trafilatura's own metadata and htmldate's date are read too: a value
only they find is used with that said, and a value they contradict is noted. A value nothing gives is
None. The publication date keeps the offset the page gives it; a time without an offset is dropped
(the date stays) and the notes say so.
"""
import json
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from . import dates

FIELDS = ("outlet", "title", "author", "published", "url")
MIN_WORDS = 15  # fewer words than this is no article (a consent wall, a paywall notice, a menu)
ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
                 "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "satiricalarticle",
                 "blogposting", "liveblogposting", "report", "techarticle", "socialmediaposting")
# Boilerplate trafilatura keeps when a page marks it only by class or id: pruned before extraction.
PRUNE = ["//*[" + " or ".join(f"contains(@class, '{t}') or contains(@id, '{t}')" for t in (
    "copyright", "newsletter", "signup", "sign-up", "subscribe", "promo", "related", "recirc", "most-read",
    "most-popular", "cookie", "consent", "paywall", "share-tools", "social-share", "advert", "sponsored")) + "]"]
# Lines at the start or end of the text that are the page's furniture, not the article.
FURNITURE = re.compile(r"^(?:(?:©|\(c\)|copyright\b).{0,200}|.{0,160}\ball rights reserved\b.{0,200}"
                       r"|(?:sign up|subscribe)\b.{0,120}\bnewsletter\b.{0,80}|share (?:this|on)\b.{0,60}"
                       r"|(?:follow us|advertisement|read more|related(?: stories| articles)?)\b.{0,60})$",
                       re.IGNORECASE)
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:[0-9]{4}(?:\s*[-\u2013]\s*[0-9]{4})?\s*,?\s*)?"
                       r"(?P<name>[A-Z][\w&.'\u2019 -]{1,60}?)\s*(?:[.,;|]|\ball rights\b|$)", re.IGNORECASE)
WIRES = {"the associated press": "AP", "associated press": "AP", "reuters": "Reuters", "thomson reuters": "Reuters",
         "agence france-presse": "AFP", "afp": "AFP", "bloomberg": "Bloomberg"}
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

for _name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
    logging.getLogger(_name).addHandler(logging.NullHandler())  # the library never prints


@dataclass
class Page:
    """What a web page gives: the article text and each metadata field, with the evidence for it."""

    text: str  # one paragraph per line, each line ending in a newline; '' when the page holds no article
    fields: dict  # {field: value or None} for FIELDS
    evidence: dict  # {field: how the value was found}, for the fields found
    remarks: list = field(default_factory=list)  # what else the curator should know (contradictions, credits)
    removed: list = field(default_factory=list)  # furniture lines taken off the text's start or end
    saved: str = None  # the capture time a saved-page tool wrote into the page (SingleFile), as ISO text


def decode(data, declared=None):
    """The page's text: the charset of a byte-order mark, the HTTP header (`declared`), the page's own
    <meta charset>, else UTF-8, else Windows-1252 (what browsers assume)."""
    for bom, name in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(name, "replace")
    head = data[:4096].decode("ascii", "replace")
    m = re.search(r"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", head, re.IGNORECASE)
    for name in (declared, m and m[1], "utf-8"):
        if not name:
            continue
        try:
            return data.decode("utf-8" if name.lower() in ("utf8", "unicode") else name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", "replace")


def extract(html, url=None):
    """Page for the HTML text `html`; `url` is where it came from (a WARC record's or a fetch's), if known."""
    import lxml.html
    import trafilatura

    html = re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", html)  # lxml refuses an encoding declaration in text
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return Page("", dict.fromkeys(FIELDS), {}, ["the file could not be read as HTML"])
    base = url or _first(tree, "//link[@rel='canonical']/@href")
    text = trafilatura.extract(html, url=base, output_format="txt", include_comments=False, include_tables=True,
                               include_images=False, include_links=False, deduplicate=False, prune_xpath=PRUNE)
    lines, removed = _paragraphs(text or "")
    words = sum(len(line.split()) for line in lines)
    found = {f: [] for f in FIELDS}  # field -> [(value, evidence)] best first
    _json_ld(tree, found)
    _meta(tree, found, base)
    _visible(tree, found)
    saved = _saved_page(html, found)
    library = _library(html, base)
    page = Page("".join(line + "\n" for line in lines) if words >= MIN_WORDS else "", {}, {}, removed=removed,
                saved=saved)
    _choose_published(found["published"], library.get("date"), page)
    for name in ("title", "outlet", "author", "url"):
        _choose(name, found[name], library.get(name), page, base)
    _credit(found.get("copyright"), page)
    if not page.fields["published"] and found.get("updated"):
        got = published_iso(found["updated"][0])
        page.remarks.append(f'the page gives only an update time, "{_clip(found["updated"][1])}"'
                            + (f" ({got[0]})" if got else "") + ": published is left empty; the first"
                            " version may be older")
    return page


# ---------------------------------------------------------------- the text

def _paragraphs(text):
    """(lines, removed): trafilatura's lines with spaces collapsed, furniture lines taken off both ends."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    removed = []
    while lines and FURNITURE.match(lines[-1]):
        removed.insert(0, lines.pop())
    while lines and FURNITURE.match(lines[0]):
        removed.append(lines.pop(0))
    return lines, removed


def _credit(name, page):
    """The copyright holder: a wire service is reported (based_on), anyone else is the outlet of last resort."""
    if not name:
        return
    wire = WIRES.get(name.lower())
    if wire:
        page.remarks.append(f"the page's copyright line names {name}: if the article is their copy, set"
                            f" based_on: {wire}")
    elif not page.fields.get("outlet"):
        page.fields["outlet"] = name
        page.evidence["outlet"] = (f"the page's copyright line \"{name}\" (the owner of the page: check that it is"
                                   " the outlet, not its parent company)")


# ---------------------------------------------------------------- evidence in the markup

def _first(tree, xpath):
    values = tree.xpath(xpath)
    return values[0].strip() if values and isinstance(values[0], str) and values[0].strip() else None


def _json_ld(tree, found):
    nodes = []
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
    names = []
    for author in _list(article.get("author")) + _list(article.get("creator")):
        author = by_id.get(author.get("@id"), author) if isinstance(author, dict) else author
        name = _string(author.get("name")) if isinstance(author, dict) else _string(author)
        names += _names(name)
    if names:
        found["author"].append(("; ".join(dict.fromkeys(names)), f"{label} author"))
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


def _flatten(data, out, depth=0):
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


def _types(node):
    return {str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for t in _list(node.get("@type"))}


def _type_name(node, kind):
    return next((str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in _list(node.get("@type"))
                 if str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() == kind), kind)


def _list(value):
    return value if isinstance(value, list) else [] if value is None else [value]


def _string(value):
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _names(text):
    """The people in a byline or author value: 'By Jane Roe and Omar Haddad, Staff Writers' -> both names."""
    if not text or text.startswith(("http://", "https://", "www.")):
        return []
    text = " ".join(text.split())
    text = re.sub(r"^(?:by|written by|words by|von|par|por)\s+", "", text, flags=re.IGNORECASE)
    parts = re.split(r"\s*(?:;|,|\band\b|&|\|)\s*", text)
    return [p for p in (" ".join(p.split()).strip(" .") for p in parts) if p and not ROLES.match(p)
            and len(p) <= 80 and not p.startswith(("http://", "https://"))]


def _meta(tree, found, base):
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
        names = _names(metas.get(key))
        if names:
            found["author"].append(("; ".join(names), f'<meta {_attr(key)}="{key}">'))
    for key in DATE_META:
        if key in metas:
            found["published"].append((metas[key], f'<meta {_attr(key)}="{key}">'))
    for node in tree.xpath("//*[@itemprop='datePublished'][not(self::meta)]"):
        value = node.get("datetime") or node.get("content") or node.text_content()
        if value and value.strip():
            found["published"].append((value.strip(), f'microdata itemprop="datePublished" (<{node.tag}>)'))
            break
    names = []
    for node in tree.xpath("//*[@itemprop='author'][not(self::meta)]"):
        inner = node.xpath(".//*[@itemprop='name']")
        inner = inner[0] if inner else node
        names += _names(inner.get("content") if inner.tag == "meta" else inner.text_content())
    if names:
        found["author"].append(("; ".join(dict.fromkeys(names)), 'microdata itemprop="author"'))
    for prop, key in (("headline", "title"), ("publisher", "outlet")):
        for node in tree.xpath(f"//*[@itemprop='{prop}']"):
            inner = node.xpath(".//*[@itemprop='name']") if prop == "publisher" else [node]
            if not inner:
                continue
            value = inner[0].get("content") if inner[0].tag == "meta" else inner[0].text_content()
            if value and value.strip():
                found[key].append((" ".join(value.split()), f'microdata itemprop="{prop}"'))
                break
    canonical = _first(tree, "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")
    if canonical:
        found["url"].insert(0, (urljoin(base or "", canonical), '<link rel="canonical">'))
    if "og:url" in metas:
        found["url"].append((urljoin(base or "", metas["og:url"]), '<meta property="og:url">'))
    h1 = tree.xpath("//h1")
    if h1 and " ".join(h1[0].text_content().split()):
        found["title"].append((" ".join(h1[0].text_content().split()), "the page's <h1>"))
    title = _first(tree, "//title/text()")
    if title:
        title = " ".join(title.split())
        parts = re.split(r"\s+[|\u2013\u2014:-]\s+|\s+::\s+", title)
        if len(parts) > 1 and len(parts[-1].split()) <= 6:
            found["title"].append((" - ".join(parts[:-1]) if len(parts) > 2 else parts[0], "the page's <title>"))
            found["outlet"].append((parts[-1], "the page's <title> after the headline"))
        else:
            found["title"].append((title, "the page's <title>"))


def _attr(key):
    return "property" if key.startswith(("og:", "article:")) else "name"


OUTSIDE = "ancestor::*[self::nav or self::footer or self::aside or contains(@class, 'related')]"


def _visible(tree, found):
    """<time datetime> elements and date lines a reader sees ('Published March 26, 2025 7:50 p.m. ET')."""
    times = [t for t in tree.xpath(f"//time[not({OUTSIDE})]")]
    marked = [t for t in times if t.get("pubdate") is not None or "publish" in (t.get("class") or "").lower()]
    in_article = [t for t in times if t.xpath("ancestor::article")]
    for node, label in ((marked, "<time> marked as published"), (in_article, "the first <time> in the <article>"),
                        (times, "the first <time> in the page")):
        if node:
            value = node[0].get("datetime") or node[0].text_content()
            if value and value.strip():
                found["published"].append((value.strip(), f"{label} ({_short(node[0])})"))
            break
    labelled = unlabelled = updated = None
    for node in tree.xpath(f"//body//*[self::p or self::div or self::span or self::li or self::small or self::time"
                           f" or self::dd or self::header or self::em or self::strong][not({OUTSIDE})]"):
        line = _short_text(node, 200)
        if not line:
            continue
        label = DATE_LABEL.search(line)
        if label and not labelled:
            labelled = _line_date(line[label.end():], f'the visible date line "{_clip(line)}"')
        elif not unlabelled and not UPDATE_LABEL.search(line):
            whole = _whole_line_date(line)
            if whole:
                unlabelled = (whole, f'the visible date line "{_clip(line)}"')
        elif not updated and UPDATE_LABEL.search(line):
            updated = _line_date(line[UPDATE_LABEL.search(line).end():].lstrip(" :"), line)
    for hit in (labelled, unlabelled):
        if hit:
            found["published"].append(hit)
    if updated:
        found["updated"] = updated
    for node in tree.xpath(f"//body//*[self::p or self::div or self::span or self::address][not({OUTSIDE})]"):
        line = _short_text(node, 120)
        marked = re.search(r"byline|author", f"{node.get('class')} {node.get('id')} {node.get('rel')}", re.IGNORECASE)
        if line and (re.match(r"(?i:by)\s+\w", line) or marked and len(line.split()) <= 12):
            names = _names(re.split(r"\s+(?:\||\u2022|\u00b7)\s+|\s+(?:updated|published|posted)\b", line,
                                    flags=re.IGNORECASE)[0])
            names = [n for n in names if not DATE_LABEL.search(n) and not re.search(r"[0-9]", n)]
            if names:
                found["author"].append(("; ".join(names), f'the byline "{_clip(line)}"'))
                break
    for line in tree.xpath("//body//text()"):
        m = COPYRIGHT.search(line) if re.search(r"©|\(c\)|copyright", line, re.IGNORECASE) else None
        if m and m["name"].strip(" .,").lower() not in ("all rights reserved",):
            found["copyright"] = m["name"].strip(" .,")


def _short_text(node, limit):
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


def _line_date(rest, label):
    try:
        hit = dates.find_written_date(rest)
    except dates.DateError:
        return None
    if hit and hit[2][0] <= 12:  # the date follows the label
        return rest[hit[2][0]:hit[2][1]], label
    return None


def _whole_line_date(line):
    try:
        return line if dates.written_date(line) else None
    except dates.DateError:
        return None


def _short(node):
    return f'datetime="{node.get("datetime")}"' if node.get("datetime") else _clip(node.text_content())


def _clip(text, n=80):
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def _saved_page(html, found):
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
        hit = dates.written_date(written)
    except dates.DateError:
        return None
    return hit[0] if hit and "T" in hit[0] else None


def _library(html, base):
    """What trafilatura's metadata and htmldate find: {field: value}, to check the evidence against."""
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
    except Exception:  # noqa: BLE001
        out["date"] = None
    return out


# ---------------------------------------------------------------- choosing

def _norm(value):
    return re.sub(r"[\W_]+", " ", value).strip().casefold() if value else ""


def _choose(name, candidates, library, page, base=None):
    """The first candidate (evidence order), with the others that agree; trafilatura's value when there
    is no other evidence; a note when trafilatura says something else."""
    if name == "author" and library:
        library = "; ".join(_names(library.replace(";", ","))) or None
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
    value, evidence = candidates[0]
    same = [e for v, e in candidates[1:] if _norm(v) == _norm(value)]
    other = [(v, e) for v, e in candidates[1:] if _norm(v) != _norm(value)]
    page.fields[name] = value
    page.evidence[name] = evidence + _also(same)
    if name == "url":
        other = [(v, e) for v, e in other if not _same_url(v, value)]
    if name in ("title", "outlet"):
        other = [(v, e) for v, e in other if _norm(value) not in _norm(v) and _norm(v) not in _norm(value)]
    if other and name != "title":
        v, e = other[0]
        page.remarks.append(f"{name}: {e} says '{_clip(v)}'")
    if library and _norm(library) != _norm(value) and name in ("author", "outlet") \
            and _norm(library) not in [_norm(v) for v, _ in candidates]:
        page.remarks.append(f"{name}: trafilatura's metadata says '{_clip(library)}'")


def _also(same, n=3):
    same = list(dict.fromkeys(same))
    if not same:
        return ""
    more = f" and {len(same) - n} more" if len(same) > n else ""
    return f"; the same in {', '.join(same[:n])}{more}"


def url_key(url):
    """An address as compared for sameness: no scheme, www., fragment, tracking parameters or final '/'."""
    url = re.sub(r"#.*$", "", url.strip())
    url = re.sub(r"^https?://(?:www\.)?", "", url, flags=re.IGNORECASE)
    base, _, query = url.partition("?")
    kept = [q for q in query.split("&") if q and not re.match(r"(?:utm_|fbclid|gclid|mc_|ref=|cmpid)", q, re.I)]
    host, _, path = base.partition("/")
    return host.lower() + "/" + path.rstrip("/") + ("?" + "&".join(kept) if kept else "")


def _same_url(a, b):
    return url_key(a) == url_key(b)


def published_iso(raw):
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
        except dates.DateError:
            return None
        return iso, remark
    try:
        return dates.written_date(raw)
    except dates.DateError:
        return None


def _instant(iso):
    import datetime

    return datetime.datetime.fromisoformat(iso) if "T" in iso else None


def _choose_published(candidates, library_date, page):
    read = []
    for raw, evidence in candidates:
        got = published_iso(raw)
        if got:
            read.append((got[0], got[1], evidence))
    if not read:
        page.fields["published"] = library_date
        if library_date:
            page.evidence["published"] = "htmldate (its reading of the page's markup; the date only)"
        return
    iso, remark, evidence = read[0]
    # The same moment given in the article's own offset beats UTC: the local date is what relative
    # dates ("on Monday") count from.
    for other, _, other_evidence in read[1:]:
        if "T" in iso and "T" in other and iso[19:] in ("+00:00",) and other[19:] != "+00:00" \
                and _instant(other) == _instant(iso):
            iso, evidence = other, f"{other_evidence} (the same moment as {evidence}, in the article's own offset)"
            break
    if "T" not in iso:  # a date alone: take the time from evidence that agrees on the day, if any
        for other, _, other_evidence in read[1:]:
            if "T" in other and other[:10] == iso:
                iso, evidence, remark = other, f"{evidence}, with the time from {other_evidence}", ""
                break
    same = [e for o, _, e in read if e != evidence and e not in evidence and _agrees(o, iso)]
    differ = [(o, e) for o, _, e in read if not _agrees(o, iso)]
    page.fields["published"] = iso
    page.evidence["published"] = evidence + _also(same)
    if remark:
        page.remarks.append(f"published: {remark}")
    for o, e in differ[:2]:
        page.remarks.append(f"published: {e} says {o}")
    if library_date and library_date != iso[:10] and not any(o[:10] == library_date for o, _, _ in read):
        page.remarks.append(f"published: htmldate finds {library_date}")


def _agrees(a, b):
    if "T" in a and "T" in b:
        return _instant(a) == _instant(b)
    return a[:10] == b[:10]


def from_text(text):
    """Page for a plain-text article (stored as given): a date line ('Published March 26, 2025') and a
    byline ('By Ann Lee') among its first lines, and a first line short enough to be the headline."""
    page = Page(text, dict.fromkeys(FIELDS), {})
    lines = [line.strip() for line in text.splitlines() if line.strip()][:12]
    if lines and len(lines[0].split()) <= 20 and not lines[0].endswith((".", "\u201d", '"')):
        page.fields["title"], page.evidence["title"] = lines[0], "the text's first line (taken as the headline)"
    for line in lines:
        label = DATE_LABEL.search(line)
        hit = _line_date(line[label.end():], f'the date line "{_clip(line)}"') if label else None
        if hit and not page.fields["published"]:
            got = published_iso(hit[0])
            if got:
                page.fields["published"], page.evidence["published"] = got[0], hit[1]
                if got[1]:
                    page.remarks.append(f"published: {got[1]}")
        if re.match(r"(?i:by)\s+[A-Z]", line) and len(line) <= 120 and not page.fields["author"]:
            names = [n for n in _names(line) if not re.search(r"[0-9]", n)]
            if names:
                page.fields["author"], page.evidence["author"] = "; ".join(names), f'the byline "{_clip(line)}"'
    return page
