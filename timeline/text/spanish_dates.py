"""The Spanish grammar of date phrases, as news writes them: "el miércoles", "el pasado 15 de marzo", "la
semana pasada", "hace dos semanas", "el próximo jueves", "a principios de abril", "en 2023", "el primer
trimestre", "este verano", "el fin de semana", "a las 10 de la mañana del martes", "del 26 al 28 de marzo",
"alrededor de 1990", "antes de 2019".

Each Spanish form is read as the English form it names ("el pasado 15 de marzo": March 15, pointing back;
"la semana que viene": next week; "a finales de 2024": late 2024), by the English readings themselves
(timeline.text.english_dates), so the two languages give the same periods, precisions, labels, EDTF forms,
guesses and warnings: the same choices where news leaves it open ("la semana pasada" is the Monday-to-Sunday
week before the publication's, "el jueves" alone the nearest Thursday its clause points to). What is Spanish
is the words, and the clause that decides the direction (timeline.text.spanish_tense): "visitó el miércoles"
points back, "visitará el jueves" ahead. "pasado" and "próximo" decide it by themselves, before or after
the day, the month or the date ("el 15 de marzo pasado").

Phrases are compared without accents or case ("miercoles" is "miércoles"); a Spanish phrase that is no form
here is refused with the forms it knows, never read as English.
"""
from __future__ import annotations

import datetime
import functools
import re
import unicodedata

from dateutil.relativedelta import relativedelta

from timeline.errors import DateError
from timeline.text import english_dates, spanish_tense
from timeline.text.grammar import Grammar
from timeline.text.periods import Hit, Resolved, period_meant

PHRASE_FORMS = ("weekdays ('el miércoles', 'el pasado lunes', 'el próximo jueves', 'este viernes', 'el jueves por la"
                " mañana'), 'hoy', 'ayer', 'mañana', 'anoche', 'anteayer', 'hace tres días', 'dentro de dos semanas',"
                " 'la semana pasada', 'este mes', 'el año que viene', 'en lo que va del año', months ('en marzo',"
                " 'marzo de 2025', 'marzo del año pasado'), dates ('el 15 de marzo', 'el pasado 15 de marzo', 'el lunes"
                " 24 de marzo de 2025', 'el 1.º de abril'), years ('en 2023'), decades ('la década de 1990', 'los años"
                " noventa'), quarters ('el primer trimestre de 2024', 'el trimestre pasado'), halves ('el segundo"
                " semestre'), seasons ('este verano', 'la primavera de 2024'), weekends ('el fin de semana pasado'),"
                " parts ('a principios de abril', 'a mediados de marzo', 'a finales de 2024'), times ('a las 10 de la"
                " mañana del martes', 'a las 19:50 horas'), ranges ('del 26 al 28 de marzo', 'entre el lunes y el"
                " miércoles', 'de 2019 a 2021'), 'alrededor de 1990', 'antes de 2019', 'después de marzo', holidays"
                " ('Navidad', 'Nochebuena', 'Año Nuevo')")

_WEEKDAYS = {"lunes": "monday", "martes": "tuesday", "miercoles": "wednesday", "jueves": "thursday",
             "viernes": "friday", "sabado": "saturday", "domingo": "sunday"}
_MONTHS = {"enero": "january", "febrero": "february", "marzo": "march", "abril": "april", "mayo": "may",
           "junio": "june", "julio": "july", "agosto": "august", "septiembre": "september", "setiembre": "september",
           "octubre": "october", "noviembre": "november", "diciembre": "december"}
_SHORT_MONTHS = {"ene": "january", "feb": "february", "mar": "march", "abr": "april", "may": "may", "jun": "june",
                 "jul": "july", "ago": "august", "sep": "september", "sept": "september", "set": "september",
                 "oct": "october", "nov": "november", "dic": "december"}
_NUMBERS = {"un": "one", "una": "one", "uno": "one", "dos": "two", "tres": "three", "cuatro": "four", "cinco": "five",
            "seis": "six", "siete": "seven", "ocho": "eight", "nueve": "nine", "diez": "ten", "once": "eleven",
            "doce": "twelve", "quince": "15", "veinte": "20", "treinta": "30", "cuarenta": "40", "cincuenta": "50",
            "cien": "100"}
