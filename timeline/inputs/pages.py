"""The pages of a PDF source: where each starts in its text, its printed label, and a citation's page.

A PDF's text is stored page by page, the pages separated by a form feed (PAGE_BREAK), which is a
paragraph break: a quote lies within one page. A page is known by its position (1, 2, ...) and by
the label printed on it (`page_labels` in sources.yaml: "i", "ii", "1"...; by default its position).
"""
from __future__ import annotations

import bisect
import re

from timeline.errors import QuoteProblem
from timeline.records import Source
from timeline.text import quotes

PAGE_BREAK = "\f"
PDF = re.compile(r"(?i)\.pdf$")


def is_paged(source: Source) -> bool:
    """True for a source whose original is a PDF: its text is read page by page."""
    return bool(source.original and PDF.search(source.original))


def starts(text: str) -> list[int]:
    """The offset at which each page of `text` starts."""
    out = [0]
    at = text.find(PAGE_BREAK)
    while at >= 0:
        out.append(at + 1)
        at = text.find(PAGE_BREAK, at + 1)
    return out


def labels(source: Source) -> list[str]:
    """Each page's printed label (sources.yaml's page_labels, else the page's position)."""
    n = len(source.pages or ())
    return list(source.page_labels) if source.page_labels and len(source.page_labels) == n else \
        [str(i) for i in range(1, n + 1)]


def locate(source: Source, offset: int) -> tuple[int, str] | tuple[None, None]:
    """(page position, 1-based; its label) of the character at `offset`, or (None, None) for a source
    without pages."""
    if not source.pages:
        return None, None
    i = bisect.bisect_right(source.pages, offset)
    return i, labels(source)[i - 1]


def check_page(source: Source, label: str, start: int) -> None:
    """A citation's `page:` must be a label of the source's pages and the page where its quote is;
    raises QuoteProblem (bad-page, quote-not-on-page) saying what to write."""
    if not source.pages:
        raise QuoteProblem("bad-page", f"page: '{label}': source '{source.id}' has no pages (only a PDF source"
                                       " does): remove page")
    known = labels(source)
    if label not in known:
        shown = ", ".join(known[:8]) + (f" ... {known[-1]}" if len(known) > 8 else "")
        raise QuoteProblem("bad-page", f"page: '{label}' is not a page of source '{source.id}'; its pages are"
                                       f" labelled {shown}")
    position, found = locate(source, start)
    if found != label:
        raise QuoteProblem("quote-not-on-page", f"the quote is on page {found} (page {position} of"
                                                f" {len(known)}), not on page {label}: write page: '{found}'")


def find(source: Source, quote: str, occurrence: int | None, label: str | None) -> quotes.Match:
    """The quote placed in the source (text/quotes.find); with a page `label`, it must be on that page,
    and a quote that occurs more than once is the one on that page (when there is only one there)."""
    try:
        match = quotes.find(source.text, quote, occurrence)
    except QuoteProblem as e:
        if e.code != "quote-ambiguous" or label is None or occurrence is not None or not source.pages:
            raise
        on_page = []
        for n in range(1, 1000):
            try:
                m = quotes.find(source.text, quote, n)
            except QuoteProblem:
                break
            if locate(source, m.start)[1] == label:
                on_page.append(m)
        if len(on_page) != 1:
            raise
        match = on_page[0]
    if label is not None:
        check_page(source, label, match.start)
    return match
