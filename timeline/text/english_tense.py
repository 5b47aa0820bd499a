"""The English words of timeline.text.tense: what bounds a clause, what makes it past or future
("met", "has met", "will meet", "is scheduled to", "plans to"), what leaves it open ("would",
"postponed", "set to expire"), what makes a date a deadline or a noun's ("until Friday", "the Jan. 14
deadline"), and which words ending in -ed are no verb's tense here ("the proposed rule", "was
detained", "three-tiered").
"""
from __future__ import annotations

import re

from timeline.text.tense import Markers

_IRREGULAR_PAST = (
    "said|told|was|were|had|did|went|came|took|made|gave|got|met|left|began|became|saw|found|held|kept|led|"
    "lost|paid|ran|sent|spoke|stood|thought|won|wrote|brought|bought|built|fell|felt|fled|flew|"
    "fought|forgot|grew|heard|knew|laid|meant|rose|sat|shot|sold|sought|spent|struck|swore|taught|threw|"
    "understood|woke|withdrew|wore|drove|ate|drew|broke|chose|froze|hid|overtook|upheld|rode|rang|sang|sank|"
    "slid|stole|stuck|swept|tore|wound")

_NOT_PAST = {"need", "speed", "seed", "feed", "bleed", "breed", "proceed", "succeed", "exceed", "indeed", "red",
             "bed", "shed", "wed", "hundred", "embed", "weed", "greed", "deed", "creed", "steed", "tweed",
             "based", "scheduled", "expected", "planned", "proposed", "intended", "supposed", "alleged",
             "estimated", "related", "united", "limited", "advanced", "armed", "so-called", "aged", "concerned",
             "interested", "involved", "required", "tired", "worried", "hundreds", "unprecedented", "detailed"}
_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "these", "those", "be", "been",
                "being", "is", "are", "was", "were", "to", "and", "or", "newly", "recently", "still", "not", "now"}
_SUBJECT_ADVERBS = {"reportedly", "officially", "formally", "quickly", "finally", "jointly", "publicly", "unanimously",
                    "abruptly", "eventually", "previously", "recently", "initially", "only", "early", "briefly"}

# Irregular past forms that are also participles ('is held', 'was heard'), and the forms of 'be' before them.
_PARTICIPLES = set(_IRREGULAR_PAST.split("|")) - {"was", "were", "had", "did", "went", "came", "took", "gave",
                                                  "began", "became", "saw", "rose", "grew", "knew", "threw", "wore",
                                                  "drove", "ate", "drew", "broke", "chose", "froze", "hid", "rode",
                                                  "rang", "sang", "sank", "stole", "tore", "woke", "withdrew", "flew",
                                                  "fell", "overtook", "spoke", "wrote"}
_BE = {"is", "are", "am", "be", "been", "being", "was", "were", "'s", "'re", "get", "gets", "got", "getting"}
_ADVERBS = {"still", "also", "not", "now", "already", "being", "just", "only", "then", "again"}

MODAL = re.compile(r"will|shall|won't|\w+'ll", re.IGNORECASE)


def participle(word: str) -> bool:
    """True for a past marker that may be a participle governed by a modal before it ('released', 'held')."""
    return word.lower().endswith("ed") or word.lower() in ("been", "held", "made", "set", "put", "built", "paid")


def not_a_tense(sentence: str, start: int, word: str) -> bool:
    """True when the past marker `word` at `start` is no verb's tense: a word that only looks past
    ('need', 'hundred'), an -ed word used as an adjective or a participle whose tense is not its own,
    or a participle after a form of 'be' ('is heard', 'would still be held': the tense is the verb's
    before it)."""
    lower = word.lower()
    if lower in _NOT_PAST:
        return True
    if lower.endswith("ed"):
        return _adjective(sentence, start)
    return lower in _PARTICIPLES and _after_be(sentence, start)


def _after_be(sentence: str, start: int) -> bool:
    words = [w.strip(",").lower() for w in sentence[max(0, start - 30):start].split()]
    while words and words[-1] in _ADVERBS:
        words.pop()
    return bool(words) and words[-1] in _BE


def _adjective(sentence: str, start: int) -> bool:
    """True when the -ed word at `start` is an adjective or a participle whose tense is not its own: after a
    determiner or a form of 'be' ('the proposed rule', 'was detained'), 'still' or 'not', or inside a name
    or a number ('Series H preferred shares', '3-for-2 split')."""
    if start and sentence[start - 1] in "-\u2010\u2011":
        return True  # 'three-tiered', 'state-owned'
    words = sentence[max(0, start - 40):start].split()
    if not words:
        return False
    previous = words[-1].strip(",\u201d\"").lower()
    if previous in _DETERMINERS or previous.endswith("ly") and previous not in _SUBJECT_ADVERBS:
        return True
    return len(previous) == 1 or previous[:1].isdigit()