_UNITS = {"dia": "day", "semana": "week", "mes": "month", "ano": "year"}
_DECADE_WORDS = {"veinte": "twenties", "treinta": "thirties", "cuarenta": "forties", "cincuenta": "fifties",
                 "sesenta": "sixties", "setenta": "seventies", "ochenta": "eighties", "noventa": "nineties"}
_SEASONS = {"primavera": "spring", "verano": "summer", "otono": "fall", "invierno": "winter"}
_HOLIDAYS = {"navidad": "christmas", "nochebuena": "christmas eve", "ano nuevo": "new year's day",
             "dia de ano nuevo": "new year's day", "nochevieja": "new year's eve", "viernes santo": "good friday",
             "domingo de pascua": "easter", "domingo de resurreccion": "easter", "pascua": "easter",
             "dia de san valentin": "valentine's day", "san valentin": "valentine's day", "halloween": "halloween"}
_DAY_WORDS = {"hoy": "today", "ayer": "yesterday", "manana": "tomorrow", "anteayer": "day before yesterday",
              "antier": "day before yesterday", "antes de ayer": "day before yesterday",
              "pasado manana": "day after tomorrow", "anoche": "last night", "esta noche": "tonight",
              "esta manana": "this morning", "esta tarde": "this afternoon", "esta madrugada": "this morning",
              "hoy mismo": "today", "ayer mismo": "yesterday"}
_PARTS_OF_DAY = {"manana": "morning", "madrugada": "morning", "tarde": "afternoon", "noche": "night"}
_PART_WORDS = {"principios": "early", "comienzos": "early", "inicios": "early", "primeros dias": "early",
               "mediados": "mid", "finales": "late", "fines": "late", "final": "late", "fin": "late",
               "ultimos dias": "late"}

# The word before or after a day, month, date or unit that says which one: (English word, forced direction)
_BEFORE = {"este": "this", "esta": "this", "pasado": "last", "pasada": "last", "proximo": "next", "proxima": "next"}
_LAST = {"ultimo": "last", "ultima": "last"}  # after a date only: 'el 24 de marzo último' (before it, 'the last')
_AFTER = {"pasado": "last", "pasada": "last", "proximo": "next", "proxima": "next", "que viene": "next",
          "entrante": "next", "que entra": "next"}


def _words(table: dict[str, str]) -> str:
    return "|".join(sorted(map(re.escape, table), key=len, reverse=True))


_WD = rf"({_words(_WEEKDAYS)})"
_MONTH = rf"({_words(_MONTHS)})"
_ANY_MONTH = rf"({_words(_MONTHS)}|{_words(_SHORT_MONTHS)})\.?"
_NUM = rf"([0-9]{{1,3}}|{_words(_NUMBERS)})"
_REL_BEFORE = rf"(?:({_words(_BEFORE)})\s+)?"
_REL_AFTER = rf"(?:\s+({_words(_AFTER)}))?"
_YEAR_OF = r"(?:\s+(?:de|del)\s+(?:(?:el\s+)?ano\s+)?([0-9]{4}|(?:este|presente|corriente)\s+ano|ano\s+(?:pasado|" \
           r"anterior|proximo|que viene|en curso)|(?:pasado|proximo)\s+ano|ano))?"
_PREPOSITION = re.compile(r"^(?:el dia de|el dia|en|el|la|los|las|durante|a lo largo de|a partir del?|a|al|hasta|para|"
                          r"del|de|sobre|por|ya)\s+")
