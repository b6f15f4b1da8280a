"""The default answerer without a language model: grounded extractive composition.

Sentences of the retrieved passages are scored against the question (embedding cosine plus
Dutch content-word overlap), the best non-redundant ones are picked with maximal marginal
relevance, and written out with `[n]` markers that point at numbered citations. Pure functions:
the vectors come in, text and citations come out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant import dutch
from assistant.knowledge import SourceRef
from assistant.retrieval import Hit

# Calibrated on evals/vragen.yaml by bench/calibrate.py with the refusal threshold (see evals/README.md).
OVERLAP_WEIGHT = 0.15
RANK_PENALTY = 0.03
MAX_SENTENCES = 4
MAX_CHARS = 900
MARGIN = 0.13
DUPLICATE = 0.99
MMR_LAMBDA = 0.75


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
class Citation:
    n: int
    doc_id: str
    chunk_id: str
    titel: str
    heading: str
    source: str
    url: str | None
    peildatum: str
    quote: str


@dataclass(frozen=True)
class Composition:
    text: str
    citations: tuple[Citation, ...]
    sentences: tuple[Candidate, ...]


def score_candidates(
    question: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    sentences: dict[str, list[tuple[str, np.ndarray]]],
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
            score = cosine + OVERLAP_WEIGHT * ov - RANK_PENALTY * (hit.rank - 1)
            candidates.append(Candidate(text, hit, position, score, cosine, ov, vector))
    return sorted(candidates, key=lambda c: -c.score)


def select(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best sentence first, then MMR over the ones within MARGIN of it; no near-duplicates."""
    if not candidates:
        return []
    best = candidates[0]
    pool = [c for c in candidates[1:] if c.score >= best.score - MARGIN]
    chosen = [best]
    length = len(best.text)
    while pool and len(chosen) < MAX_SENTENCES:

        def mmr(c: Candidate) -> float:
            redundancy = max(float(c.vector @ s.vector) for s in chosen)
            return MMR_LAMBDA * c.score - (1 - MMR_LAMBDA) * redundancy

        pick = max(pool, key=mmr)
        pool.remove(pick)
        if max(float(pick.vector @ s.vector) for s in chosen) >= DUPLICATE or _same_text(pick, chosen):
            continue
        if length + len(pick.text) > MAX_CHARS:
            break
        chosen.append(pick)
        length += len(pick.text)
    return chosen


def _same_text(candidate: Candidate, chosen: Sequence[Candidate]) -> bool:
    folded = dutch.fold(candidate.text)
    return any(dutch.fold(c.text) == folded for c in chosen)


_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december")  # fmt: skip


def best_source(bronnen: Sequence[SourceRef], titel: str, quote: str) -> SourceRef | None:
    """The document source the quote most likely comes from: the one whose title shares the quote's
    distinctive words (not the document's own title words), or whose date the quote names; else the first."""
    if not bronnen:
        return None
    # The network's name is in many quotes and titles: it tells sources apart no better than the doc title.
    quote_stems = set(dutch.stems(quote)) - set(
        dutch.stems(f"{titel} Leernetwerk Werken in Breder Belang WiBB")
    )
    folded = dutch.fold(quote)
    dates = {f"{year}-{month:02d}" for month, name in enumerate(_MONTHS, start=1)
             for year in re.findall(rf"\b{name} (\d{{4}})\b", folded)}  # fmt: skip

    stems = {ref: set(dutch.stems(f"{ref.titel} {ref.url or ''}")) for ref in bronnen}
    spread = {stem: sum(stem in s for s in stems.values()) for stem in quote_stems}

    def score(ref: SourceRef) -> float:
        words = sum(
            1 / spread[stem] for stem in quote_stems & stems[ref]
        )  # a word in every title says little
        return words + (1.5 if ref.datum and ref.datum[:7] in dates else 0.0)

    best = max(bronnen, key=score)
    return best if score(best) > 0 else bronnen[0]


def citation_for(n: int, hit: Hit, quote: str) -> Citation:
    chunk = hit.chunk
    source = best_source(chunk.bronnen, chunk.titel, quote)
    return Citation(
        n=n,
        doc_id=chunk.doc_id,
        chunk_id=chunk.id,
        titel=chunk.titel,
        heading=" > ".join(chunk.heading),
        source=source.titel if source else chunk.path,
        url=source.url if source else None,
        peildatum=chunk.peildatum,
        quote=quote,
    )


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
    return Composition(" ".join(parts), tuple(citations), tuple(chosen))


def _cite(text: str, n: int) -> str:
    """'Zin.' -> 'Zin [1].' (the marker sits inside the sentence it supports)."""
    text = text.strip()
    body, end = (text[:-1], text[-1]) if text.endswith((".", "!", "?", "…")) else (text.rstrip(":;,"), ".")
    return f"{body.rstrip()} [{n}]{end}"
