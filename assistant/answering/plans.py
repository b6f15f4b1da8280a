"""Answer plans per intent, composed from the knowledge base's structure as well as from similarity.

- options (a person's route): the casussen that fit the person's sectors and role, one cited line each,
  then the regels to watch;
- howto (an organisation's route): the checklist of its side (lending or borrowing), then the regels;
- list: every matching entity (the knoppen, the casussen), or the items of the best matching section;
- comparison: one cited line per compared thing.
Factoid, definition, why and yes/no answers are picked by the composer from the retrieved passages.

Each plan returns sections of candidates (sentences of the knowledge base with their passage); the
composer numbers and cites them. Nothing is written here that the knowledge base does not say, apart from
the Dutch section headings in `texts`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant import texts
from assistant.answering import composer
from assistant.answering.composer import Candidate, ComposerSettings
from assistant.answering.kinds import is_absence_statement
from assistant.answering.lexicon import Lexicon, terms
from assistant.answering.reading import Reading
from assistant.core.documents import CROSS_SECTOR, Chunk, DocumentMeta
from assistant.core.results import Hit
from assistant.reader import Reader, pair_text

Sentences = Callable[[Sequence[Chunk]], dict[str, list[tuple[str, np.ndarray]]]]
MAX_CASES = 3
MAX_RULES = 2
MAX_ITEMS = 6
MAX_SCORED = 24  # casussen scored per route (the knowledge base has 11)
# The passages of a document a plan's lines (a route's, a list's) may come from: all of them in the knowledge
# base (a casus has at most 15). The first 4 until 2026-12-07: the Nationale Zorgreserve's line for a teacher
# never reached "Wie kan zorgreservist worden?", its ninth (evals/README.md, "Route lines from the whole
# document"). At most MAX_LISTED documents are read this way, so a list reads at most 384 passages.
LINE_PASSAGES = 16
# Documents a list names at most (the knowledge base has 6 knoppen, 11 casussen): at 100k chunks "welke
# knoppen zijn er" read every knop of thousands, 19 s and 0.7 GB for one answer nobody could read.
MAX_LISTED = 24
# Regels for everyone who combines two jobs, whatever the sector.
TWO_JOBS = (
    "nevenwerkzaamheden",
    "arbeidstijdenwet",
    "loonheffingskorting",
    "pensioen",
    "ziekte-bij-twee-banen",
)
CHECKLISTS = {
    "lending": ("checklist-uitlenende-organisatie",),
    "borrowing": ("checklist-inlenende-organisatie",),
    "any": ("checklist-uitlenende-organisatie", "checklist-inlenende-organisatie"),
}
# The regels each side meets first when lending or borrowing staff.
SIDE_RULES = {
    "lending": ("detachering-en-waadi", "btw-bij-uitlenen", "collegiale-uitlening"),
    "borrowing": ("detachering-en-waadi", "collegiale-uitlening"),
}


@dataclass(frozen=True)
class Library:
    """What a plan may read beyond the retrieved hits: every document and the sentences of any chunk."""

    documents: Mapping[str, DocumentMeta]  # every document by id
    chunks_of: Callable[[str], list[Chunk]]  # with their texts (read from the store)
    headings_of: Callable[[str], list[tuple[str, ...]]]  # a document's section headings, without reading it
    sentences: Sentences
    lexicon: Lexicon
    reader: Reader | None = None  # with a reader, each line of a route is the sentence it rates best
    sectors: tuple[str, ...] = ()  # chosen by a filter: a route goes there when the question names none


@dataclass(frozen=True)
class Section:
    heading: str  # Dutch, from texts; "" for plain prose
    items: tuple[Candidate, ...]


@dataclass(frozen=True)
class PlanResult:
    sections: tuple[Section, ...]
    hits: tuple[Hit, ...]  # what the sections draw on, best first (shown as retrieved)


_JOINING = re.compile(
    r"\b(?:je kunt|kun je|kan je|aanmeld\w*|inschrij\w*|meedoen|doe je mee|aansluit\w*|kiest zelf|zelf kiezen"
    r"|als je|wie wil|zich aanmelden|in dienst|naast je)\b",
    re.I,
)


def _best_lines(
    docs: Sequence[DocumentMeta],
    library: Library,
    question: str,
    vector: np.ndarray,
    settings: ComposerSettings,
    per_doc: int = 1,
    first_rank: int = 1,
    opening: bool = False,
) -> tuple[list[Candidate], list[Hit]]:
    """The best sentence(s) of each document for the question. With `opening`, a document is introduced
    by its own first sentence (what it is), then, if there is one, the sentence that says how to join."""
    hits: list[Hit] = []
    for n, doc in enumerate(docs):
        for chunk in library.chunks_of(doc.id)[:LINE_PASSAGES]:
            hits.append(Hit(chunk, 0.0, first_rank + n))
    sentences = library.sentences([h.chunk for h in hits])
    scored = composer.score_candidates(question, vector, hits, sentences, settings)
    lines: list[Candidate] = []
    used: list[Hit] = []
    owns = {
        doc.id: [c for c in scored if c.hit.chunk.doc.id == doc.id and composer.usable(c.text)
                 and not is_absence_statement(c.text)]
        for doc in docs
    }  # fmt: skip
    if library.reader is not None:
        owns = _read_lines(owns, library.reader, question)
    for doc in docs:
        own = owns[doc.id]
        if opening:  # what it is, how to join (the reader knows what answers), then what answers best
            first = min(own, key=lambda c: (c.hit.chunk.position, c.position), default=None)
            joining = [] if library.reader else [c for c in own if c is not first and _JOINING.search(c.text)]
            rest = [c for c in own if c is not first and c not in joining[:1]]
            own = [c for c in (first, *joining[:1], *rest) if c is not None]
        picked: list[Candidate] = []
        for candidate in own:
            if len(picked) < per_doc and not any(composer.same_fact(candidate.text, p.text) for p in picked):
                picked.append(candidate)
        lines.extend(picked)
        used.extend(dict.fromkeys(c.hit for c in picked))
    return lines, used


READ_PER_DOCUMENT = 6  # a document's best sentences (by the answerer's own score) that the reader reads
WEIGHT = 0.5  # what a probability of 1 adds to a line's score (the composer's margin is 0.13)


def _read_lines(
    owns: dict[str, list[Candidate]], reader: Reader, question: str
) -> dict[str, list[Candidate]]:
    """Every document's best sentences rescored by the reader, in one call; the rest keep their order."""
    pool = [c for own in owns.values() for c in own[:READ_PER_DOCUMENT]]
    if not pool:
        return owns
    probabilities = reader.score(question, [pair_text(c.hit.chunk.heading_path, c.text) for c in pool])
    judged = {id(c): replace(c, score=c.score + WEIGHT * float(p), answers=float(p))
              for c, p in zip(pool, probabilities, strict=True)}  # fmt: skip
    return {
        doc: sorted((judged.get(id(c), c) for c in own), key=lambda c: (c.answers < 0, -c.score))
        for doc, own in owns.items()
    }