# 'la noche del martes', 'la madrugada de este jueves', 'la tarde de ayer': that part of that day
_PART_OF_DAY = re.compile(r"(?:(?:la|el)\s+)?(manana|madrugada|tarde|noche|mediodia)\s+(?:del|de)\s+(.+)")
_LEADING_PREPOSITION = re.compile(r"^(?:en|el|la|los|las|durante|desde|hasta|para|a|al|del|de|sobre)\s+",
                                  re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u2032`]")

_DAY_PHRASE = re.compile(rf"{_REL_BEFORE}{_WD}{_REL_AFTER}(?:\s+(?:por|en|de)\s+la\s+({_words(_PARTS_OF_DAY)}))?")
_DATE = re.compile(rf"(?:(pasado|proximo|este|esta)\s+)?(?:{_WD},?\s+)?(?:dia\s+)?([0-9]{{1,2}}|primero)(?:\.?o|\u00b0)?\s+"
                   rf"de\s+{_ANY_MONTH}{_YEAR_OF}(?:\s+(pasado|proximo|ultimo))?")
_MONTH_PHRASE = re.compile(rf"{_REL_BEFORE}(?:mes\s+de\s+)?{_MONTH}{_REL_AFTER}{_YEAR_OF}")
# 'el miércoles 26': a weekday and the day of the month, the month the nearer one that fits
_WEEKDAY_DAY = re.compile(rf"(?:(este|esta|pasado|proximo)\s+)?{_WD},?\s+([0-9]{{1,2}})")
_PERIOD = re.compile(rf"{_REL_BEFORE}(semana|mes|ano){_REL_AFTER}|(?:este|esta)\s+(?:misma?\s+)?(semana|mes|ano)"
                     r"|(semana|mes|ano)\s+(?:en curso|actual|corriente)|(?:presente|corriente)\s+(mes|ano)")
_SO_FAR = re.compile(r"(?:en\s+)?lo\s+que\s+va\s+(?:del?|de\s+este|de\s+esta)\s+(semana|mes|ano)")
_STRETCH = re.compile(r"(?:(?:el|la|los|las)\s+)?(?:ultim[oa]s?|pasad[oa]s)\s+(?:([0-9]+|[a-z]+)\s+)?(dias?|semanas?|"
                      r"mes|meses|anos?)")
_COUNT = re.compile(rf"hace\s+{_NUM}\s+(dia|semana|mes|ano)(?:s|es)?|hace\s+(?:unas?\s+)?(un|una)\s+(dia|semana|mes|ano)"
                    rf"|(?:dentro\s+de|en)\s+{_NUM}\s+(dia|semana|mes|ano)(?:s|es)?")
_QUARTER = re.compile(r"(primer|1er|1\.?o|segundo|2\.?o|tercer|3er|3\.?o|cuarto|4\.?o|ultimo)\s+trimestre" + _YEAR_OF
                      + r"|trimestre\s+(pasado|anterior|proximo|que viene|en curso|actual)"
                        r"|(pasado|anterior|proximo|este|presente)\s+trimestre")
_HALF = re.compile(r"(primer|1er|segundo|2\.?o)\s+semestre" + _YEAR_OF
                   + r"|(primera|segunda)\s+mitad" + _YEAR_OF)
_SEASON = re.compile(rf"{_REL_BEFORE}({_words(_SEASONS)}){_REL_AFTER}(?:\s+(?:de|del)\s+([0-9]{{4}})"
                     r"(?:\s*[-/\u2013]\s*([0-9]{2}|[0-9]{4}))?)?")
_WEEKEND = re.compile(r"(?:(este|pasado|proximo|ultimo)\s+)?fin\s+de\s+semana(?:\s+(pasado|proximo|que viene))?")
_PART = re.compile(rf"(?:a\s+|al\s+|hacia\s+|desde\s+|para\s+|hasta\s+)?(?:los\s+|las\s+)?({_words(_PART_WORDS)})\s+"
                   r"(?:de|del)\s+(.+)")
_DECADE = re.compile(r"(?:(?:la\s+)?decada\s+de\s+(?:los\s+)?(?:anos\s+)?([0-9]{3}0)|(?:los\s+)?anos\s+([0-9]0|" +
                     _words(_DECADE_WORDS) + r")|los\s+([0-9]0|[0-9]{3}0|" + _words(_DECADE_WORDS) + r"))")
_HOLIDAY = re.compile(rf"(?:(?:la|el)\s+)?(?:(pasad[oa]|proxim[oa]|est[ea])\s+)?({_words(_HOLIDAYS)})"
                      r"(?:\s+(pasad[oa]|proxim[oa]))?(?:\s+de\s+([0-9]{4}))?")


def _year_words(found: str | None) -> str:
    """The English of a year after 'de' ('2024', 'este año', 'el año pasado'), with the space before it; ''."""
    if not found:
        return ""
    if found[:1].isdigit():
        return f" {found}"
    if "pasado" in found or "anterior" in found:
        return " last year"
    if "proximo" in found or "que viene" in found:
        return " next year"
    return " this year"


def _of_year(found: str | None) -> str:
    """' of 2024', ' of this year', ' of last year' (a quarter's or half's year), or ''."""
    words = _year_words(found).strip()
    return f" of {words}" if words else ""


_SINGULAR = {"dias": "dia", "semanas": "semana", "meses": "mes", "anos": "ano"}
_COUNTS = {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
           "once": 11, "doce": 12, "quince": 15, "veinte": 20, "treinta": 30}


def _stretch(text: str, n: str | None, unit: str, pub: datetime.date) -> DateError:
    """'la última semana', 'los últimos diez días': the stretch up to publication, no calendar unit."""
    days = {"dia": 1, "semana": 7, "mes": 30, "ano": 365}[_SINGULAR.get(unit, unit)]
    count = int(n) if n and n.isdigit() else _COUNTS.get(n or "", 1)
    start = pub - datetime.timedelta(days=days * count - 1)
    return DateError(f"'{text}' is the stretch of time up to publication, not a calendar period: write date: as a"
                     f" range, e.g. {start.isoformat()}/{pub.isoformat()}, or when: the calendar period the article"
                     " means ('la semana pasada', 'el mes pasado')")


def _direction_of(word: str | None) -> str | None:
    said = _BEFORE.get(word or "") or _AFTER.get(word or "") or _LAST.get(word or "") or ""
    return {"last": "past", "next": "future"}.get(said)


@functools.lru_cache(maxsize=65536)
def in_english(text: str) -> tuple[str, str | None] | None:
    """(the English phrase a clean Spanish phrase names, 'past' | 'future' when its words decide the direction by
    themselves, else None); None when it is no Spanish date phrase (or a stretch up to publication, which read()
    refuses)."""
    while True:
        found = _translated(text)
        if found is not None:
            return found
        shorter = _PREPOSITION.sub("", text)
        if shorter == text:
            return None
        text = shorter


def _translated(text: str) -> tuple[str, str | None] | None:
    if text in _DAY_WORDS:
        return _DAY_WORDS[text], None
    m = re.fullmatch(r"(hoy|ayer|manana)\s+(?:por|en|de)\s+la\s+(manana|madrugada|tarde|noche)", text)
    if m:
        return f"{_DAY_WORDS[m[1]]} {_PARTS_OF_DAY[m[2]]}", None
    m = _PART_OF_DAY.fullmatch(text)
    if m and not re.fullmatch(r"[0-9].*", m[2]):
        inner = in_english(m[2])
        if inner and (re.fullmatch(r"(?:(?:last|next|this)\s+)?[a-z]+day", inner[0]) or inner[0] in (
                "today", "yesterday", "tomorrow")):
            return f"{inner[0]} {_PARTS_OF_DAY.get(m[1], 'afternoon')}", inner[1]
        return inner
    m = re.fullmatch(r"desde\s+(.+)", text)
    if m and not m[1].startswith("hace "):
        inner = in_english(m[1])
        return (f"since {inner[0]}", inner[1]) if inner else None
    m = _DAY_PHRASE.fullmatch(text)
    if m:
        rel = _BEFORE.get(m[1] or "") or _AFTER.get(m[3] or "") or ""
        part = f" {_PARTS_OF_DAY[m[4]]}" if m[4] else ""
        return f"{rel} {_WEEKDAYS[m[2]]}{part}".strip(), None
    m = _DATE.fullmatch(text)
    if m:
        day = "1" if m[3] == "primero" else m[3]
        month = _MONTHS.get(m[4]) or _SHORT_MONTHS[m[4]]
        weekday = f"{_WEEKDAYS[m[2]]} " if m[2] else ""
        return f"{weekday}{day} {month}{_year_words(m[5])}", _direction_of(m[1] or m[6])
    m = _MONTH_PHRASE.fullmatch(text)
    if m:
        rel = _BEFORE.get(m[1] or "") or _AFTER.get(m[3] or "") or ""
        if m[4] and rel:
            return None
        return f"{rel} {_MONTHS[m[2]]}{_year_words(m[4])}".strip(), None
    m = _SO_FAR.fullmatch(text)
    if m:
        return f"earlier this {_UNITS[m[1]]}", None
    if _stretched(text):
        return None  # the stretch up to publication: refused by read(), which knows the publication date
    m = _PERIOD.fullmatch(text)
    if m:
        if m[2]:
            rel = _BEFORE.get(m[1] or "") or _AFTER.get(m[3] or "") or ""
            return (f"{rel} {_UNITS[m[2]]}", None) if rel else None
        return f"this {_UNITS[m[4] or m[5] or m[6]]}", None
    m = _COUNT.fullmatch(text)
    if m:
        if m[1]:
            return f"{_NUMBERS.get(m[1], m[1])} {_UNITS[m[2]]}s ago", None
        if m[3]:
            return f"a {_UNITS[m[4]]} ago", None
        return f"in {_NUMBERS.get(m[5], m[5])} {_UNITS[m[6]]}s", None
    m = re.fullmatch(r"(?:el\s+)?ano\s+([0-9]{4})|([0-9]{4})", text)
    if m:
        return m[1] or m[2], None
    m = _QUARTER.fullmatch(text)
    if m:
        if m[1]:
            if m[1] == "ultimo":
                return ("the fourth quarter" + _of_year(m[2]), None) if m[2] else ("last quarter", None)
            n = {"p": "first", "1": "first", "s": "second", "2": "second", "t": "third", "3": "third", "c": "fourth",
                 "4": "fourth"}[m[1][0]]
            return f"the {n} quarter{_of_year(m[2])}", None
        word = m[3] or m[4]
        return {"pasado": "last", "anterior": "last", "proximo": "next", "que viene": "next"}.get(word, "this") \
            + " quarter", None
    m = _HALF.fullmatch(text)
    if m:
        first = (m[1] or m[3])[0] in "p1"
        return f"the {'first' if first else 'second'} half{_of_year(m[2] or m[4])}", None
    m = _SEASON.fullmatch(text)
    if m:
        rel = _BEFORE.get(m[1] or "") or _AFTER.get(m[3] or "") or ""
        year = f" {m[4]}" + (f"-{m[5]}" if m[5] else "") if m[4] else ""
        if rel and year:
            return None
        return f"{rel} {_SEASONS[m[2]]}{year}".strip(), None
    m = _WEEKEND.fullmatch(text)
    if m:
        rel = {"este": "this", "pasado": "last", "ultimo": "last", "proximo": "next", "que viene": "next"}.get(
            m[1] or m[2] or "", "")
        return f"{rel} weekend".strip(), None
    m = _PART.fullmatch(text)
    if m and not re.fullmatch(r"fin\s+de\s+semana.*", f"{m[1]} de {m[2]}"):
        whole = {"mes": "este mes", "ano": "este ano", "semana": "esta semana", "trimestre": "este trimestre",
                 "la semana": "esta semana", "el mes": "este mes", "el ano": "este ano"}.get(m[2], m[2])
        found = in_english(whole)
        return (f"{_PART_WORDS[m[1]]} {found[0]}", found[1]) if found else None
    m = _DECADE.fullmatch(text)
    if m:
        value = m[1] or m[2] or m[3]
        if value in _DECADE_WORDS:
            return f"the {_DECADE_WORDS[value]}", None
        return (f"the {value}s" if len(value) == 4 else f"the '{value}s"), None
    m = _HOLIDAY.fullmatch(text)
    if m:
        rel = {"pas": "last", "pro": "next", "est": "this"}.get((m[1] or m[3] or "")[:3], "")
        year = f" {m[4]}" if m[4] else ""
        if rel and year:
            return None
        return f"{rel} {_HOLIDAYS[m[2]]}{year}".strip(), None
    return None


def _stretched(text: str) -> re.Match[str] | None:
    """'la última semana', 'los últimos diez días' (not 'pasado mes', a calendar month): a stretch up to publication."""
    m = _STRETCH.fullmatch(text)
    return m if m and not (m[1] is None and m[2] in ("ano", "mes", "semana") and text.startswith("pasad")) else None


@functools.lru_cache(maxsize=65536)  # a pure function; a build meets the same phrases and dates again and again
def read(text: str, pub: datetime.date, direction: str) -> Hit | None:
    """One reading of a clean phrase (`clean`) published on `pub`: pointing back ('past') or ahead ('future'),
    as the English phrase it names reads (a 'pasado' or 'próximo' in it decides by itself); None when it is no
    phrase of this grammar. Raises DateError for an impossible date or a phrase refused."""
    day = _weekday_and_day(text, pub)
    if day is not None:
        return day
    shorter = text
    while True:  # the stretch up to publication, whatever leads it ('en la última semana')
        stretch = _stretched(shorter)
        if stretch:
            raise _stretch(shorter, stretch[1], stretch[2], pub)
        if _PREPOSITION.sub("", shorter) == shorter:
            break
        shorter = _PREPOSITION.sub("", shorter)
    found = in_english(text)
    if found is None:
        return None
    english, forced = found
    return english_dates.read(english, pub, forced or direction)


def _weekday_and_day(text: str, pub: datetime.date) -> Hit | None:
    """'el miércoles 26': the day of that number nearest the publication date, in this month or one next to it,
    that falls on that weekday (the weekday decides the month, as it decides the year of 'Friday, Oct. 23')."""
    m = _WEEKDAY_DAY.fullmatch(_PREPOSITION.sub("", text))
    if not m:
        return None
    weekday, number = list(_WEEKDAYS).index(m[2]), int(m[3])
    fits = []
    for step in (-2, -1, 0, 1, 2):
        first = pub.replace(day=1) + relativedelta(months=step)
        try:
            candidate = first.replace(day=number)
        except ValueError:
            continue
        if candidate.weekday() == weekday:
            fits.append(candidate)
    if not fits:
        raise DateError(f"'{text}' does not add up: no {m[2]} {number} falls within two months of"
                        f" {pub.isoformat()}; give the month")
    found = min(fits, key=lambda d: abs((d - pub).days))
    return found, found, "day", "the month whose date falls on that weekday"


def clean(phrase: str) -> str:
    """The phrase as `read` takes it: lower case, without accents ('miércoles' is 'miercoles'; the ordinal
    sign of '1.º' is an 'o'), one apostrophe, single spaces, no edge punctuation (¿ ¡ included)."""
    text = unicodedata.normalize("NFKD", _APOSTROPHES.sub("'", phrase))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SPACES.sub(" ", text).strip().lower()
    return text.strip(" .,;:!?\"()[]\u201c\u201d\u00ab\u00bb\u00bf\u00a1").strip()


def without_preposition(phrase: str) -> str:
    """`phrase` without its leading prepositions and article ('el', 'en el', 'desde', 'durante la'; any case)."""
    text = phrase.strip()
    while True:
        shorter = _LEADING_PREPOSITION.sub("", text)
        if shorter == text:
            return text
        text = shorter


# ---------------------------------------------------------------- qualifiers, times of day, ranges

_QUALIFIER_WORDS = re.compile(r"(?:(alrededor\s+del?|hacia|cerca\s+del?|aproximadamente|en\s+torno\s+al?|circa|casi)"
                              r"|(antes\s+del?|poco\s+antes\s+del?|previo\s+al?|hasta\s+antes\s+del?)"
                              r"|(despues\s+del?|poco\s+despues\s+del?|tras|luego\s+del?))\s+(.+)")
_ABOUT_AGO = re.compile(r"hace\s+(?:casi|unos|unas|aproximadamente|cerca\s+de|alrededor\s+de|mas\s+de|poco\s+mas"
                        r"\s+de)\s+(.+)")
_CLOCK = (r"(?:(?P<h>[0-9]{1,2})(?:[:.](?P<mi>[0-9]{2}))?\s*(?P<ap>a\.?\s?m\b\.?|p\.?\s?m\b\.?)"
          r"|(?P<hd>[0-9]{1,2})(?::(?P<md>[0-9]{2}))?\s+de\s+la\s+(?P<part>manana|madrugada|tarde|noche)"
          r"|(?P<h24>[0-9]{1,2})[:.h](?P<m24>[0-9]{2})(?:\s*(?:horas|hrs?|h)\b\.?)?"
          r"|(?P<hh>[0-9]{1,2})\s+(?:horas|hrs)\b\.?"
          r"|(?P<word>mediodia|medianoche))"
          r"(?:\s*\(?\s*(?:hora\s+)?(?P<zone>local|del\s+este|de\s+nueva\s+york|de\s+washington|gmt|utc|et|edt|est|"
          r"cet|cest)\b\s*\)?)?")
_AT = r"(?:(?:a|hacia|sobre|alrededor\s+de|antes\s+de|despues\s+de|hasta|desde)\s+)?(?:las?\s+|el\s+)?"
_TIME_FIRST = re.compile(rf"{_AT}{_CLOCK}(?:\s*(?:,|del|de|el)?\s+(?P<day>.+))?")
_TIME_LAST = re.compile(rf"(?P<day>.+?)\s*,?\s+{_AT}{_CLOCK}")
_ZONE_WORDS = {"del este": "et", "de nueva york": "et", "de washington": "et"}
_RANGE = re.compile(r"(?:del|de|desde\s+el|desde|entre)\s+(.+?)\s+(?:al|a|y|hasta\s+el|hasta)\s+(.+)")
_YEARS = re.compile(r"([0-9]{4})\s*[-\u2013/]\s*([0-9]{2}|[0-9]{4})")
_BARE_DAY = re.compile(r"(?:el\s+)?([0-9]{1,2})")


def qualifier(text: str) -> tuple[str | None, str]:
    """('approximate' | 'before' | 'after', the rest) for 'alrededor de 1990', 'antes de 2019', 'después de
    marzo', 'hace casi cuatro años'; (None, text) otherwise, and for a time of day ('hacia las 7')."""
    m = _ABOUT_AGO.fullmatch(text)
    if m:
        return "approximate", f"hace {m[1]}"
    m = _QUALIFIER_WORDS.fullmatch(text)
    if m and time_of_day(text):
        return ("approximate" if m[1] else None), text
    if m:
        return ("approximate" if m[1] else "before" if m[2] else "after"), m[4]
    return None, text


def time_of_day(text: str) -> tuple[str, str, str | None] | None:
    """(day phrase or '', 'HH:MM', zone word or None) when `text` holds a time of day: 'a las 7:50 p. m.',
    'a las 19:50 horas', 'a las 10 de la mañana del martes', 'el martes a mediodía'."""
    for pattern in (_TIME_FIRST, _TIME_LAST):
        m = pattern.fullmatch(text)
        if not m:
            continue
        if m["word"]:
            clock = "24:00" if m["word"] == "medianoche" else "12:00"
        elif m["ap"]:
            hour = int(m["h"])
            if not 1 <= hour <= 12:
                raise DateError(f"'{text}': {hour} is not an hour of a 12-hour clock")
            if int(m["mi"] or 0) > 59:
                raise DateError(f"'{text}': the minutes are not a time of day")
            clock = f"{hour % 12 + (12 if m['ap'][0] == 'p' else 0):02d}:{int(m['mi'] or 0):02d}"
        elif m["part"]:
            hour, minute = int(m["hd"]), int(m["md"] or 0)
            if not 1 <= hour <= 12 or minute > 59:
                raise DateError(f"'{text}': {hour} is not an hour of the {m['part']}")
            later = m["part"] == "tarde" or m["part"] == "noche" and hour >= 6
            clock = f"{hour % 12 + (12 if later else 0):02d}:{minute:02d}"
        else:
            hour, minute = int(m["h24"] or m["hh"]), int(m["m24"] or 0)
            if hour > 23 or minute > 59:
                raise DateError(f"'{text}': {hour}:{minute:02d} is not a time of day")
            clock = f"{hour:02d}:{minute:02d}"
        zone = m["zone"]
        zone = None if zone == "local" else _ZONE_WORDS.get(zone or "", zone)
        return (m["day"] or "").strip(" ,"), clock, zone
    return None


def range_ends(text: str) -> tuple[str, str] | None:
    """The two ends of a range as phrases of their own ('del 26 al 28 de marzo': '26 de marzo', '28 de marzo';
    'entre el lunes y el miércoles'; 'de 2019 a 2021', '2019-21'), or None when `text` is no range."""
    m = _YEARS.fullmatch(text)
    if m:
        return m[1], (m[1][:2] + m[2] if len(m[2]) == 2 else m[2])
    m = re.fullmatch(rf"([0-9]{{1,2}})\s*[-\u2013]\s*([0-9]{{1,2}})\s+(de\s+{_ANY_MONTH}.*)", text)
    if m:
        return f"{m[1]} {m[3]}", f"{m[2]} {m[3]}"
    m = _RANGE.fullmatch(text)
    if not m:
        return None
    left, right = m[1].strip(), m[2].strip()
    bare = _BARE_DAY.fullmatch(left)
    if bare:  # del 26 al 28 de marzo
        month = re.search(rf"\s(de\s+{_ANY_MONTH}.*)$", right)
        if not month:
            return None
        left = f"{bare[1]} {month[1]}"
    return left, right


def always_past(text: str) -> bool:
    """True for a phrase that can only point back: 'desde marzo', 'desde hace dos años'."""
    return text.startswith("desde ")


def other_reading(text: str, pub: datetime.date) -> Hit | None:
    """Another period the words allow, as for the English phrase it names ('la semana pasada' read on a
    Sunday may be the week now ending)."""
    found = in_english(text)
    return english_dates.other_reading(found[0], pub) if found else None


_COMPARES = re.compile(r"\b(?:trimestre|per[ií]odo|meses|comparad[oa]s?|frente\s+a|respecto|interanual|"
                       r"(?:sub|baj|cay|aument|creci)\w*\s+desde)\b|\bdesde\s+(?:[A-Z]{0,2}\$)?[0-9]"
                       r"|[A-Z]{0,2}\$\s?[0-9]|[0-9]\s?%|\bpor\s+ciento\b", re.IGNORECASE)
_FINER_PERIOD = re.compile(r"\b(?:trimestre|per[ií]odo|mes(?:es)?|semanas?|frente\s+a|comparad[oa]s?)\b",
                           re.IGNORECASE)
_ENDED = re.compile(rf"\b(?:trimestre|semestre)\s+(?:que\s+)?(?:termin[oó]|terminado|cerr[oó]|cerrado|concluy[oó]|"
                    rf"concluido|finaliz[oó]|finalizado)\s+(?:en\s+|el\s+)?(?:[0-9]{{1,2}}\s+de\s+)?(?:{_words(_MONTHS)})",
                    re.IGNORECASE)


def another_period(text: str, context: str | None, found: Resolved) -> tuple[bool, str] | None:
    """periods.period_meant, from the Spanish words: 'hace un año' in a sentence comparing amounts, 'el año
    pasado' in a sentence comparing periods, a 'trimestre que terminó en septiembre'."""
    english = in_english(text)
    if english is None:
        return None
    plain = "".join(c for c in unicodedata.normalize("NFKD", context or "") if not unicodedata.combining(c))
    ended = _ENDED.search(plain)
    month = re.search(_words(_MONTHS), ended[0].lower()) if ended else None  # (the pattern ends with a month)
    return period_meant(found, a_year_away=english[0] in ("a year ago", "in one years", "one years ago"),
                        compares=bool(context and _COMPARES.search(context)),
                        compares_periods=bool(context and english[0] in ("last year", "next year")
                                              and _FINER_PERIOD.search(context)),
                        ended_month=english_dates.MONTHS[_MONTHS[month[0]]] if month else None)


SPANISH = Grammar(language="es", clean=clean, read=read, qualifier=qualifier, time_of_day=time_of_day,
                  range_ends=range_ends, always_past=always_past, other_reading=other_reading,
                  another_period=another_period, without_preposition=without_preposition,
                  markers=spanish_tense.MARKERS, forms=PHRASE_FORMS)
