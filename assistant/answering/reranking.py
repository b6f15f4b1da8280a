"""The reader's judgement applied to an answer: which sentences answer the question, which passages hold them.

The best sentences by the answerer's own score (cosine and shared words) are read by the trained reader
(`assistant.reader`); its probability that a sentence answers the question is added to the sentence's score,
so the lead, and every further line, is a sentence that answers rather than one about the same thing, and
sentences that do not bear on the question fall outside the composer's margin. Passages are reranked by the
best probability among their sentences (retrieval order breaks ties), and only the first `keep` stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.answering.composer import Candidate
from assistant.core.results import Hit
from assistant.reader import Reader, pair_text

READ = 24  # sentences read per question: the best by the answerer's own score
WEIGHT = 0.5  # what a probability of 1 adds to a sentence's score (the composer's margin is 0.13)
PASSAGE_PRIOR = 0.1  # what retrieval rank 1 adds to a passage's best probability (rank r: 0.1 / r)


@dataclass(frozen=True)
class Judged:
    candidates: list[Candidate]  # rescored, best first; only those of the kept passages
    hits: tuple[Hit, ...]  # the kept passages, reranked, ranks renumbered
    best: float  # the highest probability the reader gave (0 when it read nothing)


def judge(
    reader: Reader,
    question: str,
    candidates: Sequence[Candidate],
    hits: Sequence[Hit],
    keep: int,
    read: int = READ,
    weight: float = WEIGHT,
) -> Judged:
    pool = list(candidates[:read])
    if not pool:
        return Judged(list(candidates), tuple(hits[:keep]), 0.0)
    probabilities = reader.score(question, [pair_text(c.hit.chunk.heading_path, c.text) for c in pool])
    judged = [
        replace(c, score=c.score + weight * float(p), answers=float(p))
        for c, p in zip(pool, probabilities, strict=True)
    ]
    best_of: dict[str, float] = {}
    for candidate in judged:
        chunk_id = candidate.hit.chunk.id
        best_of[chunk_id] = max(best_of.get(chunk_id, 0.0), candidate.answers)
    order = sorted(hits, key=lambda h: -(best_of.get(h.chunk.id, 0.0) + PASSAGE_PRIOR / h.rank))
    kept = {h.chunk.id: replace(h, rank=n) for n, h in enumerate(order[:keep], start=1)}
    rescored = sorted([*judged, *candidates[read:]], key=lambda c: -c.score)
    return Judged(
        [replace(c, hit=kept[c.hit.chunk.id]) for c in rescored if c.hit.chunk.id in kept],
        tuple(sorted(kept.values(), key=lambda h: h.rank)),
        float(max(c.answers for c in judged)),
    )
