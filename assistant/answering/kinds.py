"""What an answer of each kind looks like (an amount, a date, a phone number, a count ...), and which kind a
question asks. Pure functions over text."""

from __future__ import annotations

import re

from assistant.answering.lexicon import mentions, terms
from assistant.core import dutch

MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
# "een" is mostly the article and "alle"/"geen" rarely a count: they are left out
NUMBER_WORDS = (
    "twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|dertig|veertig|vijftig|honderd"
    "|duizend|helft|derde|kwart|tientallen|honderden|duizenden|enkele|dubbel"
)
# What an answer of each kind looks like (over the original text; case matters for names).
INSTANCE = {
    "phone": re.compile(r"\b0\d{1,3}[- ]?\d{2,3}[ ]?\d{2,}\b|\b0\d{2,3}-\d{6,7}\b|\b0\d{9}\b"),
    "mail": re.compile(r"@"),
    "address": re.compile(
        r"\b\d{4} ?[A-Z]{2}\b|\b[A-Z][a-z]+(?:straat|kade|weg|laan|plein|singel|gracht|park|dreef)\s*\d+"
        r"|\bPostbus\s*\d+"
    ),
    "contact": re.compile(
        r"\b0\d{1,3}[- ]?\d{2,3}[ ]?\d{2,}\b|@|\bwww\.|https?://|\b\d{4} ?[A-Z]{2}\b"
        r"|\b[A-Z][a-z]+(?:straat|kade|weg|laan|plein|singel|gracht|park|dreef)\s*\d+|\bformulier\b|\bwebsite\b"
    ),
    "amount": re.compile(
        r"€|\beuro\b|\bmiljoen\b|\bmiljard\b|\bkostprijs\b|\bkosteloos\b|\bgratis\b|\bgeen kosten\b"
        r"|\bsalarisschaal\b|\b\d+[.,]?\d* per (?:uur|maand|jaar)\b",
        re.I,
    ),
    "date": re.compile(rf"\b(?:19|20)\d{{2}}\b|\b(?:{MONTHS})\b", re.I),
    "day": re.compile(rf"\b\d{{1,2}}\s+(?:{MONTHS})\b", re.I),  # "op welke datum": a day, not a year
    "duration": re.compile(
        rf"\b(?:\d+(?:[.,]\d+)?|{NUMBER_WORDS})\s*(?:tot\s+\d+\s*)?(?:uur|uren|dagen|dag|weken|week|maanden"
        r"|maand|jaar|jaren|lesuren|schooljaar)\b|\bhalf jaar\b|\bdagdeel\b|\bdeeltijd\b|\bvoltijd\w*\b",
        re.I,
    ),
    # a count: not a year, not the number of a meeting, knop or article
    "number": re.compile(
        rf"(?<!bijeenkomst )(?<!knop )(?<!deel )(?<!artikel )(?<!vraag )(?<!fase )(?<!film )(?<!beer )"
        rf"\b(?!(?:19|20)\d{{2}}\b)\d+(?:[.,]\d+)?\b(?!\s+(?:{MONTHS})\b)(?![:/]\d)|\b(?:{NUMBER_WORDS})\b|\bprocent\b|%",
        re.I,
    ),
    "person": re.compile(r"\b[A-Z][a-zé]+(?:[- ](?:van|de|der|den|ter|ten|van de|van der|[A-Z][a-zé-]+))+\b"),
    "organisation": re.compile(r"\b[A-Z][A-Za-z&+]{1,}(?:[ -][A-Z][A-Za-z&+]+)*\b"),
    "place": re.compile(r"\b(?:in|te|bij|naar)\s+[A-Z][a-z]+"),
}
_ABSENCE = re.compile(
    r"\bniet (openbaar |publiek )?(gevonden|bekend|beschikbaar|terug te vinden|opgenomen|te vinden)\b"
    r"|\bontbreekt\b|\bgeen (openbare )?(informatie|gegevens|cijfers)\b|\bonbekend\b"
    r"|\bstaat niet in de (beschikbare )?bronnen\b|\bniet (als tekst )?in deze kennisbank\b",
    re.I,
)


def is_absence_statement(sentence: str) -> bool:
    """A knowledge sentence saying that something is not known or not available."""
    return bool(_ABSENCE.search(sentence))


def absent_part(sentence: str) -> str:
    """The clauses of a sentence that say something is not known: in "Het dichtst bij de actieplaat komen
    de knoppen; of de actieplaat dezelfde indeling gebruikt, is niet bekend" the knoppen are known."""
    return "; ".join(part for part in sentence.split(";") if is_absence_statement(part))


# Which contact detail a question asks for.
_CONTACT = [
    ("phone", re.compile(r"\b(?:telefoon\w*|bellen|bel)\b")),
    ("mail", re.compile(r"\be-?mail\w*|\bmailen\b")),
    ("address", re.compile(r"\b(?:adres|postadres|bezoekadres|gevestigd|waar zit\w*)\b")),
]
_DAY = re.compile(r"\b(?:welke|precieze) (?:datum|dag)\b")
# The word an absence statement uses for each kind ("het aantal deelnemers ... is niet bekend").
KIND_WORDS = {
    "number": re.compile(r"\baantal\w*|\bhoeveel\b|\bcijfers?\b", re.I),
    "amount": re.compile(
        r"\bkost\w*|\bbedrag\w*|\b\w*tarie\w*|\bsalaris\w*|\bprijs\w*|\b\w*loon\w*|\bgeld\b|\bverdien\w*",
        re.I,
    ),
    "date": re.compile(r"\bdatum\w*|\bwanneer\b|\bdata\b|\bjaar\b", re.I),
    "day": re.compile(r"\bdatum\w*|\bwanneer\b|\bdata\b|\bdag\b", re.I),
    "duration": re.compile(r"\bduur\b|\blengte\b|\bhoe lang\b", re.I),
    "contact": re.compile(r"\bcontact\w*|\badres\w*|\btelefoon\w*|\be-?mail\w*", re.I),
    "person": re.compile(r"\bnaam\b|\bnamen\b|\bwie\b|\bbeheert\b", re.I),
    "organisation": re.compile(r"\borganisatie\w*|\bbeheert\b", re.I),
    "place": re.compile(r"\blocatie\w*|\bplaats\b|\bwaar\b", re.I),
}


