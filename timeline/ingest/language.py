"""An article's language, as a BCP 47 tag ('es', 'en', 'es-SV'), with the evidence for it.

What the page declares comes first, in this order: JSON-LD `inLanguage` of the article, `<html lang>`,
`og:locale` (es_SV is es-SV), `<meta http-equiv="content-language">` and `<meta name="language">`. Only
when the page declares none is the language read from the article's text, with lingua
(lingua-language-detector: accurate on whole texts, unreliable on a few words, so it reads the whole article
and never one quote), and said to be. When the text reads as another language than the page declares (a
site's template often says `lang="en"` over Spanish copy), the declared one is kept and the curator is asked
to check (`--language` settles it). A text too short to tell (fewer than MIN_WORDS words) gives nothing.
"""
from __future__ import annotations

import json
import re
from typing import Any

from timeline.records import base_language

TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
MIN_WORDS = 20  # fewer words than this are too few to tell a language by
MIN_CONFIDENCE = 0.5  # lingua's confidence in its answer below which the text is not said to be in a language
Found = tuple[str, str]  # (BCP 47 tag, the evidence)


def normal(tag: str | None) -> str | None:
    """A declared language as a BCP 47 tag: 'es_SV' and 'es-sv' are 'es-SV', 'ES' is 'es'; None for no language
    ('', 'x-default', 'und', 'zxx', a name such as 'Spanish' or a tag of the wrong shape)."""
    tag = (tag or "").strip()
    if not TAG.match(tag) or tag.lower() in ("und", "zxx", "mul"):
        return None
    parts = tag.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part.lower())
    return "-".join(out)


def _in_language(data: Any, depth: int = 0) -> str | None:
    """The first inLanguage of JSON-LD data (an article's, its @graph's), as a tag, or None."""
    if depth > 6:
        return None
    if isinstance(data, list):
        for item in data:
            found = _in_language(item, depth + 1)
            if found:
                return found
        return None
    if not isinstance(data, dict):
        return None
    value = data.get("inLanguage")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    tag = normal(value) if isinstance(value, str) else None
    if tag:
        return tag
    for key in ("@graph", "mainEntity", "mainEntityOfPage", "isPartOf"):
        found = _in_language(data.get(key), depth + 1)
        if found:
            return found
    return None


def declared(tree: Any) -> list[Found]:
    """[(tag, evidence)] of every language the page's markup declares, in the order of trust above (the tree as
    parsed, its JSON-LD scripts still in it)."""
    found: list[Found] = []
    for script in tree.xpath("//script[contains(translate(@type, 'JSONLD+', 'jsonld+'), 'ld+json')]"):
        raw = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", (script.text or "").strip()).strip()
        try:
            tag = _in_language(json.loads(raw.rstrip(";"), strict=False))
        except ValueError:
            continue
        if tag:
            found.append((tag, "JSON-LD inLanguage"))
            break
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    for attribute in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "xml:lang"):
        tag = normal(root.get(attribute))
        if tag:
            found.append((tag, f"<html {attribute.rsplit('}', 1)[-1]}>"))
            break
    for xpath, said in (("//meta[@property='og:locale']/@content", '<meta property="og:locale">'),
                        ("//meta[translate(@http-equiv, 'CONTENTLANGUAGE', 'contentlanguage')='content-language']"
                         "/@content", '<meta http-equiv="content-language">'),
                        ("//meta[translate(@name, 'LANGUAGE', 'language')='language']/@content",
                         '<meta name="language">'),
                        ("//meta[translate(@name, 'DCLANGUAGE', 'dclanguage')='dc.language']/@content",
                         '<meta name="dc.language">')):
        values = tree.xpath(xpath)
        tag = normal(values[0].split(",")[0]) if values and isinstance(values[0], str) else None
        if tag:
            found.append((tag, said))
    return found


def detect(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence) of the language the whole text reads as, or None when it is too short to
    tell or no language is likely enough."""
    if len(text.split()) < MIN_WORDS:
        return None
    # lingua's models take about 0.4 s and 70 MB to load the first time: only add-source reads a language
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().build()
    values = detector.compute_language_confidence_values(text[:20_000])
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    code = values[0].language.iso_code_639_1
    return code.name.lower(), float(values[0].value)


def choose(candidates: list[Found], text: str) -> tuple[str | None, str | None, list[str]]:
    """(tag, evidence, remarks): the first language the page declares, the others that agree named with it; else
    the text's language; and a remark when the text reads as another language than the one declared."""
    remarks: list[str] = []
    read = detect(text)
    if candidates:
        tag, said = candidates[0]
        same = [s for t, s in candidates[1:] if base_language(t) == base_language(tag)]
        other = [f"{s} says {t}" for t, s in candidates[1:] if base_language(t) != base_language(tag)]
        evidence = f"{said}" + (f" (also {', '.join(same)})" if same else "")
        if other:
            remarks.append(f"language: {evidence} gives {tag}, but {'; '.join(other)}: check it, and give the"
                           " article's language with --language if need be")
        if read is not None and read[0] != base_language(tag):
            remarks.append(f"language: the page declares {tag} ({said}), but its text reads as {read[0]}"
                           f" ({read[1]:.0%} sure): check it, and give the article's language with --language")
        elif read is not None:
            evidence += f"; the text reads as {read[0]} too"
        return tag, evidence, remarks
    if read is not None:
        return read[0], (f"the page declares none: its text reads as {read[0]} ({read[1]:.0%} sure, by"
                         " lingua-language-detector over the whole article)"), remarks
    return None, None, remarks
