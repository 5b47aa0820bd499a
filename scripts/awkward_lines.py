#!/usr/bin/env python3
"""Paragraphs made to trip a sentence splitter, for comparing timeline.sentences with pysbd's own.

    python scripts/awkward_lines.py 5        # print five

Each paragraph is one to six sentences of plain words, capitals, every abbreviation pysbd knows (in
lower case, capitalised and upper case), dotted forms (U.S., p.m., e.g.), initials, numbers, list
items (a. b., (a) (b), 1. 2., 1) 2)), quotations and brackets of every kind (balanced, empty,
unbalanced, nested), apostrophes, dashes, ellipses, braces and backslashes, joined by one space, two,
a tab, a no-break space or nothing. The same seed gives the same paragraphs
(scripts/compare_segmentation.py --lines, tests/test_segmentation.py).
"""
import random
import sys

LOWER = "the officials said plan court judge ruled and of in for with deported prison visit a an is it".split()
CAPITALS = ("The Officials Judge Bob Smith In It I He She They We A Then Ann Lee Washington However Why KG I'm I'll"
            " For More What When Where Who How There That Being Did Millions V X").split()
DOTTED = ["U.S.", "U.K.", "E.U.", "p.m.", "a.m.", "P.M.", "A.M.", "D.C.", "e.g.", "i.e.", "Ph.D.", "U.S.A.", "N.Y.",
          "d.phil.", "J.", "A.", "Co."]
ITEMS = ["(a)", "(b)", "(i)", "(ii)", "(1)", "(2)", "a.", "b.", "1.", "2.", "a)", "b)", "1)", "2)"]
ODD = ["7:50", "3:1", "$6", "10%", "file.pdf", "x@y.com", "Yahoo!", "well-", "--", "\u2014", "\u2026", "...", "{jr}",
       "\\", "'", "'Twas", "Bob's", "\u201c\u201d", '""', "()", "\u2018", "\u2019", "\u2019s", ".'", '."', ".\u201c",
       "(", ")", "[", "]", "\u201c", "\u201d", '"', "ET", "EST", "Co. KG", "No. 5", "p. 7", "pp. (", "\u00ab", "\u00bb",
       "1.", "2.", "3.", "9.", "0.", "a.", "b.", "c.", "i.", "v.", "x.", "ii)", "iii)", "(iv)", "(v)", "3)", "4)",
       "-\u201d", "-\"", "I'm", "I'll", "I", "\uff08", "\u300c", "!", "?", "?!", "!!", "??", "!?"]
PAIRS = [("\u201c", "\u201d"), ('"', '"'), ("(", ")"), ("[", "]"), ("\u2018", "\u2019"), (" '", "'"),
         ("\u00ab", "\u00bb"), ("'", "'"), ("--", "--")]
ENDS = [".", ".", ".", "?", "!", "", ".\u201d", "\u201d", ".\"", ".)", "...", "?!", ".!", ",\u201d"]
JOINS = [" ", " ", " ", "  ", "\t", " \u00a0", "", " "]


def _abbreviation(r):
    from pysbd.lang.english import English

    word, case = r.choice(English.Abbreviation.ABBREVIATIONS), r.random()
    return (word.capitalize() if case < .5 else word.upper() if case < .6 else word) + "."


def _word(r):
    c = r.random()
    if c < .55:
        return r.choice(LOWER)
    if c < .70:
        return r.choice(CAPITALS)
    if c < .82:
        return _abbreviation(r)
    if c < .87:
        return r.choice(DOTTED)
    if c < .90:
        return str(r.choice([1, 2, 3, 9, 0, 10, 12, 2025, 6.5, 238]))
    if c < .93:
        return r.choice(ITEMS)
    if c < .95:
        return r.choice(ODD)
    return r.choice(LOWER) + r.choice([",", ";", ":", "!", "?", ".", "'s", "\u2019s"])


def _sentence(r):
    words = [_word(r) for _ in range(r.randint(1, 14))]
    if r.random() < .25:  # a quotation or brackets around some of it
        i = r.randint(0, len(words))
        j = r.randint(i, len(words))
        opening, closing = r.choice(PAIRS)
        words[i:j] = [opening + " ".join(words[i:j]) + r.choice(["", ",", ".", "?", "!"]) + closing]
    text = " ".join(words)
    if text and r.random() < .3:
        text = text[0].upper() + text[1:]
    return text + r.choice(ENDS)


def paragraphs(count, seed=0):
    """`count` awkward paragraphs (one line each), the same for the same seed."""
    r = random.Random(seed)
    return ["".join(_sentence(r) + r.choice(JOINS) for _ in range(r.randint(1, 6))).strip() for _ in range(count)]


if __name__ == "__main__":
    for line in paragraphs(int(sys.argv[1]) if len(sys.argv) > 1 else 10):
        print(line)
