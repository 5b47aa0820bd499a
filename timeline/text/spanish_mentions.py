"""What a Spanish sentence mentions, for timeline.text.mentions: date phrases ("el pasado 15 de marzo", "la
semana pasada"), numbers with what they count ("238 venezolanos", "40.000 reos" with a full stop between
thousands, "3,5 millones" with a decimal comma, "6 millones de dólares", "más de 200"), quotations and
their speaker ("—dijo Noem", "según el ministro"), and court words ("el juez ordenó").

Everything is given as plain tuples; timeline.text.mentions makes its records of them. Like the English
heuristics, nothing found here becomes a fact by itself: a curator confirms it.
"""
from __future__ import annotations

import re
from collections.abc import Collection

_WEEKDAY = r"(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo)"
_MONTH = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
_REL = r"(?:pasad[oa]|pr[oó]xim[oa]|est[ea]|[uú]ltim[oa])"
_AFTER = r"(?:\s+(?:pasad[oa]|pr[oó]xim[oa]|que\s+viene|entrante|[uú]ltimo))?"
_YEAR = r"(?:1[0-9]|20)[0-9]{2}"
_YEAR_OF = rf"(?:\s+(?:de|del)\s+(?:(?:el\s+)?a[nñ]o\s+)?(?:{_YEAR}|(?:este|presente)\s+a[nñ]o|a[nñ]o\s+(?:pasado|" \
           r"anterior|pr[oó]ximo|que\s+viene)|(?:pasado|pr[oó]ximo)\s+a[nñ]o))?"
_NUM_WORD = r"(?:un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|quince|veinte|treinta|[0-9]{1,3})"
_UNIT = r"(?:d[ií]as?|semanas?|mes|meses|a[nñ]os?)"
_CLOCK = (r"(?:[0-9]{1,2}(?:[:.][0-9]{2})?\s*(?:a\.?\s?m\.?|p\.?\s?m\.?)|[0-9]{1,2}(?::[0-9]{2})?\s+de\s+la\s+"
          r"(?:ma[nñ]ana|madrugada|tarde|noche)|[0-9]{1,2}[:.][0-9]{2}\s*(?:horas|h\b)?|mediod[ií]a|medianoche)")
_DAY_NAME = rf"(?:{_REL}\s+)?{_WEEKDAY}(?:\s+{_REL})?|hoy|ayer|ma[nñ]ana"
_LEAD = (r"(?:(?:desde|hasta|durante|a\s+partir\s+de|antes\s+de|despu[eé]s\s+de|alrededor\s+de|hacia|en|a|al|el|la|"
         r"los|las|del)\s+)*")
