"""Examples for the reader: (question, sentence) pairs with a label, the candidates mined with the retriever.

For every training question the answerer's own retrieval runs, and its best-scored sentences become the
candidates, as at run time: the ones that are not the answer are the hard negatives (they are about the
same thing). A sentence is labelled as answering when it holds one of the case's evidence fragments (or
lies inside one); a sentence that holds an expected fact without the evidence is left out, because
whether it answers cannot be told, or, with `facts_answer`, labelled as answering when it is in one of the
case's sources (what the answer should hold, not only the one sentence it was written from); every other
sentence is a negative, and for an unanswerable question every sentence is. Evidence sentences the
retrieval missed are added as positives.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answering import composer
from assistant.core.documents import Chunk
from assistant.reader.base import pair_text
from assistant.retrieval.hybrid import HybridRetriever
from assistant.training.data import TrainingQuestion, fold

HITS = 8  # passages retrieved per question
CANDIDATES = 24  # of their sentences, the best by the answerer's own score (the reader's pool at run time)
NEGATIVES = 8  # hard negatives kept per question: the best-scored non-answers first
MIN_INSIDE = 25  # characters: a sentence this long that lies inside an evidence fragment answers
MIN_FACT = 3  # characters: a shorter expected fact ("ja", "4") in a sentence says nothing about it


@dataclass(frozen=True)
class Pair:
    question_id: str
    question: str
    passage: str  # pair_text: heading path and sentence
    label: int  # 1: answers the question; 0: does not
    doc_id: str


def label(
    sentence: str, question: TrainingQuestion, doc_id: str = "", facts_answer: bool = False
) -> int | None:
    """1, 0, or None when it cannot be told (an expected fact without the evidence; with `facts_answer` such
    a sentence in one of the question's sources answers)."""
    if not question.answerable:
        return 0
    text = fold(sentence)
    core = text.rstrip(" .!?;:")
    for fragment in question.evidence:
        folded = fold(fragment)
        if folded and (folded in text or (len(core) >= MIN_INSIDE and core in folded)):
            return 1
    for alternatives in question.facts:
        held = [len(f) for f in map(fold, alternatives) if len(f) >= 2 and f in text]
        if held:
            return 1 if facts_answer and max(held) >= MIN_FACT and doc_id in question.sources else None
    return 0


class _Sentences:
    """Every chunk's sentences read once: the same passages come back for many questions."""

    def __init__(self, retriever: HybridRetriever) -> None:
        self.retriever = retriever
        self.cache: dict[str, list[tuple[str, Any]]] = {}

    def __call__(self, chunks: Sequence[Chunk]) -> dict[str, list[tuple[str, Any]]]:
        missing = [c for c in chunks if c.id not in self.cache]
        if missing:
            read = self.retriever.store.sentences(missing)
            for chunk in missing:
                self.cache[chunk.id] = read.get(chunk.id, [])
        return {c.id: self.cache[c.id] for c in chunks}


def mine(
    questions: Iterable[TrainingQuestion],
    retriever: HybridRetriever,
    *,
    seed: int = 13,
    facts_answer: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Pair]:
    rng = random.Random(seed)
    sentences = _Sentences(retriever)
    pairs: list[Pair] = []
    for n, question in enumerate(questions, start=1):
        pairs.extend(question_pairs(question, retriever, sentences, rng, facts_answer))
        if progress:
            progress(n)
    return pairs


def question_pairs(question: TrainingQuestion, retriever: HybridRetriever, read: _Sentences,
                   rng: random.Random, facts_answer: bool = False) -> list[Pair]:  # fmt: skip
    retrieval = retriever.retrieve(question.question, k=HITS)
    hits = retrieval.hits
    sentences = read([h.chunk for h in hits])
    scored = composer.score_candidates(question.question, retrieval.query_vector, hits, sentences)
    pool = [c for c in scored if composer.usable(c.text)][:CANDIDATES]
    positives: dict[str, Pair] = {}
    negatives: list[Pair] = []
    for candidate in pool:
        chunk = candidate.hit.chunk
        verdict = label(candidate.text, question, chunk.doc.id, facts_answer)
        if verdict is None:
            continue
        pair = Pair(question.id, question.question, pair_text(chunk.heading_path, candidate.text), verdict,
                    chunk.doc.id)  # fmt: skip
        if verdict:
            positives.setdefault(pair.passage, pair)
        else:
            negatives.append(pair)
    for chunk, text in _evidence_sentences(question, retriever, read):  # what the retrieval missed
        passage = pair_text(chunk.heading_path, text)
        positives.setdefault(passage, Pair(question.id, question.question, passage, 1, chunk.doc.id))
    # the hardest negatives first, and a few from further down so the easy end is not unseen
    kept = negatives[: NEGATIVES - 2] + rng.sample(
        negatives[NEGATIVES - 2 :], min(2, len(negatives[NEGATIVES - 2 :]))
    )
    return [*positives.values(), *kept]


def _evidence_sentences(question: TrainingQuestion, retriever: HybridRetriever,
                        read: _Sentences) -> list[tuple[Chunk, str]]:  # fmt: skip
    if not question.answerable or not question.evidence:
        return []
    chunks = [c for doc in question.sources for c in retriever.document_chunks(doc)]
    texts = read(chunks)
    found: list[tuple[Chunk, str]] = []
    for chunk in chunks:
        for text, _vector in texts.get(chunk.id, []):
            if composer.usable(text) and label(text, question) == 1:
                found.append((chunk, text))
    return found


def summary(pairs: Sequence[Pair]) -> dict[str, int]:
    questions = {p.question_id for p in pairs}
    answered = {p.question_id for p in pairs if p.label}
    return {
        "pairs": len(pairs),
        "positives": sum(p.label for p in pairs),
        "questions": len(questions),
        "questions_with_answer": len(answered),
    }
