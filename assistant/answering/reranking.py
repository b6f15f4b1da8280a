"""The reader's judgement in an answer: which passages to answer from, and does any of their best sentences
answer the question?

The passages (off: `PASSAGE_POOL = 0`): the fused search's best `PASSAGE_POOL` ranked anew by the reader's
probability for each one's best sentence, less `PASSAGE_STEP` per place in the fused order, and the best
top_k kept (`rerank_passages`, `Planner.retrieve`). With 15 and 0.04, chosen on the development fold (context
fact recall@5 0.908 -> 0.923, answer fact recall 0.766 -> 0.777, citation precision 0.833 -> 0.850), the
held-out questions answered fewer facts (0.825 -> 0.806) and a question took 150-200 ms more (p50)
(evals/README.md, "Passages ranked by the reader").

The sentences: the best sentences by the answerer's own score (cosine and shared words) are read by the
trained reader (`assistant.reader`). Its highest probability is a signal of the refusal rule
(`refusal.READER_REFUSAL`, calibrated on the tuning part with the reader), and each read sentence keeps its
probability, which picks the latest of the figures that answer about as well (`planner._latest`), each line
of a route (`plans._read_lines`) and whether a yes/no answer opens with its verdict (`planner.opening`). The
order of the sentences stays the answerer's own: adding the probability to their scores (then also
reordering the five passages by it, before the wider pool above) answered fewer facts on the tuning part
(5-fold cross-validated, `bench/calibrate.py --reader`; evals/README.md, "The trained reader"):

| the reader's probability                     | refusal recall | false refusals | answer facts | citations |
|----------------------------------------------|----------------|----------------|--------------|-----------|
| not used (rules only)                        | 0.717          | 0.037          | 0.881        | 0.927     |
| + 0.5 × p to each score, passages reranked   | 0.742          | 0.029          | 0.840        | 0.937     |
| + 0.15 × p to each score                     | 0.758          | 0.032          | 0.872        | 0.936     |
| refusal and latest figure only, 24 read      | 0.758          | 0.027          | 0.888        | 0.927     |
| refusal and latest figure only, 8 read       | 0.767          | 0.032          | 0.886        | 0.927     |
| the same, 6 of the 12 signals               | 0.775          | 0.029          | 0.888        | 0.927     |
| the same, BM25 weight 1.0 in retrieval (now) | 0.767          | 0.040          | 0.886        | 0.932     |

With the reader trained for two epochs (2026-12-07, evals/README.md "A second epoch for the reader"), adding
0.15 × p again answered fewer facts on the tuning questions (0.902 → 0.881) and more in the tuning
conversations (0.750 → 0.789), so the order stays the answerer's own.

The rule weighs the 6 signals that earned their place (bench/calibrate.py --ablate; refusal.READER_REFUSAL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answering.composer import Candidate
from assistant.core.results import Hit
from assistant.reader import Reader, pair_text

# Passages searched for and ranked by the reader before the best top_k (5) are kept (0: not ranked, the
# fused order stands), and how much a place lower in the fused order costs; measured with 15 and 0.04
# (evals/README.md, "Passages ranked by the reader"); off for what it cost held-out and in time.
PASSAGE_POOL = 0
PASSAGE_STEP = 0.04
READ = 8  # sentences read per question: the best by the answerer's own score (24 measured the same)


@dataclass(frozen=True)
class Judged:
    candidates: list[Candidate]  # in the answerer's order; the read ones carry the reader's probability
    best: float  # the highest probability the reader gave (0 when it read nothing)
    top3: float = 0.0  # the mean of its three highest probabilities


def judge(reader: Reader, question: str, candidates: Sequence[Candidate], read: int = READ) -> Judged:
    pool = list(candidates[:read])
    if not pool:
        return Judged(list(candidates), 0.0)
    probabilities = reader.score(question, [pair_text(c.hit.chunk.heading_path, c.text) for c in pool])
    judged = [replace(c, answers=float(p)) for c, p in zip(pool, probabilities, strict=True)]
    top = np.sort(probabilities)[::-1][:3]
    return Judged([*judged, *candidates[read:]], float(probabilities.max()), float(top.mean()))


def rerank_passages(
    reader: Reader,
    query: str,
    hits: Sequence[Hit],
    candidates: Sequence[Candidate],
    k: int,
    step: float = PASSAGE_STEP,
) -> tuple[Hit, ...]:
    """The best k of the hits, ranked anew: the reader's probability for each passage's best sentence (by
    the answerer's own score; `candidates` best first) less `step` per place in the fused order. A passage
    without a usable sentence counts as 0."""
    best: dict[str, Candidate] = {}
    for c in candidates:
        best.setdefault(c.hit.chunk.id, c)
    read = [h for h in hits if h.chunk.id in best]
    pairs = [pair_text(h.chunk.heading_path, best[h.chunk.id].text) for h in read]
    probabilities = reader.score(query, pairs)
    p = {h.chunk.id: float(q) for h, q in zip(read, probabilities, strict=True)}
    order = sorted(range(len(hits)), key=lambda i: -(p.get(hits[i].chunk.id, 0.0) - step * i))
    return tuple(replace(hits[i], rank=rank) for rank, i in enumerate(order[:k], start=1))
