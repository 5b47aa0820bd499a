"""A PDF (a court filing, a report) as a source: its text page by page, and what its pages say about it.

The text is read with pypdfium2 (PDFium's own text layer: the characters, where each sits, and the
hyphens it finds at line ends). Each page becomes paragraphs, one per line of the stored text, and
the pages are separated by a form feed (U+000C), a paragraph break to the build: a quote stays
within one page, as it stays within one paragraph.

- Lines are joined into paragraphs; a new paragraph starts after a wider gap than the page's usual
  line spacing, at an indented first line, or after a short line that ends a sentence.
- A word broken at a line end ("tempo-" / "rary") is joined ("temporary"); the hyphen is kept where
  the document writes the same word with a hyphen elsewhere ("well-known"), so a quote is found in
  the words as a reader reads them.
- Running headers and footers (a line at the top or bottom of most pages, digits aside: a court's
  filing stamp "Case 1:25-cv-00766 Document 2 Filed 03/15/25 Page 3 of 5", a page number) are taken
  off every page and named in the notes, so that they never cut a quote that runs across them. A
  court's filing stamp is recognised on a single page too.
- Each page's printed label is the PDF's own page label, else the page number printed alone at its
  top or bottom, else its position.

A court filing's stamp and first page give the court, the case name, the docket and document
numbers and the date filed (CourtListener's names), each with its evidence.
"""
from __future__ import annotations

import datetime
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from timeline.errors import SourceRefused

PAGE_BREAK = "\f"  # between the pages of the stored text
MIN_CHARACTERS = 40  # a PDF with fewer characters of text in all its pages has no text layer: it is pictures
COURT_FIELDS = ("court", "case_name", "docket_number", "document_number", "date_filed")
# "Case 1:25-cv-00766-JEB Document 2 Filed 03/15/25 Page 1 of 5", "USCA Case #25-5067 Document #2107893
# Filed: 03/26/2025 Page 1 of 92", "Case: 25-10534 Document: 12 Page: 3 Date Filed: 04/01/2025"
STAMP = re.compile(r"(?i)^(?:USCA\s+|Appellate\s+)?Case:?\s*#?\s*(?P<docket>[0-9][\w:.-]*)\s+(?:Document|Doc\.?|DktEntry)"
                   r"[:#\s]*(?P<document>[0-9]+(?:-[0-9]+)?)\b(?=.*\bPage:?\s*[0-9])")
FILED = re.compile(r"(?i)\bFiled:?\s*([0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4})")
PAGE_NUMBER = re.compile(r"(?i)^(?:page\s+)?[-\u2013\u2014(]?\s*(?P<n>[0-9]{1,4}|[ivxlcdm]{1,7})\s*[-\u2013\u2014)]?"
                         r"(?:\s+of\s+[0-9]{1,4})?$")
COURT = re.compile(r"(?i)^(?:in\s+the\s+)?(?P<court>united\s+states\s+(?:district\s+court|court\s+of\s+appeals|bankruptcy"
                   r"\s+court|court\s+of\s+(?:federal\s+claims|international\s+trade))|supreme\s+court\s+of\s+[\w ]{3,40}"
                   r"|[\w ]{2,40}\s+(?:superior|district|circuit|county|supreme)\s+court)(?:,?\s+(?:for|of)\s+the\s+[\w ]{3,60})?$")
DOCUMENT_KINDS = re.compile(r"(?i)^(?:[\w.,'-]+\s+){0,5}(?:order|opinion|memorandum|judgment|complaint|motion|notice"
                            r"|petition|brief|application|stipulation|ruling|decree|injunction|transcript|declaration)"
                            r"(?:\s+[\w.,'-]+){0,6}$")
JUDGE = re.compile(r"(?i)^(?:chief\s+|senior\s+)?(?:united\s+states\s+|u\.s\.\s+)?(?:district|circuit|magistrate"
                   r"|bankruptcy)\s+judge$")
SMALL = {"of", "the", "for", "and", "in", "on", "at", "to", "a", "an"}


@dataclass
class Document:
    """What a PDF gives: its pages' paragraphs, their labels, and metadata with the evidence for each."""

    pages: list[list[str]]  # each page's paragraphs
    labels: list[str]  # each page's printed label
    fields: dict[str, str | None] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # running headers and footers, as found (digits as #)

    @property
    def text(self) -> str:
        """The stored text: each page's paragraphs one per line, the pages separated by PAGE_BREAK."""
        return PAGE_BREAK.join("\n".join(p) for p in self.pages) + "\n"


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip(b"\x00\t\n\r ").startswith(b"%PDF-")