def _thin(doc: DocumentMeta, library: Library) -> bool:
    """A casus the knowledge base knows little about: a section of its own says what is not known."""
    return any(heading and is_absence_heading(heading[0]) for heading in library.headings_of(doc.id))


def is_absence_heading(heading: str) -> bool:
    return heading.lower().startswith(("wat is niet bekend", "wat niet bekend is"))


def _best_scores(
    docs: Sequence[DocumentMeta],
    library: Library,
    question: str,
    vector: np.ndarray,
    settings: ComposerSettings,
) -> dict[str, float]:
    """How well each document answers the question: the score of its best sentence."""
    hits = [Hit(chunk, 0.0, 1) for doc in docs for chunk in library.chunks_of(doc.id)[:6]]
    scored = composer.score_candidates(
        question, vector, hits, library.sentences([h.chunk for h in hits]), settings
    )
    best: dict[str, float] = {}
    for candidate in scored:
        best.setdefault(candidate.hit.chunk.doc.id, candidate.score)
    return best


def _rank_docs(docs: Sequence[DocumentMeta], hits: Sequence[Hit]) -> list[DocumentMeta]:
    """Documents the retrieval found first (in its order), then the others in title order."""
    order = {h.chunk.doc.id: i for i, h in reversed(list(enumerate(hits)))}
    return sorted(docs, key=lambda d: (order.get(d.id, len(hits)), d.titel))


def _fits(doc: DocumentMeta, sectors: Sequence[str]) -> int:
    """2: a sector of the document is asked for; 1: it holds for every sector; 0: another sector."""
    if set(doc.sector) & set(sectors):
        return 2
    return 1 if CROSS_SECTOR in doc.sector else 0


def _focus(doc: DocumentMeta, sectors: Sequence[str]) -> float:
    """How much of the document is about the asked sectors: 1.0 for a document of only those sectors."""
    own = [s for s in doc.sector if s != CROSS_SECTOR]
    return sum(s in sectors for s in own) / len(own) if own else 0.0


