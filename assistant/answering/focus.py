"""The focus of a question, and whether the evidence holds it.

A question asks about something specific: a year ("in 2024"), a name ("in Utrecht", "het Radboudumc"),
a rare word ("openingstijden", "partnerorganisaties") or a kind of answer (an amount for "wat verdient",
a phone number for "welk telefoonnummer"). An answer only answers when one of its sentences holds the asked
kind together with those qualifiers; otherwise the knowledge base does not have it, however close the
retrieved sentences sit to the question. Pure functions over text: the lexicon says which words the
knowledge base uses and how rare they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.kinds import (
    KIND_WORDS,
    MONTHS,
    NUMBER_WORDS,
    absent_part,
    asked_rate,
    counts,
    holds_kind,
    holds_rate,
)
from assistant.answering.lexicon import Lexicon, mentions, singulars, term, terms
from assistant.answering.reading import Reading
from assistant.core import dutch
from assistant.core.places import PLACES

# Question words that are not what the question is about.
_FILLER = set(terms(
    "precies eigenlijk ongeveer graag weten vraag vragen iemand echt ooit nu moment inmiddels even zomaar "
    "nog al kunnen zouden willen wil wilden welk welke wat hoeveel hoe veel wanneer waar wie waarom vertel "
    "zeggen noemen noemde noemden genoemd staat staan stond gaat ging gingen doet deed deden zit zitten "
    "krijg krijgt kregen komt kwam komen heb hebben had hadden heeft ben bent zijn was waren wordt worden "
    "werd werden mag mogen moet moeten kan kun konden soort eerste tweede derde laatste belangrijkste meeste "
    "totaal per jaar maand week dag uur keer mensen persoon deel nou qua erom eraan ervan erover ermee "
    "daarmee daarvan daarover ernaast klopt noem vertellen uiteindelijk zo'n zulke welk allemaal ongeveer "
    "zomaar gewoon eigen ander andere elke iedere ergens iets erbij erin erop eruit ertoe erheen "
    "hoog groot lang bestaat bestaan bestond bestonden"
))  # fmt: skip
_HYPHEN_TAIL = re.compile(r"(?<=\w)(?:-[a-z]+)+$")
_UNITS = {"dagen", "uren", "weken", "maanden", "jaren", "keer", "procent", "euro", "geld", "lesuren", "tijd"}
_MARKUP = re.compile(r"<script.*?</script>|<[^>]*>", re.I | re.S)  # pasted HTML is not what is asked
QUALIFIER_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# what "hoeveel" counts: the noun, after an inflected adjective ("hoeveel hybride docenten")
_COUNTED = re.compile(r"\bhoe ?veel\s+(?:van de\s+|van\s+)?(?:([a-z][\w'-]*e)\s+)?([a-z][\w'-]+)")
# the role a person question asks for ("wie is de voorzitter", "hoe heet de videograaf"): like what
# "hoeveel" counts, the answer sentence must name it
_ROLE = re.compile(
    r"^(?:en )?(?:wie (?:is|was|zijn)|hoe heet|hoe heten|wat is de naam van) (?:de|het) ([a-z][\w'-]+)"
)

# a set by its size: "de vier activiteitenpakketten", "de andere drie criteria" (not "de derde bijeenkomst",
# one of a row)
_CARDINALS = "twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf"
_MEMBERS = re.compile(rf"\b(?:de|het|die|andere)\s+(?:andere\s+)?(?:{_CARDINALS}|\d+)\s+([a-z][\w'-]{{3,}})")
# "hoeveel loopt de financiering op", "met hoeveel zijn ze": a verb after "hoeveel" is followed by its
# subject, so what it counts is not the next word
_SUBJECT_START = re.compile(r"\s*(?:de|het|een|ze|je|jij|ik|we|wij|u|hij|zij|mijn|jouw|onze?|die|deze|dat)\b")
_PLURAL_VERBS = {
    term(w)
    for w in re.findall(r"\S+", (
        "zijn waren hebben hadden kosten kostten verdienen krijgen kregen komen kwamen gaan gingen "
        "doen deden werken werkten lopen liepen duren duurden mogen moeten kunnen"
    ))
}  # fmt: skip


@dataclass(frozen=True)
class Focus:
    """What the answer must hold: qualifiers (years and names: in the answer sentence or its passage),
    the rare words of the question, and the words the knowledge base never uses."""

    years: tuple[str, ...]
    names: tuple[str, ...]  # as written in the question
    rare: tuple[str, ...]  # terms
    unknown: tuple[str, ...]  # terms
    words: dict[str, str]  # term -> the word as the user wrote it (for the refusal sentence)
    counted: str = ""  # what "hoeveel ..." counts ("partnerorganisaties") or the role asked for, as a term
    subject: str = ""  # what "wat is ..." asks to define ("opzegtermijn"), as a term
    content: tuple[tuple[str, float], ...] = ()  # every content term of the question with its idf
    members: str = ""  # the set whose members the question asks ("de vier activiteitenpakketten"), a term
    rate: str = ""  # the unit of time an amount is asked per ("uur" for "wat verdien je per uur")


def focus_of(reading: Reading, lexicon: Lexicon, rare_idf: float) -> Focus:
    sentence = _MARKUP.sub(" ", reading.core)
    original = _MARKUP.sub(" ", _original_sentence(reading.question, reading.core))
    years = tuple(dict.fromkeys(QUALIFIER_YEAR.findall(sentence)))
    # "de NSvP-site", "het RAAK-publiek project": the name is the part before a lower-case tail
    names = tuple(
        dict.fromkeys(
            _HYPHEN_TAIL.sub("", m.group(0))
            for m in re.finditer(r"(?<![.?!]\s)(?<!^)\b[A-Z][\w+&-]*[a-z0-9][\w+&-]*|\b[A-Z]{2,}\b", original)
            if term(dutch.fold(m.group(0))) not in _FILLER and dutch.content_words(m.group(0))
        )
    )
    # a place is a name however it is written ("in twente"): the answer must be about that place
    names += tuple(w for w in re.findall(r"[\w'-]+", original) if dutch.fold(w) in PLACES and w not in names)
    written: dict[str, str] = {}
    for word in re.findall(r"[\w'+&-]+", original):
        for t in terms(word):
            written.setdefault(t, word)
    verb = _final_infinitive(sentence)
    content = [
        t
        for t in dict.fromkeys(terms(sentence))
        if t not in _FILLER and not t.isdigit() and len(t) > 2 and t != verb
    ]
    unknown = tuple(t for t in content if not lexicon.known(t))
    rare = tuple(t for t in content if t not in unknown and lexicon.idf(t) >= rare_idf)
    counted = ""
    after = _COUNTED.search(sentence) or (_ROLE.search(sentence) if reading.answer_type == "person" else None)
    if after:
        word = after.group(1)  # the role
        if after.re is _COUNTED:
            adjective, noun = after.groups()
            # "hoeveel ruimte is er": the word after "ruimte" is no noun, so "ruimte" is what is counted
            word = noun if adjective is None or _counted_noun(noun) else adjective
            if adjective is None and _is_verb(noun, sentence[after.end() :]):
                word = ""
        head = term(word) if word else ""
        if head not in _FILLER and head not in _UNITS and len(head) > 3 and not re.match(NUMBER_WORDS, head):
            counted = head
    # a month with a year ("in januari 2023") is as much a qualifier as the year itself
    for month, year in re.findall(rf"\b({MONTHS})\s+((?:19|20)\d{{2}})\b", sentence):
        years = tuple(f"{month} {year}" if y == year else y for y in years)
    subject = ""
    defined = re.search(
        r"^(?:en\s+)?wat (?:is|zijn|was|waren|betekent|houdt) (?:de|het|een)?\s*([a-z][\w'-]+)", sentence
    )
    if reading.intent == "definition" and defined:
        head = term(defined.group(1))
        if head not in _FILLER and len(head) > 3:
            subject = head
    weighted = tuple((t, lexicon.idf(t)) for t in content)
    members = _MEMBERS.search(sentence)
    member = term(members.group(1)) if members else ""
    rate = asked_rate(sentence) if reading.answer_type == "amount" else ""
    return Focus(years, names, rare, unknown, written, counted, subject, weighted, member, rate)


_MODAL = re.compile(r"\b(?:kan|kun|kunnen|mag|mogen|moet|moeten|wil|willen|zou|zouden|ga|gaan)\b")


def _final_infinitive(sentence: str) -> str:
    """The infinitive that closes a question with a modal verb ("kan ik het eerst een jaar proberen?",
    "hoe hoog kan die oplopen?"), as a term: it says what is done, not what the answer is about."""
    modal = _MODAL.search(sentence)
    if not modal:
        return ""
    words = re.findall(r"[a-z][\w'-]*", sentence[modal.end() :])
    last = words[-1] if len(words) > 1 else ""
    return term(last) if last.endswith("en") and len(last) > 4 else ""


# "hoeveel horecamensen": the knowledge base may call the same people "horecamedewerkers"
_PERSON_HEADS = ("medewerker", "werknemer", "mens", "professional", "kracht", "personeel")


def counted_forms(counted: str) -> tuple[str, ...]:
    """What is counted, and the same group named with another word for people."""
    for head in _PERSON_HEADS:
        if counted.endswith(head) and len(counted) >= len(head) + 3:
            modifier = counted[: -len(head)]
            return (counted, *(modifier + other for other in _PERSON_HEADS if other != head))
    return (counted,) if counted else ()


def _is_verb(word: str, rest: str) -> bool:
    """Whether the word after "hoeveel" is a finite verb: a verb form followed by its subject."""
    verb_like = (word.endswith("t") and len(word) > 3) or term(word) in _PLURAL_VERBS
    return verb_like and _SUBJECT_START.match(rest) is not None


def _counted_noun(word: str) -> bool:
    """A word that can be the noun after an adjective: a content word that is no question filler."""
    return bool(dutch.content_words(word)) and term(word) not in _FILLER


_VERB_FORM = re.compile(r"^(?:ge\w{3,}[dt]|\w{3,}(?:te|ten|de|den))$")  # a past tense or participle


def gap(focus: Focus, text_terms: set[str]) -> float:
    """The idf-weighted share of the question's content words a text does not mention: 0 when it says
    everything the question is about, near 1 when it shares only the common words. Verb forms weigh
    less (a text says "liep tot" where the question asks "stopte"); words match loosely on their start."""
    weights = [(t, w * (0.3 if _VERB_FORM.match(t) else 1.0)) for t, w in focus.content]
    total = sum(w for _, w in weights)
    if not total:
        return 0.0
    return sum(w for t, w in weights if not _loosely(text_terms, t)) / total


def _loosely(text_terms: set[str], wanted: str) -> bool:
    """Mentioned, or a word with the same start ("uitlener" ~ "uitlenende", "zorgreservisen")."""
    if mentions(text_terms, wanted):
        return True
    n = max(5, round(0.75 * len(wanted)))
    return len(wanted) >= 5 and any(len(t) >= n and t[:n] == wanted[:n] for t in text_terms)


def _original_sentence(question: str, core: str) -> str:
    """The question sentence with the user's own capitals (the reading folds it)."""
    folded = dutch.fold(question)
    start = folded.rfind(core[: min(len(core), 20)])
    return question[start : start + len(core)] if start >= 0 else question


