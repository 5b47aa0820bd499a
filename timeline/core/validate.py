"""Small checks shared by the readers of sources.yaml, entities.yaml and the facts files."""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Collection, Iterable
from typing import Any

from timeline.core import yamlfile
from timeline.core.yamlfile import Sequence
from timeline.errors import Unreadable, YamlProblem
from timeline.problems import Problem, in_order
from timeline.records import Fact

# \Z, never $: `$` also matches before a final newline, and "bridge-cost\n" would pass as an id.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
NUMBER = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
# Not text in any field: Unicode's noncharacters (U+FDD0..U+FDEF, and the last two code points of every
# plane, U+FFFE, U+FFFF ... U+10FFFF) and lone surrogates. XML cannot carry U+FFFE or U+FFFF (one in a
# title made the Atom feed a 400 for every reader), and none of them is a character anyone types.
NOT_TEXT = re.compile(r"[\ud800-\udfff\ufdd0-\ufdef" + "".join(rf"\U{p:04x}fffe\U{p:04x}ffff" for p in range(17)) + "]")
MAX_VALUE = 1e15
# The longest text a value may hold (UTF-8 bytes): the site serves no longer one (site/plugins/limits.py
# bounds every value at twice this), and no fact, name or note comes near it.
MAX_VALUE_BYTES = 1024 * 1024
_MONEY_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}


def display_path(path: str, relative_to: str | None = None) -> str:
    """`path` as a person typed it: relative to `relative_to` (default: the current folder)."""
    try:
        return os.path.relpath(path, relative_to or os.getcwd())
    except ValueError:  # pragma: no cover - another drive on Windows
        return path


