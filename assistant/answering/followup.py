"""Follow-up questions: what a question leans on from the conversation, and the search query that results.

The subject of a conversation is what its earlier turns were about: the documents a question named (a
casus, a knop, an organisation), as the user wrote them, or else the documents its answer cited; the
sector it was about; and who is asking ("Ik ben leraar."). A new question
- swaps what it changes: "En vanuit het onderwijs?" after "Wie was de aanjager vanuit de zorg?" asks
  "Wie was de aanjager vanuit het onderwijs?";
- fills in what it points back to: "Hoeveel mensen doen daaraan mee?" after a question about the Nationale
  Zorgreserve asks "Hoeveel mensen doen aan de Nationale Zorgreserve mee?";
- keeps the subject when it is too short to stand alone or points back with "hun", "ze", "dan", "dat" ...;
- drops it when it names a subject of its own ("Hoeveel koplopers had het Koplopernetwerk?").
What is neither (no reference, no subject of its own) is `unclear`: the assistant retrieves with and
without the subject and keeps the query with the better evidence. The query always reads as Dutch: it is
shown under the answer ("Gezocht op: ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant import texts
from assistant.answering.lexicon import Lexicon, phrase_for, short_title, terms
from assistant.answering.reading import question_sentence
from assistant.core import dutch

_OPENER = re.compile(
    r"^(?:en|maar|ook|dus|of|en wat|wat als|en als|wat nou als|hoe zit|hoe gaat|geldt dat|is dat|kan dat"
    r"|werkt dat"
    r"|waarom dan|hoe dan|oké|ok|en verder)\b[,]?\s*",
    re.I,
)
# "daaraan" -> "aan <subject>": the pronominal adverbs and their preposition
_ADVERBS = {
    f"{lead}{prep}": prep
    for lead in ("daar", "er", "hier")
    for prep in (
        "aan",
        "voor",
        "bij",
        "van",
        "mee",
        "over",
        "in",
        "op",
        "uit",
        "naar",
        "door",
        "tegen",
        "achter",
    )
}
_ADVERB = re.compile(rf"\b({'|'.join(sorted(_ADVERBS, key=len, reverse=True))})\b", re.I)
_PREPOSITION = {"mee": "met", "naar": "naar"}
# Words that point back at the subject without naming it.
_POINTERS = re.compile(
    r"\b(?:hun|hen|ze|zij|die|dat|dit|deze|daar|dan|zo'n|zulke|hetzelfde|diezelfde|datzelfde)\b", re.I
)
_INTRODUCES = re.compile(r"^\s*(?:ik ben|ik werk|ik was|wij zijn|we zijn)\b", re.I)
# "Ik ben leraar." or "ik ben leraar op een mbo, kan ik ...": the introduction ends at a full stop or at the
# comma before the question; a sentence that asks in one go ("Ik ben leraar en wil ...?") has none of its own.
_INTRODUCTION = re.compile(
    r"^\s*((?:ik ben|ik werk|ik was|wij zijn|we zijn)\b[^.?!]*?)\s*(?:[.!]|,(?=\s*(?:en\s+)?(?:kan|kun|mag"
    r"|moet|wil|hoe|wat|waar|wie|welke?|wanneer|waarom|is|zijn|heb|hebben|zou|krijg|wordt|word)\b))",
    re.I,
)
# The sector phrase of a question: "vanuit de zorg", "in het onderwijs", "bij Defensie".
_SECTOR_NOUNS = (
    r"(?:de zorg|het onderwijs|defensie|de kinderopvang|de techniek|de politie|de brandweer|zorg|onderwijs)"
)
_SECTOR_PHRASE = re.compile(rf"\b(?:vanuit|in|bij|voor|uit|binnen|naar)\s+{_SECTOR_NOUNS}\b", re.I)
ENTITIES = ("casus", "knop", "regel")  # documents about one thing that a later question can point back to
MAX_CONTEXT = 8
SHORT = 3  # content words: fewer than this cannot stand alone
STANDALONE = 6  # content words: a question this long without a reference stands on its own


@dataclass(frozen=True)
class Resolution:
    """The search query for a question in its conversation."""

    query: str
    carried: bool  # the query took something from the earlier turns
    asked: str = ""  # the user's own question within the query, when the query adds the subject to it
    unclear: bool = False  # whether it follows up could not be told from the words: compare the evidence
    alone: str = ""  # for an unclear question: the query without the carried subject


@dataclass(frozen=True)
class Subject:
    phrase: str  # the subject as written ("de Nationale Zorgreserve"), or "" when none is named
    documents: frozenset[str]  # ids of the documents it is about
    soort: str  # the soort of its first document ("casus", "knop", ...)
    question: str  # the earlier question's own sentence, resolved ("Wie was de aanjager vanuit de zorg?")
    introduction: str  # "Ik ben leraar." when the conversation said who is asking


def subject_of(
    questions: list[str], queries: list[str], cited: list[tuple[str, ...]], lexicon: Lexicon
) -> Subject | None:
    """What the conversation so far is about, from its last turn (whose query already carries the subject
    of the turns before it)."""
    if not questions:
        return None
    query = queries[-1] if queries and queries[-1] else questions[-1]
    introduction = ""
    for question in reversed(questions):
        found = _INTRODUCTION.match(question)
        if found:
            introduction = _capitalised(found.group(1).strip()) + "."
            break
    core = _without_introduction(question_sentence(query))
    named = lexicon.named(terms(core))
    phrase = phrase_for(core, named[0], lexicon) if named else ""
    documents = {d.id for d in named}
    soort = named[0].soort if named else ""
    if not named and cited and len(set(cited[-1])) == 1:  # an answer from one document is about it
        documents = set(cited[-1])
        first = next((d.doc for d in lexicon.documents if d.doc.id == cited[-1][0]), None)
        if first is not None and first.soort in ENTITIES:
            phrase, soort = short_title(first), first.soort
    return Subject(phrase, frozenset(documents), soort, core, introduction)


def resolve(question: str, subject: Subject | None, lexicon: Lexicon) -> Resolution:
    """The standalone search query for `question` after the conversation whose subject is given."""
    found = _resolve(question, subject, lexicon)
    return replace(found, query=_tidy(found.query), alone=_tidy(found.alone))


# A joint between two questions must not leave a lone mark behind ("... doen. ? Hoeveel uur"): the query is
# shown to the user under the answer.
_STRAY = re.compile(r"(?<=[.?!,;:])(?:\s+[.?!,;:]+)+(?=\s|$)")


def _tidy(query: str) -> str:
    return _STRAY.sub("", query)


def _resolve(question: str, subject: Subject | None, lexicon: Lexicon) -> Resolution:
    text = " ".join(question.split())
    if subject is None or not text:
        return Resolution(text, carried=False)
    named = {d.id for d in lexicon.named(terms(text))}
    opener = _OPENER.match(text)
    adverb = _ADVERB.search(text)
    pointer = _POINTERS.search(text)
    content = dutch.content_words(text)
    new_subject = bool(named - subject.documents) and not adverb
    # a sector swap: "En vanuit het onderwijs?", "En bij Defensie?" (only a sector phrase is left)
    rest = _FRAME.sub("", _OPENER.sub("", text)).strip(" ?!.")
    swapped = _swap_sector(subject.question, rest)
    if swapped and (opener or len(content) <= SHORT):
        return Resolution(_with_introduction(swapped, subject), carried=True)
    if new_subject and not (pointer and len(content) <= SHORT):
        return Resolution(text, carried=False)
    if subject.phrase and not adverb and not new_subject:
        filled = _fill_demonstrative(_without_conjunction(text), subject.phrase)
        if filled:  # "Welke casussen laten dat zien?" -> "Welke casussen laten een matcher zien?"
            return Resolution(_with_introduction(filled, subject), carried=True)
    if adverb and subject.phrase:
        filled = _fill_adverbs(_without_conjunction(text), subject.phrase)
        return Resolution(_with_introduction(filled, subject), carried=True)
    follows = bool(opener or adverb or pointer) or len(content) < SHORT
    if not follows and (named or len(content) >= STANDALONE or _INTRODUCES.match(text)):
        return Resolution(text, carried=False)
    own = _without_conjunction(text)
    carried = _with_context(_with_subject(own, subject), subject)
    if follows:
        return Resolution(carried, carried=True, asked=own)
    return Resolution(carried, carried=True, unclear=True, alone=text, asked=own)


# -- building the query ------------------------------------------------------------------------------


def _with_subject(question: str, subject: Subject) -> str:
    """The question about the earlier subject: "<vraag>, bij de Nationale Zorgreserve?", or, with no subject
    named, after the earlier question itself ("Kan ik ook in de zorg werken? Wat moet mijn school
    regelen?")."""
    if subject.phrase:
        preposition = "bij" if subject.soort in ("casus", "leernetwerk") else "over"
        body = question.rstrip(" ?!.")
        return _with_introduction(f"{body}, {preposition} {subject.phrase}?", subject)
    return _with_introduction(f"{subject.question.rstrip()} {question}", subject)


def _with_context(query: str, subject: Subject) -> str:
    """The earlier question's own words that the query does not have yet, after it: they find the passages
    of the conversation's topic ("... (eerder: aanjager zorg)"); measured on the tuning conversations."""
    have = set(dutch.content_words(query))
    extra = [w for w in dict.fromkeys(dutch.content_words(subject.question)) if w not in have]
    return f"{query} ({texts.EARLIER} {' '.join(extra[:MAX_CONTEXT])})" if extra else query


def _with_introduction(query: str, subject: Subject) -> str:
    if subject.introduction and not _INTRODUCES.match(query):
        return f"{subject.introduction} {query}"
    return query


def _fill_adverbs(question: str, phrase: str) -> str:
    """ "Hoeveel mensen doen daaraan mee?" -> "Hoeveel mensen doen aan de Nationale Zorgreserve mee?" """

    def fill(match: re.Match[str]) -> str:
        preposition = _ADVERBS[match.group(1).lower()]
        return f"{_PREPOSITION.get(preposition, preposition)} {phrase}"

    return _ADVERB.sub(fill, question, count=1)


# "dat"/"dit" standing for the thing asked about: at the end, or before a preposition, an adverb or a verb
# ("laten dat zien"); not a conjunction ("dat ik ..."), a determiner ("dat rapport") or an action ("hoe doen
# ze dat"); and a final "het" ("Wat kost het?").
_AFTER_PRONOUN = (
    r"\?|$|(?:ook|niet|dan|nog|wel|precies|eigenlijk|allemaal|bij|voor|in|naar|met|mee|per|tussen|samen|naast"
    r"|zonder|tijdens|na|op|aan|over|uit|hetzelfde|betaald|geregeld|gedaan)\b|\w+en\b"
)
_DEMONSTRATIVE = re.compile(
    r"(?<!\bdoen )(?<!\bdoe )(?<!\bdoet )(?<!\bregelen )(?<!\bregel )(?<!\baanpakken )"
    r"(?<!\bweten )(?<!\bweet )"
    rf"\b(dat|dit)\b(?=\s*(?:{_AFTER_PRONOUN}))|\bhet(?=\s*\?$)",
    re.I,
)


def _fill_demonstrative(question: str, phrase: str) -> str:
    """The question with its "dat"/"dit" (or a final "het") replaced by the subject; "" when it has none."""
    if len(dutch.content_words(question)) > STANDALONE or not _DEMONSTRATIVE.search(question):
        return ""
    return _DEMONSTRATIVE.sub(phrase, question, count=1)


_PREPOSITIONS = "als|vanuit|in|bij|voor|met|zonder|naar|uit|binnen|tijdens|na|op"
# "hoe zit dat bij Defensie?": the same question, about something else
_FRAME = re.compile(
    r"^(?:hoe zit (?:dat|het)(?: dan)?|hoe is (?:dat|het)(?: dan)?|geldt (?:dat|dit|het)(?: ook)?"
    r"|is dat (?:ook )?zo"
    r"|hoe werkt (?:dat|het)(?: dan)?)\s+(?=\S)",
    re.I,
)
_ASKING = re.compile(
    r"\b(?:hoeveel|wat|wie|welk\w*|waar|wanneer|hoe|waarom|dat|dit|die|deze|is|was|zijn|waren)\b", re.I
)
_ORDINAL = re.compile(r"\b(?:de|het)\s+(?:eerste|tweede|derde|vierde|vijfde|zesde|laatste)\b", re.I)
_PHRASE = re.compile(rf"(?:{_PREPOSITIONS})\s+(?:[\w'-]+\s*){{1,4}}", re.I)


def _swap_sector(previous: str, rest: str) -> str:
    """When what is left of the new question is a phrase like "vanuit het onderwijs" or "als zij-instromer",
    the previous question with its phrase of that kind replaced (a sector for a sector, "als ..." for
    "als ..."), or with the new phrase added."""
    rest = rest.strip()
    body = previous.rstrip(" ?!.")
    sector = _SECTOR_PHRASE.fullmatch(rest)
    if sector is not None:
        if _SECTOR_PHRASE.search(body):
            return _SECTOR_PHRASE.sub(sector.group(0), body, count=1) + "?"
        return f"{body} {sector.group(0)}?"
    ordinal = _ORDINAL.fullmatch(rest)
    if ordinal is not None and _ORDINAL.search(body):  # "En de derde?" after "Wat is de tweede knop ...?"
        return _ORDINAL.sub(ordinal.group(0), body, count=1) + "?"
    if not _PHRASE.fullmatch(rest) or _ASKING.search(rest):
        return ""
    preposition = rest.split()[0].lower()
    same = re.search(rf"\b{preposition}\s+(?:(?!(?:{_PREPOSITIONS})\b)[\w'-]+\s*)+", body, re.I)
    if same is not None:
        swapped = f"{body[: same.start()]}{rest} {body[same.end() :]}"
        return re.sub(r"\s+([,;])", r"\1", swapped).rstrip() + "?"
    return f"{body} {rest}?"


def _without_conjunction(question: str) -> str:
    """ "En wie betaalt hun salaris?" -> "Wie betaalt hun salaris?" (the query stands on its own)."""
    rest = re.sub(r"^(?:en|maar|dus|of|oké|ok)\b[,]?\s+", "", question, flags=re.I)
    return rest[:1].upper() + rest[1:] if rest else question


def _without_introduction(sentence: str) -> str:
    return _capitalised(_INTRODUCTION.sub("", sentence).strip()) or sentence


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
