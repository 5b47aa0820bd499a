"""Our own gold set of news date phrases (tests/data/dates_gold.tsv): sentences from the project's
articles and sentences written for each form, resolved as the build resolves a `when:`."""
import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import measure_dates  # noqa: E402  (the script the docs' numbers come from)

GOLD = str(ROOT / "tests" / "data" / "dates_gold.tsv")


def test_every_phrase_of_our_gold_set_is_right():
    table, misses, _ = measure_dates.measure(measure_dates.cases_from([GOLD]))
    assert [(outcome, case[1], case[0], given) for outcome, case, given in misses] == []
    assert sum(sum(row.values()) for row in table.values()) >= 70


def test_the_script_prints_its_table():
    result = subprocess.run([sys.executable, "scripts/measure_dates.py", GOLD], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split()[:2] == ["shape", "n"]
    assert "100.0%" in result.stdout


def test_timeml_is_read_with_its_creation_time(tmp_path):
    (tmp_path / "a.tml").write_text(
        '<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="2025-03-26" functionInDocument="CREATION_TIME">'
        'March 26, 2025</TIMEX3></DCT><TEXT>The court ruled on <TIMEX3 tid="t1" type="DATE" value="2025-03-21">'
        'Friday</TIMEX3>. It will meet <TIMEX3 tid="t2" type="DATE" value="2025-04">in April</TIMEX3>. '
        'It lasted <TIMEX3 tid="t3" type="DURATION" value="P2D">two days</TIMEX3>.</TEXT></TimeML>',
        encoding="utf-8")
    cases = measure_dates.cases_from([str(tmp_path)])
    assert [(c[0], c[1], c[2], c[3]) for c in cases] == [
        ("2025-03-26", "Friday", "2025-03-21", "The court ruled on Friday."),
        ("2025-03-26", "in April", "2025-04", "It will meet in April.")]
    table, misses, unholdable = measure_dates.measure(cases)
    assert misses == [] and unholdable == 0
