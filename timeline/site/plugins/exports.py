"""Take the timeline into other tools: /export/timelinejs.json and /export/annotations.jsonld.

- `/export/timelinejs.json`: Knight Lab TimelineJS 3's JSON, one event per dated fact (`unique_id` is
  the fact's id), each date given only to its precision (a month has no day, a year only a year; a
  week, a quarter, a season and a decade are a start and an end; a time of day has its hour and minute), with the quotes, their outlets and a link to the fact.
  TimelineJS shows `headline` and `text` as HTML: every value is escaped here. `kind`, `entity`,
  `from` and `to` choose facts as on /chronology; at most MAX_EVENTS events (TimelineJS is made for
  dozens, not thousands): past that, the answer is 400 and says how to narrow it.
- `/export/annotations.jsonld`: every citation as a W3C Web Annotation, in an AnnotationCollection
  whose pages (`?page=N`, PAGE_SIZE annotations each) link `next`/`prev`; the collection embeds
  the first page. `?source=<id>` keeps one article's citations, in the article's order. Each
  annotation links (motivation `linking`) a fact (its page, id and title) to the words of its article:
  a TextQuoteSelector (the quote, with up to CONTEXT characters before and after it from the same
  paragraph) and a TextPositionSelector (the offsets `citations` records, counted in the stored text,
  which a TimeState names by its sha256). The context comes from the sentences the database holds,
  so an excerpt database (`timeline build --excerpts`) gives no more of an article than it keeps.

Every value from the request is bound as an SQL parameter; a bad one is answered 400, never 500.
"""
import base64
import datetime
import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import tilde_encode
from datasette.utils.asgi import Request, Response

from timeline.errors import BadRequest
from timeline.site.plugins.site import figure_text, kind_label
from timeline.site.plugins.site import row_path as _path
from timeline.text import dates

DATABASE = "timeline"
MAX_EVENTS = 1000
PAGE_SIZE = 500  # annotations a page: about 400 KB and 100 ms at 100,000 facts
CONTEXT = 32  # characters of prefix and suffix (as Hypothesis records them)
JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CHRONOLOGICAL = ("facts.date_start, case facts.date_precision when 'day' then 1 when 'week' then 2 when 'month' then 3"
                 " when 'year' then 4 when 'decade' then 5 else 6 end, facts.id")


def _error(message, status):
    title = {400: "Bad request", 404: "Not found"}.get(status, "Error")
    return Response.json({"ok": False, "error": message, "status": status, "title": title}, status=status,
                         headers={"access-control-allow-origin": "*"})


