"""Read a Dutch question: what it asks (intent and answer type), who asks it, which sectors it names.

Pure and rule-based, over folded text (case and accents ignored), so lower case, a missing question mark
or a persona preamble ("Ik ben HR-manager. ...") read the same. The documents a question names are found
by `assistant.answering.lexicon`; this module only reads the words.

Intents: factoid (with an answer type), definition, options (a person's route), howto (an organisation's
route), why, comparison, list, yesno.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant.core import dutch

# A role or organisation, as people name themselves, and the sectors it belongs to.
ROLE_SECTORS: dict[str, tuple[str, ...]] = {
    "verpleegkundige": ("zorg",), "verzorgende": ("zorg",), "zorgmedewerker": ("zorg",),
    "arts": ("zorg",), "huisarts": ("zorg",), "fysiotherapeut": ("zorg",), "doktersassistent": ("zorg",),
    "apotheker": ("zorg",), "zorgprofessional": ("zorg",), "verpleger": ("zorg",), "zuster": ("zorg",),
    "leraar": ("onderwijs",), "lerares": ("onderwijs",), "docent": ("onderwijs",), "juf": ("onderwijs",),
    "meester": ("onderwijs",), "onderwijsassistent": ("onderwijs",), "schoolleider": ("onderwijs",),
    "mbo-docent": ("onderwijs",), "leerkracht": ("onderwijs",), "gastdocent": ("onderwijs",),
    "pedagogisch medewerker": ("kinderopvang",), "pm'er": ("kinderopvang",), "bso": ("kinderopvang",),
    "militair": ("defensie",), "oud-militair": ("defensie",), "reservist": ("defensie",),
    "soldaat": ("defensie",), "marinier": ("defensie",),
    "technicus": ("techniek",), "engineer": ("techniek",), "ingenieur": ("techniek",),
    "monteur": ("techniek",),
    "werktuigbouwkundige": ("techniek",), "elektricien": ("techniek",), "ict'er": ("techniek",),
    "ict-er": ("techniek",), "programmeur": ("techniek",), "developer": ("techniek",),
    "software-ontwikkelaar": ("techniek",), "softwareontwikkelaar": ("techniek",),
    "ontwikkelaar": ("techniek",),
    "politieagent": ("veiligheid",), "agent": ("veiligheid",), "boa": ("veiligheid",),
    "brandweerman": ("veiligheid",), "brandweervrouw": ("veiligheid",),
}  # fmt: skip
ORGANISATION_SECTORS: dict[str, tuple[str, ...]] = {
    "ziekenhuis": ("zorg",), "verpleeghuis": ("zorg",), "zorginstelling": ("zorg",),
    "zorgorganisatie": ("zorg",),
    "ggd": ("zorg",), "huisartsenpraktijk": ("zorg",), "thuiszorg": ("zorg",),
    "school": ("onderwijs",), "basisschool": ("onderwijs",), "mbo": ("onderwijs",), "roc": ("onderwijs",),
    "hogeschool": ("onderwijs",), "universiteit": ("onderwijs",), "schoolbestuur": ("onderwijs",),
    "mbo-school": ("onderwijs",), "kinderopvang": ("kinderopvang",),
    "kinderopvangorganisatie": ("kinderopvang",),
    "kazerne": ("defensie",), "defensie": ("defensie",), "techbedrijf": ("techniek",),
    "technisch bedrijf": ("techniek",), "ingenieursbureau": ("techniek",), "bedrijf": (), "mkb-bedrijf": (),
    "gemeente": (), "organisatie": (), "werkgever": (), "instelling": (), "detacheerder": ("techniek",),
}  # fmt: skip
# Where a person wants to work ("in de zorg", "lesgeven").
_TARGETS = [
    (r"\b(in|bij) de zorg\b|\bin een (ziekenhuis|verpleeghuis|zorginstelling)\b|\bzorgreserv", "zorg"),
    (r"\b(in|bij) het onderwijs\b|\blesgeven\b|\bles geven\b|\bvoor de klas\b|\bop een (school|mbo|roc"
     r"|hogeschool)", "onderwijs"),
    (r"\bbij defensie\b|\bvoor defensie\b|\breservist\b|\bdienjaar\b", "defensie"),
    (r"\bin de kinderopvang\b|\bop de bso\b", "kinderopvang"),
    (r"\bbij de politie\b|\bbrandweer\b", "veiligheid"),
]  # fmt: skip
_SECTOR_WORDS = {
    "zorg": "zorg", "onderwijs": "onderwijs", "defensie": "defensie", "kinderopvang": "kinderopvang",
    "techniek": "techniek", "veiligheid": "veiligheid", "politie": "veiligheid",
}  # fmt: skip

_PERSON = re.compile(
    r"\b(?:ik ben|ik was|ik werk als|als)\s+(?:een\s+|de\s+)?([a-z][a-z'\-]*(?: medewerker)?)"
)
_ORGANISATION = re.compile(
    r"\b(?:wij zijn|we zijn|ik werk bij|ik ben hr-\w+ (?:bij|in))\s+(?:een|de"
    r"|het)\s+([a-z][a-z'\-]*(?: [a-z][a-z'\-]*)?)"
    r"|\b(?:ons|onze)\s+([a-z][a-z'\-]*)"
)
_INTRODUCTION = re.compile(r"^(?:ik ben|ik was|ik werk|wij zijn|we zijn)\b[^,]*,\s*(?:en\s+)?")
_LENDING = re.compile(
    r"\buit(?:te)?len\w*|\bdetacher\w*|\blaten (?:lesgeven|werken|meewerken|helpen|meedoen)|\bafstaan\b"
    r"|\bbeschikbaar stellen\b|\bmedewerkers? (?:laten|op|naar)\b"
)
_BORROWING = re.compile(
    r"\b(?:personeel|mensen|medewerkers?|iemand) (?:lenen|inlenen|inhuren)\b|\binlen\w*|\blenen van\b"
    r"|\bontvang\w*|\bkrijgen (?:tijdelijk |binnenkort )?iemand\b|\binhuren\b|\bhulp (?:aan)?vragen\b"
)
_ROUTE = re.compile(
    r"\bhoe (?:begin|start) ik\b|\bwaar begin ik\b|\bwat (?:zijn|heb ik aan) (?:mijn|de) (?:opties"
    r"|mogelijkheden)\b"
    r"|\bwat kan ik\b|\bwaar kan ik (?:terecht|beginnen)\b|\bhoe kan ik\b|\bkan ik (?:ook|nog|naast|via|er)\b"
    r"|\bis (?:daar|er) (?:een )?(?:initiatief|mogelijkheid|iets)\b|\bzijn (?:daar|er) (?:initiatieven"
    r"|mogelijkheden)"
    r"|\bwat zijn (?:mijn )?opties\b|\bhoe pak ik\b|\bwelke (?:opties|mogelijkheden)\b|\bhoe doe ik dat\b"
    r"|\bkan ik\b.*\b(?:iets\b.*\b(?:doen|betekenen)|werken|aan de slag|lesgeven|helpen|meedoen|bijdragen)\b"
)
_HOWTO = re.compile(
    r"\bhoe pakken (?:we|wij)\b|\bwat moeten (?:we|wij) (?:regelen|doen|weten)\b|\bwaar beginnen (?:we|wij)\b"
    r"|\bwaar moeten (?:we|wij)\b|\bhoe (?:doen|regelen|organiseren|gaan) (?:we|wij)\b|\bwelke stappen\b"
    r"|\bwat komt (?:er )?(?:bij )?kijken\b|\bwaar (?:letten|denken) (?:we|wij)\b|\bhoe (?:vragen"
    r"|leggen) (?:we|wij)\b"
    r"|\bwat (?:moet|moeten) (?:een|de) (?:uitlenende|inlenende|ontvangende) (?:organisatie|werkgever)"
)
_LIST = re.compile(
    r"\b(?:welke|wat zijn|noem|wie zijn)\b[^?]{0,40}?\b"
    r"(initiatieven|knoppen|casussen|voorbeelden|films|beren|succesfactoren|uitdagingen|tools|hulpmiddelen"
    r"|vragen|vormen|regels|stappen|lectoraten|partners|organisaties|bedrijven|mensen|deelnemers|redenen"
    r"|voordelen|onderdelen|criteria|eindproducten|groepen|rollen|aanjagers|projecten|knelpunten|conclusies"
    r"|aanbevelingen|voorwaarden|mogelijkheden|routes|constructies|lessen|drempels)\b"
)
_COMPARISON = re.compile(r"\bverschil(?:len)? tussen (.+?) en (.+?)(?:[?.!,]|$)|\bvergelijk")
_DEFINITION = re.compile(
    r"^(?:en\s+)?wat (?:is|zijn|was|betekent|betekenen|houdt|doet|doen|bedoel\w*|biedt|bieden) "
    r"|\bwat (?:wordt|werd) (?:er )?(?:bedoeld|verstaan)\b|\bwaar staat \S+ voor\b|\bwat houdt\b"
)
_YESNO = re.compile(
    r"^(?:en\s+)?(?:kan|kun|kunnen|mag|mogen|moet|moeten|is|zijn|heeft|hebben|krijg|krijgen|wordt|worden|valt"
    r"|vallen|bestaat|geldt|blijf|blijven|doen|telt|werkt|hoort|hoeft|hoeven|bouw|zit|ga|gaat|staat)\b"
)
# The answer types of factoid questions, first match wins.
_TYPES = [
    ("organisation", r"^(?:en\s+)?wie (?:voert|betaalt|betalen|organiseert|draait)\b"),
    ("contact", r"\b(telefoonnummer|telefoon|bellen|e-?mail\w*|mailadres|mailen|adres|postadres|bezoekadres"
                r"|gevestigd|waar zit\w*|website|contactgegevens|bereik\w*)\b"),
    ("duration", r"^(?:en\s+)?hoe lang\b"),  # "hoe lang moet een werkgever loon doorbetalen"
    ("amount", r"\b(verdien\w*|salaris\w*|loon|uurloon|uurtarief|tarief\w*|kost|kosten|kostte|kostprijs|prijs"
               r"|bedrag|euro|geld|budget|bruto|netto|vergoeding|betaal\w* (?:je|we|wij|ik|een|de))\b"
               r"|\bhoeveel subsidie|\bhoe hoog (?:is|was|zijn|waren) de subsidie"),
    ("date", r"\b(wanneer|welke datum|op welke dag|in welk jaar|welk jaar|in welke maand|welke maand)\b"),
    ("duration", r"\bhoe lang\b|\bhoeveel (?:uur|uren|dagen|weken|maanden|jaar|jaren|tijd|lesuren)\b"),
    ("number", r"\b(hoeveel|hoe veel|aantal|percentage|welk deel|hoe groot|hoe hoog)\b"),
    ("person", r"^(?:en\s+)?wie\b|\bwie (?:is|was|zijn|waren|heeft|hebben|schreef|maakte|trok|kwam|staat)\b"
               r"|\bhoe heet\b|\bwelke (?:persoon|personen|onderzoeker|aanjager)\b"),
    ("organisation", r"\bwelke (?:organisatie|stichting|bedrijf|bedrijven|hogeschool|universiteit|ziekenhuis"
                     r"|school|partij|instelling|gemeente|fonds)\b|\bwie (?:voert|betaalt|organiseert)\b"),
    ("place", r"^(?:en\s+)?waar (?:is|zijn|was|waren|ligt|liggen|vond|vonden|werd|werden|wordt)\b"
              r"(?!.*\b(?:voor|over|mee|aan|op|naartoe)\b)|\bin welke (?:stad|plaats|regio|provincie)\b"),
]  # fmt: skip


# A yes/no question asks a detail too when it has a question word for it ("..., en hoeveel ...?").
_ASKED = re.compile(r"\b(?:hoeveel|hoe veel|wanneer|wat kost|wat kosten|wie|welk\w*|hoe lang)\b")


@dataclass(frozen=True)
class Persona:
    """Who asks: a professional in a role, or an organisation (the asker's own sector, if known)."""

    kind: str  # "professional" | "organisation"
    role: str
    sectors: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    question: str
    core: str  # the question sentence itself, without the persona's introduction
    intent: str
    answer_type: str = ""
    persona: Persona | None = None
    side: str = ""  # for an organisation: "lending" or "borrowing"
    sectors: tuple[str, ...] = ()  # sectors the question names (where the asker wants to go)
    compared: tuple[str, ...] = ()  # the two things a comparison is about
    list_of: str = ""  # what a list question enumerates

    @property
    def all_sectors(self) -> tuple[str, ...]:
        """The sectors named plus the asker's own."""
        own = self.persona.sectors if self.persona else ()
        return tuple(dict.fromkeys((*self.sectors, *own)))


def question_sentence(text: str) -> str:
    """The sentence that asks: the last one with a question mark, or else the last sentence."""
    parts = [p.strip() for p in re.split(r"(?<=[.?!])\s+", text.strip()) if p.strip()]
    asking = [p for p in parts if p.endswith("?")]
    if asking:
        return asking[-1]
    return parts[-1] if parts else text.strip()


def persona_of(folded: str) -> Persona | None:
    organisation = _ORGANISATION.search(folded)
    if organisation:
        named = (organisation.group(1) or organisation.group(2) or "").split()
        for word in [" ".join(named), *reversed(named)]:  # "technisch bedrijf", then "bedrijf"
            if word in ORGANISATION_SECTORS:
                return Persona("organisation", word, ORGANISATION_SECTORS[word])
        for word in reversed(named):
            for key, sectors in ORGANISATION_SECTORS.items():
                if len(key) > 3 and (word.startswith(key) or word.endswith(key)):
                    return Persona("organisation", key, sectors)
        if organisation.group(1):
            return Persona("organisation", named[0] if named else "", ())
    person = _PERSON.search(folded)
    if person:
        role = person.group(1)
        if role in ROLE_SECTORS:
            return Persona("professional", role, ROLE_SECTORS[role])
        for key, sectors in ROLE_SECTORS.items():
            if len(key) > 3 and (role.startswith(key) or role.endswith(key)):
                return Persona("professional", key, sectors)
        if folded.startswith(("ik ben", "ik werk")) and role not in ("ziek", "benieuwd", "op", "met", "niet"):
            return Persona("professional", role, ())
    return None


def answer_type(core: str) -> str:
    for name, pattern in _TYPES:
        if re.search(pattern, core):
            return name
    return ""


def _sectors(core: str) -> tuple[str, ...]:
    found = [sector for pattern, sector in _TARGETS if re.search(pattern, core)]
    found += [sector for word, sector in _SECTOR_WORDS.items() if re.search(rf"\b{word}\b", core)]
    return tuple(dict.fromkeys(found))


# Misspelt question words, mended before reading ("hoevel aanmeldingen"): what a question asks hangs on them.
_TYPOS = [
    (re.compile(r"\bhoe ?v(?:e|ee|eee)l{1,2}\b|\bhoeveell?\b|\bhoevee\b", re.I), "hoeveel"),
    (re.compile(r"\bwan(?:n)?e(?:e)?r\b|\bwanneeer\b", re.I), "wanneer"),
    (re.compile(r"\bwa(?:a)?rom\b|\bwaarmo\b", re.I), "waarom"),
]


def mend(question: str) -> str:
    """The question with its misspelt question words mended; a word already spelt right, and a capital at
    its start, stay as they are."""

    for pattern, word in _TYPOS:
        question = pattern.sub(functools.partial(_mended, word=word), question)
    return question


def _mended(match: re.Match[str], word: str) -> str:
    written = match.group(0)
    if written.lower() == word:
        return written
    return word.capitalize() if written[0].isupper() else word


def read_question(question: str) -> Reading:
    question = mend(question)
    folded = " ".join(dutch.fold(question).split())
    core = _INTRODUCTION.sub("", dutch.fold(question_sentence(question)))
    persona = persona_of(folded)
    side = ""
    if (persona and persona.kind == "organisation") or re.search(r"\b(wij|we|ons|onze)\b", folded):
        if _BORROWING.search(folded):
            side = "borrowing"
        elif _LENDING.search(folded):
            side = "lending"
    kind = answer_type(core)
    comparison = _COMPARISON.search(core)
    listing = _LIST.search(core)
    if comparison:
        intent = "comparison"
    elif (persona and persona.kind == "organisation" and (_HOWTO.search(folded) or _ROUTE.search(core))) or (
        _HOWTO.search(core) and side
    ):
        intent = "howto"
    elif persona and persona.kind == "professional" and _ROUTE.search(core):
        intent = "options"
    elif listing and not kind.startswith(("number", "contact", "amount", "date")):
        intent = "list"
    elif re.search(r"\bwaarom\b|\bwat is de reden\b|\bhoe komt het\b", core):
        intent = "why"
    elif _DEFINITION.search(core) and not kind:
        intent = "definition"
    elif _YESNO.search(core) and not re.search(
        r"^\w+ (?:je|jij|ik|we|wij|u) (?:mij|me )?(?:vertellen|zeggen)\b", core
    ):
        intent = "yesno"
    else:
        intent = "factoid"
    compared = tuple(g.strip() for g in comparison.groups() if g) if comparison else ()
    return Reading(
        question=question,
        core=core,
        intent=intent,
        answer_type=kind if intent == "factoid" or (intent == "yesno" and _ASKED.search(core)) else "",
        persona=persona,
        side=side,
        sectors=_sectors(core),
        compared=compared,
        list_of=listing.group(1) if listing and intent == "list" else "",
    )


_NEGATION = re.compile(r"\b(?:niet|geen|nooit|niets|nergens|hoeft (?:\w+ )?niet)\b(?! alleen\b)")
_CONDITION = re.compile(
    r"\balleen (?:\w+ ){0,2}(?:als|wanneer|met|bij|onder|na|mits)\b|\bmits\b|\btenzij\b"
    r"|\bonder (?:de )?voorwaarden?\b|\bafhankelijk van\b|\bhangt\b.*\baf\b|\bin sommige gevallen\b"
)


# "telt de uren per werknemer en niet per contract": the negation sets a detail apart, the claim stands
_SIDE_CONTRAST = re.compile(r"\b(?:en|of) niet\b[^,.;:]*")


def verdict(question: str, sentence: str) -> str:
    """The answer to a yes/no question as its best sentence gives it: "yes", "no" or "depends" (only
    under conditions). A negation in the question ("Is het niet ...?") turns yes and no around."""
    said = _SIDE_CONTRAST.sub(" ", dutch.fold(sentence))
    if _CONDITION.search(said):
        return "depends"
    negative = bool(_NEGATION.search(said)) != bool(_NEGATION.search(dutch.fold(question_sentence(question))))
    return "no" if negative else "yes"
