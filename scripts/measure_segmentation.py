"""Measure sentence splitting against gold: how many sentence ends each splitter finds, and how many it invents.

Gold of two shapes, any mix:
- a text file of our own (tests/data/sentences_gold_es.txt): one paragraph a line, its sentences split by " || "
  (lines starting with # are comments);
- a CoNLL-U file (Universal Dependencies: `# newdoc`, `# text = ...`): each document's sentences, joined by a
  space, are one paragraph, and the gold ends are where its sentences end.

Splitters: `timeline` (timeline.text.sentences.split with --language, as the build splits an article),
`pysbd-es` and `pysbd-en` (pysbd's Segmenter alone), and, when installed (--extra names the folder a
`pip install --target` put them in), `sentencex`, `sentence-splitter` (Moses' rules) and `syntok`. For each: the sentence ends of the gold found
(recall), the ends given that are gold (precision), F1, and the paragraphs split exactly right.

Usage:
    .venv/bin/python scripts/measure_segmentation.py tests/data/sentences_gold_es.txt --language es
    .venv/bin/python scripts/measure_segmentation.py tests/data/sentences_gold_es.txt es_pud-ud-test.conllu \
        --language es --extra /tmp/seg --wrong timeline
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from timeline.text import sentences  # noqa: E402  (the repository's own package, found from here)

Paragraph = tuple[str, set[int]]  # the text, and the offsets where its sentences end (the last one's too)


def gold_from(path: str) -> list[Paragraph]:
    if path.endswith(".conllu"):
        return _conllu(path)
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" || ")]
        out.append(_joined(parts))
    return out


def _joined(parts: list[str]) -> Paragraph:
    text, ends = "", set()
    for part in parts:
        text = f"{text} {part}" if text else part
        ends.add(len(text))
    return text, ends


def _conllu(path: str) -> list[Paragraph]:
    docs: list[list[str]] = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("# newdoc"):
            docs.append([])
        elif line.startswith("# text = "):
            if not docs:
                docs.append([])
            docs[-1].append(line[len("# text = "):].strip())
    return [_joined(doc) for doc in docs if doc]


def _ends(text: str, pieces: list[str]) -> set[int]:
    """The offsets in `text` where each of `pieces` (found in order) ends."""
    out, cursor = set(), 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        at = text.find(piece, cursor)
        if at == -1:
            continue
        cursor = at + len(piece)
        out.add(cursor)
    return out


def _timeline(language: str) -> Callable[[str], set[int]]:
    def split(text: str) -> set[int]:
        try:
            spans = sentences.split(text, language)  # type: ignore[call-arg]
        except TypeError:  # a version that splits every language by English rules
            spans = sentences.split(text)
        return {end for _, _, end in spans}
    return split


def splitters(language: str, extra: str | None) -> dict[str, Callable[[str], set[int]]]:
    import pysbd

    out: dict[str, Callable[[str], set[int]]] = {
        "timeline": _timeline(language),
    }
    for code in dict.fromkeys((language, "en")):
        segmenter = pysbd.Segmenter(language=code, clean=False)
        out[f"pysbd-{code}"] = lambda text, s=segmenter: _ends(text, s.segment(text))
    if extra:
        sys.path.append(extra)
    try:
        import sentencex  # type: ignore[import-not-found]

        out["sentencex"] = lambda text: _ends(text, list(sentencex.segment(language, text)))
    except ImportError:
        pass
    try:
        from sentence_splitter import SentenceSplitter  # type: ignore[import-not-found]

        moses = SentenceSplitter(language=language)
        out["sentence-splitter"] = lambda text: _ends(text, moses.split(text))
    except ImportError:
        pass
    try:
        import syntok.segmenter  # type: ignore[import-not-found]

        def syntok_split(text: str) -> set[int]:
            ends = set()
            for paragraph in syntok.segmenter.analyze(text):
                for sentence in paragraph:
                    last = sentence[-1]
                    ends.add(last.offset + len(last.value))
            return ends

        out["syntok"] = syntok_split
    except ImportError:
        pass
    return out


def measure(gold: list[Paragraph], split: Callable[[str], set[int]]) -> tuple[int, int, int, int, list[str]]:
    """(gold ends, ends given, ends right, paragraphs exactly right, [the paragraphs not right, marked])."""
    want = given = right = whole = 0
    wrong = []
    for text, ends in gold:
        got = split(text)
        want, given, right = want + len(ends), given + len(got), right + len(ends & got)
        if got == ends:
            whole += 1
        else:
            marked = "".join(c + (" <|> " if i + 1 in got and i + 1 not in ends else " <?> " if i + 1 in ends
                                  and i + 1 not in got else "") for i, c in enumerate(text))
            wrong.append(re.sub(r"\s+", " ", marked))
    return want, given, right, whole, wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="+", help="gold files: our ' || ' text files, or CoNLL-U")
    parser.add_argument("--language", default="es", help="the language to split in (pysbd's codes)")
    parser.add_argument("--extra", help="a folder holding other splitters (pip install --target): sentencex, sentence-splitter,"
                        " syntok")
    parser.add_argument("--wrong", metavar="SPLITTER", help="list the paragraphs this splitter gets wrong"
                        " (<|> an end it invents, <?> an end it misses)")
    args = parser.parse_args(argv)
    found = splitters(args.language, args.extra)
    for path in args.gold:
        gold = gold_from(path)
        print(f"{os.path.basename(path)}: {len(gold)} paragraphs, {sum(len(e) for _, e in gold)} sentences")
        print(f"  {'splitter':<12} {'recall':>8} {'precision':>10} {'F1':>7} {'paragraphs right':>17}")
        for name, split in found.items():
            want, given, right, whole, wrong = measure(gold, split)
            recall, precision = right / want, right / given if given else 0.0
            f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
            print(f"  {name:<12} {recall:>8.1%} {precision:>10.1%} {f1:>7.1%} {whole:>8} of {len(gold):<6}")
            if args.wrong == name:
                for line in wrong:
                    print(f"      {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