DATE_PHRASE = re.compile(
    rf"\b{_LEAD}(?:"
    rf"(?:a\s+)?las?\s+{_CLOCK}(?:\s+(?:del?|el)\s+(?:{_DAY_NAME}))?"
    rf"|(?:{_DAY_NAME})\s+a\s+las?\s+{_CLOCK}"
    rf"|(?:(?:{_REL})\s+)?(?:{_WEEKDAY},?\s+)?[0-9]{{1,2}}(?:\.?[ºo°])?\s+de\s+{_MONTH}{_YEAR_OF}{_AFTER}"
    rf"|[0-9]{{1,2}}\s+al?\s+[0-9]{{1,2}}\s+de\s+{_MONTH}{_YEAR_OF}"
    rf"|(?:(?:{_REL})\s+)?(?:mes\s+de\s+)?{_MONTH}{_AFTER}{_YEAR_OF}"
    rf"|(?:principios|comienzos|inicios|mediados|finales|fines)\s+(?:de|del)\s+(?:{_MONTH}(?:\s+de\s+{_YEAR})?"
    rf"|{_YEAR}|(?:este\s+|esta\s+)?(?:mes|a[nñ]o|semana)(?:\s+pasad[oa]|\s+pr[oó]xim[oa])?|(?:a[nñ]o|mes)\s+pasado)"
    rf"|(?:primer|segundo|tercer|cuarto|[uú]ltimo)\s+(?:trimestre|semestre){_YEAR_OF}"
    rf"|trimestre\s+(?:pasado|anterior)|(?:pasado|pr[oó]ximo|este)\s+trimestre"
    rf"|(?:{_REL}\s+)?(?:primavera|verano|oto[nñ]o|invierno){_AFTER}(?:\s+de\s+{_YEAR})?"
    rf"|(?:{_REL}\s+)?fin\s+de\s+semana{_AFTER}"
    rf"|(?:{_REL}\s+)?(?:semana|mes|a[nñ]o){_AFTER}"
    rf"|lo\s+que\s+va\s+(?:del?|de\s+este)\s+(?:a[nñ]o|mes)"
    rf"|hace\s+(?:casi\s+|unos\s+|unas\s+|m[aá]s\s+de\s+)?{_NUM_WORD}\s+{_UNIT}|dentro\s+de\s+{_NUM_WORD}\s+{_UNIT}"
    rf"|(?:{_DAY_NAME})(?:\s+(?:por|en)\s+la\s+(?:ma[nñ]ana|tarde|noche|madrugada))?"
    rf"|anoche|anteayer|esta\s+(?:ma[nñ]ana|tarde|noche)"
    rf"|d[eé]cada\s+de\s+(?:los\s+)?(?:a[nñ]os\s+)?[0-9]{{3}}0|a[nñ]os\s+(?:[0-9]0|veinte|treinta|cuarenta|cincuenta|"
    rf"sesenta|setenta|ochenta|noventa)"
    rf"|{_YEAR}(?![0-9.,]|\s*(?:personas|presos|reos|reclusos|venezolanos|detenidos|a[nñ]os|veces)\b)"
    rf")(?![\w-])", re.IGNORECASE)
_SKIP_ALONE = re.compile(r"^(?:(?:el|la|los|las|en|a|al|del)\s+)*(?:semana|mes|a[nñ]o|ma[nñ]ana)$", re.IGNORECASE)

# ---------------------------------------------------------------- numbers

_NUMBER_WORDS = {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
                 "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "veinte": 20,
                 "treinta": 30, "cuarenta": 40, "cincuenta": 50, "cien": 100, "docena": 12, "una docena": 12}
# "cientos", "miles", "decenas", "centenares" (hundreds, thousands, tens) are no number: as in English, a
# vague plural is not read as one (a sentence with one still has the number signal: coverage lists it)
_SCALE = {"mil": 1e3, "millón": 1e6, "millon": 1e6, "millones": 1e6, "mil millones": 1e9, "billón": 1e12,
          "billones": 1e12}
_CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "USD": "USD", "\u20ac": "EUR", "\u00a3": "GBP"}
_CURRENCY_WORDS = {"dólares": "USD", "dolares": "USD", "dólar": "USD", "euros": "EUR", "euro": "EUR",
                   "colones": "SVC", "bolívares": "VES", "bolivares": "VES", "pesos": "MXN"}
QUALIFIERS = (("hasta", "up_to"), ("más de", "more_than"), ("mas de", "more_than"), ("por encima de", "more_than"),
              ("al menos", "at_least"), ("por lo menos", "at_least"), ("como mínimo", "at_least"),
              ("como máximo", "at_most"), ("menos de", "less_than"), ("unos", "approx"), ("unas", "approx"),
              ("alrededor de", "approx"), ("cerca de", "approx"), ("casi", "approx"),
              ("aproximadamente", "approx"), ("en torno a", "approx"), ("aproximadamente unos", "approx"))
