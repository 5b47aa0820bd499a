"""Date phrases of Spanish articles, read with the same readings, direction rules, guesses and labels as
English ones (timeline.text.spanish_dates, spanish_tense)."""
import datetime

import pytest

import timeline
from timeline.errors import DateError

THURSDAY = "2025-03-27"  # Thursday 27 March 2025


def resolve(phrase, context=None, published=THURSDAY, **kwargs):
    return timeline.resolve_date(phrase, published, context=context, language="es", **kwargs)


def test_el_miercoles_in_an_article_of_thursday_27_march_is_the_day_before_with_its_basis():
    when = resolve("el miércoles", "Kristi Noem visitó el miércoles el penal de Tecoluca.")
    assert (when.start, when.end, when.precision, when.label) == (
        datetime.date(2025, 3, 26), datetime.date(2025, 3, 26), "day", "26 March 2025")
    assert when.basis == ("'el miércoles' in the source, published Thu 2025-03-27 -> Wed 2025-03-26 (past, from"
                          " 'visitó' in its clause: most recent such day)")
    assert when.guess is None


def test_the_clause_decides_as_in_english():
    assert resolve("el miércoles", "Noem visitará el miércoles el penal.").start == datetime.date(2025, 4, 2)
    assert resolve("el sábado", "La policía detuvo el sábado a un dirigente.").start == datetime.date(2025, 3, 22)
    assert resolve("el lunes", "El juez va a decidir el lunes.").start == datetime.date(2025, 3, 31)
    # 'dijo el jueves que ... visitará': the date belongs to 'dijo', not to the verb of the other clause
    said = resolve("el martes", "El ministro dijo el martes que el presidente visitará el penal.")
    assert said.start == datetime.date(2025, 3, 25)


def test_nothing_decides_a_bare_weekday_so_it_is_a_guess_naming_the_other_reading():
    guessed = resolve("el martes")
    assert guessed.start == datetime.date(2025, 3, 25) and guessed.guess.startswith("'el martes' could also be 1 April")
    assert resolve("el martes", direction="future").start == datetime.date(2025, 4, 1)


@pytest.mark.parametrize("phrase, edtf, label", [
    ("el pasado 15 de marzo", "2025-03-15", "15 March 2025"),
    ("el 15 de marzo pasado", "2025-03-15", "15 March 2025"),
    ("el próximo jueves", "2025-04-03", "3 April 2025"),
    ("la semana pasada", "2025-03-17/2025-03-23", "week of 17 March 2025"),
    ("la semana que viene", "2025-03-31/2025-04-06", "week of 31 March 2025"),
    ("a principios de abril", "2025-04-01/2025-04-10", "early April 2025"),
    ("a finales de 2024", "2024-09/2024-12", "late 2024"),
    ("hace dos semanas", "2025-03-10/2025-03-16", "week of 10 March 2025"),
    ("en 2023", "2023", "2023"),
    ("el año pasado", "2024", "2024"),
    ("el primer trimestre de 2024", "2024-33", "Q1 2024"),
    ("el verano pasado", "2024-22", "summer 2024"),
    ("la década de 1990", "199X", "1990s"),
    ("del 26 al 28 de marzo", "2025-03-26/2025-03-28", "26–28 March 2025"),
    ("alrededor de 1990", "1990~", "about 1990"),
    ("antes de 2019", "../2018", "before 2019"),
    ("el lunes 24 de marzo de 2025", "2025-03-24", "24 March 2025"),
    ("el 1.º de abril", "2025-04-01", "1 April 2025"),
])
def test_each_form_reads_as_its_english_twin(phrase, edtf, label):
    when = resolve(phrase)
    assert (when.edtf, when.label) == (edtf, label)


def test_a_time_of_day_in_spanish():
    when = resolve("a las 10 de la mañana del martes", "La audiencia comenzó a las 10 de la mañana del martes.")
    assert (when.precision, when.start, when.time) == ("time", datetime.date(2025, 3, 25), "10:00")


def test_accents_and_case_do_not_matter_but_english_words_are_not_spanish():
    assert resolve("EL MIERCOLES", direction="past").start == datetime.date(2025, 3, 26)
    with pytest.raises(DateError, match="understood forms are weekdays \\('el miércoles'"):
        resolve("last Wednesday")


def test_the_stretch_up_to_publication_is_refused_with_the_range_to_write():
    with pytest.raises(DateError, match="2025-03-21/2025-03-27"):
        resolve("la última semana")


def test_a_weekday_with_the_day_of_the_month_picks_the_month_it_falls_in():
    assert resolve("el miércoles 26").start == datetime.date(2025, 3, 26)
    assert resolve("el miércoles 2").start == datetime.date(2025, 4, 2)
    with pytest.raises(DateError, match="does not add up"):
        resolve("el miércoles 31")


def test_a_language_without_a_grammar_says_so():
    with pytest.raises(DateError, match="Date phrases in 'fr' cannot be read yet"):
        timeline.resolve_date("mercredi", THURSDAY, language="fr")


def test_a_spanish_sentence_says_when_a_phrase_means_another_period_as_an_english_one_does():
    """The same verdicts as English (periods.period_meant): a fiscal quarter is refused naming its months, 'hace
    un año' comparing amounts is refused, 'el año pasado' comparing periods is a guess."""
    with pytest.raises(DateError) as caught:
        resolve("el cuarto trimestre", "Las ganancias del cuarto trimestre que terminó en septiembre cayeron un 20 %.",
                published="2025-11-05")
    assert "fiscal quarter" in str(caught.value) and "ended in September" in str(caught.value)
    assert "2025-07/2025-09" in str(caught.value)
    kept = resolve("el tercer trimestre", "Las ganancias del tercer trimestre que terminó en septiembre subieron.",
                   published="2025-11-05")  # a calendar quarter ending in its own month is kept
    assert (kept.start, kept.end) == (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    with pytest.raises(DateError, match="comparing amounts"):
        resolve("hace un año", "Las ventas subieron a 5 millones de dólares desde 4 millones hace un año.")
    compared = resolve("el año pasado", "El trimestre fue mejor que el año pasado.")
    assert compared.start == datetime.date(2024, 1, 1) and "compares periods" in compared.guess
