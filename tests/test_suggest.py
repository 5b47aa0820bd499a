"""`timeline suggest`: candidate facts from uncited sentences, as YAML a curator can paste as is."""
import os
import subprocess
import sys

from conftest import FACT, ROOT


def suggest(tree, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "timeline", "suggest", *args], cwd=tree.path, env=env,
                          capture_output=True, text=True)


def test_suggest_a_figure_with_its_date(tree):
    result = suggest(tree, "gazette")
    assert result.returncode == 0, result.stderr
    skeleton = [block for block in result.stdout.split("\n\n") if "about 300" in block][0]
    assert skeleton == (
        "# gazette:4: number: about 300 people\n"
        "- id: gazette-4-300-people\n"
        "  kind: figure\n"
        '  title: "TODO: say the fact in one sentence"\n'
        '  when: "in 2021"\n'
        '  date: "2021"\n'
        "  # 'in 2021' in gazette, published Wed 2025-03-26 -> 2021\n"
        "  value: 300\n"
        "  qualifier: approx\n"
        '  unit: "people"\n'
        "  sources:\n"
        "    - source: gazette\n"
        '      quote: "Work began in 2021 and employed about 300 people."')


def test_pasted_suggestions_check_clean(tree):
    out = suggest(tree, "gazette").stdout
    figures = [b for b in out.split("\n\n") if "kind: figure" in b]
    tree.write("facts/facts.yaml", FACT + "\n".join(figures) + "\n")
    assert tree.codes() == []


def test_cited_sentences_are_not_suggested(tree):
    assert "cost $12 million" not in suggest(tree).stdout


def test_unknown_source_is_a_clear_error(tree):
    result = suggest(tree, "nope")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: there is no source 'nope' in sources.yaml (known: gazette)"


COURT_NEWS = (
    "In Thursday's case, Chief Justice John Roberts had already pushed back the deadline.\n"
    "The court said the government must facilitate his return.\n"
    "The Justice Department said the order was wrong on Monday.\n"
    "The president visited a 40,000-inmate prison with three-tiered bunks on Wednesday.\n"
    "Shipments will resume in December, the company said.\n"
)
COURT_ENTITIES = """\
- id: supreme-court
  name: Supreme Court of the United States
  type: court
  description: The court
- id: justice-department
  name: Justice Department
  type: organisation
  description: The department
"""


def skeletons(tree):
    tree.article("gazette", COURT_NEWS, published="2025-04-11")
    tree.write("facts/entities.yaml", COURT_ENTITIES)
    tree.write("facts/facts.yaml", "[]\n")
    result = suggest(tree, "gazette")
    assert result.returncode == 0, result.stderr
    return {block.split("\n")[0].split(":")[1]: block for block in result.stdout.strip().split("\n\n")}


def test_no_date_it_cannot_justify(tree):
    found = skeletons(tree)
    thursday = found["1"]
    assert "when:" not in thursday and "In Thursday" not in thursday.split("quote:")[0]
    assert "date: TODO  # 'Thursday's' names the day of something else" in thursday
    assert "'had already pushed' puts the act before it" in thursday
    # a month with nothing in its clause to say past or future: a guess is not proposed as a date
    december = found["5"]
    assert "date: TODO" not in december and 'date: "2025-12"' in december  # 'will' in its own clause decides


def test_the_speaker_and_the_kind_come_from_the_sentence(tree):
    found = skeletons(tree)
    assert "kind: claim" in found["2"] and "attributed_to: supreme-court" in found["2"]
    assert "kind: claim" in found["3"] and "attributed_to: justice-department" in found["3"]
    assert "court_action" not in found["3"]


def test_units_are_nouns_and_a_capacity_is_up_to(tree):
    prison = skeletons(tree)["4"]
    assert "value: 40000" in prison and "qualifier: up_to" in prison and 'unit: "inmates"' in prison
    assert "tiered" not in prison.split("quote:")[0]