def read(data: bytes, name: str) -> Document:
    """Document for the PDF bytes `data` (`name` for messages); raises SourceRefused when it has no text
    to read (a scan: it needs OCR, which timeline does not do), is encrypted or damaged."""
    # pypdfium2 loads PDFium (a few MB): only a PDF being added needs it
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        if "password" in str(e).lower():
            raise SourceRefused(f"{name} is an encrypted PDF (it asks for a password): save an unprotected copy"
                                " (print it to PDF from a viewer that opens it) and add that") from None
        raise SourceRefused(f"{name} cannot be read as a PDF ({e}): it is damaged or not a PDF; download it"
                            " again") from None
    try:
        raw = [_lines(pdf[i]) for i in range(len(pdf))]
        labels = [_label(pdf, i) for i in range(len(pdf))]
        metadata = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    if not raw:
        raise SourceRefused(f"{name} is a PDF with no pages")
    if sum(len(text) for page in raw for text, *_ in page) < MIN_CHARACTERS:
        raise SourceRefused(f"{name} is a PDF without a text layer (its pages are pictures of text, a scan): it"
                            " needs OCR, which timeline does not do. Run OCR on it (for example ocrmypdf) and add"
                            " the result, or add the text as a .txt file")
    doc = Document([], [])
    stamps = _court_stamp(raw, doc)
    printed = _running_lines(raw, doc, stamps)
    words = _hyphenated_words(raw)
    for lines in raw:
        doc.pages.append(_paragraphs(lines, words))
    if not any(labels):
        labels = [printed.get(i) or str(i + 1) for i in range(len(raw))]
        if labels != [str(i + 1) for i in range(len(raw))]:
            doc.remarks.append("page labels: the page numbers printed on the pages")
    doc.labels = [label or str(i + 1) for i, label in enumerate(labels)]
    _metadata(doc, metadata)
    stamp_fields(doc, stamps)
    if doc.fields.get("date_filed") and not doc.fields.get("published"):
        doc.fields["published"] = doc.fields["date_filed"]
        doc.evidence["published"] = "the date filed (" + doc.evidence["date_filed"] + ")"
    if doc.fields.get("court") and not doc.fields.get("outlet"):
        doc.fields["outlet"] = doc.fields["court"]
        doc.evidence["outlet"] = "the court (" + doc.evidence["court"] + ")"
    return doc


# ---------------------------------------------------------------- lines and paragraphs

Line = tuple[str, float, float, float, float]  # (text, left, bottom, right, top) in points