_QUALIFIER_RE = "|".join(re.escape(q) for q, _ in sorted(QUALIFIERS, key=lambda x: -len(x[0])))
# Digits as Spanish writes them: a full stop (or a space) between thousands, a decimal comma: 40.000, 3,5, 1.250,75
DIGITS = r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]{1,3}(?:\u00a0[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?"
NUMBER = re.compile(
    rf"(?:\b(?P<qual>{_QUALIFIER_RE})\s+)?"
    rf"(?P<cur>US\$|[$\u20ac\u00a3])?\s?"
    rf"(?P<num>\b(?:{DIGITS})\b|\b(?:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})\b)"
    rf"(?:\s+(?P<scale>mil\s+millones|millones|millón|millon|mil|billones|billón)\b)?", re.IGNORECASE)
_COUNTED = re.compile(r"\s*(?:de\s+)?((?:[^\W\d_][\w.'\u2019-]*\s+){0,2}[^\W\d_][\w.'\u2019-]*)")
_STOP_AFTER = {"el", "la", "los", "las", "un", "una", "de", "del", "y", "o", "e", "en", "a", "al", "por", "para",
               "con", "sin", "que", "es", "son", "fue", "fueron", "era", "su", "sus", "se", "lo", "le", "les", "como",
               "más", "mas", "menos", "entre", "según", "sobre", "tras", "desde", "hasta", "ha", "han", "había",
               "por ciento", "ciento", "horas", "h", "p", "m"}
_NOT_NOUNS = {"más", "mas", "menos", "otros", "otras", "nuevos", "nuevas", "mismo", "misma", "mismos", "primeros",
              "últimos", "ultimos", "veces", "cada", "muy", "también", "tambien", "solo", "sólo", "apenas", "ya"}
_VERB = re.compile(r"(?:aron|ieron|ó|ará|arán|erá|erán|irá|irán|aban|ían|ado|ido)$")  # a verb ends what is counted
_PER = re.compile(r"^\s*(?:al|por|cada|a la)\s+(d[ií]a|semana|mes|a[nñ]o)\b", re.IGNORECASE)
_PER_UNITS = {"dia": "day", "día": "day", "semana": "week", "mes": "month", "ano": "year", "año": "year"}
_CAPACITY = re.compile(r"\bcapacidad\s+(?:para|de)(?:\s+albergar(?:\s+a)?|\s+hasta)?\s*$", re.IGNORECASE)
Found = tuple[str, int, int, float, str, str, str | None]  # text, start, end, value, qualifier, unit, per


def value_of(digits: str) -> float:
    """'40.000' 40000, '3,5' 3.5, '1.250,75' 1250.75, '40 000' 40000 (Spanish digits, DIGITS)."""
    return float(digits.replace(".", "").replace("\u00a0", "").replace(",", "."))


def numbers(sentence: str, skip: Collection[tuple[int, int]] = ()) -> list[Found]:
    """Numbers in a Spanish sentence with what they count; spans in `skip` (date phrases) are left out."""
    out: list[Found] = []
    for m in NUMBER.finditer(sentence):
        start, end = m.start("num"), m.end()
        if any(s <= start < e for s, e in skip):
            continue
        raw = m.group("num")
        word = raw.lower()
        if word in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[word])
        else:
            value = value_of(raw)
            after, before = sentence[end:end + 1], sentence[max(0, start - 1):start]
            if re.match(r"[0-9]", after) or after in (":", "/") or before in (":", "/"):
                continue  # part of a time, a fraction or an identifier
            if re.search(r"[A-Za-z]-$", sentence[:start]):
                continue  # a name such as MS-13
        if m.group("scale"):
            value *= _SCALE[m.group("scale").lower().replace("  ", " ")] if m.group("scale").lower() in _SCALE \
                else 1e9
        currency = _CURRENCY_SIGNS.get(m.group("cur") or "")
        rest = sentence[end:]
        unit: str | None = currency
        words_after = re.match(r"\s*(?:de\s+)?([^\W\d_]+)", rest)
        if words_after and words_after.group(1).lower() in _CURRENCY_WORDS:
            unit = _CURRENCY_WORDS[words_after.group(1).lower()]
            rest_end = end + words_after.end()
        else:
            rest_end = end
        if re.match(r"\s*(?:%|por\s+ciento)", rest):
            unit = "percent"
        if not unit:
            counted = _COUNTED.match(rest)
            if counted:
                words = counted.group(1).split()
                for i, w in enumerate(words):
                    stop = w.lower().strip(".,") in _STOP_AFTER or i and _VERB.search(w.lower().strip(".,"))
                    if stop or w.endswith((".", ",")) and i < len(words) - 1:
                        words = words[:i + (0 if stop else 1)]
                        break
                words = [w.rstrip(".,") for w in words]
                while words and words[-1].lower() in _STOP_AFTER:
                    words.pop()
                if words and words[0].lower() not in _STOP_AFTER and _noun(words[0]):
                    unit = " ".join(words)
        if not unit:
            continue
        qualifier = dict(QUALIFIERS).get((m.group("qual") or "").lower(), "exact")
        if qualifier == "exact" and _CAPACITY.search(sentence[:m.start()]):
            qualifier = "up_to"  # 'capacidad para 40.000 reos': how many it holds, not how many are in it
        per_match = _PER.match(sentence[rest_end:])
        per = _PER_UNITS.get(per_match.group(1).lower()) if per_match else None
        number = int(value) if value == int(value) else value
        out.append((sentence[m.start():end].strip(), m.start(), end, number, qualifier, unit, per))
    return out


def _noun(word: str) -> bool:
    """A rough test that `word` can be what a number counts: not an adjective, adverb or verb form."""
    w = word.lower().strip(".,")
    if w in _NOT_NOUNS or not w.replace("-", "").isalpha():
        return False
    return not w.endswith(("mente", "ando", "iendo", "ado", "ada", "ido", "ida")) or w in (
        "soldado", "soldados", "abogado", "abogados", "diputado", "diputados", "detenido", "detenidos", "deportado",
        "deportados", "empleado", "empleados", "partido", "partidos", "estado", "estados", "jurado", "mercado",
        "detenidas", "deportadas", "acusados", "acusado", "condenados", "condenado")


def numbers_said(text: str) -> list[float]:
    """Every number a Spanish quote says, as values: digits as Spanish writes them, words, with their scale
    ('6 millones', '40.000', '3,5 millones', 'dos mil')."""
    out: list[float] = []
    for m in NUMBER.finditer(text):
        raw = m.group("num").lower()
        value = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else value_of(m.group("num"))
        if m.group("scale"):
            value *= _SCALE.get(m.group("scale").lower(), 1e9)
        out.append(value)
    return out


# ---------------------------------------------------------------- speakers, court words

SPEECH = (r"(?:dijo|dice|dijeron|afirmó|afirma|aseguró|asegura|declaró|declara|señaló|señala|indicó|indica|"
          r"explicó|explica|agregó|añadió|sostuvo|sostiene|advirtió|advierte|manifestó|expresó|escribió|publicó|"
          r"insistió|recalcó|subrayó|destacó|apuntó|comentó|respondió|contestó|denunció|anunció|reconoció|"
          r"admitió|negó|aseveró|precisó|informó|detalló|afirmaron|aseguraron|declararon|señalaron|indicaron|"
          r"explicaron|agregaron|denunciaron)")
NAME = (r"((?:[A-ZÁÉÍÓÚÑ][\w.'\u2019-]*|de|del|la|las|los|y)(?:\s+(?:[A-ZÁÉÍÓÚÑ][\w.'\u2019-]*|de|del|la|las|los))"
        r"{0,4})")
_TITLE = (r"((?:el|la|los|las)\s+(?:[a-záéíóúñ]+\s+){0,3}(?:ministr[oa]|presidente|presidenta|secretari[oa]|"
          r"portavoz|vocero|vocera|fiscal|juez|jueza|magistrad[oa]|director|directora|canciller|gobierno|"
          r"departamento|ministerio|tribunal|corte|policía|autoridades|funcionari[oa]s?|abogad[oa]s?|"
          r"organización|ong|embajada|alcaldes?|alcaldesa)\b(?:\s+(?:de|del)\s+[A-ZÁÉÍÓÚÑ][\w]*(?:\s+(?:de\s+)?[A-ZÁÉÍÓÚÑ][\w]*)*)?)")
_SPEAKER_BEFORE = (
    re.compile(rf"\b(?:[Ss]egún|[Dd]e\s+acuerdo\s+con)\s+(?:{_TITLE}|{NAME})"),
    re.compile(rf"{NAME},?\s+(?:[a-záéíóúñ]+\s+){{0,1}}{SPEECH}"),
    re.compile(rf"{SPEECH}\s+{NAME}"),
)
_SPEAKER_AFTER = (re.compile(rf"^[\W]*{SPEECH}\s+(?:(?:el|la|los|las)\s+(?:[a-záéíóúñ]+\s+){{1,3}})?{NAME}"),
                  re.compile(rf"^[\W]*{SPEECH}\s+{_TITLE}"),
                  re.compile(rf"^[\W]*{NAME},?\s+{SPEECH}"))
QUOTATION = re.compile(r"[\u201c\"\u00ab]([^\u201c\u201d\"\u00ab\u00bb]{2,}?)[\u201d\"\u00bb]")
_WORD_BEFORE_NAME = ("El", "La", "Los", "Las", "Un", "Una", "En", "Pero", "Y", "Cuando", "Si", "Este", "Esta",
                     "Según", "Según,")

COURT_WORDS = re.compile(
    r"\b(?:tribunal|tribunales|corte|cortes|juez|jueza|jueces|magistrad[oa]s?|fallo|sentencia|sentenció|"
    r"condenad[oa]s?|orden|ordenó|dictaminó|dictó|bloqueó|suspendió|demanda|demandó|recurso|apelación|"
    r"audiencia|hábeas\s+corpus|habeas\s+corpus|fiscalía|imputad[oa]s?|acusad[oa]s?|cargos)\b", re.IGNORECASE)
_RULING = (r"(?:ordenó|ordena|dictaminó|falló|bloqueó|bloquea|suspendió|suspende|prohibió|rechazó|rechaza|"
           r"concedió|anuló|revocó|confirmó|sentenció|condenó|admitió|desestimó|dictó|emitió|paralizó|frenó)")
_COURTISH = re.compile(r"\b(?:tribunal|corte|juez|jueza|jueces|magistrad[oa]s?|sala)\b", re.IGNORECASE)
_RULED = re.compile(rf"((?:(?:el|la|los|las)\s+)?(?:[\w.'\u2019-]+\s+){{0,5}}?(?:tribunal|corte|juez|jueza|jueces|"
                    rf"magistrad[oa]s?|sala)(?:\s+[\w.'\u2019-]+){{0,4}}?),?\s+(?:\w+\s+)?{_RULING}\b", re.IGNORECASE)
_SAID = re.compile(rf"({_TITLE}|[A-ZÁÉÍÓÚÑ][\w.'\u2019-]*(?:\s+[A-ZÁÉÍÓÚÑ][\w.'\u2019-]*){{0,3}}),?\s+"
                   rf"(?:también\s+|ya\s+|había\s+|ha\s+)?{SPEECH}\b|{SPEECH}\s+({_TITLE}|[A-ZÁÉÍÓÚÑ][\w.'\u2019-]*"
                   rf"(?:\s+[A-ZÁÉÍÓÚÑ][\w.'\u2019-]*){{0,3}})|\b[Ss]egún\s+({_TITLE}|{NAME})")


def date_spans(sentence: str) -> list[tuple[str, int, int]]:
    """(phrase, start, end) of every date phrase candidate in a Spanish sentence, in order."""
    out = []
    for m in DATE_PHRASE.finditer(sentence):
        phrase = m.group(0).strip(" ,")
        if _SKIP_ALONE.match(phrase):
            continue  # 'la semana', 'el año', 'mañana' (the morning) alone name no date
        out.append((phrase, m.start(), m.start() + len(m.group(0).rstrip(" ,"))))
    return out


def _tidy(name: str | None) -> str | None:
    if not name:
        return None
    words = name.split()
    while words and words[0] in _WORD_BEFORE_NAME:
        words = words[1:]
    while words and words[-1].lower() in ("de", "del", "la", "las", "los", "y"):
        words.pop()
    if words:  # the full stop that ends the sentence ('dijo Menéndez.'), not an initial's or a dotted form's
        words[-1] = re.sub(r"^([^.]{2,})\.$", r"\1", words[-1])
    if words and re.fullmatch(rf"{_WEEKDAY}|{_MONTH}|Hoy|Ayer", words[0], re.IGNORECASE):
        return None
    return " ".join(words) or None


def speaker_near(before: str, after: str) -> str | None:
    """The speaker named next to a quotation: '—dijo Noem', ', afirmó la ministra', 'Según el ministro, ...'."""
    after = after[:120]
    for pattern in _SPEAKER_AFTER:
        m = pattern.search(after)
        if m:
            return _tidy(next((g for g in m.groups() if g), None))
    found = [m for pattern in _SPEAKER_BEFORE for m in pattern.finditer(before)]
    if found:
        best = max(found, key=lambda m: m.end())
        return _tidy(next((g for g in best.groups() if g), None))
    return None


def quotations(sentence: str) -> list[tuple[str, int, int, str | None]]:
    """(text, start, end, speaker) of each quoted passage of at least three words."""
    matches = [m for m in QUOTATION.finditer(sentence) if len(m.group(1).split()) >= 3]
    outside = sentence
    for m in matches:
        outside = outside[:m.start()] + " " * (m.end() - m.start()) + outside[m.end():]
    return [(m.group(1).strip(), m.start(1), m.end(1), speaker_near(outside[:m.start()], outside[m.end():]))
            for m in matches]


def main_action(sentence: str) -> tuple[str | None, str | None]:
    """('court', subject) when a court or judge rules or orders; ('speech', speaker) when someone says something
    ('El ministro dijo que...', 'según la fiscalía'); (None, None) otherwise."""
    for m in _RULED.finditer(sentence):
        subject = _tidy(m.group(1))
        if subject and _COURTISH.search(subject):
            return "court", subject
    for m in _SAID.finditer(sentence):
        subject = _tidy(next((g for g in m.groups() if g), None))
        if subject and subject.lower() not in ("él", "ella", "ellos", "ellas", "este", "esta"):
            return "speech", subject
    return None, None


# ---------------------------------------------------------------- signals, corroboration's words

_SIGNAL_NUMBER_WORDS = ("dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince|veinte|"
                        "treinta|cuarenta|cincuenta|cien|cientos|mil|miles|millón|millones|docenas?|decenas|doble|"
                        "triple|mitad")
SIGNALS = {
    "number": re.compile(rf"\d|\b(?:{_SIGNAL_NUMBER_WORDS})\b", re.IGNORECASE),
    "date": re.compile(rf"\b(?:{_WEEKDAY}|{_MONTH})\b|\b(?:hoy|ayer|anoche|anteayer|fin\s+de\s+semana)\b"
                       r"|\b(?:semana|mes|a[nñ]o|trimestre|semestre|d[eé]cada|siglo)\s+(?:pasad[oa]|pr[oó]xim[oa]|"
                       r"que\s+viene|entrante)\b|\b(?:est[ea]|pr[oó]xim[oa]|pasad[oa])\s+(?:semana|mes|a[nñ]o|"
                       r"trimestre|verano|invierno|primavera|oto[nñ]o)\b|\bhace\s+\w+\s+(?:d[ií]as?|semanas?|meses|"
                       r"mes|a[nñ]os?)\b|\b(?:1[5-9]\d\d|20\d\d)\b|\brecientemente\b", re.IGNORECASE),
    "quotation": re.compile(r"[\u201c\"\u00ab][^\u201c\u201d\"\u00ab\u00bb]*\w[^\u201c\u201d\"\u00ab\u00bb]*"
                            r"[\u201d\"\u00bb]"),
}

STOPWORDS = frozenset("""a al ante bajo con contra de del desde durante e el ella ellas ellos en entre era eran es
esa esas ese eso esos esta estaba estas este esto estos fue fueron ha han hasta hay la las le les lo los mas más
me mi muy ni no nos o os para pero por que qué se ser si sí sin sobre son su sus también tras tu un una uno unos
unas y ya yo él ha había habían está están será serán sería como cuando donde quien quienes cual cuales cuyo
porque aunque mientras según otro otra otros otras todo toda todos todas mismo misma dijo dice dijeron
""".split())