MARKERS = Markers(
    hard=re.compile(r"[\u201c\u201d\"();:\u2014]|\s[-\u2013]\s|--|(?<=\w)'(?=\s)|(?<=\s)'(?=\w)"),
    soft=re.compile(r"(?:,\s*|\s)(?=(?:that|which|who|whom|whose|because|while|whereas|although|though|but|"
                    r"unless|saying|according to|when|if|once|whether)\b)"
                    r"|,\s*(?=(?:and|or|as|after|before|when|where)\b)",
                    re.IGNORECASE),
    future=re.compile(
        r"(?-i:\bwill\b)|\b(?:shall|won't|wo n't)\b|\b(?:i|you|we|they|he|she|it|who|that)'ll\b"
        r"|(?<!\bwas )(?<!\bwere )(?<!\bhad been )(?<!\bwas not )\b(?:scheduled|due|slated|poised|set|expected|"
        r"planning|preparing|going|intending|aiming|hoping|ready)\s+(?:to|for)\b"
        r"(?<!\bdue to)(?<!\bdue for)"
        r"|(?<!\bwas )(?<!\bwere )\bdue\s+(?:for\b|to\s+(?!(?:the|a|an|its|his|her|their|our|this|that|these|"
        r"those|[a-z]+ing)\b|[0-9]))"
        # 'due to its loss', 'due to rising costs' is 'because of'; 'due to meet' is ahead
        r"|\b(?:plans?|intends?|aims?|hopes?|wants?|vows?|promises?|pledges?|threatens?)\s+to\b"
        r"|\b(?:is|are|am)\s+to\s+\w+|\bupcoming\b|\bforthcoming\b|\btomorrow\b|\blater\s+this\b"
        r"|\bto\s+be\s+(?:held|released|published|announced|decided|voted|heard|sentenced)\b",
        re.IGNORECASE),
    past=re.compile(
        rf"\b(?:{_IRREGULAR_PAST})\b|\b(?:has|have|had)\s+(?:\w+\s+)?(?:been|\w+ed|{_IRREGULAR_PAST})\b"
        r"|\balready\b|\bago\b|\byesterday\b|\bearlier\b|\bpreviously\b|\bformerly\b"
        r"|\b[a-z]{3,}ed\b", re.IGNORECASE),
    either=re.compile(r"\b(?:planned|scheduled|set|slated|expected|due|timed)\s+(?:for|to)\b"
                      r"|\b(?:would|could|might|should|scheduled|rescheduled|postponed|delayed|extended|"
                      r"deferred|adjourned|moved|pushed back|set|(?:is|are|am)(?!\s+(?:not\s+)?(?:to|scheduled|due|"
                      r"set|expected|slated|going|planning|poised|preparing)\b))\b|(?-i:\bmay\b)"
                      r"|\bto\s+(?!the\b|a\b|an\b)"
                      r"(?=[a-z]+\b)", re.IGNORECASE),
    deadline=re.compile(r"\b(?:until|till|through|by|no later than|as soon as|as early as)\s+(?:[a-z]+\s+)?$",
                        re.IGNORECASE),
    governed=re.compile(r"(?:\b(?:until|till|through|effective|by|payable|due|expir\w*|starting|beginning|ending|"
                        r"deadline|as soon as|as early as|as late as|no later than|no earlier than|the|a|an|its|his|"
                        r"her|their|our|this|that|whose)\s+(?:[a-z]+\s+)?)$", re.IGNORECASE),
    # 'since shortly after the Oct. 23 slaying' (not 'since the vote is Friday': 'because'), 'last October', and the
    # earlier value of a comparison: 'rose to $42 in June from $29.75 in March', 'up from 886 million shares Thursday'
    leading_past=re.compile(r"\bsince\s+(?:(?!(?:is|are|am|was|were|will|would|has|have|had|be)\b)[\w'.,-]+\s+){0,4}$"
                            r"|\b(?:last|past)\s+$"
                            r"|\bfrom\s+(?:[A-Z]{0,2}\$\s?)?[0-9][0-9.,]*\s+(?:[a-z%.,-]+\s+){0,3}$", re.IGNORECASE),
    leading_future=re.compile(r"\b(?:next|coming)\s+$", re.IGNORECASE),
    modal=MODAL,
    participle=participle,
    not_a_tense=not_a_tense,
)
