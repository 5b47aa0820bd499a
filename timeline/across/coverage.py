"""What is left: sentences that carry a number, a date expression or a quotation and no fact cites.

Every such sentence must be cited by a fact or set aside in facts/set-aside.yaml with a reason, so
that the set-aside list itself can be reviewed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from timeline.records import sentence_id
from timeline.text.signals import signals

if TYPE_CHECKING:
    from timeline.inputs.story import Inputs


class Coverage(TypedDict):
    """What report() says of one source."""

    signalled: int
    cited: int
    set_aside: int
    uncovered: list[tuple[str, str, list[str]]]  # (sentence_id, text, signals)


def report(inputs: Inputs) -> dict[str, Coverage]:
    """{source_id: {"signalled": n, "cited": n, "set_aside": n, "uncovered": [(sentence_id, text, signals)]}}."""
    cited = _spans(c for f in inputs.facts for c in f["citations"])
    aside = _spans(inputs.set_aside)
    out: dict[str, Coverage] = {}
    for sid in sorted(inputs.sources):
        source = inputs.sources[sid]
        row: Coverage = {"signalled": 0, "cited": 0, "set_aside": 0, "uncovered": []}
        for n, (_, start, end) in enumerate(source.sentences, start=1):
            text = source.text[start:end]
            found = signals(text, source.language)
            if not found:
                continue
            row["signalled"] += 1
            if _overlaps(cited.get(sid, ()), start, end):
                row["cited"] += 1
            elif _overlaps(aside.get(sid, ()), start, end):
                row["set_aside"] += 1
            else:
                row["uncovered"].append((sentence_id(sid, n), text, found))
        out[sid] = row
    return out


def _spans(items: Iterable[Mapping[str, Any]]) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for item in items:
        spans.setdefault(item["source_id"], []).append((item["start"], item["end"]))
    return spans


def _overlaps(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and e > start for s, e in spans)
