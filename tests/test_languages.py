"""A source in another language, end to end: a Spanish page goes in with add-source and comes out with its
language; a fact cites it in Spanish with a translation, is checked in the original words, built, and shown
with both on its page; search folds accents and finds the translation; the exports carry the languages."""
import datetime
import json
import re
import sqlite3

import news_pages as pages
import pytest
from test_add_source import add, added_id, check, entry
from test_exports import ANNO, annotations, fetch, timelinejs, w3c_failures

from timeline.inputs import story

ENTITIES = """\
- id: ana-ruiz
  name: Ana Ruiz
  type: person
  description: alcaldesa
- id: harbour-bridge
  name: Harbour Bridge
  type: facility
  description: the bridge
"""

FACTS = """\
- id: puente-abre
  kind: event
  title: The harbour bridge opens to traffic
  when: el miércoles
  entities: [harbour-bridge]
  sources:
    - source: {sid}
      quote: "El puente del puerto se abrió al tráfico el miércoles"
      translation: "The harbour bridge opened to traffic on Wednesday"
      translated_by: DeepL, checked by the editors
- id: puente-cuesta
  kind: figure
  title: The bridge cost 12 million dollars
  value: 12000000
  unit: USD
  entities: [harbour-bridge]
  sources:
    - source: {sid}
      quote: "La construcción costó 12 millones de dólares"
      translation: "Construction cost 12 million dollars"
- id: puente-trafico
  kind: figure
  title: About 40,000 vehicles a day will cross the bridge
  value: 40000
  qualifier: approx
  unit: vehicles
  per: day
  entities: [harbour-bridge]
  sources:
    - source: {sid}
      quote: "pasarán unos 40.000 vehículos al día"
- id: alcaldesa-gran-dia
  kind: statement
  title: The mayor calls the opening a great day for the town
  attributed_to: ana-ruiz
  sources:
    - source: {sid}
      quote: "«Es un gran día para la ciudad», dijo la alcaldesa Ana Ruiz"
      translation: "“It is a great day for the town,” said Mayor Ana Ruiz"
      translated_by: M. Hernández
"""


@pytest.fixture
def spanish(tree):
    """A story with the Spanish page added by add-source and facts citing it with translations, built."""
    tree.write("puente.html", pages.diario())
    result = add(tree, "puente.html")
    sid = added_id(result)
    tree.write("facts/entities.yaml", ENTITIES)
    tree.write("facts/facts.yaml", FACTS.replace("{sid}", sid))
    tree.sid, tree.added = sid, result
    return tree


def test_a_spanish_page_comes_out_with_its_language_and_the_evidence_for_it(spanish):
    e = entry(spanish, spanish.sid)
    assert e["language"] == "es"
    assert "language: JSON-LD inLanguage (also <html lang>, <meta property=\"og:locale\">); the text reads as es" \
           " too." in e["notes"]
    assert "  language   es\n" in spanish.added.output
    text = (spanish.sources / f"{spanish.sid}.txt").read_text(encoding="utf-8")
    assert "\u00abEs un gran día para la ciudad\u00bb" in text and "Te puede interesar" not in text


def test_the_language_is_read_from_the_text_when_the_page_declares_none(tree):
    tree.write("puente.html", pages.diario(lang="", json_ld_language=None))
    e = entry(tree, added_id(add(tree, "puente.html")))
    assert e["language"] == "es"
    assert "language: the page declares none: its text reads as es" in e["notes"]


def test_a_page_that_declares_another_language_than_its_text_is_kept_and_pointed_out(tree):
    tree.write("puente.html", pages.diario(lang=' lang="en-US"', json_ld_language=None))
    result = add(tree, "puente.html")
    e = entry(tree, added_id(result))
    assert e["language"] == "en-US"
    assert "Check: language: the page declares en-US (<html lang>), but its text reads as es" in result.output


