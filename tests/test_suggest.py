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
