"""From a retrieval to an answer plan: read the question, pick the plan of its intent, decide to refuse.

The refusal is decided on the evidence, not only on similarity: too weak a match, a knowledge sentence that
itself says the thing is not known, or a question whose focus (the asked kind of answer with its years and
names, its rare words) no retrieved sentence holds (`assistant.answering.refusal`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant import texts
from assistant.answering import composer, focus, kinds, lists, plans, reranking, scope
from assistant.answering.answer import Answer
from assistant.answering.composer import Candidate, ComposerSettings, Composition
from assistant.answering.lexicon import Lexicon, mentions, singulars, terms
from assistant.answering.reading import Reading, read_question, verdict
from assistant.answering.refusal import RefusalModel, Signals, nearest_documents, refusal_sentence
from assistant.answering.spelling import Speller, may_need_mending, speller_for
from assistant.core import dutch
from assistant.core.filters import Filters
from assistant.core.results import Citation, Hit
from assistant.reader import Reader
from assistant.retrieval.hybrid import HybridRetriever, Retrieval

LEAD_POOL = 8  # how many of the best sentences may lead a typed answer
ABSENCE_POOL = 5  # how many of the best sentences may say that the asked detail is not known
STRUCTURED = ("options", "howto")
RECENT_KINDS = ("number", "amount")  # figures that change over time: the latest one leads
LATEST_MARGIN = 0.25  # a figure answers about as well as the lead when the reader's probability is this close
# A yes/no answer opens with "Ja:"/"Nee:" only when the reader gives its best sentence at least this
# probability of answering the question. Below it, a lead about the same topic that does not settle the
# question got a verdict anyway ("mag ik als leraar bij defensie werken?" -> "Ja:" on a sentence about the
# Dienjaar). On the tuning questions, of the 40 verdicts 6 had a lead under 0.3 and 4 of those held no
# expected fact (above it: 11 of 34); on the 40 answerable yes/no training questions about the left-out
# fifth of the documents, read by the reader that never saw them, 6 of 9 (above it: 8 of 31). The sentence
# is still given, without a verdict.
VERDICT_MIN = 0.3


@dataclass(frozen=True)
class Plan:
    answer: Answer
    reading: Reading
    signals: Signals | None = None


class Planner:
    def __init__(
        self,
        retriever: HybridRetriever,
        composer_settings: ComposerSettings,
        refusal: RefusalModel,
        reader: Reader | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.retriever = retriever
        self.settings = composer_settings
        self.refusal = refusal
        self.reader = reader
        self.cache_dir = cache_dir  # where derived word lists are kept between processes
        self._lexicon: tuple[object, Lexicon] | None = None
        self._speller: tuple[Lexicon, Speller] | None = None

    def lexicon(self) -> Lexicon:
        """Made once per opened corpus from the counts the ingest wrote (a new ingest brings new names and
        words)."""
        corpus = self.retriever.corpus
        if self._lexicon is None or self._lexicon[0] is not corpus:
            counts = corpus.counts()
            lexicon = Lexicon.from_counts(corpus.table.docs, counts.df, counts.units, counts.keys)
            self._lexicon = (corpus, lexicon)
        return self._lexicon[1]

    def correct(self, text: str) -> str:
        """The text with its misspelt words in the knowledge base's spelling (`spelling`)."""
        lexicon = self.lexicon()
        if not may_need_mending(text, lexicon):
            return text
        return self.speller().correct(text, lexicon)

    def speller(self) -> Speller:
        """Made once per lexicon, when a question first has a word that may be misspelt (or at warm-up)."""
        lexicon = self.lexicon()
        if self._speller is None or self._speller[0] is not lexicon:
            self._speller = (lexicon, speller_for(lexicon, self.cache_dir))
        return self._speller[1]

    def library(self, filters: Filters | None = None) -> plans.Library:
        """What a plan may read: every document, or only those the filters admit (a filter is a hard limit
        on every line, also on the casussen and regels a route adds beyond the retrieved passages)."""
        retriever = self.retriever
        documents, chunks_of = scope.restrict(retriever.documents(), retriever.document_chunks, filters)
        return plans.Library(
            documents=documents,
            chunks_of=chunks_of,
            headings_of=self.retriever.document_headings,
            sentences=self.retriever.sentences,
            lexicon=self.lexicon(),
            reader=self.reader,
            sectors=scope.chosen_sectors(filters),
        )

    def retrieve(self, query: str, filters: Filters | None, k: int) -> Retrieval:
        """The k passages an answer is made from: the fused search's best, or, with a reader and
        `reranking.PASSAGE_POOL` above k (off by default), the best of that many ordered by how well the
        best sentence of each answers the question (`reranking.rerank_passages`)."""
        pool = reranking.PASSAGE_POOL
        if self.reader is None or pool <= k:
            return self.retriever.retrieve(query, filters, k)
        wide = self.retriever.retrieve(query, filters, pool)
        t0 = time.perf_counter()
        usable = self._candidates(query, wide)
        hits = reranking.rerank_passages(self.reader, query, wide.hits, usable, k)
        timings = dict(wide.timings_ms, rerank_ms=(time.perf_counter() - t0) * 1000)
        return replace(wide, hits=hits, timings_ms=timings)

    def evidence(self, query: str, retrieval: Retrieval) -> float:
        """The score of the best usable sentence among the retrieved passages (0 when there is none)."""
        return next((c.score for c in self._candidates(query, retrieval)), 0.0)

    def _candidates(self, query: str, retrieval: Retrieval) -> list[Candidate]:
        """The usable sentences of the retrieved passages, best first by the answerer's own score."""
        sentences = self.retriever.sentences([h.chunk for h in retrieval.hits])
        scored = composer.score_candidates(
            query, retrieval.query_vector, retrieval.hits, sentences, self.settings
        )
        return [c for c in scored if composer.usable(c.text)]

    def plan(
        self,
        question: str,
        query: str,
        retrieval: Retrieval,
        base: Answer,
        asked: str = "",
        filters: Filters | None = None,
    ) -> Plan:
        """`asked`: the part of the query that is the user's own question, when the query also carries the
        subject of earlier turns; what the answer must hold (its focus) is read from that part only.
        `filters`: the limit the retrieval kept to, which the plans keep to as well."""
        reading = read_question(query)
        hits = retrieval.hits
        if scope.asks_outside(reading, filters):
            return Plan(replace(self.refused(base, hits), refusal="scope"), reading)
        t0 = time.perf_counter()
        candidates = self._candidates(query, retrieval)
        base.timings_ms["sentences_ms"] = (time.perf_counter() - t0) * 1000
        evidence = candidates[0].score if candidates else 0.0
        base = replace(base, evidence=evidence)
        answers = top3 = 1.0  # without a reader, nothing speaks against the best sentence
        if self.reader is not None and candidates:
            t1 = time.perf_counter()
            judged = reranking.judge(self.reader, query, candidates)
            candidates, answers, top3 = judged.candidates, judged.best, judged.top3
            base.timings_ms["reader_ms"] = (time.perf_counter() - t1) * 1000
        named_cases = [d for d in self.lexicon().named(terms(reading.core)) if d.soort == "casus"]
        if reading.intent in STRUCTURED and not named_cases and evidence >= self.refusal.min_route_evidence:
            structured = self._structured(reading, hits, retrieval, base, filters)
            if structured is not None:  # a route follows the knowledge base's structure, not one passage
                return Plan(structured, reading)
        if not candidates or evidence < self.refusal.min_evidence:
            return Plan(self.refused(base, hits), reading)
        lexicon = self.lexicon()
        own = read_question(asked) if asked and asked != query else reading
        wanted = focus.focus_of(own, lexicon, self.refusal.rare_idf)
        kind = kinds.asked_kind(own.answer_type, own.core)
        lead, signals, complete = self._lead(reading, wanted, kind, candidates, hits)
        read = lead.answers if lead.answers >= 0 else 1.0  # an unread lead: nothing speaks against it
        signals = replace(signals, answers=answers, lead_answers=read, answers_top3=top3)
        topic = lexicon.name_terms(terms(own.core))
        absent = self._absent(wanted, kind, candidates, topic)
        if absent is not None and (absent is candidates[0] or (kind and not complete)):
            # the best sentence, or the one near sentence about the asked kind, says it is not known
            return Plan(self.refused(base, hits, explanation=absent), reading, signals)
        signals = replace(signals, absence=absent is not None)
        if self.refusal.refuses(signals):
            missing = refusal_sentence(reading, wanted, signals, lexicon.named(terms(query)))
            # without a detail to name, the knowledge base's own sentence on what is not known says why
            explanation = absent if not missing else None
            return Plan(self.refused(base, hits, explanation=explanation, reason=missing), reading, signals)
        composition = self._compose(reading, lead, candidates, hits, query, retrieval, filters)
        return Plan(self.answered(base, composition, hits), reading, signals)

    # -- plans -----------------------------------------------------------------------------------------

    def _structured(
        self,
        reading: Reading,
        hits: Sequence[Hit],
        retrieval: Retrieval,
        base: Answer,
        filters: Filters | None,
    ) -> Answer | None:
        make = plans.options if reading.intent == "options" else plans.howto
        # lines are chosen for the question itself, not for the words of the person's introduction
        library = self.library(filters)
        result = make(reading, hits, library, reading.core, retrieval.query_vector, self.settings)
        if not result.sections:
            return None
        composition = composer.compose_sections([(s.heading, s.items) for s in result.sections])
        shown = _merge(result.hits, hits)
        return self.answered(replace(base, retrieved=shown), composition, shown)

    def _lead(
        self,
        reading: Reading,
        wanted: focus.Focus,
        kind: str,
        candidates: Sequence[Candidate],
        hits: Sequence[Hit],
    ) -> tuple[Candidate, Signals, bool]:
        """The sentence that answers best: the first of the best ones that holds the asked kind with the
        question's years and names; and the signals the refusal is decided on."""

        def checked(c: Candidate) -> focus.Check:
            return focus.check(wanted, kind, c.text, c.hit.chunk.text, c.hit.chunk.heading_path)

        pool = candidates[:LEAD_POOL]
        checks = [checked(c) for c in pool]
        fitting = [(c, k) for c, k in zip(pool, checks, strict=True) if k.complete]
        if wanted.subject:  # a definition answers about the thing to define
            fitting = [
                (c, k)
                for c, k in fitting
                if mentions(set(terms(f"{c.hit.chunk.heading_path} {c.text}")), wanted.subject)
            ]
        complete = [c for c, _ in fitting]

        def merit(pair: tuple[Candidate, focus.Check]) -> float:
            candidate, check = pair
            bonus = self.settings.rare_weight * check.rare
            if reading.intent == "list":
                bonus += self.settings.list_weight * composer.enumerates(candidate.text)
                heading = set(dutch.words(candidate.hit.chunk.heading_path))
                bonus += self.settings.list_weight * bool(
                    heading & set(singulars(dutch.fold(reading.list_of)))
                )
            return candidate.score + bonus

        lead = max(fitting, key=merit)[0] if fitting else candidates[0]
        if fitting and kind in RECENT_KINDS and not wanted.years:
            # a later figure may sit just beyond the pool, scored as well as the lead (the figures of one
            # section score alike: "hoeveel zorgreservisten zijn er nu?" had October 2025 ninth)
            beyond = [c for c in candidates[LEAD_POOL:] if c.score >= lead.score - self.settings.margin]
            later = [c for c in beyond if checked(c).complete]
            lead = self._latest(lead, [*(c for c, _ in fitting), *later])
        passages = [f"{h.chunk.heading_path} {h.chunk.text}" for h in hits]
        top_texts = [f"{c.hit.chunk.heading_path} {c.text}" for c in candidates[:3]]
        # the best single sentence (one that holds the asked kind, if any does): how much of what the
        # question is about does it leave unsaid?
        answering = [c for c, _ in fitting] or list(pool)
        sentence_gap = min(focus.gap(wanted, _terms_of(c.hit, c.text)) for c in answering)
        signals = Signals(
            evidence=candidates[0].score,
            kind_missing=bool(kind or wanted.subject) and not complete,
            years_missing=bool(wanted.years) and not any(k.years for k in checks),
            names_missing=bool(wanted.names) and not any(k.names for k in checks),
            unknown=len([u for u in wanted.unknown if len(u) >= 5]),
            rare_missing=focus.share_missing(wanted, top_texts),
            missing=tuple(focus.missing_words(wanted, passages)),
            kind=kind,
            count_apart=bool(fitting) and not any(k.near for _, k in fitting),
            members_missing=bool(wanted.members) and not any(_lists(c, wanted.members) for c in pool),
            sentence_gap=sentence_gap,
        )
        return lead, signals, bool(complete)

    def _latest(self, lead: Candidate, fitting: Sequence[Candidate]) -> Candidate:
        """Of the figures that answer about as well as the lead, the latest dated one: figures change, and a
        question that names no date asks how things stand now (the older ones may follow it)."""

        def near(c: Candidate) -> bool:
            if c.answers >= 0 and lead.answers >= 0:  # read: the reader says it answers about as well
                return c.answers >= lead.answers - LATEST_MARGIN
            return c.score >= lead.score - self.settings.margin

        dated = [(d, c) for c in fitting if near(c) and (d := kinds.latest_date(c.text)) is not None]
        own = kinds.latest_date(lead.text)
        if own is None or not dated:
            return lead
        date, latest = max(dated, key=lambda pair: pair[0])
        return latest if date > own else lead

    def _absent(
        self, wanted: focus.Focus, kind: str, candidates: Sequence[Candidate], topic: set[str]
    ) -> Candidate | None:
        """A near sentence saying that the detail the question asks is not known."""
        best = candidates[0].score
        for candidate in candidates[:ABSENCE_POOL]:
            near = candidate.score >= best - self.settings.margin
            if near and focus.absence_about(wanted, kind, candidate.text, topic):
                return candidate
        return None

    def _compose(
        self,
        reading: Reading,
        lead: Candidate,
        candidates: Sequence[Candidate],
        hits: Sequence[Hit],
        query: str,
        retrieval: Retrieval,
        filters: Filters | None,
    ) -> Composition:
        if reading.intent == "list":
            listed = plans.enumeration(
                reading, hits, self.library(filters), query, retrieval.query_vector, self.settings
            )
            if listed is not None:
                return composer.compose_sections([(s.heading, s.items) for s in listed.sections])
            items = lists.list_items(lead, candidates) or lists.section_items(
                reading, lead, self.retriever.document_chunks, self.retriever.sentences
            )
            if items:
                return composer.compose_sections([("", items)])
        if reading.intent == "comparison":
            lines = lists.comparison(reading, candidates)
            if len(lines) == 2:
                return composer.compose(lines)
        ordered = [lead, *(c for c in candidates if c is not lead)]
        chosen = composer.select(ordered, self.settings)
        if reading.intent == "yesno":  # the yes or no first, with its reason: the best sentence
            return composer.compose(chosen, lead=True, opening=opening(reading.question, lead))
        return composer.compose(chosen, lead=bool(reading.answer_type))

    # -- answers -----------------------------------------------------------------------------------------

    def answered(self, base: Answer, composition: Composition, hits: Sequence[Hit]) -> Answer:
        return replace(base, text=composition.text, parts=composition.parts, citations=composition.citations)

    def refused(
        self, base: Answer, hits: Sequence[Hit], explanation: Candidate | None = None, reason: str = ""
    ) -> Answer:
        text = f"{reason} {texts.REFUSAL_TAIL}" if reason else texts.NOT_IN_KNOWLEDGE
        why = "focus" if reason else "evidence"
        citations: tuple[Citation, ...] = ()
        if explanation is not None:
            quoted = composer.compose([explanation])
            text, citations, why = f"{texts.NOT_IN_KNOWLEDGE} {quoted.text}", quoted.citations, "absence"
        return replace(
            base, text=text, parts=(text,), citations=citations, refused=True, refusal=why,
            nearest=nearest_documents(hits),
        )  # fmt: skip


