"""The default answerer without a language model: grounded extractive composition.

Sentences of the retrieved passages are scored against the question (embedding cosine plus
Dutch content-word overlap), the best non-redundant ones are picked with maximal marginal
relevance, and written out with `[n]` markers that point at numbered citations. Pure functions:
the vectors come in, text and citations come out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.citations import citation_for
from assistant.core import dutch
from assistant.core.results import Citation, Hit


@dataclass(frozen=True)
class ComposerSettings:
    """How sentences are scored and chosen. The defaults were calibrated on the tuning part of the question
    set with the refusal threshold (bench/calibrate.py, evals/README.md); calibration passes other values."""

    overlap_weight: float = 0.15  # weight of the question's content words found in the sentence
    rank_penalty: float = 0.03  # per rank of the passage the sentence comes from
    max_sentences: int = 4
    max_chars: int = 900  # of the whole answer
    margin: float = 0.13  # sentences within this score of the best one are candidates
    duplicate: float = 0.99  # cosine above which two sentences count as the same
    mmr_lambda: float = 0.75


DEFAULT_COMPOSER = ComposerSettings()


@dataclass(frozen=True)
class Candidate:
    text: str
    hit: Hit
    position: int
    score: float
    cosine: float
    overlap: float
    vector: np.ndarray


@dataclass(frozen=True)
class Composition:
    text: str
    citations: tuple[Citation, ...]
    parts: tuple[str, ...]  # the sentences of `text`, each with its [n]


def score_candidates(
    question: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    sentences: dict[str, list[tuple[str, np.ndarray]]],
    settings: ComposerSettings = DEFAULT_COMPOSER,
) -> list[Candidate]:
    """Every sentence of the hits with its score, best first."""
    q_stems = set(dutch.stems(question))
    # Headings count for overlap too: "## Hoeveel zorgreservisten?" carries the subject of its sentences.
    context = {hit.chunk.id: set(dutch.stems(hit.chunk.heading_path)) for hit in hits}
    candidates = []
    for hit in hits:
        for position, (text, vector) in enumerate(sentences.get(hit.chunk.id, [])):
            cosine = float(vector @ query_vector)
            ov = dutch.overlap(q_stems, context[hit.chunk.id] | set(dutch.stems(text)))
            score = cosine + settings.overlap_weight * ov - settings.rank_penalty * (hit.rank - 1)
            candidates.append(Candidate(text, hit, position, score, cosine, ov, vector))
    return sorted(candidates, key=lambda c: -c.score)


def select(candidates: Sequence[Candidate], settings: ComposerSettings = DEFAULT_COMPOSER) -> list[Candidate]:
    """Best sentence first, then MMR over the ones within the margin of it; no near-duplicates."""
    if not candidates:
        return []
    best = candidates[0]
    pool = [c for c in candidates[1:] if c.score >= best.score - settings.margin]
    chosen = [best]
    length = len(best.text)
    lam = settings.mmr_lambda
    while pool and len(chosen) < settings.max_sentences:

        def mmr(c: Candidate) -> float:
            redundancy = max(float(c.vector @ s.vector) for s in chosen)
            return lam * c.score - (1 - lam) * redundancy

        pick = max(pool, key=mmr)
        pool.remove(pick)
        if max(float(pick.vector @ s.vector) for s in chosen) >= settings.duplicate or _same_text(
            pick, chosen
        ):
            continue
        if length + len(pick.text) > settings.max_chars:
            break
        chosen.append(pick)
        length += len(pick.text)
    return chosen


def _same_text(candidate: Candidate, chosen: Sequence[Candidate]) -> bool:
    folded = dutch.fold(candidate.text)
    return any(dutch.fold(c.text) == folded for c in chosen)


def compose(chosen: Sequence[Candidate]) -> Composition:
    """Order the chosen sentences (grouped per passage, in reading order) and number the sources."""
    groups: dict[str, list[Candidate]] = {}
    for cand in chosen:
        groups.setdefault(cand.hit.chunk.id, []).append(cand)
    numbers: dict[str, int] = {}
    parts: list[str] = []
    citations: list[Citation] = []
    for chunk_id, group in groups.items():
        group.sort(key=lambda c: c.position)
        numbers[chunk_id] = len(numbers) + 1
        n = numbers[chunk_id]
        parts.extend(_cite(c.text, n) for c in group)
        citations.append(citation_for(n, group[0].hit, " … ".join(c.text for c in group)))
    return Composition(" ".join(parts), tuple(citations), tuple(parts))


def _cite(text: str, n: int) -> str:
    """'Zin.' -> 'Zin [1].' (the marker sits inside the sentence it supports)."""
    text = text.strip()
    body, end = (text[:-1], text[-1]) if text.endswith((".", "!", "?", "…")) else (text.rstrip(":;,"), ".")
    return f"{body.rstrip()} [{n}]{end}"
