"""Fuzzing: random and mutated YAML, facts and date phrases either load or give a clean problem.

Nothing may raise anything else: not a RecursionError, a UnicodeError, a KeyError or a TypeError.
Example counts are kept moderate so the suite stays quick; raise them locally with
`--hypothesis-seed` and `settings(max_examples= * SCALE...)` when hunting.
"""
import datetime
import re
import unicodedata

import pytest
import yaml
from conftest import FACT, ROOT, Tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.core import yamlfile
from timeline.errors import DateError, YamlProblem
from timeline.inputs.facts import FACT_KEYS
from timeline.text import dates, mentions, quotes

FACT_FILES = sorted((ROOT / "facts").glob("*.yaml"))
SPECIAL = [b":", b": ", b"-", b"- ", b"\t", b"'", b'"', b"&a ", b"*a", b"!!python/object ", b"!x ", b"[", b"]", b"{",
           b"}", b"\n", b"\n  ", b"#", b"%YAML 1.1\n", b"---\n", b"...\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b" ",
           b"?", b"|", b">", b"\\", "\u2028".encode(), b"\xe2\x80\xa8", b"\r", b"~",
           b"null", b"010", b"1e3", b".nan", b"2025-02-30", b"<script>"]
CODE = re.compile(r"^[a-z]+(-[a-z]+)*$")
SCALE = int(__import__("os").environ.get("FUZZ_SCALE", "1"))  # FUZZ_SCALE=20 for a long hunt
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@st.composite
def mutated(draw, original):
    """`original` bytes with a few insertions, deletions and replacements of YAML-significant bytes."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=4))
        if op == "insert":
            data[at:at] = piece
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        else:
            data[at:at + len(piece)] = piece
    return bytes(data)


def loads_or_clean_problem(data):
    try:
        result = yamlfile.load(data)
    except YamlProblem as e:
        assert CODE.match(e.code), e.code
        assert isinstance(e.line, int) and e.line >= 1
        assert e.message
        return None
    assert result is None or isinstance(result, (str, yamlfile.Mapping, yamlfile.Sequence))
    return result


@settings(max_examples=300 * SCALE, **SETTINGS)
@given(st.binary(max_size=300))
def test_random_bytes(data):
    loads_or_clean_problem(data)


@settings(max_examples=200 * SCALE, **SETTINGS)
@given(st.text(alphabet=st.sampled_from(list(":-'\"&*!|>[]{}#%?,\t\n x1\u2028\x85\ufeff")), max_size=200))
def test_random_yaml_punctuation(text):
    loads_or_clean_problem(text.encode("utf-8"))


@settings(max_examples=150 * SCALE, **SETTINGS)
@given(st.data())
def test_mutated_real_fact_files(data):
    original = data.draw(st.sampled_from(FACT_FILES)).read_bytes()
    loads_or_clean_problem(data.draw(mutated(original)))


@pytest.fixture(scope="module")
def fuzz_tree(tmp_path_factory):
    return Tree(tmp_path_factory.mktemp("fuzz"))


def only_clean_problems(tree):
    for problem in tree.check():
        assert CODE.match(problem.code), problem
        assert problem.line >= 1 and problem.message, problem
        assert "Traceback" not in problem.message


@settings(max_examples=120 * SCALE, **SETTINGS)
@given(mutated(FACT.encode()))
def test_mutated_fact_through_the_whole_check(fuzz_tree, data):
    fuzz_tree.write("facts/facts.yaml", data)
    only_clean_problems(fuzz_tree)


SCALARS = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(), st.booleans(),
                    st.sampled_from(["2025-03-26", "2025-02-30", "03/04/2025", "on Monday", "gazette", "figure",
                                     "harbour-bridge", "NO", "010", "12:30", "$6 million", "-5", ".inf"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["id", "role", "source", "quote", "occurrence", "x"]), inner, max_size=3), max_leaves=8)


@settings(max_examples=150 * SCALE, **SETTINGS)
@given(st.lists(st.dictionaries(st.sampled_from(list(FACT_KEYS) + ["unti", "Id", ""]), VALUES, max_size=10),
                max_size=3))
def test_random_facts_through_the_whole_check(fuzz_tree, facts):
    fuzz_tree.write("facts/facts.yaml", yaml.safe_dump(facts, allow_unicode=True))
    only_clean_problems(fuzz_tree)


PHRASES = ["on Monday", "last Friday", "next Tuesday", "three days ago", "in two weeks", "earlier this month",
           "March 15", "15 March 2025", "Jan. 2019", "the '90s", "the 1990s", "late 2019", "since 2010",
           "yesterday", "tonight", "last night", "this March", "2025-03-15"]
DAYS = st.dates(datetime.date(1000, 1, 1), datetime.date(2999, 12, 31))


@settings(max_examples=300 * SCALE, **SETTINGS)
@given(st.one_of(st.text(max_size=40), st.sampled_from(PHRASES).flatmap(
    lambda p: st.tuples(st.just(p), st.text(max_size=5), st.integers(0, len(p))).map(
        lambda t: t[0][:t[2]] + t[1] + t[0][t[2]:]))),
    DAYS, st.sampled_from([None, "past", "future"]), st.one_of(st.none(), st.text(max_size=60)))
def test_date_phrases_resolve_or_explain(phrase, published, direction, context):
    try:
        resolved = dates.resolve_phrase(phrase, published.isoformat(), direction=direction, context=context)
    except DateError as e:
        assert str(e)
        return
    assert resolved.start <= resolved.end
    assert resolved.precision in dates.PRECISIONS


@settings(max_examples=300 * SCALE, **SETTINGS)
@given(st.one_of(st.text(max_size=20), st.from_regex(r"\A[0-9]{1,5}(-[0-9]{1,3}){0,2}s?\Z")))
def test_date_fields_parse_or_explain(text):
    try:
        resolved = dates.parse_date(text)
    except DateError as e:
        assert str(e)
        return
    assert resolved.start <= resolved.end


FOLDED = sorted({chr(c) for c in quotes._MATCH_FOLD} | {" ", "a", "\u00e9", "\u0301", "\u2026", "."})


@settings(max_examples=300 * SCALE, **SETTINGS)
@given(st.text(st.sampled_from(FOLDED) | st.characters(), max_size=200))
def test_folding_an_article_is_translating_every_character(text):
    assert quotes.folded(text) == text.translate(quotes._MATCH_FOLD)
    quotes.forget()


def test_folding_the_real_articles_is_translating_every_character():
    articles = sorted((ROOT / "sources").glob("*.txt"))
    assert len(articles) >= 5
    for path in articles:
        text = path.read_text(encoding="utf-8")
        assert quotes.folded(text) == text.translate(quotes._MATCH_FOLD), path.name
    quotes.forget()


ARTICLE_PIECES = ["word", "Word", "words", "a", " ", "  ", "   ", "\n", "\n\n", "\t", "\u00a0", "-", "--", "\u2014",
                  ".", "...", "\u2026", "'", "\u2019", '"', "\u201c", "\u00e9", "e\u0301", "2025"]


@settings(max_examples=300 * SCALE, **SETTINGS)
@given(st.lists(st.sampled_from(ARTICLE_PIECES), max_size=40).map("".join), st.data())
def test_a_quote_found_with_str_find_is_where_its_pattern_finds_it(text, data):
    """quotes._literal (str.find in the article with its runs of spaces made one) answers, when it
    answers, what the quote's pattern finds in the folded article."""
    start = data.draw(st.integers(0, len(text)))
    quote = data.draw(st.sampled_from([text[start:start + n] for n in range(1, 16)] + ["word  word", "a word"]))
    found = quotes._literal(text, quote)
    if found is not None:
        assert found == [(m.start(), m.end()) for m in quotes.pattern(quote).finditer(quotes.folded(text))]
    quotes.forget()