def _bridges(docs: Sequence[DocumentMeta], reading: Reading, cases: Sequence[DocumentMeta],
             hits: Sequence[Hit]) -> list[DocumentMeta]:  # fmt: skip
    """The background document about combining the sectors the question names with the person's own, where
    none of the `cases` is about both: about all of the named ones, some of the own ones and no other sector
    (a document about housing for teachers, nurses and the police is not about combining care with police
    work), written for professionals."""
    own_sectors = reading.persona.sectors if reading.persona else ()
    own = set(own_sectors)
    asked = set(reading.sectors) - own
    if not asked or not own:
        return []
    if any(_fits(d, reading.sectors) == 2 and _fits(d, own_sectors) == 2 for d in cases):
        return []  # a casus combines them
    found = [
        d for d in docs
        if d.soort == "achtergrond" and "professional" in d.doelgroep
        and asked <= set(d.sector) <= asked | own and own & set(d.sector)
    ]  # fmt: skip
    return _rank_docs(found, hits)[:1]


def options(reading: Reading, hits: Sequence[Hit], library: Library, question: str, vector: np.ndarray,
            settings: ComposerSettings) -> PlanResult:  # fmt: skip
    """A person's route: casussen for their sectors and role (led by what the knowledge base says about the
    combination where no casus combines the sector asked with the own), then the regels that apply."""
    target = reading.sectors or library.sectors  # where the person wants to work
    sectors = tuple(dict.fromkeys((*target, *reading.all_sectors)))
    docs = list(library.documents.values())
    named = {d.id for d in library.lexicon.named(terms(question))}
    cases = [d for d in docs if d.soort == "casus" and "professional" in d.doelgroep]
    retrieved = {h.chunk.doc.id for h in hits}
    # sector matches first; cross-sector casussen only when the retrieval or the question brings them up
    fitting = [
        d for d in cases if _fits(d, sectors) == 2 or d.id in named or (not sectors and d.id in retrieved)
    ]
    fitting = [d for d in fitting if d.id in named or not _thin(d, library)]  # routes with substance
    # per tier of fit (named, the sector to go to, the own sector), casussen with substance first, then the
    # ones the search found first, then the ones that answer the question best
    fit = {d.id: (d.id not in named, -_fits(d, target), -_fits(d, sectors), -_focus(d, target or sectors))
           for d in fitting}  # fmt: skip
    order = {h.chunk.doc.id: i for i, h in reversed(list(enumerate(hits)))}
    # only the first by fit and search are scored by their sentences: a large corpus is not read whole
    fitting = sorted(fitting, key=lambda d: (fit[d.id], order.get(d.id, len(hits))))[:MAX_SCORED]
    best = _best_scores(fitting, library, question, vector, settings)
    fitting = sorted(fitting, key=lambda d: (fit[d.id], order.get(d.id, len(hits)), -best.get(d.id, 0.0)))
    # the rules of the sector the person wants to work in, and those for two jobs that the search found
    rules = [d for d in docs if d.soort == "regel" and (_fits(d, target) == 2 or d.id in retrieved)]
    rules = sorted(_rank_docs(rules, hits), key=lambda d: (d.id not in retrieved, _fits(d, target) != 2))
    if len(rules) < MAX_RULES:  # whoever combines two jobs meets these: the one that fits the question best
        two_jobs = [d for d in docs if d.id in TWO_JOBS and d not in rules]
        scores = _best_scores(two_jobs, library, question, vector, settings)
        rules += sorted(two_jobs, key=lambda d: -scores.get(d.id, 0.0))[: MAX_RULES - len(rules)]
    # the casus that fits best with its opening and the sentences that answer the question, the others briefly
    first_lines, first_hits = _best_lines(
        fitting[:1], library, question, vector, settings, per_doc=3, opening=True
    )
    more_lines, more_hits = _best_lines(
        fitting[1:MAX_CASES], library, question, vector, settings, per_doc=2, opening=True, first_rank=2
    )
    case_lines, case_hits = first_lines + more_lines, first_hits + more_hits
    rule_lines, rule_hits = _best_lines(
        rules[:MAX_RULES], library, question, vector, settings, first_rank=MAX_CASES + 1
    )
    # where no casus is about both the sector asked and the person's own (a teacher to the kinderopvang), what
    # the knowledge base says about that combination comes first; the casussen are then only the own sector's
    bridge = _bridges(docs, reading, fitting, hits)
    bridge_lines, bridge_hits = _best_lines(
        bridge, library, question, vector, settings, per_doc=3, opening=True
    )
    sections = [Section(texts.PLAN_HEADINGS["bridge"], tuple(bridge_lines))] if bridge_lines else []
    case_hits = bridge_hits + case_hits
    sections.append(Section(texts.PLAN_HEADINGS["cases"], tuple(case_lines)))
    if rule_lines:
        sections.append(Section(texts.PLAN_HEADINGS["rules"], tuple(rule_lines)))
    return PlanResult(tuple(s for s in sections if s.items), tuple(case_hits + rule_hits))