def _lists(candidate: Candidate, members: str) -> bool:
    """Whether a sentence lists the members of the set the question names."""
    named = mentions(_terms_of(candidate.hit, candidate.text), members)
    return named and composer.enumerates(candidate.text) >= 0.5


def _terms_of(hit: Hit, text: str) -> set[str]:
    """The terms of a text with its document's title and section heading (they carry its subject)."""
    return set(terms(f"{hit.chunk.doc.titel} {hit.chunk.heading_path} {text}"))


def opening(question: str, lead: Candidate) -> str:
    """The verdict before a yes/no answer's best sentence ("Ja: ", "Nee: ", "Dat hangt ervan af: "), or ""
    when the reader read that sentence and doubts that it answers the question (`VERDICT_MIN`)."""
    if 0.0 <= lead.answers < VERDICT_MIN:
        return ""
    return texts.VERDICT[verdict(question, lead.text)]


def _merge(first: Sequence[Hit], then: Sequence[Hit]) -> tuple[Hit, ...]:
    """The plan's passages first, then the retrieved ones not among them, ranks renumbered."""
    seen: set[str] = set()
    merged: list[Hit] = []
    for hit in (*first, *then):
        if hit.chunk.id not in seen:
            seen.add(hit.chunk.id)
            merged.append(replace(hit, rank=len(merged) + 1))
    return tuple(merged)
