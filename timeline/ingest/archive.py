"""Web archives: the pages (HTML) and PDFs inside a WARC file, and a URL fetched and archived as one.

A WARC (ISO 28500: Webrecorder, browsertrix, the Internet Archive, wget --warc-file) holds records;
the ones that matter here are `response` records whose HTTP status is 200 and whose Content-Type is
HTML, or PDF (a court filing: application/pdf, or a body that starts as a PDF does under a type that
says nothing, application/octet-stream), each with the archived address (WARC-Target-URI) and the
capture time (WARC-Date).

A URL is fetched with httpx (redirects followed here, at most MAX_REDIRECTS, every body bounded as
received and as decompressed, the whole fetch within TIMEOUT, private addresses refused by the address
connected to unless the curator allows them) and written as a gzipped WARC
by warcio: a `request` and a `response` record per hop, the response holding the status line, the
headers and the body as received (the body is asked for without compression; if the server
compresses it anyway, the compressed bytes are kept with their Content-Encoding header). The one
change: h11 undoes chunked transfer coding, so a Transfer-Encoding header is left out.
"""
from __future__ import annotations

import contextlib
import datetime
import gzip
import io
import ipaddress
import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from timeline.errors import ArchiveError
from timeline.ingest import pdf

MAX_BYTES = 50 * 1024 * 1024  # an original larger than this is refused (a page's HTML is rarely 5 MB)
MAX_WARC_BYTES = 10 * MAX_BYTES  # a WARC, decompressed: a page with its images and scripts is far less
MAX_REDIRECT_BYTES = 1024 * 1024  # a redirect's body, as received and decompressed (most are empty)
MAX_REDIRECTS = 5
TIMEOUT = 20.0  # seconds for the whole fetch: every hop, every read
HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf", "application/x-pdf")
UNSAID_TYPES = ("", "application/octet-stream", "binary/octet-stream", "application/download",
                "application/force-download")  # what servers send a PDF as when they say nothing: sniffed
USER_AGENT = "timeline-add-source/1 (archives one article for a fact database; +https://pypi.org/project/timeline/)"


@dataclass
class Response:
    """One archived HTML or PDF response."""

    url: str  # WARC-Target-URI
    date: str  # WARC-Date, ISO 8601 in UTC
    body: bytes  # the HTTP payload, content coding undone
    charset: str | None = None  # from the Content-Type header
    kind: str = "html"  # or "pdf"


