"""Wire credits: which news agency's copy an article is, from the page and its text, proposed as `based_on`.

Only the places and shapes in which an outlet credits an agency count, never the agency's name
anywhere in the text (an article about Reuters, or quoting "Reuters reported", is not Reuters copy):

- a dateline opening one of the first paragraphs: "WASHINGTON (AP) -", "MIAMI, March 26 (Reuters) -";
- a credit line among the last paragraphs or the furniture taken off the text: "The Associated Press
  contributed to this report", "With AP input", "(With reporting by Reuters)", "- AFP", a copyright
  line naming the agency;
- the byline or author naming the agency ("By The Associated Press", "Jane Roe | Reuters");
- JSON-LD `isBasedOn` or `sourceOrganization` naming the agency or pointing at its site.

The first of these found is proposed; the others that agree are named in the evidence, and another
agency credited too is noted for the curator, who decides (`--based-on`, or edit sources.yaml).
"""
from __future__ import annotations

import re
from typing import Any

# {canonical name: the ways pages write it}; the abbreviations are matched with their case.
AGENCIES = {
    "AP": ("The Associated Press", "Associated Press", "AP"),
    "Reuters": ("Thomson Reuters", "Reuters"),
    "AFP": ("Agence France-Presse", "Agence France Presse", "AFP"),
    "Bloomberg": ("Bloomberg News", "Bloomberg"),
    "dpa": ("Deutsche Presse-Agentur", "dpa"),
    "EFE": ("Agencia EFE", "EFE"),
    "UPI": ("United Press International", "UPI"),
    "PA Media": ("PA Media", "Press Association"),
    "ANSA": ("ANSA",),
    "Kyodo": ("Kyodo News", "Kyodo"),
    "Xinhua": ("Xinhua News Agency", "Xinhua"),
    "The Canadian Press": ("The Canadian Press", "Canadian Press"),
    "AAP": ("Australian Associated Press", "AAP"),
    "PTI": ("Press Trust of India", "PTI"),
}
SITES = {"apnews.com": "AP", "ap.org": "AP", "reuters.com": "Reuters", "afp.com": "AFP", "bloomberg.com": "Bloomberg",
         "dpa.com": "dpa", "efe.com": "EFE", "upi.com": "UPI"}
_NAMES = sorted(((w, name) for name, ways in AGENCIES.items() for w in ways), key=lambda p: -len(p[0]))
_ANY = r"(?<![\w-])(?:" + "|".join(re.escape(w) for w, _ in _NAMES) + r")(?![\w-])"
# "WASHINGTON (AP) -", "MIAMI, March 26 (Reuters) -", "(AFP) -": at the start of a paragraph, then a dash
DATELINE = re.compile(rf"^(?:[^()\n]{{0,60}}?\s)?\((?P<wire>{_ANY})\)\s*(?:[-\u2013\u2014:]|--)", re.UNICODE)
CREDIT_LINES = (
    re.compile(rf"(?P<wire>{_ANY})\b(?:[^.\n]{{0,80}}?)\bcontributed\b"),  # "The AP contributed to this report"
    re.compile(rf"^\(?\s*with\s+(?:(?:additional\s+)?(?:inputs?|reporting|files|information|agency inputs?)\s+"
               rf"(?:from|by)\s+)?(?P<wire>{_ANY})\b(?:\s+(?:inputs?|reporting|files))?[\s.)]*"
               rf"(?:(?:and|,)\s*(?:{_ANY})[\s.)\w]*)?$", re.IGNORECASE),  # "With AP input", "(With reporting by Reuters)"
    re.compile(rf"^(?:[-\u2013\u2014]{{1,2}}|\u2015)\s*(?P<wire>{_ANY})\s*\.?$"),  # "- AFP", "-- Reuters"
    re.compile(rf"^(?:information|material) from (?:the )?(?P<wire>{_ANY}) (?:was|were) used", re.IGNORECASE),
    re.compile(rf"^(?:copyright|\u00a9|\(c\))\s*(?:\u00a9\s*)?(?:[0-9]{{4}}\s*)?(?P<wire>{_ANY})\b", re.IGNORECASE),
)
FIRST_PARAGRAPHS = 3
LAST_PARAGRAPHS = 5


def agency(name: str) -> str | None:
    """The canonical name of the news agency `name` is ('The Associated Press' -> 'AP'), or None."""
    name = " ".join(name.split()).strip(" .,;:()")
    for way, canonical in _NAMES:
        if name == way or len(way) > 4 and name.casefold() == way.casefold():
            return canonical
    return None


