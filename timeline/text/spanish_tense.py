"""The Spanish words of timeline.text.tense: what bounds a clause ("que", "cuando", "según"), what makes it
past ("visitó", "dijeron", "ha dicho", "había llegado", "fue") or future ("visitará", "va a visitar",
"tiene previsto", "está programado"), what leaves it open (the conditional "sería", the present "es",
an infinitive after "para"), and what makes a date a deadline or a noun's ("hasta el viernes", "la
audiencia del miércoles").

Spanish marks its tenses in the verb's ending, so most markers are endings: the preterite's accented "-ó"
and "-aron"/"-ieron", the future's "-rá"/"-rán". News copy keeps its accents; a text written without them
is read with fewer markers (the phrase is then a guess, and warned about), never with wrong ones.
"""
from __future__ import annotations

import re

from timeline.text.tense import Markers

# Irregular preterites and imperfects of the verbs news reports with ("dijo", "fue", "hizo"), and the
# auxiliaries of the perfect tenses ("ha dicho", "había llegado").
_IRREGULAR_PAST = (
    "dijo|dijeron|fue|fueron|hizo|hicieron|estuvo|estuvieron|tuvo|tuvieron|pudo|pudieron|puso|pusieron|vino|"
    "vinieron|trajo|trajeron|dio|dieron|vio|vieron|supo|supieron|quiso|quisieron|hubo|condujo|condujeron|"
    "produjo|produjeron|redujo|redujeron|tradujo|anduvo|era|eran|estaba|estaban|había|habían|tenía|tenían|"
    "decía|decían|iba|iban|ocurrió|ayer|anoche|anteayer|anteriormente|previamente")
# Words ending in an accented -ó that are no preterite
_NOT_PAST = {"buró", "capó", "dominó", "rococó", "bongó", "gigoló", "rondó", "landó"}
_NOT_CONDITIONAL = {"secretaría", "notaría", "tesorería", "librería", "panadería", "ganadería", "galería",
                    "batería", "lotería", "cafetería", "ingeniería", "auditoría", "contraloría", "procuraduría",
                    "relojería", "joyería", "frutería", "carnicería", "pizzería", "mensajería"}


def participle(word: str) -> bool:
    """Spanish past markers are finite verbs ('visitó', 'ha visitado'), never a bare participle: False."""
    return False


def not_a_tense(sentence: str, start: int, word: str) -> bool:
    """True for a word that only looks past: a noun ending in -ó ('buró')."""
    return word.lower() in _NOT_PAST


_LETTER = "a-záéíóúüñ"

MARKERS = Markers(
    hard=re.compile(r"[\u201c\u201d\"();:\u2014\u00ab\u00bb\u00bf\u00a1]|\s[-\u2013]\s|--"),
    soft=re.compile(r"(?:,\s*|\s)(?=(?:que|quien|quienes|cual|cuales|cuyo|cuya|porque|mientras|aunque|pero|sino|"
                    r"cuando|si|según|donde|pues|ya que|dado que|luego de que|después de que|antes de que)\b)"
                    r"|,\s*(?=(?:y|e|o|u|tras|como|al)\b)", re.IGNORECASE),
    future=re.compile(
        rf"\b[{_LETTER}]{{2,}}(?:rá|rán|ré|remos|réis)\b"
        r"|\b(?:voy|vas|va|vamos|van)\s+a\s+(?!ser\s+(?:el|la)\b)[a-záéíóú]+(?:ar|er|ir)(?:se|lo|la|los|las|le|les)?\b"
        r"|\b(?:tiene|tienen|tengo|tenemos)\s+(?:previst[oa]|programad[oa]|planead[oa])\b"
        r"|\b(?:está|están|estará|estarán)\s+(?:previst[oa]s?|programad[oa]s?|convocad[oa]s?|fijad[oa]s?)\b"
        r"|\b(?:prevé|prevén|planea|planean|pretende|pretenden|proyecta|proyectan)\b"
        r"|\bse\s+(?:espera|prevé)\s+que\b|\bpróximamente\b|\bvenider[oa]s?\b",
        re.IGNORECASE),
    past=re.compile(
        rf"\b(?:{_IRREGULAR_PAST})\b"
        rf"|\b(?:ha|han|he|has|hemos|había|habían|hubo|hubiera|hubieran)\s+(?:[{_LETTER}]+\s+)?"
        rf"[{_LETTER}]+(?:ado|ido|to|cho|sto|so)\b"
        rf"|\b[{_LETTER}]{{2,}}(?:ó|aron|ieron|eron)\b|\bya\b"
    # the irregular preterites of compound verbs: detuvo, mantuvo, propuso, intervino, atrajo, predijo, introdujo
    rf"|\b[{_LETTER}]*(?:tuv|pus|vin|traj|dij|duj|hic|quis|sup)(?:o|ieron|eron)\b",
        re.IGNORECASE),
    either=re.compile(
        rf"(?-i:\b(?!(?:{'|'.join(sorted(_NOT_CONDITIONAL))})\b)[{_LETTER}]{{2,}}(?:ría|rían|ríamos)\b)"
        r"|\b(?:puede|pueden|podrá|es|son|está|están|sea|sean)\b(?!\s+(?:previst|programad|convocad|fijad))"
        rf"|\b(?:para|de)\s+(?!(?:el|la|los|las|un|una)\b)[a-záéíóú]+(?:ar|er|ir)(?:se)?\b",
        re.IGNORECASE),
    deadline=re.compile(r"\b(?:hasta|para|antes\s+de|a\s+más\s+tardar|a\s+partir\s+de|no\s+más\s+tarde\s+de)"
                        r"(?:\s+(?:el|la|los|las|del|al))?\s+$", re.IGNORECASE),
    governed=re.compile(r"(?:\b(?:hasta|para|antes\s+de|a\s+partir\s+de|a\s+más\s+tardar|plazo|fecha|vence|vencimiento|"
                        r"del|de\s+la|de\s+los|su|sus|cuyo|cuya)(?:\s+(?:el|la|los|las|del|al))?\s+)$",
                        re.IGNORECASE),
    # 'desde hace...', 'desde el 15 de marzo'; 'el pasado 15 de marzo' where the phrase is '15 de marzo'
    leading_past=re.compile(r"\bdesde\s+(?:(?!(?:es|son|está|están|será|fue|ha|han)\b)[\w'.,-]+\s+){0,4}$"
                            r"|\b(?:pasad[oa]|últim[oa])\s+$", re.IGNORECASE),
    leading_future=re.compile(r"\b(?:próxim[oa]|entrante|venider[oa])\s+$", re.IGNORECASE),
    modal=re.compile(r"(?!)"),  # no auxiliary governs a participle after it as 'will' does ('será liberado' is future)
    participle=participle,
    not_a_tense=not_a_tense,
)