class Checker:
    """Collects the problems of one file."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int, code: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, code, message))

    def keys(self, item: yamlfile.Mapping, allowed: Collection[str], required: Iterable[str], what: str) -> None:
        for key in item:
            if key not in allowed:
                close = did_you_mean(str(key), allowed)
                hint = f"did you mean '{close}'?" if close else "allowed keys: " + ", ".join(allowed)
                self.add(item.line_of(key), "unknown-key", f"unknown key '{key}' in {what}: {hint}")
        for key in required:
            if item.get(key) in (None, ""):
                if key in item:
                    self.add(item.line_of(key), "missing-key", f"{what} has an empty '{key}': give it a value")
                else:
                    self.add(item.line, "missing-key", f"{what} has no '{key}': add '{key}: ...'")

    def text(self, item: yamlfile.Mapping, key: str) -> str | None:
        """The value of `key` as text, or None (with a problem when it is not text)."""
        value = item.get(key)
        if isinstance(value, str):
            problem = not_text(value)
            if problem:
                self.add(item.line_of(key), "bad-character", f"'{key}' {problem}")
                return None
            if too_long(value):
                self.add(item.line_of(key), "bad-value",
                         f"'{key}' is {len(value.encode()) / 1024 / 1024:.1f} MB long; a value may be at most"
                         f" {MAX_VALUE_BYTES // 1024 // 1024} MB: shorten it (a long text belongs in a source)")
                return None
            return value
        if value is None:
            return value
        kind = "a list" if isinstance(value, Sequence) else "a mapping"
        self.add(item.line_of(key), "wrong-type", f"'{key}' must be text, not {kind}")
        return None

    def visible(self, item: yamlfile.Mapping, key: str, what: str, lines: bool = False,
                required: bool = False) -> str | None:
        """`item[key]` as text a reader is shown: None, with a problem, when it has nothing visible in it
        (only spaces, zero-width or control characters) or holds a control character or a bidirectional
        override; `lines`: it may run over several lines (notes, descriptions). An empty value is None
        with no problem here (whether it may be empty is the caller's check)."""
        value = self.text(item, key)
        if not value:
            return None
        problem = text_problem(value, lines, required)
        if problem is None:
            return value
        code, message = problem
        self.add(item.line_of(key), code, f"{what}: '{key}' {message}")
        return None

    def slug(self, item: yamlfile.Mapping, key: str, what: str = "id") -> str | None:
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(item.line_of(key), "wrong-type", f"{what} must be text, e.g. 'bridge-opens-to-traffic'")
            return None
        if SLUG.match(value):
            return value
        self.add(item.line_of(key), "bad-id", f"{what} '{shown(value)}' {slug_problem(value)}")
        return None

    def number(self, item: yamlfile.Mapping, key: str) -> int | float | None:
        """A figure's value as int or float, or None with a problem."""
        raw = item.get(key)
        if raw is None:
            return None
        line = item.line_of(key)
        if not isinstance(raw, str):
            self.add(line, "wrong-type", f"'{key}' must be a number, not a list or mapping: write one number,"
                     " e.g. 40000")
            return None
        text = raw.strip()
        if NUMBER.match(text):
            value = float(text) if "." in text else int(text)
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # 6.0 is the number 6, as the database stores it
            if value > MAX_VALUE:
                self.add(line, "bad-number", f"{key}: {raw} is implausibly large: check the digits")
                return None
            return value
        self.add(line, "bad-number", f"{key}: '{raw}' is not a plain number: {number_hint(text)}")
        return None


def read_list(path: str | os.PathLike[str], checker: Checker,
              unreadable: str = "remove it, or put a readable file there", empty: str | None = None,
              not_a_list: str | None = None) -> Sequence | None:
    """The list in the YAML file at `path`, or None after adding the problem to `checker` (whose path
    is the file as shown): a file that cannot be read or parsed, an empty file, one that is not a list.
    `unreadable`, `empty` and `not_a_list` say what to do, for the file at hand. FileNotFoundError is
    the caller's (whether the file must exist is its rule)."""
    where = checker.path
    try:
        data = yamlfile.read(path)
    except YamlProblem as e:
        checker.add(e.line, e.code, e.message)
        return None
    except Unreadable as e:
        checker.add(1, "unreadable-file", f"cannot read {where}: {e.reason}: {unreadable}")
        return None
    except FileNotFoundError:
        raise
    except OSError as e:
        checker.add(1, "unreadable-file", f"cannot read {where}: {e.strerror}")
        return None
    if data is None:
        checker.add(1, "empty-file", empty or f"{os.path.basename(where)} holds nothing: add entries, or delete the file")
        return None
    if not isinstance(data, Sequence):
        checker.add(getattr(data, "line", 1), "not-a-list",
                    not_a_list or "the file must be a YAML list: each entry starts with '- id: ...'")
        return None
    return data


def not_text(value: str) -> str | None:
    """What is wrong with `value` when it holds a noncharacter or a lone surrogate (NOT_TEXT), else None."""
    if value.isascii():
        return None  # the usual case, without a search: every character of NOT_TEXT is beyond ASCII
    found = NOT_TEXT.search(value)
    if found is None:
        return None
    c = found.group()
    kind = "a lone surrogate" if "\ud800" <= c <= "\udfff" else "a noncharacter"
    return (f"holds U+{ord(c):04X} ({kind}), which is not text and breaks the feeds that carry it: remove it"
            " (it is often left by a broken copy and paste)")


def too_long(text: str) -> bool:
    """True when `text` holds more than MAX_VALUE_BYTES of UTF-8."""
    return len(text) > MAX_VALUE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_VALUE_BYTES


# Characters that reorder the text around them on screen without being seen (the "Trojan source" trick):
# a title or a name could show one thing and hold another.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_problem(value: str, lines: bool = False, required: bool = False) -> tuple[str, str] | None:
    """(code, message) when `value` is not text a reader can be shown, else None (see Checker.visible)."""
    inner = value.strip()
    plain = inner.replace("\n", " ").replace("\t", " ").replace("\r", " ") if lines else inner
    if plain and plain.isascii() and plain.isprintable():
        return None  # the usual case, without looking at each character
    for c in inner:
        if c in _BIDI_CONTROLS or (unicodedata.category(c) == "Cc" and not (lines and c in "\n\t\r")):
            name = unicodedata.name(c, "a control character")
            return "bad-character", (f"holds U+{ord(c):04X} ({name}), which is not shown as text but changes or"
                                     f" hides what is: remove it" + ("" if lines else "; this is one line of text"))
    if not any(unicodedata.category(c)[0] in "LNPS" for c in inner):
        return "missing-key", ("has nothing visible in it (only spaces, invisible or control characters):"
                               " write it out" + ("" if required else ", or leave it out"))
    return None


def one_of(value: object, allowed: Collection[str]) -> str:
    """What to write instead of `value`: the closest allowed value, or the list of them."""
    close = did_you_mean(str(value), allowed)
    listed = ", ".join(allowed)
    return f"did you mean '{close}'? (one of: {listed})" if close else f"use one of: {listed}"


def did_you_mean(value: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The one of `known` closest to `value` (a likely typo of it), or None when none is close enough."""
    close = difflib.get_close_matches(value, sorted(known) if not isinstance(known, (list, tuple)) else list(known),
                                      n=1, cutoff=cutoff)
    return close[0] if close else None


def shown(value: str) -> str:
    """`value` on one line: line breaks, tabs and other control characters written as escapes (\\n)."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value)


def slug(text: str | None, words: int | None = None) -> str:
    """Lowercase ASCII words joined by '-', accents dropped (an id made from any language's words):
    'Lucía's Café' -> 'lucias-cafe', '3 años después' -> '3-anos-despues'."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['\u2019]", "", text)
    parts = re.findall(r"[a-z0-9]+", text)
    return "-".join(parts[:words] if words else parts)


def slug_problem(value: str) -> str:
    if value != value.strip() and SLUG.match(value.strip()):
        return (f"has {'a line break' if value.strip(' ') != value.strip() else 'spaces'} around it: ids use only"
                f" a-z, 0-9 and '-': write '{value.strip()}'")
    odd = [c for c in value if not (c.isascii() and (c.islower() or c.isdigit() or c == "-"))]
    for c in odd:
        if not c.isascii():
            name = unicodedata.name(c, "an unnamed character")
            base = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode() or _lookalike(c)
            like = f", which looks like '{base}'" if base else ""
            return f"contains '{c}' ({name}){like}: ids use only a-z, 0-9 and '-'"
    if any(c.isupper() for c in value):
        return f"has capital letters: ids are lowercase, e.g. '{value.lower()}'"
    return "is not a slug: use lowercase a-z, 0-9 and single '-' between words, e.g. 'bridge-opens-to-traffic'"


def _lookalike(c: str) -> str:
    name = unicodedata.name(c, "")
    m = re.search(r"(?:CYRILLIC|GREEK) (SMALL|CAPITAL) LETTER (\w+)", name)
    if m:
        table = {"A": "a", "ES": "c", "IE": "e", "O": "o", "ER": "p", "HA": "x", "U": "y", "OMICRON": "o",
                 "ALPHA": "a", "I": "i", "KA": "k", "EM": "m", "TE": "t", "BE": "b", "EN": "h"}
        return table.get(m.group(2), "")
    return ""


def number_hint(text: str) -> str:
    lowered = text.lower()
    if lowered in ("nan", ".nan", "inf", ".inf", "-inf", "-.inf", "infinity"):
        return "write the actual figure"
    if text.startswith("-"):
        return "figures are magnitudes: write the number without a sign and say 'fell by' in the title"
    if re.match(r"^0[0-9]+$", text):
        return f"a leading zero makes YAML tools read it as octal: write {int(text)}"
    if re.match(r"^[0-9]+(:[0-9]+)+$", text):
        return "that looks like a time or a sexagesimal number: a time belongs in the date, a figure is one number"
    if re.match(r"^[0-9.]+[eE][+-]?[0-9]+$", text):
        try:
            return f"write it out in full: {float(text):.0f}"
        except ValueError:
            pass
    if re.match(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$", text):
        return f"leave out the thousands separators: {text.replace(',', '')}"
    money = re.match(r"^([$€£¥])?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(thousand|million|billion|trillion)?\b", lowered)
    if money and (money.group(1) or money.group(3)):
        amount = float(money.group(2).replace(",", "")) * _MONEY_WORDS.get(money.group(3), 1)
        unit = _CURRENCY.get(money.group(1), "the currency code, e.g. USD")
        return f"write value: {amount:.0f} and unit: {unit}"
    return "write digits only, e.g. 40000 or 2.5"


def warnings_by_file(facts: Iterable[Fact]) -> dict[str, list[list[Any]]]:
    """{facts file name: [[line, code, message], ...]} of the warnings the facts carry: what a build keeps
    in its manifest, to say them again when it finds the database up to date or patches it."""
    out: dict[str, list[list[Any]]] = {}
    for f in facts:
        for warning in f.get("warnings", ()):
            out.setdefault(os.path.basename(f["file"]), []).append(list(warning))
    return out


def file_warnings(by_file: dict[str, list[list[Any]]], facts_dir: str,
                  relative_to: str | None = None) -> list[Problem]:
    """The warnings of `warnings_by_file` as lines of their files, sorted."""
    out = []
    for name, warnings in by_file.items():
        path = display_path(os.path.join(facts_dir, name), relative_to)
        out += [Problem(path, line, code, message) for line, code, message in warnings]
    return in_order(out)
