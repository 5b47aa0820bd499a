"""What is left: sentences that carry a number, a date expression or a quotation and no fact cites.

Every such sentence must be cited by a fact or set aside in facts/set-aside.yaml with a reason, so
that the set-aside list itself can be reviewed.
"""
import os
import re

from . import quotes, yamlfile
from .validate import Checker

SET_ASIDE_KEYS = ("source", "quote", "reason")

_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                 "hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|double|triple|twice")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec")
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
SIGNALS = {
    "number": re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I),
    "date": re.compile(
        rf"\b(?:{_WEEKDAYS})s?\b|\b(?:{_MONTHS})\b|"
        r"\b(?:today|yesterday|tomorrow|tonight|weekend)\b|"
        r"\b(?:last|this|next|past|coming|earlier this|later this)\s+(?:week|month|year|decade|century|spring|"
        r"summer|autumn|fall|winter)\b|\b\d+\s+(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|later)\b|"
        r"\b(?:1[5-9]\d\d|20\d\d)s?\b|\bcentur(?:y|ies)\b|\brecent(?:ly)?\b", re.I),
    "quotation": re.compile(r"[\u201c\"][^\u201c\u201d\"]*\w[^\u201c\u201d\"]*[\u201d\"]"),
}
# Month names are only dates when capitalised ("May" the month, not "may" the verb).
_CASED_MONTH = re.compile(rf"\b(?:{_MONTHS})\b")


# Fast paths for ASCII text (the same answers as the patterns, a few times faster): a number word or a
# date pattern can only match where a whole word is one of these (or a digit is present).
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_NUMBER_TOKENS = frozenset(_NUMBER_WORDS.replace("s?", "").split("|")) | frozenset(
    w + "s" for w in ("hundred", "thousand", "million", "billion", "trillion", "dozen"))
_DATE_FIRST_TOKENS = frozenset(
    [w.lower() + s for w in _WEEKDAYS.split("|") for s in ("", "s")]
    + _MONTHS.replace("Sept?", "Sep|Sept").lower().split("|")
    + "today yesterday tomorrow tonight weekend last this next past coming earlier later century centuries"
      " recent recently".split())


def signals(text):
    """The kinds of checkable detail a sentence carries: number, date, quotation."""
    if text.isascii():
        words = set(_WORD.findall(text.lower()))
        digit = _DIGIT.search(text) is not None
        skip = {"number": not digit and words.isdisjoint(_NUMBER_TOKENS),
                "date": not digit and words.isdisjoint(_DATE_FIRST_TOKENS)}
    else:
        skip = {}
    found = []
    for name, pattern in SIGNALS.items():
        if skip.get(name):
            continue
        if name == "number" and skip:  # ASCII: a digit or a number word is there
            found.append(name)
            continue
        match = pattern.search(text)
        if name == "date" and match and _is_lowercase_month(match.group(0)):
            match = next((m for m in pattern.finditer(text) if not _is_lowercase_month(m.group(0))), None)
        if match:
            found.append(name)
    return found


def _is_lowercase_month(word):
    word = word.rstrip(".").strip()
    return bool(re.fullmatch(_MONTHS, word, re.I)) and not _CASED_MONTH.fullmatch(word)


def load_set_aside(path, shown, sources, repo_file):
    """([{source_id, sentence_ids, quote, start, end, reason, file, line}], [Problem]) from set-aside.yaml."""
    from .facts import read_yaml

    check = Checker(shown)
    if not os.path.exists(path):
        return [], []
    data = read_yaml(path, shown, check) or []
    out = []
    for item, line in zip(data, getattr(data, "lines", [])):
        if not isinstance(item, yamlfile.Mapping):
            check.add(line, "not-a-mapping", "each entry is a mapping with keys source, quote and reason")
            continue
        check.keys(item, SET_ASIDE_KEYS, SET_ASIDE_KEYS, "set-aside entry")
        sid, quote, reason = (check.text(item, k) for k in SET_ASIDE_KEYS)
        if not (sid and quote and reason and reason.strip()):
            continue
        source = sources.get(sid)
        if source is None:
            check.add(item.line_of("source"), "unknown-source",
                      f"set-aside: source '{sid}' is not in sources.yaml (known: {', '.join(sorted(sources))})")
            continue
        if not source.text:
            continue
        try:
            match = quotes.find(source.text, quote)
        except quotes.QuoteProblem as e:
            check.add(item.line_of("quote"), e.code, f"set-aside: in source '{sid}': {e.message}")
            continue
        out.append({"source_id": sid, "quote": source.text[match.start:match.end], "start": match.start,
                    "end": match.end, "reason": reason.strip(), "file": repo_file, "line": item.line})
    return out, check.problems


def report(inputs):
    """{source_id: {"signalled": n, "cited": n, "set_aside": n, "uncovered": [(sentence_id, text, signals)]}}."""
    cited = _spans(c for f in inputs.facts for c in f["citations"])
    aside = _spans(inputs.set_aside)
    out = {}
    for sid in sorted(inputs.sources):
        source = inputs.sources[sid]
        row = {"signalled": 0, "cited": 0, "set_aside": 0, "uncovered": []}
        for n, (_, start, end) in enumerate(source.sentences, start=1):
            text = source.text[start:end]
            found = signals(text)
            if not found:
                continue
            row["signalled"] += 1
            if _overlaps(cited.get(sid, ()), start, end):
                row["cited"] += 1
            elif _overlaps(aside.get(sid, ()), start, end):
                row["set_aside"] += 1
            else:
                row["uncovered"].append((f"{sid}:{n}", text, found))
        out[sid] = row
    return out


def _spans(items):
    spans = {}
    for item in items:
        spans.setdefault(item["source_id"], []).append((item["start"], item["end"]))
    return spans


def _overlaps(spans, start, end):
    return any(s < end and e > start for s, e in spans)