def test_the_curator_gives_the_language(tree):
    tree.write("puente.html", pages.diario(lang="", json_ld_language=None))
    e = entry(tree, added_id(add(tree, "puente.html", "--language", "es_sv")))
    assert e["language"] == "es-SV" and "language: given with --language" in e["notes"]
    refused = add(tree, "puente.html", "--language", "Spanish")
    assert refused.exit_code == 1 and "--language 'Spanish' is not a BCP 47 language tag" in refused.output


def test_a_fact_citing_it_in_spanish_with_a_translation_checks_and_builds(spanish):
    result = check(spanish)
    assert result.exit_code == 0, result.output
    inputs = spanish.build()
    facts = {f["id"]: f for f in inputs.facts}
    opens = facts["puente-abre"]
    # "el miércoles" in an article of Thursday 27 March 2025 (10:15 in UTC-6) is Wednesday 26 March, with its basis
    assert (opens["date_start"], opens["date_end"], opens["date_precision"]) == ("2025-03-26", "2025-03-26", "day")
    assert opens["date_basis"] == (f"'el miércoles' in {spanish.sid}, published Thu 2025-03-27 -> Wed 2025-03-26"
                                   " (past, from 'abrió' in its clause: most recent such day)")
    assert "warnings" not in opens  # the speaker is named, the date decided by its verb
    assert not inputs.warnings
    (c,) = opens["citations"]
    assert (c["translation"], c["translated_by"]) == ("The harbour bridge opened to traffic on Wednesday",
                                                      "DeepL, checked by the editors")
    assert facts["puente-trafico"]["value"] == 40000  # "40.000": a full stop between thousands


def test_the_quote_is_checked_in_the_original_words_never_the_translation(spanish):
    spanish.write("facts/facts.yaml", FACTS.replace("{sid}", spanish.sid).replace(
        "El puente del puerto se abrió al tráfico el miércoles", "The harbour bridge opened to traffic on Wednesday"))
    assert [code for _, _, code in spanish.codes()] == ["quote-not-found"]
    spanish.write("facts/facts.yaml", FACTS.replace("{sid}", spanish.sid).replace(
        'translated_by: M. Hernández', 'translated_by: ""'))
    assert [code for _, _, code in spanish.codes()] == ["wrong-type"]


def test_a_figure_in_a_spanish_quote_is_read_as_spanish_writes_it(spanish):
    spanish.write("facts/facts.yaml", FACTS.replace("{sid}", spanish.sid).replace("value: 40000", "value: 40"))
    problems = spanish.check()
    assert [p.code for p in problems] == ["value-not-in-quote"]
    assert "it says 40,000" in problems[0].message


def test_the_database_keeps_the_languages_and_translations(spanish):
    spanish.build()
    conn = sqlite3.connect(spanish.db)
    assert dict(conn.execute("SELECT id, language FROM sources").fetchall()) == {"gazette": "en", spanish.sid: "es"}
    assert conn.execute("SELECT translation, translated_by FROM citations WHERE fact_id = 'alcaldesa-gran-dia'"
                        ).fetchall() == [("\u201cIt is a great day for the town,\u201d said Mayor Ana Ruiz",
                                          "M. Hernández")]
    # Spanish sentences: ¿...? and ¡...! end sentences, "Sr." and "a. m." do not
    sentences = [t for (t,) in conn.execute(
        "SELECT text FROM sentences WHERE source_id = :s AND paragraph = (SELECT paragraph FROM sentences WHERE"
        " source_id = :s AND text LIKE '%gran día%') ORDER BY position", {"s": spanish.sid})]
    assert sentences == [
        "\u00abEs un gran día para la ciudad\u00bb, dijo la alcaldesa Ana Ruiz, quien cortó la cinta a las 9 a. m."
        " mientras tocaba una banda.", "\u00bfValió la pena la espera?",
        "\u00a1Claro que sí!, respondió el Sr. Tomás Vega, vecino del barrio."]