def absence_about(focus: Focus, kind: str, sentence: str, topic: set[str]) -> bool:
    """An absence statement about the detail the question asks: for a question after a kind of answer, it
    names that kind ("het aantal deelnemers", "de kosten"); otherwise it names most of the question's rare
    words beyond the `topic` (the words of the names of what the question is about). Either way, the clause
    that says what is not known names something the question does: "welke knoppen zijn er?" is not answered
    by "de knoppen ...; of de actieplaat dezelfde indeling gebruikt, is niet bekend"."""
    unknown = absent_part(sentence)
    if not unknown:
        return False
    if kind:
        words = KIND_WORDS.get("contact" if kind in ("phone", "mail", "address") else kind)
        return words is not None and words.search(unknown) is not None
    asked = [t for t in (*focus.rare, *focus.unknown) if t not in topic]
    said = set(terms(sentence))
    found = sum(mentions(said, t) for t in asked)
    unknown_terms = set(terms(unknown))
    about = any(mentions(unknown_terms, t) for t, _ in focus.content)
    return bool(asked) and found * 2 >= len(asked) and about


@dataclass(frozen=True)
class Check:
    """How well one sentence (with its passage) answers the focus."""

    kind: bool  # holds an instance of the asked kind (about what "hoeveel" counts, if it counts something)
    years: bool  # every year of the question is in the sentence
    names: bool  # every name of the question is in the sentence's passage
    rare: float  # share of the question's rare terms in the sentence or its heading
    near: bool = True  # a number stands next to what "hoeveel" counts ("3700 zorgreservisten")

    @property
    def complete(self) -> bool:
        """Holds the asked kind with the question's years and names."""
        return self.kind and self.years and self.names


