"""`Assistant.answer()` / `stream()`: retrieve, decide to refuse, compose.

Citations, knoppen and cases are data taken from the hits, never parsed from rendered text.
The language model (optional) only writes the prose; retrieval and the refusal decision stay here.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import texts
from assistant.answering import followup, scope
from assistant.answering.answer import Answer, DocLink, clean_question
from assistant.answering.chat import Conversation
from assistant.answering.composer import DEFAULT_COMPOSER, ComposerSettings
from assistant.answering.planner import Planner
from assistant.answering.reading import mend
from assistant.answering.refusal import MAX_LINKS, RefusalModel, calibrated_min_evidence
from assistant.core.filters import Filters
from assistant.core.results import Hit
from assistant.errors import LanguageModelError
from assistant.reader import Reader
from assistant.retrieval.hybrid import HybridRetriever, Retrieval

if TYPE_CHECKING:
    from assistant.llm.clients import ChatModel


def search_text(question: str, max_chars: int) -> str:
    """What a question is searched on before the knowledge base's spelling is applied (`Assistant.stream`);
    for most questions the search text itself, so `wibb ask` can embed it while the index opens."""
    return mend(clean_question(question, max_chars))


class Assistant:
    def __init__(
        self,
        retriever: HybridRetriever,
        *,
        min_evidence: float | None = None,
        max_question_chars: int = 2000,
        llm: ChatModel | None = None,
        composer: ComposerSettings = DEFAULT_COMPOSER,
        reader: Reader | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.retriever = retriever
        identity = retriever.embedder.identity
        judge = reader.identity.backend if reader else "none"
        calibrated = calibrated_min_evidence(identity.model, identity.backend, judge)
        self.min_evidence = min_evidence if min_evidence is not None else calibrated
        self.max_question_chars = max_question_chars
        self.llm = llm
        self.composer = composer
        self.reader = reader
        refusal = RefusalModel.for_reader(self.min_evidence, judge)
        self.planner = Planner(retriever, composer, refusal, reader, cache_dir)
        # what getting ready took, step by step (`factory.build_assistant`, then `warm_up`)
        self.startup_ms: dict[str, float] = {}

    @property
    def retrieval_k(self) -> int:
        """Passages an answer is made from (`Planner.retrieve`; ranking a wider search first is off)."""
        return self.retriever.settings.top_k

    # -- public API ------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Do what the first question would otherwise wait for: the lexicon from the ingest's counts and the
        spelling mender, the reader, and one search (the embedding model and the store's vector indexes
        load on first use)."""
        started = time.perf_counter()
        self.planner.speller()
        lexicon = time.perf_counter()
        load = getattr(self.reader, "load", None)
        if load is not None:
            load()
        reader = time.perf_counter()
        self.retriever.warm_up()
        self.startup_ms.update(
            warm_lexicon_ms=(lexicon - started) * 1000,
            warm_reader_ms=(reader - lexicon) * 1000,
            warm_search_ms=(time.perf_counter() - reader) * 1000,
        )

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
        # the search sees the mended question words ("hoevel" -> "hoeveel") and the knowledge base's
        # spelling of a misspelt word ("macther" -> "matcher"), not only the reading
        query, asked, retrieval = self._query(self.planner.correct(mend(question)), conversation, filters)
        retrieval = retrieval or self.planner.retrieve(query, filters, self.retrieval_k)
        plan = self._plan(question, query, retrieval, asked, filters)
        if plan.refused and scope.limits(filters):
            plan = self._outside(plan, query, asked, filters)
        if plan.refused or self.llm is None:
            yield from self._reveal(plan, started)
            return
        yield from self._generate(plan, conversation, started)

    # -- steps -----------------------------------------------------------------------------------

    def _query(
        self, question: str, conversation: Conversation | None, filters: Filters | None
    ) -> tuple[str, str, Retrieval | None]:
        """The search query for the question in its conversation, the user's own question within it (when
        the query adds the subject of earlier turns to it), and the retrieval when finding the query took
        one."""
        if not conversation or not conversation.questions:
            return question, "", None
        if self.llm is not None:
            from assistant.answering.generation import condense_question

            try:
                return condense_question(self.llm, conversation, question), "", None
            except LanguageModelError:
                pass  # the rule-based query below is the fallback
        resolution = self.follow_up(question, conversation)
        if not resolution.unclear:
            return resolution.query, resolution.asked, None
        # whether it follows up cannot be told from its words: the query with the better evidence wins
        carried = self.planner.retrieve(resolution.query, filters, self.retrieval_k)
        alone = self.planner.retrieve(resolution.alone, filters, self.retrieval_k)
        if self.planner.evidence(resolution.query, carried) > self.planner.evidence(resolution.alone, alone):
            return resolution.query, resolution.asked, carried
        return resolution.alone, "", alone

    def follow_up(self, question: str, conversation: Conversation) -> followup.Resolution:
        """How the question reads after the conversation so far, without a language model."""
        lexicon = self.planner.lexicon()
        subject = followup.subject_of(
            conversation.questions, conversation.queries, conversation.cited, lexicon
        )
        return followup.resolve(question, subject, lexicon)

    def _plan(
        self, question: str, query: str, retrieval: Retrieval, asked: str = "", filters: Filters | None = None
    ) -> Answer:
        t0 = time.perf_counter()
        base = Answer(question=question, text="", retrieved=retrieval.hits, query=query,
                      timings_ms=dict(retrieval.timings_ms))  # fmt: skip
        answer = self.planner.plan(question, query, retrieval, base, asked, filters).answer
        answer.timings_ms["plan_ms"] = (time.perf_counter() - t0) * 1000
        if answer.refused:
            return answer
        cited = [h for h in answer.retrieved if h.chunk.id in {c.chunk_id for c in answer.citations}]
        return replace(
            answer,
            knoppen=self._knoppen(cited, answer.retrieved, filters),
            cases=self._links([h.chunk.doc.id for h in [*cited, *answer.retrieved]], "casus", filters),
        )

    def _outside(self, plan: Answer, query: str, asked: str, filters: Filters | None) -> Answer:
        """Nothing within the filters answers: say so, and whether the whole knowledge base does (the edges
        offer that answer with one click). What is shown stays within the filters."""
        assert filters is not None  # only called with filters that limit
        everywhere = self.planner.retrieve(query, None, self.retrieval_k)
        wider = self._plan(plan.question, query, everywhere, asked)
        if wider.refused:
            return plan  # the knowledge base has nothing either: the refusal says so
        text = texts.NOTHING_IN_SCOPE.format(scope=scope.name(filters, self.retriever.documents()))
        return replace(plan, text=text, parts=(text,), citations=(), refusal="scope", elsewhere=True)

    def _links(
        self, doc_ids: Sequence[str], soort: str, filters: Filters | None = None
    ) -> tuple[DocLink, ...]:
        """The documents of one soort among `doc_ids`, first mention first, within the filters."""
        docs = self.retriever.documents()
        seen: list[DocLink] = []
        for doc_id in doc_ids:
            doc = docs.get(doc_id)
            if not doc or doc.soort != soort or any(d.id == doc_id for d in seen):
                continue
            if filters is None or filters.matches(doc):
                seen.append(DocLink(doc_id, doc.titel, doc.soort))
        return tuple(seen[:MAX_LINKS])

    def _knoppen(
        self, cited: Sequence[Hit], hits: Sequence[Hit], filters: Filters | None
    ) -> tuple[DocLink, ...]:
        """The knoppen the answer quotes, then those the cited passages illustrate (most mentioned first),
        then knop texts among the hits."""
        quoted = [h.chunk.doc.id for h in cited if h.chunk.doc.soort == "knop"]
        counts = Counter(k for h in cited for k in h.chunk.doc.knoppen)
        found = [h.chunk.doc.id for h in hits if h.chunk.doc.soort == "knop"]
        return self._links(quoted + [k for k, _ in counts.most_common()] + found, "knop", filters)

    def _reveal(self, plan: Answer, started: float) -> Iterator[Answer]:
        """Extractive answers stream sentence by sentence; sources come first."""
        yield replace(plan, text="", complete=False)
        for i in range(1, len(plan.parts)):
            yield replace(plan, text="".join(plan.parts[:i]).rstrip(), complete=False)
        yield replace(plan, latency_ms=(time.perf_counter() - started) * 1000)

    def _generate(self, plan: Answer, conversation: Conversation | None, started: float) -> Iterator[Answer]:
        from assistant.answering.generation import generate_answer

        assert self.llm is not None  # only called with a model configured
        try:
            yield from generate_answer(self.llm, plan, conversation, started)
        except LanguageModelError as error:
            notice = texts.LLM_FALLBACK.get(error.code, texts.LLM_FALLBACK["error"])
            yield from self._reveal(replace(plan, notice=notice), started)