def document_kind(content_type: str, head: bytes) -> str | None:
    """'html' or 'pdf' for a response's Content-Type and the first bytes of its body, None for anything else."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in HTML_TYPES:
        return "html"
    if kind in PDF_TYPES or kind in UNSAID_TYPES and pdf.is_pdf(head):
        return "pdf"
    return None


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


class _Inflated(io.RawIOBase):
    """The WARC bytes `data` as warcio reads them, gzip members inflated here a bounded piece at a time:
    refused (ArchiveError) once more than `limit` bytes come out in all, or a run of more than `run`
    bytes without a line break (warcio reads a header line whole, and in time quadratic in its length:
    a record of a gigabyte of zeros gzipped to a megabyte has such a run; real headers, text and media
    have line breaks every few hundred bytes)."""

    def __init__(self, data: bytes, limit: int, run: int):
        self.data, self.at, self.limit, self.run = data, 0, limit, run
        self.inflate = zlib.decompressobj(31) if data.startswith(b"\x1f\x8b") else None
        self.tail, self.total, self.since_line = b"", 0, 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.total

    def readinto(self, buffer: Any) -> int:
        chunk = self._next(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)

    def _next(self, size: int) -> bytes:
        chunk = b""
        while not chunk:
            if self.inflate is None:
                chunk = self.data[self.at:self.at + size]
                self.at += len(chunk)
                break
            if self.inflate.eof:  # the next gzip member (a WARC.gz has one a record)
                if not self.inflate.unused_data and self.at >= len(self.data):
                    return b""
                self.tail, self.inflate = self.inflate.unused_data, zlib.decompressobj(31)
            given = self.tail or self.data[self.at:self.at + 65536]
            if not self.tail:
                self.at += len(given)
            if not given:
                return b""  # a truncated member: warcio says what is missing
            try:
                chunk = self.inflate.decompress(given, size)
            except zlib.error as e:
                raise ArchiveError(f"it is not a readable WARC file (damaged gzip data: {e})") from None
            self.tail = self.inflate.unconsumed_tail
        self.total += len(chunk)
        line_end = chunk.rfind(b"\n")
        self.since_line = len(chunk) - line_end - 1 if line_end >= 0 else self.since_line + len(chunk)
        if self.total > self.limit:
            raise ArchiveError(f"it holds more than {self.limit / 2**20:g} MB once decompressed: archive the article"
                               " page alone")
        if self.since_line > self.run:
            raise ArchiveError(f"it has a run of more than {self.run / 2**20:g} MB without a line break, which no"
                               " page has (a damaged or hostile file): archive the page again")
        return chunk


def html_responses(data: bytes) -> tuple[list[Response], int]:
    """([Response], number of records) for the HTML responses (status 200) in the WARC bytes `data`."""
    found, records = responses(data)
    return [r for r in found if r.kind == "html"], records


def responses(data: bytes) -> tuple[list[Response], int]:
    """([Response], number of records) for the HTML and PDF responses (status 200) in the WARC bytes `data`.

    Read as a stream, never a record at a time in memory: at most MAX_WARC_BYTES decompressed in all, a
    page or PDF of at most MAX_BYTES, everything else read through in pieces (its digest checked)."""
    # warcio, httpx: loaded when a WARC or a URL is added, not by every command that imports this stage
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found, records = [], 0
    try:
        stream = io.BufferedReader(_Inflated(data, MAX_WARC_BYTES, MAX_BYTES // 2), 65536)
        for record in ArchiveIterator(stream, check_digests=True):
            records += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            kind = (record.http_headers.get_header("Content-Type") or "").lower()
            if status != "200":
                continue
            stream = record.content_stream()
            head = stream.read(1024) if kind.split(";")[0].strip() in UNSAID_TYPES else b""
            document = document_kind(kind, head)
            if document is None:
                continue
            charset = None
            for part in kind.split(";")[1:]:
                key, _, value = part.partition("=")
                if key.strip() == "charset":
                    charset = value.strip().strip("\"'") or None
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            body = head + stream.read(MAX_BYTES + 1 - len(head))
            if len(body) > MAX_BYTES:
                what = "page" if document == "html" else "PDF"
                raise ArchiveError(f"the {what} {url} in it is over {MAX_BYTES // 2**20} MB, which no article {what} is:"
                                   " archive the article alone")
            while record.raw_stream.read(1 << 20):  # to the end of the block, so that its digest is checked
                pass
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length
                raise ArchiveError(f"the record of {url} is cut short ({record.raw_stream.limit} bytes are"
                                   " missing): the file is truncated; archive the page again")
            if record.digest_checker.passed is False:
                raise ArchiveError(f"the record of {url} is damaged: its digest does not match its content"
                                   " (a truncated or altered file); archive the page again")
            found.append(Response(url=url, date=record.rec_headers.get_header("WARC-Date") or "", body=body,
                                  charset=charset, kind=document))
    except ArchiveError:
        raise
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as e:
        raise ArchiveError(f"it is not a readable WARC file ({_first_line(e)})") from None
    except Exception as e:  # noqa: BLE001 - warcio fails in its own ways on malformed input: never a traceback
        raise ArchiveError(f"it is not a readable WARC file ({type(e).__name__}: {_first_line(e)})") from None
    return found, records


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:160]


def public_address(address: str) -> bool:
    """True when `address` (an IP address) is on the public internet: not loopback, private (10/8,
    172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, where cloud metadata services answer),
    shared, reserved, multicast or unspecified; an IPv4 address written in IPv6 is judged as IPv4."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _refusal(host: str, address: str) -> str:
    ip = ipaddress.ip_address(address.split("%")[0])
    kind = ("a loopback address (this machine)" if ip.is_loopback else
            "a link-local address (where cloud metadata services answer)" if ip.is_link_local else
            "a private address (a local network)" if ip.is_private else "not a public address")
    name = address if host == address else f"{host} ({address})"
    return (f"{name} is {kind}: add-source fetches only public addresses; if you mean to archive a page"
            " of your own network, give --allow-private-addresses")