def check(focus: Focus, answer_kind: str, sentence: str, passage: str, heading: str) -> Check:
    sentence_terms = set(terms(f"{heading} {sentence}"))
    passage_folded = dutch.fold(passage)
    passage_terms = set(terms(passage))
    names_ok = all(
        dutch.fold(name) in passage_folded or all(mentions(passage_terms, t) for t in terms(name))
        for name in focus.names
    )
    rare = [t for t in focus.rare]
    covered = sum(mentions(sentence_terms, t) for t in rare) / len(rare) if rare else 1.0
    forms = counted_forms(focus.counted)
    counted = not forms or any(mentions(sentence_terms, f) for f in forms)
    # a number next to what "hoeveel" counts (True when the question counts nothing)
    near = not forms or answer_kind != "number" or any(counts(sentence, f) for f in forms)
    return Check(
        # "2000 zorgreservisten" is a count, although 2000 reads as a year anywhere else
        kind=(
            holds_kind(answer_kind, sentence) and counted and holds_rate(focus.rate, f"{heading} {sentence}")
        )
        or (bool(focus.counted) and answer_kind == "number" and near),
        years=all(year in f"{heading} {sentence}".lower() for year in focus.years),
        names=names_ok,
        rare=covered,
        near=near,
    )


def missing_words(focus: Focus, texts: Sequence[str]) -> list[str]:
    """The question's unknown and rare words that none of the texts mention, as the user wrote them, for
    the refusal sentence ("Over ... staat niets in de kennisbank"). A word counts as mentioned in another
    form too: terms keep short words with their ending ("kost" and "kosten", "baan" and "banen"), and a
    refusal must not say that the knowledge base lacks a word it uses."""
    seen = set(terms(" ".join(texts)))
    missing = [
        t for t in (*focus.unknown, *focus.rare) if not mentions(seen, t) and not (inflections(t) & seen)
    ]
    return [focus.words.get(t, t) for t in missing]


def inflections(term_: str) -> set[str]:
    """Other forms a short Dutch term may take among terms: its plural or infinitive ("kost" -> "kosten",
    "knop" -> "knopp(en)", "baan" -> "banen") and its singular or stem ("kosten" -> "kost", "banen" ->
    "baan")."""
    doubled = term_ + term_[-1:]
    forms = {*singulars(term_), f"{term_}en", f"{term_}s", doubled, f"{doubled}en"}
    if len(term_) > 3 and term_[-2] == term_[-3] and term_[-2] in "aeou":  # "baan" -> "banen"
        forms.add(f"{term_[:-2]}{term_[-1]}en")
    forms.discard(term_)
    return forms


def share_missing(wanted: Focus, texts: Sequence[str]) -> float:
    """The share of the question's rare words that none of these texts mentions."""
    if not wanted.rare:
        return 0.0
    seen = set(terms(" ".join(texts)))
    return sum(not mentions(seen, t) for t in wanted.rare) / len(wanted.rare)
