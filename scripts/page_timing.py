#!/usr/bin/env python3
"""How add-source's reading of a page grows with its size, shape by shape: prints CPU seconds and ratios.

    python scripts/page_timing.py                 # every shape at n and 4n
    python scripts/page_timing.py --n 500 links_in_one_paragraph

Each shape is a page whose size grows with n in one direction real pages grow in: attributes on
one element, inline elements (each with attributes) or links in one paragraph, many elements with
many attributes, long attribute values, deep nesting, many elements inside a deep nesting. The
time is the CPU time of timeline.ingest.extract.extract (what add-source does with a page) at n and
4n, in this process: linear growth gives a ratio near 4 (less, for the fixed cost of a page), a
quadratic one near 16. tests/test_extraction.py runs the same shapes, smaller, and checks the ratio.
A benchmark, not a test: the numbers depend on the machine and what else runs on it.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from timeline.ingest import extract  # noqa: E402

PARAGRAPH = ("The council met on Wednesday and agreed, after a long debate, to spend $12 million on the harbour"
             " bridge, which opened to traffic three years after work began.")
ARTICLE = "".join(f"<p>{PARAGRAPH} ({k})</p>" for k in range(12))


def page(body: str) -> str:
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Harbour bridge opens - The Ledger</title></head>"
            "<body><nav><a href='/'>Home</a></nav><article><h1>Harbour bridge opens after years of delay</h1>"
            f"{ARTICLE}{body}</article><footer><p>The Ledger</p></footer></body></html>")


def attributes_on_one_element(n: int) -> str:
    """One element with 20n attributes (a page whose script wrote its state into one tag)."""
    return page("<div " + " ".join(f'data-k{i}="v{i}"' for i in range(20 * n)) + f"><p>{PARAGRAPH}</p></div>")


def inline_elements_with_attributes(n: int) -> str:
    """One paragraph of 20n words, each a <span> with attributes (a transcript timed word by word)."""
    return page("<p>" + "".join(f'<span class="w" data-start="{j}" data-end="{j + 1}">word{j}</span> '
                                for j in range(20 * n)) + "</p>")


def links_in_one_paragraph(n: int) -> str:
    """One paragraph of 20n links (a tag cloud, an index of names)."""
    return page("<p>" + "".join(f'<a href="/tag/{j}" data-id="{j}">tag{j}</a> ' for j in range(20 * n)) + "</p>")


def formatting_in_one_paragraph(n: int) -> str:
    """One paragraph of 20n words each in its own <em>, <b> or <font> (a converted word-processor file)."""
    tags = ("em", "b", "font", "small")
    return page("<p>" + "".join(f"<{tags[j % 4]}>word{j}</{tags[j % 4]}> " for j in range(20 * n)) + "</p>")


def many_elements_with_attributes(n: int) -> str:
    """n paragraphs, each and each of its links with 20 attributes."""
    attributes = " ".join(f'data-k{i}="v{i}"' for i in range(20))
    return page("".join(f'<p {attributes}>{PARAGRAPH} <a {attributes} href="/x{j}">more</a></p>' for j in range(n)))


def long_attribute_values(n: int) -> str:
    """n elements, each with a 2,000-character attribute (inlined JSON state)."""
    return page("".join(f'<div data-state="{"x" * 2000}"><p>{PARAGRAPH} ({j})</p></div>' for j in range(n)))


def deep_nesting(n: int) -> str:
    """Divs nested 2n deep (the parser refuses beyond 2,048: n at most 1,000), a paragraph in each."""
    depth = 2 * n
    return page("".join(f"<div class='level-{d}'><p>{PARAGRAPH} ({d})</p>" for d in range(depth)) + "</div>" * depth)


def many_elements_deep_inside(n: int) -> str:
    """5n short paragraphs and links inside divs nested 300 deep."""
    inner = "".join(f"<p>Item {j} of the list, <a href='/x{j}'>a link</a>.</p>" for j in range(5 * n))
    return page("<div class='wrap'>" * 300 + inner + "</div>" * 300)


SHAPES = {f.__name__: f for f in (attributes_on_one_element, inline_elements_with_attributes, links_in_one_paragraph,
                                  formatting_in_one_paragraph, many_elements_with_attributes, long_attribute_values,
                                  deep_nesting, many_elements_deep_inside)}


def timed(html: str) -> tuple[float, extract.Page]:
    """(CPU seconds of extract.extract(html) in this process, what it gave)."""
    started = time.process_time()
    page = extract.extract(html)
    return time.process_time() - started, page


def seconds(html: str) -> float:
    return timed(html)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shapes", nargs="*", choices=[[], *SHAPES], default=[])
    parser.add_argument("--n", type=int, default=250, help="the smaller size (default 250, at most 250; the larger is 4n)")
    args = parser.parse_args()
    seconds(page(""))  # the libraries loaded, their first-use costs paid
    print(f"{'shape':34} {'n: kB':>8} {'s':>7} {'4n: kB':>8} {'s':>7} {'ratio':>6}")
    for name in args.shapes or SHAPES:
        small, large = SHAPES[name](args.n), SHAPES[name](4 * args.n)
        a, b = seconds(small), seconds(large)
        print(f"{name:34} {len(small) / 1e3:8.0f} {a:7.2f} {len(large) / 1e3:8.0f} {b:7.2f} {b / max(a, 1e-3):6.1f}",
              flush=True)


if __name__ == "__main__":
    main()
