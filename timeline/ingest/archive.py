"""Web archives: the HTML responses inside a WARC file, and a URL fetched and archived as one.

A WARC (ISO 28500: Webrecorder, browsertrix, the Internet Archive, wget --warc-file) holds records;
the ones that matter here are `response` records whose HTTP status is 200 and whose Content-Type is
HTML, each with the archived address (WARC-Target-URI) and the capture time (WARC-Date).

A URL is fetched with httpx (redirects followed, at most MAX_REDIRECTS) and written as a gzipped WARC
by warcio: a `request` and a `response` record per hop, the response holding the status line, the
headers and the body as received (the body is asked for without compression; if the server
compresses it anyway, the compressed bytes are kept with their Content-Encoding header). The one
change: h11 undoes chunked transfer coding, so a Transfer-Encoding header is left out.
"""
from __future__ import annotations

import datetime
import gzip
import io
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from timeline.errors import ArchiveError

if TYPE_CHECKING:
    import httpx

MAX_BYTES = 50 * 1024 * 1024  # an original larger than this is refused (a page's HTML is rarely 5 MB)
MAX_REDIRECTS = 5
TIMEOUT = 20.0
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "timeline-add-source/1 (archives one article for a fact database; +https://pypi.org/project/timeline/)"


@dataclass
class Response:
    """One archived HTML response."""

    url: str  # WARC-Target-URI
    date: str  # WARC-Date, ISO 8601 in UTC
    body: bytes  # the HTTP payload, content coding undone
    charset: str | None = None  # from the Content-Type header


def is_warc(data: bytes) -> bool:
    """True when the bytes are a WARC file, plain or gzipped."""
    if data.startswith(b"WARC/"):
        return True
    if data.startswith(b"\x1f\x8b"):

        try:
            return zlib.decompressobj(31).decompress(data[:65536], 16).startswith(b"WARC/")
        except (zlib.error, gzip.BadGzipFile):
            return False
    return False


def html_responses(data: bytes) -> tuple[list[Response], int]:
    """([Response], number of records) for the HTML responses (status 200) in the WARC bytes `data`."""
    # warcio, httpx: loaded when a WARC or a URL is added, not by every command that imports this stage
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found, records = [], 0
    try:
        for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
            records += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            kind = (record.http_headers.get_header("Content-Type") or "").lower()
            if status != "200" or not kind.split(";")[0].strip() in HTML_TYPES:
                continue
            charset = None
            for part in kind.split(";")[1:]:
                key, _, value = part.partition("=")
                if key.strip() == "charset":
                    charset = value.strip().strip("\"'") or None
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            body = record.content_stream().read(MAX_BYTES + 1)
            record.raw_stream.read()  # to the end of the block, so that its digest is checked
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length
                raise ArchiveError(f"the record of {url} is cut short ({record.raw_stream.limit} bytes are"
                                   " missing): the file is truncated; archive the page again")
            if record.digest_checker.passed is False:
                raise ArchiveError(f"the record of {url} is damaged: its digest does not match its content"
                                   " (a truncated or altered file); archive the page again")
            found.append(Response(url=url, date=record.rec_headers.get_header("WARC-Date") or "", body=body,
                                  charset=charset))
    except ArchiveError:
        raise
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as e:
        raise ArchiveError(f"it is not a readable WARC file ({_first_line(e)})") from None
    except Exception as e:  # noqa: BLE001 - warcio fails in its own ways on malformed input: never a traceback
        raise ArchiveError(f"it is not a readable WARC file ({type(e).__name__}: {_first_line(e)})") from None
    return found, records


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:160]


def fetch(url: str, timeout: float = TIMEOUT, now: datetime.datetime | None = None) -> tuple[bytes, str, str]:
    """(WARC bytes, final address, capture time) for `url`; raises ArchiveError with one clear line."""
    import httpx  # 80 ms to load: only a URL needs it

    if not url.lower().startswith(("http://", "https://")):
        raise ArchiveError(f"'{url}' is not a web address: give one starting with http:// or https://")
    captured = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
               "Accept-Encoding": "identity"}
    try:
        with httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout,
                          headers=headers) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise ArchiveError(f"{response.url} answered {response.status_code}"
                                       f" {response.reason_phrase}: nothing was fetched (check the address,"
                                       " or save the page from your browser and add the file)")
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if kind not in HTML_TYPES:
                    raise ArchiveError(f"{response.url} is {kind or 'of no stated type'}, not an HTML page:"
                                       " add the article as a saved HTML page or a text file")
                body = bytearray()
                for chunk in response.iter_raw():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise ArchiveError(f"{response.url} sends more than {MAX_BYTES // 2**20} MB: that is not"
                                           " one article page")
                hops = response.history + [response]
                warc = _warc(hops, bytes(body), captured)
                return warc, str(response.url), captured
    except httpx.TimeoutException:
        raise ArchiveError(f"{url} did not answer within {timeout:g} s: try again, or save the page from your"
                           " browser and add the file") from None
    except httpx.TooManyRedirects:
        raise ArchiveError(f"{url} redirects more than {MAX_REDIRECTS} times: give the article's own address")
    except httpx.HTTPError as e:
        raise ArchiveError(f"could not fetch {url}: {_first_line(e)}") from None


def _warc(hops: list[httpx.Response], body: bytes, captured: str) -> bytes:
    # warcio: only a URL being archived needs it
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for n, hop in enumerate(hops):
        payload = body if n == len(hops) - 1 else hop.content
        request = hop.request
        request_headers = StatusAndHeaders(f"GET {request.url.raw_path.decode('ascii')} HTTP/1.1",
                                           [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
                                           is_http_request=True)
        dated = {"WARC-Date": captured}
        writer.write_record(writer.create_warc_record(str(request.url), "request", http_headers=request_headers,
                                                      warc_headers_dict=dated))
        response_headers = StatusAndHeaders(
            f"{hop.status_code} {hop.reason_phrase}",
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in hop.headers.raw
             if k.lower() != b"transfer-encoding"],
            protocol=hop.http_version or "HTTP/1.1")
        writer.write_record(writer.create_warc_record(str(request.url), "response", payload=io.BytesIO(payload),
                                                      length=len(payload), http_headers=response_headers,
                                                      warc_headers_dict=dated))
    return out.getvalue()