def asked_kind(answer_type: str, question: str) -> str:
    """The reading's answer type made precise: which contact detail (phone, mail, address; "contact" when
    the question does not say), and "day" for a date asked to the day ("op welke datum")."""
    folded = dutch.fold(question)
    if answer_type == "contact":
        return next((kind for kind, pattern in _CONTACT if pattern.search(folded)), "contact")
    if answer_type == "date" and _DAY.search(folded):
        return "day"
    return answer_type


# words after a number that make it hours, days or money rather than a count of something
_UNIT_WORDS = frozenset(re.findall(r"\S+", (
    "uur uren dag dagen dagdeel dagdelen week weken maand maanden jaar jaren lesuren euro keer procent %"
)))  # fmt: skip


# An amount asked per unit of time ("wat verdien je per uur", "welk uurtarief"): an amount per year does not
# answer it. Per unit: how a question asks it (over the folded question), and what else a sentence may say
# it with besides those words.
_RATES = {
    "uur": (r"\bper (?:les)?uur\b|\buur(?:loon|lonen|tarie\w*|prijs|vergoeding)\b", r"\bp/u\b"),
    "dag": (r"\bper dag\b|\bdag(?:tarie\w*|loon|vergoeding)\b", r"\bper werkdag\b"),
    "week": (r"\bper week\b|\bweekloon\b", r"\bwekelijks\b"),
    "maand": (r"\bper maand\b|\bmaand(?:loon|salaris\w*|bedrag)\b|\bmaandelijks\b", r"\bp/m\b"),
    "jaar": (
        r"\bper jaar\b|\bjaar(?:loon|salaris\w*|bedrag)\b|\bjaarlijks\b",
        r"\bper (?:kalender|school)jaar\b|\bjaarbudget\b|\bjaarlijks\w*\b|\bop jaarbasis\b",
    ),
}
_RATE_ASKED = [(unit, re.compile(asked)) for unit, (asked, _) in _RATES.items()]
# "een dag per week lesgeven" says how much someone works, not what an amount is per
_WORK_TIME = re.compile(
    r"\b(?:uur|uren|uurtjes|lesuren|dag|dagen|dagdeel|dagdelen|ochtend(?:en)?|middag(?:en)?|keer) per "
    r"(?:dag|week|maand|jaar)\b"
)
_RATE_GIVEN = {unit: re.compile(f"{asked}|{more}", re.I) for unit, (asked, more) in _RATES.items()}


def asked_rate(question: str) -> str:
    """The unit of time an amount is asked per ("uur" for "wat verdien je per uur"); "" when none is."""
    folded = _WORK_TIME.sub(" ", dutch.fold(question))
    return next((unit for unit, pattern in _RATE_ASKED if pattern.search(folded)), "")


def holds_rate(rate: str, text: str) -> bool:
    """Whether the text gives its amount per that unit of time (any text does for no unit)."""
    return not rate or _RATE_GIVEN[rate].search(text) is not None


def holds_kind(kind: str, text: str) -> bool:
    """Whether the text gives an answer of this kind (a sentence saying it is not known gives none)."""
    pattern = INSTANCE.get(kind)
    return pattern is None or (pattern.search(text) is not None and not is_absence_statement(text))


_COUNT = re.compile(rf"^(?:\d+(?:[.,]\d+)*|{NUMBER_WORDS})$", re.I)


def counts(sentence: str, counted: str) -> bool:
    """A number (not one of hours, days or euros, unless those are counted) within a few words of the
    counted noun."""
    words = re.findall(r"[\w'+&-]+", sentence)
    nouns = [i for i, w in enumerate(words) if any(mentions({t}, counted) for t in terms(w))]
    numbers = [
        i for i, w in enumerate(words)
        if _COUNT.match(w)
        and not (i + 1 < len(words) and words[i + 1].lower() in _UNIT_WORDS and i + 1 not in nouns)
    ]  # fmt: skip
    return any(-4 <= q - p <= 6 for p in numbers for q in nouns)


_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_DATED = re.compile(
    rf"\b(?:(?P<month>{'|'.join(_MONTHS)})|(?P<part>begin|eind|half|medio|midden))?\s*(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
_PART_MONTH = {"begin": 1, "half": 6, "medio": 6, "midden": 6, "eind": 12}


def latest_date(text: str) -> tuple[int, int] | None:
    """The latest (year, month) a sentence mentions ("In oktober 2025 ...", "Eind 2023 ..."); a bare year
    counts as its middle, so "maart 2025" comes after "2025" only when it is later in the year."""
    found = []
    for match in _DATED.finditer(text):
        month = match.group("month")
        part = match.group("part")
        number = _MONTHS.index(month.lower()) + 1 if month else _PART_MONTH[part.lower()] if part else 6
        found.append((int(match.group("year")), number))
    return max(found) if found else None