def howto(reading: Reading, hits: Sequence[Hit], library: Library, question: str, vector: np.ndarray,
          settings: ComposerSettings) -> PlanResult:  # fmt: skip
    """An organisation's route: the checklist of its side, an example that fits, the regels."""
    docs = dict(library.documents)
    checklist = [docs[i] for i in CHECKLISTS.get(reading.side, ()) if i in docs]
    if not checklist:  # no side said: the checklist the retrieval found first
        checklist = [h.chunk.doc for h in hits if h.chunk.doc.id in CHECKLISTS["any"]][:1]
    items: list[Candidate] = []
    used: list[Hit] = []
    for doc in checklist:
        chunks = library.chunks_of(doc.id)[1:2]  # the section after the introduction: its questions
        sentences = library.sentences(chunks)
        for chunk in chunks:
            hit = Hit(chunk, 0.0, 1)
            found = sentences.get(chunk.id, [])
            items.extend(Candidate(text, hit, n, 1.0, 1.0, 0.0, vec) for n, (text, vec) in enumerate(found)
                         if composer.usable(text))  # fmt: skip
            used.append(hit)
    items = items[:MAX_ITEMS]
    sectors = reading.all_sectors or library.sectors
    retrieved = [h.chunk.doc.id for h in hits]
    cases = [d for d in docs.values() if d.soort == "casus" and (not sectors or _fits(d, sectors) == 2)]
    cases = sorted(_rank_docs(cases, hits), key=lambda d: (d.id not in retrieved, -_focus(d, sectors)))[:1]
    side_rules = SIDE_RULES.get(reading.side, ())
    target = reading.sectors or library.sectors
    rules = [d for d in docs.values() if d.soort == "regel"
             and (d.id in retrieved or d.id in side_rules or _fits(d, target) == 2)]  # fmt: skip
    rules = sorted(_rank_docs(rules, hits), key=lambda d: (d.id not in retrieved, d.id not in side_rules))
    case_lines, case_hits = _best_lines(cases, library, question, vector, settings, first_rank=2, per_doc=3)
    rule_lines, rule_hits = _best_lines(rules[:MAX_RULES], library, question, vector, settings, first_rank=3)
    sections = [
        Section(texts.PLAN_HEADINGS["checklist"], tuple(items)),
        Section(texts.PLAN_HEADINGS["example"], tuple(case_lines)),
        Section(texts.PLAN_HEADINGS["rules"], tuple(rule_lines)),
    ]
    return PlanResult(tuple(s for s in sections if s.items), tuple(used + case_hits + rule_hits))


def enumeration(reading: Reading, hits: Sequence[Hit], library: Library, question: str, vector: np.ndarray,
                settings: ComposerSettings) -> PlanResult | None:  # fmt: skip
    """Every knop, or every casus of the asked sectors, one cited line each; None for other lists."""
    kinds = {"knoppen": "knop", "casussen": "casus", "initiatieven": "casus"}
    soort = kinds.get(reading.list_of)
    if soort is None:
        return None
    docs = [d for d in library.documents.values() if d.soort == soort]
    if soort == "casus":
        sectors = reading.all_sectors or library.sectors
        if not sectors:
            return None  # "welke initiatieven deden mee aan ..." is answered from the passages
        docs = [d for d in docs if _fits(d, sectors) == 2]
    else:
        docs = sorted(docs, key=lambda d: d.titel)
    # a knop is listed by its opening sentence, which says which knop it is and what it means; a casus by
    # the sentence that answers the question best
    listed = (_rank_docs(docs, hits) if soort == "casus" else docs)[:MAX_LISTED]
    lines, used = _best_lines(listed, library, question, vector, settings, opening=soort == "knop")
    if not lines:
        return None
    return PlanResult((Section("", tuple(lines)),), tuple(used))