class _Fetching:
    """What one fetch connects to: every address is checked as it is connected to (after the name is
    resolved, so a name that resolves to a private address is refused too, and a redirect to one), and
    every socket is shut at the deadline, whatever it is waiting for (a server sending a byte every
    few seconds never runs into a per-read timeout)."""

    def __init__(self, allow_private: bool, deadline: float):
        self.allow_private = allow_private
        self.deadline = deadline
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.expired = False

    def connect(self, connect_tcp: Callable[..., Any], host: str, port: int, timeout: float | None,
                **options: Any) -> Any:
        refused = None
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as e:
            raise ArchiveError(f"could not find {host}: {_first_line(e)}") from None
        for *_, sockaddr in found:
            address = str(sockaddr[0])
            if not self.allow_private and not public_address(address):
                refused = refused or _refusal(host, address)
                continue
            left = self.deadline - time.monotonic()
            stream = connect_tcp(address, port, max(0.01, min(timeout or left, left)), **options)
            connected = stream.get_extra_info("socket")
            peer = connected.getpeername()[0] if connected is not None else address
            if not self.allow_private and not public_address(peer):  # the address actually connected to
                stream.close()
                raise ArchiveError(_refusal(host, peer))
            with self.lock:
                if connected is not None:
                    self.sockets.append(connected)
                if self.expired:
                    self.expire()
            return stream
        raise ArchiveError(refused or f"could not find {host}")

    def expire(self) -> None:
        """Shut every socket of this fetch: a read blocked on one returns at once."""
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _transport(fetching: _Fetching) -> Any:
    """An httpx transport whose connections are made through `fetching` (checked, shut at the deadline)."""
    import httpcore  # with httpx: only a URL needs it
    import httpx

    class Backend(httpcore.SyncBackend):
        def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                        socket_options: Any = None) -> Any:
            return fetching.connect(super().connect_tcp, host, port, timeout, local_address=local_address,
                                    socket_options=socket_options)

    transport = httpx.HTTPTransport()
    # httpx builds its connection pool without a way to name its network backend: the same pool, with ours
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=Backend())
    return transport


def _decoder(encoding: str, url: object) -> Any:
    """A zlib decompressor for a Content-Encoding (None for none); one that cannot be checked is refused."""
    codings = [c.strip() for c in encoding.lower().split(",") if c.strip() and c.strip() != "identity"]
    if not codings:
        return None
    if codings in (["gzip"], ["x-gzip"]):
        return zlib.decompressobj(31)
    if codings == ["deflate"]:
        return zlib.decompressobj()
    raise ArchiveError(f"{url} sends its page encoded as '{encoding}', which add-source cannot check: save the page"
                       " from your browser and add the file")


def _body(response: Any, limit: int, what: str) -> bytes:
    """The raw body of `response` (as received, content coding kept), read a chunk at a time: refused as
    soon as it, or what it decompresses to, is over `limit` bytes (a gzip bomb is never inflated)."""
    decoder = _decoder(response.headers.get("content-encoding", ""), response.url)
    body, decoded = bytearray(), 0
    for chunk in response.iter_raw(65536):
        body += chunk
        if len(body) > limit:
            raise ArchiveError(f"{response.url} sends more than {limit / 2**20:g} MB {what}: that is not one article"
                               " page")
        if decoder is None:
            continue
        data = chunk
        while data:
            try:
                out = decoder.decompress(data, limit - decoded + 1)
            except zlib.error as e:
                raise ArchiveError(f"{response.url} sends a damaged compressed body ({e})") from None
            decoded += len(out)
            if decoded > limit:
                raise ArchiveError(f"{response.url} sends what decompresses to more than {limit / 2**20:g} MB {what}:"
                                   " that is not one article page")
            data = decoder.unconsumed_tail
            if decoder.eof and decoder.unused_data:  # a second gzip member
                data, decoder = decoder.unused_data, _decoder(response.headers.get("content-encoding", ""), "")
    return bytes(body)


def _decoded_head(body: bytes, encoding: str) -> bytes:
    """The first kilobyte of a body as sent (content coding undone, already bounded by _body)."""
    decoder = _decoder(encoding, "")
    if decoder is None:
        return body[:1024]
    try:
        return bytes(decoder.decompress(body, 1024))
    except zlib.error:
        return b""