def test_the_fact_page_shows_the_original_highlighted_with_the_translation_beside_it(spanish):
    spanish.build()
    status, _, page = fetch(spanish.db, "/timeline/facts/puente-abre")
    assert status == 200
    original = re.search(r'<blockquote lang="es" class="original"[^>]*>(.*?)</blockquote>', page, re.S)
    assert original and "<mark>El puente del puerto se abrió al tráfico el miércoles</mark>" in original[1]
    translation = re.search(r'<figure class="translation" lang="en">\s*<blockquote>(.*?)</blockquote>\s*'
                            r'<figcaption[^>]*>(.*?)</figcaption>', page, re.S)
    assert translation[1] == "The harbour bridge opened to traffic on Wednesday"
    assert "Translation by DeepL, checked by the editors" in translation[2] and "the translation is not" in \
        translation[2]
    assert "26 March 2025" in page and "worked out from &ldquo;el miércoles&rdquo;" in page
    status, _, source_page = fetch(spanish.db, f"/timeline/sources/{spanish.sid}")
    assert '<div class="source-text"' in source_page and 'lang="es"' in source_page
    assert "<dt>Language</dt><dd>Spanish" in source_page


def test_search_folds_accents_and_finds_either_the_words_or_their_translation(spanish):
    spanish.build()
    _, _, found = fetch(spanish.db, "/search?q=prision")
    assert "1 sentence of the articles" in found and "\ue000" not in found
    assert re.search(r"<mark>prisión</mark>", found)
    _, _, found = fetch(spanish.db, "/search?q=great+day")
    assert "1 translated quotation" in found and "<mark>great</mark> <mark>day</mark>" in found
    _, _, found = fetch(spanish.db, "/search?q=transito")  # no word of the article: nothing
    assert "Nothing found" in found
    canned = json.loads(fetch(spanish.db, "/timeline/search.json?q=gran+dia&_shape=array")[2])
    assert {r["found_in"] for r in canned} == {"sentence"}
    canned = json.loads(fetch(spanish.db, "/timeline/search.json?q=great+day&_shape=array")[2])
    assert ("translation", "alcaldesa-gran-dia") in [(r["found_in"], r["id"]) for r in canned]


def test_the_exports_carry_the_languages(spanish):
    spanish.build()
    collection = annotations(spanish.db, path=f"/export/annotations.jsonld?source={spanish.sid}")
    items = collection["first"]["items"]
    assert {a["target"]["source"]["language"] for a in items} == {"es"}
    quoted = next(a for a in items if a["id"].endswith("/alcaldesa-gran-dia,1"))
    fact, translation = quoted["body"]
    assert fact["dcterms:identifier"] == "alcaldesa-gran-dia"
    assert translation == {"type": "TextualBody", "value": "\u201cIt is a great day for the town,\u201d said Mayor"
                           " Ana Ruiz", "format": "text/plain", "language": "en", "purpose": "describing",
                           "dcterms:description": "a translation of the quoted words, the curator's own, not checked"
                                                  " against the article", "creator": {"name": "M. Hernández"}}
    untranslated = next(a for a in items if a["id"].endswith("/puente-trafico,1"))
    assert isinstance(untranslated["body"], dict)
    for a in items:
        assert not w3c_failures("annotation", {"@context": ANNO, **a})
    events = {e["unique_id"]: e for e in timelinejs(spanish.db)["events"]}
    text = events["puente-abre"]["text"]["text"]
    assert '<blockquote lang="es">\u201cEl puente del puerto se abrió al tráfico el miércoles\u201d</blockquote>' in text
    assert '<p class="tl-translation" lang="en">Translation: \u201cThe harbour bridge opened' in text


def test_a_spanish_and_an_english_article_are_independent_origins(spanish):
    """The English gazette and a Spanish rewrite of the same story share no sentence: two origins, unless
    based_on says otherwise."""
    spanish.build()
    conn = sqlite3.connect(spanish.db)
    assert conn.execute("SELECT count(DISTINCT origin) FROM source_origins").fetchone()[0] == 2


