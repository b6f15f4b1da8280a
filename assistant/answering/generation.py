"""Answers written by a language model over the same plan: verified citations, streamed; follow-up condensing.

Retrieval and the refusal decision stay in `assistant.answering.assistant`: the model only sees plans that
passed the evidence threshold, and only writes prose over passages numbered 1..k. Citations come from the
hits by those numbers (`assistant.llm.prompts.read_answer`), never from the rendered text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from assistant import texts
from assistant.answering.answer import Answer
from assistant.answering.chat import Conversation
from assistant.answering.citations import citation_for
from assistant.answering.refusal import nearest_documents
from assistant.core import dutch
from assistant.core.documents import Chunk
from assistant.core.results import Citation, Hit
from assistant.core.sentences import split_sentences
from assistant.errors import LanguageModelError
from assistant.llm import prompts
from assistant.llm.clients import ChatModel
from assistant.llm.prompts import Reading

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # failures reach the app's log handlers, not a user's terminal

QUOTE_SENTENCES = 2
QUOTE_CHARS = 400


def condense_question(model: ChatModel, conversation: Conversation, question: str) -> str:
    """A standalone search query for a follow-up question; LanguageModelError when the model fails."""
    reply = model.complete(prompts.condense_prompt(conversation.turns(), question))
    query = prompts.read_query(reply)
    if query is None:
        raise LanguageModelError("garbage", f"no usable search query in {reply[:80]!r}")
    return query


def generate_answer(
    model: ChatModel, plan: Answer, conversation: Conversation | None, started: float
) -> Iterator[Answer]:
    """Snapshots of a generated answer over the plan's passages; the first carries every passage as a
    citation, each later one only renumbered passages (used first); the last keeps the used ones."""
    hits = plan.retrieved
    prompt = prompts.answer_prompt(
        plan.question,
        [hit.chunk for hit in hits],
        [k.titel for k in plan.knoppen],
        [c.titel for c in plan.cases],
        conversation.questions if conversation else (),
    )
    quotes = {c.chunk_id: c.quote for c in plan.citations}
    passages = [
        citation_for(n, hit, quotes.get(hit.chunk.id) or lead(hit.chunk)) for n, hit in enumerate(hits, 1)
    ]
    base = replace(plan, text="", citations=tuple(passages), generated=True, complete=False, notice="")
    yield base

    t0 = time.perf_counter()
    first_ms: float | None = None
    reply, shown = "", ""
    for piece in model.stream(prompt):
        reply += piece
        if first_ms is None and piece.strip():
            first_ms = (time.perf_counter() - t0) * 1000
        reading = prompts.read_answer(reply, len(hits), final=False)
        if reading.text != shown:
            shown = reading.text
            yield replace(base, text=reading.text, citations=renumbered(passages, reading.order))

    reading = prompts.read_answer(reply, len(hits), final=True)
    timings = dict(
        plan.timings_ms, llm_ms=(time.perf_counter() - t0) * 1000, llm_first_token_ms=first_ms or 0.0
    )
    done = replace(base, complete=True, timings_ms=timings, latency_ms=(time.perf_counter() - started) * 1000)
    if reading.refused:
        refusal = replace(done, text=texts.NOT_IN_KNOWLEDGE, citations=(), knoppen=(), cases=())
        yield replace(refusal, refused=True, refusal="model", nearest=nearest_documents(hits))
        return
    if not reading.order:
        raise LanguageModelError("garbage", f"no valid citation in {reply[:80]!r}")
    if reading.dropped or reading.uncited:
        log.info(
            "%s: %d markers out of range, %d sentences uncited", model.name, reading.dropped, reading.uncited
        )
    yield replace(done, text=reading.text, citations=used_citations(hits, passages, reading))


def renumbered(passages: Sequence[Citation], order: Sequence[int]) -> tuple[Citation, ...]:
    """Passages in the order the text uses them (numbered 1..m as shown), then the unused ones."""
    rest = [c.n for c in passages if c.n not in order]
    return tuple(replace(passages[old - 1], n=new) for new, old in enumerate([*order, *rest], 1))


def used_citations(
    hits: Sequence[Hit], passages: Sequence[Citation], reading: Reading
) -> tuple[Citation, ...]:
    """The cited passages only, numbered as in the text, each quoting the sentences the answer used."""
    citations = []
    for new, old in enumerate(reading.order, 1):
        said = " ".join(body for body, numbers in reading.sentences if new in numbers)
        quote = best_quote(hits[old - 1].chunk, said) or passages[old - 1].quote
        citations.append(replace(passages[old - 1], n=new, quote=quote))
    return tuple(citations)


def best_quote(chunk: Chunk, said: str) -> str:
    """The passage's sentences that share most content words with what the answer said, in reading order."""
    said_stems = set(dutch.stems(said))
    scored = []
    for position, sentence in enumerate(split_sentences(chunk.text)):
        stems = set(dutch.stems(sentence))
        if stems and said_stems:
            scored.append((len(stems & said_stems) / len(stems), position, sentence))
    best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))[:QUOTE_SENTENCES]
    quote = " … ".join(sentence for _, _, sentence in sorted(best, key=lambda s: s[1]))
    return quote[:QUOTE_CHARS]


def lead(chunk: Chunk) -> str:
    """The opening of a passage: its quote until the answer shows which sentences were used."""
    sentences = split_sentences(chunk.text)
    return " ".join(sentences[:QUOTE_SENTENCES])[:QUOTE_CHARS] if sentences else chunk.text[:QUOTE_CHARS]
