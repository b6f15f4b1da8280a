"""No training question may be a near copy, or a paraphrase, of a question-set case (training/README.md).

Two measures, both against every question and turn of the sets: the share of content-word stems two
questions have in common (Jaccard), and the cosine of their e5 query vectors. A training question is a
near copy of a case when either is at or above its threshold; the thresholds were set on the tuning part
(the distribution of each training question's best match there), and the same rule is applied to the
held-out part without looking at its cases: only counts and training ids are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.core import dutch

LEXICAL = 0.7  # shared content stems (Jaccard): the same question in the same words, re-ordered or trimmed
SEMANTIC = 0.95  # e5 query cosine: the same question in other words


@dataclass(frozen=True)
class NearCopy:
    train_id: str
    case_index: int  # which question of the set (never shown: the held-out part stays unread)
    lexical: float
    cosine: float


def stem_set(text: str) -> frozenset[str]:
    return frozenset(dutch.stems(text))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def near_copies(
    train: Sequence[tuple[str, str]],
    cases: Sequence[str],
    embed: Callable[[list[str]], np.ndarray],
    train_vectors: np.ndarray | None = None,
    lexical: float = LEXICAL,
    semantic: float = SEMANTIC,
) -> list[NearCopy]:
    """(train id, question) pairs that come too close to one of `cases` (question texts); `train_vectors`
    are the training questions' query vectors when they were embedded already."""
    if not train or not cases:
        return []
    if train_vectors is None:
        train_vectors = embed([q for _, q in train])
    case_vectors = embed(list(cases))
    cosines = train_vectors @ case_vectors.T
    case_stems = [stem_set(c) for c in cases]
    found: list[NearCopy] = []
    for row, (tid, question) in enumerate(train):
        stems = stem_set(question)
        shares = np.array([jaccard(stems, c) for c in case_stems])
        best = int(np.argmax(np.maximum(shares / lexical, cosines[row] / semantic)))
        if shares[best] >= lexical or cosines[row, best] >= semantic:
            found.append(NearCopy(tid, best, float(shares[best]), float(cosines[row, best])))
    return found