def in_text(lines: list[str], header: list[str], removed: list[str],
            after: list[str] | None = None) -> list[tuple[str, str]]:
    """[(agency, evidence)] from the text's datelines and credit lines (see the module's docstring)."""
    out: list[tuple[str, str]] = []
    body = [line for line in lines if line not in header]
    for line in body[:FIRST_PARAGRAPHS]:
        m = DATELINE.match(line)
        if m and agency(m["wire"]):
            out.append((agency(m["wire"]) or "", f'the dateline "{_clip(line[:m.end()])}"'))
    tail = body[-LAST_PARAGRAPHS:] + removed + (after or [])
    for line in tail:
        if len(line) > 300:
            continue
        for pattern in CREDIT_LINES:
            m = pattern.search(line)
            if m and agency(m["wire"]):
                out.append((agency(m["wire"]) or "", f'the credit line "{_clip(line)}"'))
                break
    for line in header:
        m = re.match(rf"(?i:by)\s+(?P<wire>{_ANY})\s*$", line) or \
            re.search(rf"(?:[|,\u2022\u00b7]\s*|\b(?i:for)\s+)(?P<wire>{_ANY})\s*$", line)
        if m and agency(m["wire"]) and len(line) <= 120:
            out.append((agency(m["wire"]) or "", f'the byline "{_clip(line)}"'))
    return out


def in_markup(article: dict[str, Any], by_id: dict[str, Any], label: str) -> list[tuple[str, str]]:
    """[(agency, evidence)] from a JSON-LD article's isBasedOn and sourceOrganization."""
    out: list[tuple[str, str]] = []
    for key in ("sourceOrganization", "isBasedOn"):
        values = article.get(key)
        for value in values if isinstance(values, list) else [values]:
            value = by_id.get(str(value.get("@id")), value) if isinstance(value, dict) else value
            names: list[str] = []
            if isinstance(value, dict):
                for part in (value, value.get("publisher"), value.get("author")):
                    if isinstance(part, dict):
                        names += [str(part.get(k)) for k in ("name", "url", "@id") if isinstance(part.get(k), str)]
                    elif isinstance(part, str):
                        names.append(part)
            elif isinstance(value, str):
                names.append(value)
            for name in names:
                found = agency(name) or _site(name)
                if found:
                    out.append((found, f"{label} {key} ({_clip(name)})"))
                    break
    return out


def of_author(author: str | None, said: str | None) -> list[tuple[str, str]]:
    """[(agency, evidence)] for an author value naming an agency ('The Associated Press')."""
    out: list[tuple[str, str]] = []
    for name in (author or "").split("; "):
        found = agency(name)
        if found:
            out.append((found, f"the author \"{name}\" ({said or 'the page'})"))
    return out


def choose(candidates: list[tuple[str, str]]) -> tuple[str | None, str | None, list[str]]:
    """(agency, evidence, remarks): the first candidate, with the others that agree; another agency
    credited too is a remark."""
    if not candidates:
        return None, None, []
    wire, said = candidates[0]
    same = list(dict.fromkeys(e for w, e in candidates[1:] if w == wire and e != said))
    others = list(dict.fromkeys(f"{e} credits {w}" for w, e in candidates[1:] if w != wire))
    evidence = said + (f"; the same in {', '.join(same[:3])}" if same else "")
    remarks = [f"based_on: {o} too: if the article is that agency's copy as well, choose which to record"
               for o in others[:2]]
    return wire, evidence, remarks


def propose(page: Any, markup: list[tuple[str, str]], after: list[str] | None = None) -> None:
    """Set page.fields['based_on'] (and its evidence) from `markup` (in_markup's), the page's text and
    the lines the page shows `after` it (a credit line extraction left out)."""
    lines = page.text.splitlines()
    candidates = in_text(lines, page.header, page.removed, after or []) + markup
    candidates += of_author(page.fields.get("author"), page.evidence.get("author"))
    wire, said, remarks = choose(candidates)
    page.fields["based_on"] = wire
    if wire and said:
        page.evidence["based_on"] = said
    page.remarks += remarks


def _site(address: str) -> str | None:
    m = re.match(r"(?i)^(?:https?://)?(?:www\.)?([^/\s]+)", address)
    host = m[1].lower() if m else ""
    return next((name for site, name in SITES.items() if host == site or host.endswith("." + site)), None)


def _clip(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."