def test_suggest_and_coverage_read_spanish_sentences(spanish):
    spanish.write("facts/facts.yaml", "[]\n")
    from timeline.across import coverage, suggest

    inputs = story.check(str(spanish.facts), str(spanish.sources))
    found = {(c.kind, c.value, c.qualifier, c.unit) for c in suggest.candidates(inputs, spanish.sid)}
    assert ("figure", 12000000, "exact", "USD") in found
    assert ("figure", 40000, "approx", "vehículos") in found
    assert ("figure", 300, "more_than", "personas") in found
    assert ("figure", 238, "exact", "trabajadores") in found
    assert ("figure", 3.5, "exact", "percent") in found
    statements = [c for c in suggest.candidates(inputs, spanish.sid) if c.kind == "statement"]
    assert statements and statements[0].speaker == "Ana Ruiz"
    dated = [c for c in suggest.candidates(inputs, spanish.sid) if c.phrases and c.phrases[0].text == "el miércoles"]
    assert dated and dated[0].phrases[0].resolved.start.isoformat() == "2025-03-26"
    report = coverage.report(inputs)[spanish.sid]
    assert report["signalled"] >= 5 and report["cited"] == 0
    ids = [re.search(r"(?m)^- id: (\S+)$", suggest.to_yaml(c)).group(1) for c in suggest.candidates(inputs, spanish.sid)]
    assert f"{spanish.sid}-3-3-anos-despues" in ids and f"{spanish.sid}-8-40000-vehiculos" in ids  # accents dropped


# --- independence across languages --------------------------------------------------------------------------------

ENGLISH = ("Kristi Noem toured Tecoluca prison with Bukele, Ortiz and 238 Venezuelans in March 2025.\n"
           "Bukele told Noem that Tecoluca holds 40,000 inmates from MS-13 and Barrio 18.\n")
# The same two sentences in Spanish: the names and numbers they share are enough to pass the threshold
SPANISH = ("Kristi Noem recorrió la prisión de Tecoluca con Bukele, Ortiz y 238 venezolanos en marzo de 2025.\n"
           "Bukele dijo a Noem que Tecoluca alberga a 40,000 reos de la MS-13 y del Barrio 18.\n")
# A Spanish outlet's copy of the Spanish article, edited
COPY = ("Kristi Noem recorrió el martes la prisión de Tecoluca con Bukele, Ortiz y 238 venezolanos en marzo de 2025.\n"
        "Bukele explicó a Noem que Tecoluca alberga a 40,000 reos de la MS-13 y del Barrio 18.\n")


def article(sid, text, language, based_on=None):
    from timeline.records import Source
    from timeline.text import sentences

    day = datetime.date(2025, 3, 27)
    return Source(id=sid, path="", sha256="", text=text, sentences=sentences.split(text, sentences.rules_for(language)),
                  published=str(day), published_date=day, language=language, based_on=based_on)


def test_an_english_and_a_spanish_report_sharing_translated_sentences_are_independent_origins():
    from timeline.across import corroboration

    archive = {"herald": article("herald", ENGLISH, "en"), "diario": article("diario", SPANISH, "es")}
    rows, shared = corroboration.links(archive)
    assert (rows, shared) == ([], [])
    assert corroboration.origins(archive, rows) == {"herald": "herald", "diario": "diario"}
    # Read as one language, their names and numbers alone would have linked them: two shared sentences
    as_one = {sid: article(sid, s.text, "en") for sid, s in archive.items()}
    assert [r["basis"] for r in corroboration.links(as_one)[0]] == ["detected"]