def fetch(url: str, timeout: float = TIMEOUT, now: datetime.datetime | None = None,
          allow_private: bool = False) -> tuple[bytes, str, str]:
    """(WARC bytes, final address, capture time) for `url`, an HTML page or a PDF; raises ArchiveError with
    one clear line.

    Redirects are followed here (at most MAX_REDIRECTS), each to an http(s) address only; every body, a
    redirect's included, is bounded as received and as decompressed (MAX_BYTES for the page,
    MAX_REDIRECT_BYTES for a redirect); the whole fetch has `timeout` seconds, all hops and reads together;
    and loopback, private and link-local addresses are refused unless `allow_private`, by the address
    actually connected to. A proxy named in the environment is not used (it would hide that address)."""
    import httpx  # 80 ms to load: only a URL needs it

    if not url.lower().startswith(("http://", "https://")):
        raise ArchiveError(f"'{url}' is not a web address: give one starting with http:// or https://")
    captured = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.1",
               "Accept-Encoding": "identity"}
    fetching = _Fetching(allow_private, time.monotonic() + timeout)
    timer = threading.Timer(timeout, fetching.expire)
    timer.daemon = True
    timer.start()
    hops: list[tuple[Any, bytes]] = []
    current = url
    transport = _transport(fetching)
    try:
        # The transport is asked directly, one hop at a time: the client's own redirect handling reads a
        # redirect's body whole, and fails with a traceback on a Location that is not a web address.
        with httpx.Client(transport=transport, trust_env=False, timeout=timeout, headers=headers) as client:
            for _ in range(MAX_REDIRECTS + 1):
                left = fetching.deadline - time.monotonic()
                if left <= 0:
                    raise httpx.ReadTimeout("the deadline passed")
                request = client.build_request("GET", current, timeout=left)
                response = transport.handle_request(request)
                response.request = request
                with contextlib.closing(response):
                    location = response.headers.get("location") if response.is_redirect else None
                    if location is None:
                        if response.status_code >= 400 or response.is_redirect:
                            raise ArchiveError(f"{response.url} answered {response.status_code}"
                                               f" {response.reason_phrase}: nothing was fetched (check the address,"
                                               " or save the page from your browser and add the file)")
                        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                        if kind not in HTML_TYPES + PDF_TYPES + UNSAID_TYPES:
                            raise ArchiveError(f"{response.url} is {kind or 'of no stated type'}, not an HTML page or a"
                                               " PDF: add the article as a saved HTML page or a text file")
                        body = _body(response, MAX_BYTES, "")
                        if document_kind(kind, _decoded_head(body, response.headers.get("content-encoding", ""))) \
                                is None:
                            raise ArchiveError(f"{response.url} is {kind or 'of no stated type'} and not a PDF: add the"
                                               " article as a saved HTML page, a PDF or a text file")
                        hops.append((response, body))
                        return _warc(hops, captured), str(response.url), captured
                    hops.append((response, _body(response, MAX_REDIRECT_BYTES, "with a redirect")))
                    current = urljoin(str(response.url), location.strip())
                    if not current.lower().startswith(("http://", "https://")):
                        raise ArchiveError(f"{response.url} redirects to '{_first_line(ValueError(location))[:80]}',"
                                           " which is not a web address: give the article's own address")
            raise ArchiveError(f"{url} redirects more than {MAX_REDIRECTS} times: give the article's own address")
    except (httpx.TimeoutException, httpx.TransportError, httpx.StreamError):
        if fetching.expired or time.monotonic() >= fetching.deadline:
            raise ArchiveError(f"{url} did not answer within {timeout:g} s (the whole fetch, every redirect and read): try again, or save the page from"
                               " your browser and add the file") from None
        raise ArchiveError(f"could not fetch {current}: {_first_line(sys.exc_info()[1] or ValueError())}") from None
    except httpx.HTTPError as e:
        raise ArchiveError(f"could not fetch {current}: {_first_line(e)}") from None
    finally:
        timer.cancel()


def _warc(hops: list[tuple[Any, bytes]], captured: str) -> bytes:
    """A gzipped WARC of the hops: a `request` and a `response` record each, bodies as received."""
    # warcio: only a URL being archived needs it
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for hop, payload in hops:
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