def _names_folded_whole(text):
    """mentions.folded as first written: the whole text decomposed at once, acronyms found by their first letter,
    the words always split and joined again."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        text = mentions._APOSTROPHES.sub("'", text)
    text = re.sub(r"\b(?:[A-Za-z]\.){2,}", lambda m: m[0].replace(".", ""), text)
    if "'" in text:
        text = mentions._POSSESSIVE.sub("", text)
    return " ".join(text.split())


NAME_PIECES = ["a", "S", "s", " ", "  ", "\n", "\t", ".", "..", "A.", "b.", "_", "1", "'", "`", "U.S.", "\u00e9",
               "e\u0301", "\u0327\u0308", "\u2019", "\u02bc", "\u2032", "\u1fef", "\uff35\uff0e", "\u00a0", "\ufb01",
               "\uac00", "\u0345\u05b0", "\u1e9b\u0323"]


@settings(max_examples=300 * SCALE, **SETTINGS)
@given(st.lists(st.sampled_from(NAME_PIECES) | st.characters(), max_size=30).map("".join))
def test_folding_names_character_by_character_is_folding_the_whole_text(text):
    assert mentions.folded(text) == _names_folded_whole(text)


def test_folding_the_real_articles_for_names_is_folding_the_whole_text():
    for path in sorted((ROOT / "sources").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert mentions.folded(text) == _names_folded_whole(text), path.name