def _lines(page: Any) -> list[Line]:
    """The page's lines as PDFium reads them, each with its box; a hyphen PDFium found at a line end
    is written U+00AD (joined later)."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        n = textpage.count_chars()
        boxes = [textpage.get_charbox(i) for i in range(n)] if len(text) == n else None
    finally:
        textpage.close()
        page.close()
    text = text.replace("\ufffe", "\u00ad").replace("\x02", "\u00ad")
    out: list[Line] = []
    start = 0
    for m in [*re.finditer(r"\r\n|\n|\r", text), None]:
        end = m.start() if m else len(text)
        line = text[start:end]
        if line.strip():
            box = [b for b in (boxes[start:end] if boxes else []) if b[2] > b[0] or b[3] > b[1]]
            if box:
                out.append((line, min(b[0] for b in box), min(b[1] for b in box), max(b[2] for b in box),
                            max(b[3] for b in box)))
            else:
                out.append((line, 0.0, 0.0, 0.0, 0.0))
        start = m.end() if m else len(text)
    return out


def _paragraphs(lines: list[Line], hyphenated: set[str]) -> list[str]:
    """The page's paragraphs from its lines (see the module's docstring)."""
    if not lines:
        return []
    heights = [top - bottom for _, _, bottom, _, top in lines if top > bottom]
    gaps = [lines[i][2] - lines[i + 1][4] for i in range(len(lines) - 1)
            if lines[i][4] > lines[i][2] and lines[i + 1][4] > lines[i + 1][2] and lines[i][2] > lines[i + 1][4]]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    height = statistics.median(heights) if heights else 0.0
    left = min((b[1] for b in lines if b[3] > b[1]), default=0.0)
    right = max((b[3] for b in lines), default=0.0)
    out: list[str] = []
    current = ""
    for i, (text, x0, bottom, x1, top) in enumerate(lines):
        text = " ".join(text.split())
        if not current:
            current = text
        else:
            current = _join(current, text, hyphenated)
        last = i == len(lines) - 1
        if last:
            break
        nxt = lines[i + 1]
        gap = bottom - nxt[4]
        wide = height > 0 and gap > usual_gap + max(0.5 * height, 2.0)
        ends = re.search(r"[.:;!?\u201d\")\]]$", text) is not None
        short = right > left and x1 < right - 0.15 * (right - left)
        indented = height > 0 and nxt[1] > left + 1.5 * height and x0 <= left + 1.5 * height
        heading = text.isupper() and len(text.split()) <= 12
        if wide or ends and (short or indented) or heading and not nxt[0].strip().isupper() or gap < -height:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return [_hyphens(p, hyphenated) for p in out if p.strip()]


def _join(before: str, after: str, hyphenated: set[str]) -> str:
    """Two lines of one paragraph: a word broken with a hyphen at the end of the first is joined."""
    m = re.search(r"(\w+)-$", before)
    if m and re.match(r"[a-z]", after):
        return before + "\u00ad" + after  # decided by _hyphens, with PDFium's own
    return before + " " + after


def _hyphens(paragraph: str, hyphenated: set[str]) -> str:
    """Each hyphen at a former line end (U+00AD here): kept where the document writes the word with a
    hyphen elsewhere, else dropped ('tempo-rary' -> 'temporary')."""
    def joined(m: re.Match[str]) -> str:
        word = f"{m[1]}-{m[2]}"
        return word if word.casefold() in hyphenated else m[1] + m[2]
    paragraph = re.sub(r"(\w+)-?\u00ad(\w+)", joined, paragraph)
    return paragraph.replace("\u00ad", "")


def _hyphenated_words(raw: list[list[Line]]) -> set[str]:
    """Words the document writes with a hyphen inside a line ('well-known'), folded."""
    return {m[0].casefold() for page in raw for text, *_ in page for m in re.finditer(r"\w+-\w+", text)}


# ---------------------------------------------------------------- headers, footers, labels

def _shape(text: str) -> str:
    return re.sub(r"[0-9]+", "#", " ".join(text.split())).casefold()


def _court_stamp(raw: list[list[Line]], doc: Document) -> dict[int, re.Match[str]]:
    """{page index: the court's filing stamp on it}; the stamps are taken off the pages."""
    stamps: dict[int, re.Match[str]] = {}
    for i, lines in enumerate(raw):
        for j in [*range(min(2, len(lines))), *range(max(len(lines) - 2, 0), len(lines))]:
            m = STAMP.match(" ".join(lines[j][0].split()))  # .string: the whole stamp
            if m and i not in stamps:
                stamps[i] = m
                del lines[j]
                break
    if stamps:
        first = stamps[min(stamps)]
        doc.removed.append(_shape(first.string))
    return stamps


def _running_lines(raw: list[list[Line]], doc: Document, stamps: dict[int, re.Match[str]]) -> dict[int, str]:
    """Take the lines repeated at the top or bottom of most pages off every page; {page index: its
    printed number} from page-number lines."""
    printed: dict[int, str] = {}  # (a stamp's "Page 3 of 5" is the page's position, not a printed label)
    for i, lines in enumerate(raw):
        for j in sorted({*range(min(2, len(lines))), *range(max(len(lines) - 2, 0), len(lines))}, reverse=True):
            m = PAGE_NUMBER.match(" ".join(lines[j][0].split()))
            if m and (len(raw) > 1 or j == len(lines) - 1):
                printed.setdefault(i, m["n"])
                del lines[j]
                if "page number" not in doc.removed:
                    doc.removed.append("page number")
                break
    for _ in range(2) if len(raw) >= 2 else ():  # a header of two lines: the second is first once the first is off
        counted: Counter[str] = Counter()
        for lines in raw:
            counted.update({_shape(t) for t, *_ in lines[:1] + lines[-1:] if len(t.split()) <= 15})
        running = {s for s, n in counted.items() if n >= 2 and n >= len(raw) / 2
                   and not re.fullmatch(r"[\W#]*(?:page\s*)?#(?:\s*of\s*#)?[\W#]*", s)}
        for lines in raw:
            for j in sorted({0, len(lines) - 1} if lines else (), reverse=True):
                if _shape(lines[j][0]) in running:
                    del lines[j]
        doc.removed += sorted(running)
    return printed


def _label(pdf: Any, i: int) -> str:
    try:
        return str(pdf.get_page_label(i) or "")
    except Exception:  # noqa: BLE001 - a broken label table: the pages keep their positions
        return ""


# ---------------------------------------------------------------- metadata

def _metadata(doc: Document, metadata: dict[str, str]) -> None:
    fields: dict[str, str | None] = dict.fromkeys(("outlet", "title", "author", "published", "url", *COURT_FIELDS))
    evidence: dict[str, str] = {}
    first = doc.pages[0] if doc.pages else []
    for paragraph in first[:12]:
        m = COURT.match(paragraph)
        if m and not fields["court"]:
            fields["court"] = _title_case(paragraph)
            evidence["court"] = f'the first page\'s caption "{_clip(paragraph)}"'
    for paragraph in first[:30]:
        text = paragraph.strip()
        if DOCUMENT_KINDS.match(text) and text.upper() == text and not fields["title"]:
            fields["title"] = _title_case(text)
            evidence["title"] = f'the document\'s heading "{_clip(text)}"'
        if not fields["case_name"]:
            m = re.search(r"^(?P<a>.{2,120}?)\s+v(?:s)?\.\s+(?P<b>.{2,120})$", text)
            if m:
                fields["case_name"] = f"{_party(m['a'])} v. {_party(m['b'])}"
                evidence["case_name"] = f'the first page\'s caption "{_clip(text)}"'
    title = (metadata.get("Title") or "").strip()
    title = re.sub(r"(?i)^microsoft (?:word|powerpoint) - |\.(?:docx?|wpd|pdf)$", "", title).strip()
    if title and not fields["title"] and len(title.split()) >= 1 and not re.fullmatch(r"[\w-]+\.\w{2,4}", title):
        fields["title"] = title
        evidence["title"] = "the PDF's Title (its document information)"
    for page in doc.pages[-2:]:
        for k, paragraph in enumerate(page):
            if JUDGE.match(paragraph.strip(" ,")) and k and not fields["author"] and len(page[k - 1]) <= 60:
                name = re.sub(r"(?i)^(?:/s/\s*|s/\s*|hon\.\s*|the\s+honorable\s+)", "", page[k - 1]).strip(" ,")
                fields["author"] = _title_case(name)
                evidence["author"] = f'the signature "{_clip(page[k - 1] + " / " + paragraph)}"'
    doc.fields, doc.evidence = fields, evidence


def court_fields_from_stamp(stamp: re.Match[str]) -> dict[str, str]:
    """{field: value} of a court's filing stamp: docket and document numbers, the date filed."""
    out = {"docket_number": re.sub(r"-[A-Z]{2,4}$", "", stamp["docket"]), "document_number": stamp["document"]}
    filed = FILED.search(stamp.string)
    if filed:
        month, day, year = (int(x) for x in filed[1].split("/"))
        year += 2000 if year < 100 else 0
        try:
            out["date_filed"] = datetime.date(year, month, day).isoformat()
        except ValueError:
            pass
    return out


def stamp_fields(data_doc: Document, stamps: dict[int, re.Match[str]]) -> None:
    """Fill the court fields a stamp gives (see court_fields_from_stamp), with their evidence."""
    if not stamps:
        return
    stamp = stamps[min(stamps)]
    for key, value in court_fields_from_stamp(stamp).items():
        data_doc.fields[key] = value
        data_doc.evidence[key] = f'the court\'s filing stamp "{_clip(stamp.string)}"'


def _party(text: str) -> str:
    text = re.sub(r"(?i),?\s*(?:et\s+al\.?|plaintiffs?|defendants?|petitioners?|respondents?|appellants?|appellees?)"
                  r"[,.;]?", "", text).strip(" ,;")
    return _title_case(text) if text.isupper() else text


def _title_case(text: str) -> str:
    if text.upper() != text:
        return " ".join(text.split())
    words = " ".join(text.split()).split()
    return " ".join(w if "." in w[:-1] else w.lower() if i and w.lower() in SMALL else w[:1] + w[1:].lower()
                    for i, w in enumerate(words))


def _clip(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."