def test_two_spanish_reports_copying_each_other_are_linked_and_a_regional_tag_is_the_same_language():
    from timeline.across import corroboration
    from timeline.ingest.add_source import wire_copy

    archive = {"herald": article("herald", ENGLISH, "en"), "diario": article("diario", SPANISH, "es"),
               "prensa": article("prensa", COPY, "es-SV")}
    rows, shared = corroboration.links(archive)
    assert [(r["source_a"], r["source_b"], r["shared_sentences"], r["basis"]) for r in rows] == [
        ("diario", "prensa", 2, "detected")]
    assert corroboration.origins(archive, rows) == {"herald": "herald", "diario": "diario", "prensa": "diario"}
    # Spanish words are compared without Spanish stopwords
    words = {w for _, sentence in corroboration.source_sentences(archive["diario"]) for w in sentence}
    assert {"la", "de", "con", "del"}.isdisjoint(words) and {"recor", "venez", "alber"} <= words
    # add-source finds the same copy, and nothing in the English article
    assert wire_copy("nuevo", COPY, "2025-03-27", {k: v for k, v in archive.items() if k != "prensa"}, tag="es") \
        == [("diario", 2, None)]
    assert wire_copy("nuevo", ENGLISH, "2025-03-27", {"diario": archive["diario"]}, tag="en") == []


def test_based_on_links_a_translation_to_the_article_it_translates():
    from timeline.across import corroboration

    archive = {"herald": article("herald", ENGLISH, "en"),
               "diario": article("diario", SPANISH, "es", based_on="herald")}
    rows, _ = corroboration.links(archive)
    assert [(r["source_a"], r["source_b"], r["basis"], r["evidence"]) for r in rows] == [
        ("diario", "herald", "declared", "declared: diario credits herald")]
    assert corroboration.origins(archive, rows) == {"herald": "diario", "diario": "diario"}  # one origin


def test_an_articles_sentences_and_words_are_read_again_when_its_language_changes(spanish):
    """The build cache keeps an article's sentences and words under its language too: the same bytes read as
    English are split by English's rules (pysbd's English ends a sentence after "Sr."), and back again."""
    def sentences_of_the_paragraph():
        spanish.build()
        return sqlite3.connect(spanish.db).execute(
            "SELECT count(*) FROM sentences WHERE source_id = :s AND paragraph = (SELECT paragraph FROM sentences"
            " WHERE source_id = :s AND text LIKE '%Claro que%')", {"s": spanish.sid}).fetchone()[0]

    spanish.write("facts/facts.yaml", FACTS.replace("{sid}", spanish.sid).split("- id: alcaldesa-gran-dia")[0]
                  .split("- id: puente-cuesta")[0].replace("when: el miércoles", "date: 2025-03-26"))
    assert sentences_of_the_paragraph() == 3
    yaml_path = spanish.sources / "sources.yaml"

    def set_language(old, new):
        yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(f"language: {old}", f"language: {new}"),
                             encoding="utf-8")

    set_language("es", "en")
    assert sentences_of_the_paragraph() == 4
    set_language("en", "es")
    assert sentences_of_the_paragraph() == 3


def test_a_spanish_speaker_is_named_without_the_sentences_full_stop_and_a_vague_plural_is_no_number():
    from timeline.text import mentions

    def speakers(sentence):
        return [q.speaker for q in mentions.quotations(sentence, "es")]

    assert speakers("«Hoy cumplimos una promesa con la ciudad», dijo Menéndez.") == ["Menéndez"]
    assert speakers("«Hoy cumplimos una promesa con la ciudad», dijo J. M. Pérez.") == ["J. M. Pérez"]
    # "cientos" and "miles" (hundreds, thousands) say no number, as in English: only "12.000 visitantes" is one
    assert [n.value for n in mentions.numbers("Ante cientos de vecinos y miles de turistas, 12.000 visitantes al día.",
                                              language="es")] == [12000]


def test_timeline_date_reads_a_spanish_phrase_with_its_basis(tmp_path):
    from conftest import run_in_process

    result = run_in_process(["date", "el miércoles", "--published", "2025-03-27", "--language", "es", "--context",
                             "El puente se abrió al tráfico el miércoles.", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["start"], found["end"], found["precision"], found["label"]) == (
        "2025-03-26", "2025-03-26", "day", "26 March 2025")
    assert found["basis"] == ("'el miércoles' in the source, published Thu 2025-03-27 -> Wed 2025-03-26 (past, from"
                              " 'abrió' in its clause: most recent such day)")
    assert found["guess"] is None