def _web(url):
    """`url` when it is an http(s) address, else None (a javascript: or data: 'address' is not a link)."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


# --------------------------------------------------------------------------- TimelineJS

def tl_date(iso: str, precision: str) -> dict[str, int]:
    """A TimelineJS date object holding only what the precision knows: {'year': 2025, 'month': 3}; a time
    of day (an ISO datetime, at precision 'time') adds its hour and minute."""
    if precision == "time" and "T" in iso:
        moment = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
        return {"year": moment.year, "month": moment.month, "day": moment.day, "hour": moment.hour,
                "minute": moment.minute}
    day = datetime.date.fromisoformat(iso[:10])
    if precision in ("year", "decade"):
        return {"year": day.year}
    if precision in ("month", "quarter", "season", "half"):
        return {"year": day.year, "month": day.month}
    return {"year": day.year, "month": day.month, "day": day.day}


def tl_dates(fact: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, int] | None]:
    """(start_date, end_date or None) of a dated fact. A day, a month or a year is one date (TimelineJS
    shows it at that precision); a week, a quarter, a season, a decade or a range is a start and an end
    (display_date, the fact's label, says 'Q1 2025', 'about 1990', 'before 2019'); a time of day is one
    moment, with its hour and minute."""
    precision = fact["date_precision"]
    if precision == "time" and fact.get("date_edtf"):
        return tl_date(fact["date_edtf"], precision), None
    start = tl_date(fact["date_start"], precision)
    end = tl_date(fact["date_end"], precision) if fact["date_end"] else None
    if precision == "decade":
        end = {"year": datetime.date.fromisoformat(fact["date_end"]).year}
    return start, (end if end and end != start else None)


def tl_event(fact: Mapping[str, Any], citations: Iterable[Mapping[str, Any] | sqlite3.Row],
             site: str, language: str = "en") -> dict[str, Any]:
    """One TimelineJS slide for a fact; `site` is the absolute address of this site (no trailing /). Each quote
    is as the article writes it, marked with the article's language, its translation (the curator's, in the
    story's `language`) after it."""
    start, end = tl_dates(fact)
    kind = kind_label(fact["kind"])
    about = [kind, fact["date_label"]]
    if fact["value"] is not None:
        about.append(figure_text(fact["value"], fact["value_qualifier"], fact["unit"], fact["value_per"]))
    if fact["speaker"]:
        about.append(("claimed by " if fact["kind"] == "claim" else "said by ") + fact["speaker"])
    parts = [f'<p class="tl-about">{escape(" · ".join(a for a in about if a))}</p>']
    for c in citations:
        outlet = c["outlet"] or "Unknown outlet"
        when = f", {c['published'][:10]}" if c["published"] else ""
        source_page = f'{site}{_path("sources", c["source_id"])}#s-{c["sentence_position"]}'
        original = _web(c["url"])
        written = c["language"] if "language" in c.keys() and c["language"] else "en"
        translated = c["translation"] if "translation" in c.keys() else None
        marked = f' lang="{escape(written)}"' if written != language else ""
        parts.append(f"<blockquote{marked}>\u201c{escape(c['quote'])}\u201d</blockquote>"
                     + (f'<p class="tl-translation" lang="{escape(language)}">Translation: \u201c{escape(translated)}'
                        "\u201d</p>" if translated else "")
                     + f'<p class="tl-source">\u2014 <a href="{escape(source_page)}">{escape(outlet)}{escape(when)}</a>'
                     + (f' (<a href="{escape(original)}">original</a>)' if original else "") + "</p>")
    fact_page = site + _path("facts", fact["id"])
    parts.append(f'<p><a href="{escape(fact_page)}">The fact, every source and how its date was worked out</a></p>')
    event = {"unique_id": fact["id"], "start_date": start, "display_date": fact["date_label"],
             "text": {"headline": str(escape(fact["title"])), "text": "".join(str(p) for p in parts)},
             "group": kind}
    if end:
        event["end_date"] = end
    return event


def _choice(args):
    """(SQL condition, params) for the kind, entity, from and to parameters, as /chronology reads them."""
    where, params = ["facts.date_start IS NOT NULL"], {}
    if args.get("kind"):
        where.append("facts.kind = :kind")
        params["kind"] = args["kind"]
    if args.get("entity"):
        where.append("facts.id IN (SELECT fact_id FROM fact_entities WHERE entity_id = :entity)")
        params["entity"] = args["entity"]
    for name, side, test in (("from", "start", "facts.date_start >= :from_start"),
                             ("to", "end", "facts.date_end <= :to_end")):
        if args.get(name):
            try:
                resolved = dates.parse_date(args[name])
            except dates.DateError as e:
                raise BadRequest(f"{name}: {e}") from None
            where.append(test)
            params[f"{name}_{side}"] = getattr(resolved, side).isoformat()
    if params.get("from_start", "") > params.get("to_end", "9999"):
        raise BadRequest(f"from ({args['from']}) is after to ({args['to']}): swap them")
    return " AND ".join(where), params


async def timelinejs(datasette: Any, request: Request) -> Response:
    db = await _database(datasette, request)
    args = {k: request.args.get(k) for k in ("kind", "entity", "from", "to")}
    try:
        where, params = _choice(args)
    except BadRequest as e:
        return _error(str(e), e.status)
    n = (await db.execute(f"SELECT count(*) FROM facts WHERE {where}", params)).first()[0]
    if n > MAX_EVENTS:
        return _error(f"{n} dated facts match; a TimelineJS timeline is made for at most {MAX_EVENTS} events:"
                      " choose some with kind=, entity=, from= and to= (e.g. ?from=2025-03&to=2025-03)", 400)
    facts = [dict(r) for r in (await db.execute(
        "SELECT facts.id, facts.kind, facts.title, facts.date_start, facts.date_end, facts.date_precision,"
        " facts.date_edtf, facts.date_label, facts.value, facts.value_qualifier, facts.unit, facts.value_per,"
        f" entities.name AS speaker FROM facts LEFT JOIN entities ON entities.id = facts.attributed_to"
        f" WHERE {where} ORDER BY {CHRONOLOGICAL}", params)).rows]
    cited: dict[str, list[sqlite3.Row]] = {}
    for r in (await db.execute(
            "SELECT citations.fact_id, citations.source_id, citations.quote, sources.outlet, sources.published,"
            " sources.url, sources.language, citations.translation, sentences.position AS sentence_position"
            " FROM citations"
            " JOIN sources ON sources.id = citations.source_id JOIN sentences ON sentences.id = citations.sentence_id"
            " WHERE citations.fact_id IN (SELECT value FROM json_each(:ids))"
            " ORDER BY citations.fact_id, citations.position", {"ids": json.dumps([f["id"] for f in facts])})).rows:
        cited.setdefault(r["fact_id"], []).append(r)
    site = _site(datasette, request)
    undated = (await db.execute("SELECT count(*) FROM facts WHERE date_start IS NULL")).first()[0]
    title = datasette.metadata("title") or "Timeline"
    intro = (f"{len(facts)} dated fact{'s' if len(facts) != 1 else ''}, each with the exact words of the articles"
             " that report it" + (f" ({undated} undated facts are not on the timeline)" if undated else "") + ".")
    data = {"title": {"text": {"headline": str(escape(title)),
                               "text": f'<p>{escape(intro)}</p><p><a href="{escape(site)}/chronology">'
                                       f"{escape(site)}/chronology</a></p>"}},
            "events": [tl_event(f, cited.get(f["id"], []), site, datasette.metadata("lang") or "en") for f in facts],
            "scale": "human"}
    return Response.json(data, headers={"access-control-allow-origin": "*"})


# --------------------------------------------------------------------------- Web Annotations

def context(sentences: Sequence[Mapping[str, Any]], start: int, end: int, chars: int = CONTEXT) -> tuple[str, str]:
    """(prefix, suffix): up to `chars` characters of the same paragraph just before `start` and just
    after `end`, from `sentences` (rows of position, paragraph, text, start, end of one article, in
    order). Only an unbroken run of sentences is read (an excerpt database leaves some out: the context
    stops there); the space between two sentences is written as one space, as a browser shows it."""
    run = _run(sentences, start, end)
    if not run:
        return "", ""
    text, at = "", {}
    for s in run:
        if text:
            text += " "
        at[s["position"]] = len(text) - s["start"]  # article offset + this = offset in `text`
        text += s["text"]
    a = _offset(run, at, start)
    b = _offset(run, at, end)
    if a is None or b is None:
        return "", ""
    return text[max(0, a - chars):a], text[b:b + chars]


def _run(sentences, start, end):
    """The sentences of the paragraph around [start, end) that follow one another without a gap."""
    holding = [i for i, s in enumerate(sentences) if s["start"] <= start < s["end"] or s["start"] < end <= s["end"]]
    if not holding:
        return []
    first, last = holding[0], holding[-1]
    paragraph = sentences[first]["paragraph"]
    while first > 0 and sentences[first - 1]["paragraph"] == paragraph \
            and sentences[first - 1]["position"] == sentences[first]["position"] - 1:
        first -= 1
    while last + 1 < len(sentences) and sentences[last + 1]["paragraph"] == paragraph \
            and sentences[last + 1]["position"] == sentences[last]["position"] + 1:
        last += 1
    return sentences[first:last + 1]


def _offset(run, at, offset):
    for s in run:
        if s["start"] <= offset <= s["end"]:
            return offset + at[s["position"]]
    return None


def ni_iri(sha256: str) -> str:
    """An RFC 6920 'ni' IRI naming bytes by their sha256: ni:///sha-256;<base64url>."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256)).decode().rstrip("=")
    return f"ni:///sha-256;{digest}"


def _utc(published):
    """An xsd:dateTime in UTC ('...Z') for a publication time with its offset; None for a date alone."""
    if not published or "T" not in published:
        return None
    try:
        moment = datetime.datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# A date without a time was the same calendar day somewhere between UTC+14 and UTC-12.
EARLIEST, LATEST = datetime.timedelta(hours=-14), datetime.timedelta(days=1, hours=12, seconds=-1)


def time_state(sha256: str, published: str | None) -> dict[str, str] | None:
    """The target's TimeState: the article as stored (`cached`, named by its sha256) and when it was
    published, as the model requires a TimeState to say (`sourceDate`, or `sourceDateStart` and
    `sourceDateEnd`). A publication time is `sourceDate` in UTC; a date (or a month or year) without a
    time is the span of instants at which that day was somewhere on Earth (00:00 at UTC+14 to
    23:59:59 at UTC-12), never a time nobody knows. No usable date: no TimeState (None)."""
    state = {"type": "TimeState", "cached": ni_iri(sha256)}
    when = _utc(published)
    if when:
        return {**state, "sourceDate": when}
    if not isinstance(published, str) or not published.strip():
        return None
    try:
        period = dates.parse_date(published.strip()[:10])
    except dates.DateError:
        return None
    utc = "%Y-%m-%dT%H:%M:%SZ"
    start = datetime.datetime.combine(period.start, datetime.time()) + EARLIEST
    end = datetime.datetime.combine(period.end, datetime.time()) + LATEST
    return {**state, "sourceDateStart": start.strftime(utc), "sourceDateEnd": end.strftime(utc)}


URI_SAFE = "!#$&'()*+,/:;=?@[]~-._%"  # RFC 3986's reserved and unreserved characters, and escapes


def uri(iri: str) -> str:
    """An IRI as a URI (RFC 3987 section 3.1), as the model's `format: uri` requires of every id: a
    non-ASCII host in IDNA (punycode), every other character outside RFC 3986's set percent-encoded as
    UTF-8, and a '%' that begins no escape written %25. An address that is already a URI is unchanged."""
    text = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", iri)
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        if host and not host.isascii():
            netloc = parts.netloc.replace(host, host.encode("idna").decode("ascii"))
            text = urlunsplit(parts._replace(netloc=netloc))
    except (ValueError, UnicodeError):
        pass  # an address urlsplit or IDNA cannot read: percent-encoded whole, below
    return quote(text, safe=URI_SAFE)


def annotation(c: Mapping[str, Any], prefix: str, suffix: str, site: str, language: str = "en") -> dict[str, Any]:
    """One citation as a Web Annotation: the fact is the body, the article's words the target (its source carrying
    the article's language); a translation of the words is a second body, a TextualBody in the story's
    `language`, described as the curator's, never checked against the article."""
    source = {"id": uri(_web(c["url"]) or site + _path("sources", c["source_id"])), "type": "Text",
              "language": c.get("language") or "en", "dcterms:identifier": c["source_id"]}
    target: dict[str, Any] = {"type": "SpecificResource", "source": source}
    state = time_state(c["sha256"], c["published"])
    if state:
        target["state"] = state
    selectors: list[dict[str, Any]] = [
        {"type": "TextQuoteSelector", "exact": c["quote"], "prefix": prefix, "suffix": suffix},
        {"type": "TextPositionSelector", "start": c["start"], "end": c["end"]}]
    if c.get("page"):  # a PDF's page (RFC 8118's page=N, 1-based), refined by the quote on that page
        selectors.append({"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc8118",
                          "value": f"page={c['page']}", "refinedBy": selectors[0]})
        source["format"] = "application/pdf"
    target["selector"] = selectors
    fact: dict[str, Any] = {
        "id": uri(site + _path("facts", c["fact_id"])), "type": "Text", "format": "text/html",
        "dcterms:identifier": c["fact_id"], "dcterms:title": c["title"]}
    body: dict[str, Any] | list[dict[str, Any]] = fact
    if c.get("translation"):  # the words in the story's language, as the curator translated them
        translation: dict[str, Any] = {"type": "TextualBody", "value": c["translation"], "format": "text/plain",
                                       "language": language, "purpose": "describing",
                                       "dcterms:description": "a translation of the quoted words, the curator's own,"
                                                              " not checked against the article"}
        if c.get("translated_by"):
            translation["creator"] = {"name": c["translated_by"]}
        body = [fact, translation]
    return {
        "id": uri(f"{site}/{DATABASE}/citations/{tilde_encode(c['fact_id'])},{c['position']}"),
        "type": "Annotation",
        "motivation": "linking",
        "body": body,
        "target": target,
    }


async def annotations(datasette: Any, request: Request) -> Response:
    db = await _database(datasette, request)
    site = _site(datasette, request)
    story_language = datasette.metadata("lang") or "en"
    source = request.args.get("source")
    page_text = request.args.get("page")
    page = None
    if page_text is not None:
        if not re.fullmatch(r"[0-9]{1,18}", page_text.strip()) or int(page_text) < 1:
            return _error(f"page: '{page_text}' is not a page number: pages are 1, 2, 3, ...", 400)
        page = int(page_text)
    where, params = "", {}
    if source is not None:
        if not (await db.execute("SELECT 1 FROM sources WHERE id = :source", {"source": source})).rows:
            return _error(f"there is no source '{source}'", 404)
        where, params = "WHERE c.source_id = :source", {"source": source}
    total = (await db.execute(f"SELECT count(*) FROM citations c {where}", params)).first()[0]
    pages = max(1, -(-total // PAGE_SIZE))
    if page is not None and (page > pages or total == 0):
        return _error(f"page {page} is past the last page ({pages if total else 'there are no citations'})", 404)
    collection = f"{site}/export/annotations.jsonld" + (f"?source={quote(source, safe='')}" if source else "")
    label = f"{datasette.metadata('title') or 'Timeline'}: " + (
        f"the citations of source {source}" if source else "every citation") + ", as Web Annotations"

    def page_id(n):
        return f"{collection}{'&' if source else '?'}page={n}"

    async def page_of(n):
        order = "c.start, c.\"end\", c.fact_id, c.position" if source else "c.fact_id, c.position"
        # The page's citations first, read from an index alone (skipping earlier pages is cheap), then
        # their details.
        rows = [dict(r) for r in (await db.execute(
            "SELECT c.fact_id, c.position, c.source_id, c.quote, c.start, c.\"end\", c.page, facts.title,"
            " c.translation, c.translated_by, sources.language,"
            " sources.url, sources.sha256, sources.published, first.position AS sentence_position,"
            f" first.paragraph FROM (SELECT c.fact_id, c.position FROM citations c {where} ORDER BY {order}"
            " LIMIT :size OFFSET :offset) AS page"
            " JOIN citations c ON c.fact_id = page.fact_id AND c.position = page.position"
            " JOIN facts ON facts.id = c.fact_id JOIN sources ON sources.id = c.source_id"
            f" JOIN sentences first ON first.id = c.sentence_id ORDER BY {order}",
            dict(params, size=PAGE_SIZE, offset=(n - 1) * PAGE_SIZE))).rows]
        near: dict[str, dict[int, dict[str, Any]]] = {}
        if rows:
            wanted = json.dumps([[r["source_id"], r["paragraph"], r["sentence_position"]] for r in rows])
            for s in (await db.execute(
                    "SELECT DISTINCT s.source_id, s.position, s.paragraph, s.text, s.start, s.\"end\""
                    " FROM json_each(:wanted) w JOIN sentences s ON s.source_id = json_extract(w.value, '$[0]')"
                    " AND s.position BETWEEN json_extract(w.value, '$[2]') - 16 AND json_extract(w.value, '$[2]') + 64"
                    " AND s.paragraph = json_extract(w.value, '$[1]')"
                    " ORDER BY s.source_id, s.position", {"wanted": wanted})).rows:
                near.setdefault(s["source_id"], {})[s["position"]] = dict(s)
        items = []
        for r in rows:
            around = [near[r["source_id"]][p] for p in sorted(near.get(r["source_id"], {}))
                      if r["sentence_position"] - 16 <= p <= r["sentence_position"] + 64
                      and near[r["source_id"]][p]["paragraph"] == r["paragraph"]]
            items.append(annotation(r, *context(around, r["start"], r["end"]), site, story_language))
        body = {"id": page_id(n), "type": "AnnotationPage", "startIndex": (n - 1) * PAGE_SIZE}
        if n > 1:
            body["prev"] = page_id(n - 1)
        if n < pages:
            body["next"] = page_id(n + 1)
        body["items"] = items
        return body

    if page is None:
        data = {"@context": ANNO_CONTEXT, "id": collection, "type": "AnnotationCollection", "label": label,
                "total": total}
        if total:
            data["first"] = await page_of(1)
            data["last"] = page_id(pages)
    else:
        data = {"@context": ANNO_CONTEXT, **await page_of(page),
                "partOf": {"id": collection, "type": "AnnotationCollection", "label": label, "total": total}}
    return Response(json.dumps(data, ensure_ascii=False), content_type=JSONLD,
                    headers={"access-control-allow-origin": "*"})


# --------------------------------------------------------------------------- both

def _site(datasette, request):
    """This site's absolute address as the request reached it: https://example.org (no trailing /), as
    a URI (a Host header may hold any characters)."""
    return uri(datasette.absolute_url(request, "/").rstrip("/"))


async def _database(datasette, request):
    await datasette.ensure_permissions(request.actor, [("view-table", (DATABASE, "facts")),
                                                       ("view-database", DATABASE), "view-instance"])
    return datasette.get_database(DATABASE)


def _guarded(view):
    """`view`, answering 404 when the database is not served and 400 for anything a parameter breaks."""
    async def guarded(datasette, request):
        if DATABASE not in datasette.databases:
            return _error(f"this site serves no database '{DATABASE}'", 404)
        try:
            return await view(datasette, request)
        except BadRequest as e:
            return _error(str(e), e.status)
        except QueryInterrupted:
            return _error("the export took longer than this server allows a query: ask for less"
                          " (a page, ?source=, ?from= and ?to=) or try again", 503)

    return guarded


@hookimpl
def register_routes():
    return [(r"^/export/timelinejs\.json$", _guarded(timelinejs)),
            (r"^/export/annotations\.jsonld$", _guarded(annotations))]
