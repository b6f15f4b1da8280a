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

from assistant.answering.citations import citation_for
from assistant.core import dutch
from assistant.core.results import Citation, Hit


@dataclass(frozen=True)
class ComposerSettings:
    """How sentences are scored and chosen. The defaults were calibrated on the tuning part of the question
    set with the refusal threshold (bench/calibrate.py, evals/README.md); calibration passes other values."""

    overlap_weight: float = 0.15  # weight of the question's content words found in the sentence
    rank_penalty: float = 0.03  # per rank of the passage the sentence comes from
    # 7, not 5 (2026-12-07, evals/README.md "Seven sentences"): more facts on the tuning part and on training
    # questions the rules were never tuned on, at the same citation precision; max_chars still caps the answer
    max_sentences: int = 7
    max_chars: int = 900  # of the whole answer
    margin: float = 0.13  # sentences within this score of the best one are candidates
    # When the reader read the sentences, a sentence's merit is its score plus this share of the reader's
    # probability that it answers, within `read_margin` of the lead's (2026-12-07, evals/README.md "The
    # reader's probability in the choice, chosen on the development fold"): better citations on questions
    # the reader never saw (the fold's own reader on the fold, the shipped reader on the tuning part)
    reader_weight: float = 0.1
    read_margin: float = 0.16
    duplicate: float = 0.99  # cosine above which two sentences count as the same
    mmr_lambda: float = 0.75
    # a sentence from another document than the lead's must be this much closer (a share of the margin):
    # answers that hop between documents pick up loosely related facts
    other_document: float = 0.5
    list_weight: float = 0.1  # for list questions: bonus for a sentence that enumerates (commas, a colon)
    rare_weight: float = 0.1  # for the lead: bonus per share of the question's rare words it holds


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
    answers: float = -1.0  # the reader's probability that it answers the question; -1: not read


@dataclass(frozen=True)
class Composition:
    text: str
    citations: tuple[Citation, ...]
    parts: tuple[str, ...]  # `text` in the pieces it streams in: each sentence with its [n] (and a heading)


# Sentences about the knowledge base itself, or cut off mid-clause, are never quoted as an answer.
_META = re.compile(
    r"^(?:dit document|deze tekst|dit overzicht|hieronder|zie |de regels in dit document|in deze kennisbank)",
    re.I,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def enumerates(text: str) -> float:
    """How much a sentence reads as a list of things: 0 (none) to 1 (four or more items)."""
    items = text.count(",") + text.count(" en ") + (2 if ":" in text else 0)
    return min(items / 4, 1.0)


_DOCUMENT_ID = re.compile(r"\b[a-z]+(?:-[a-z0-9]+){2,}\b(?![./])")  # "nationale-zorgreserve" is for machines


def usable(text: str) -> bool:
    """A sentence that can stand in an answer: not about the knowledge base, not starting mid-clause, no
    document ids."""
    text = text.strip()
    return (
        bool(text)
        and not _META.match(text)
        and not text[0].islower()
        and text[0] not in ")],;:"
        and not text.endswith(":")  # the introduction of a list, not a statement
        and not _DOCUMENT_ID.search(text)
    )


# Who says it is no part of the fact: "X is de derde knop" and "X is volgens bijeenkomst 1 van het
# leernetwerk de derde knop" (the figures are compared on the whole sentence)
_ATTRIBUTION = re.compile(
    r"\bvolgens\s+(?:de\s+|het\s+|een\s+)?\S+(?:\s+\d+)?(?:\s+van\s+(?:de|het)\s+\S+)?", re.I
)


def same_fact(a: str, b: str) -> bool:
    """Two sentences that state the same fact: the same numbers and mostly the same words (stems), or
    one's words nearly all in the other (a shorter retelling in another document). Words that say who
    says it ("volgens bijeenkomst 1") are left out."""
    sa, sb = set(dutch.stems(_ATTRIBUTION.sub(" ", a))), set(dutch.stems(_ATTRIBUTION.sub(" ", b)))
    if min(len(sa), len(sb)) < 3:  # too few words to tell facts apart: only the same sentence is the same
        return dutch.fold(a).strip(" .!?") == dutch.fold(b).strip(" .!?")
    shared = len(sa & sb)
    contained = shared / min(len(sa), len(sb))
    numbers_a = set(_NUMBER.findall(dutch.normalise_numbers(a)))
    numbers_b = set(_NUMBER.findall(dutch.normalise_numbers(b)))
    if (
        numbers_a
        and numbers_b
        and numbers_a != numbers_b
        and not (numbers_a <= numbers_b or numbers_b <= numbers_a)
    ):
        return False  # different figures are different facts, however alike the words
    return contained >= 0.7 or (bool(numbers_a & numbers_b) and shared / len(sa | sb) >= 0.5)


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
    """Best sentence first, then MMR over the ones within the margin of it; no near-duplicates. When the
    reader read them (`Candidate.answers`), a sentence's merit is its score plus `reader_weight` times its
    probability (0 for one it did not read), within `read_margin` of the first's."""
    if not candidates:
        return []
    best = candidates[0]
    doc = best.hit.chunk.doc.id
    read = any(c.answers >= 0 for c in candidates)
    weight, margin = (settings.reader_weight, settings.read_margin) if read else (0.0, settings.margin)

    def merit(c: Candidate) -> float:
        return c.score + weight * max(c.answers, 0.0)

    top = merit(best)
    pool = [
        c
        for c in candidates[1:]
        if merit(c) >= top - margin * (1.0 if c.hit.chunk.doc.id == doc else settings.other_document)
    ]
    chosen = [best]
    length = len(best.text)
    lam = settings.mmr_lambda
    while pool and len(chosen) < settings.max_sentences:

        def mmr(c: Candidate) -> float:
            redundancy = max(float(c.vector @ s.vector) for s in chosen)
            return lam * merit(c) - (1 - lam) * redundancy

        pick = max(pool, key=mmr)
        pool.remove(pick)
        if max(float(pick.vector @ s.vector) for s in chosen) >= settings.duplicate or any(
            same_fact(pick.text, c.text) for c in chosen
        ):
            continue
        if length + len(pick.text) > settings.max_chars:
            break
        chosen.append(pick)
        length += len(pick.text)
    return chosen


def compose(chosen: Sequence[Candidate], *, lead: bool = False, opening: str = "") -> Composition:
    """Prose: the chosen sentences grouped per passage in reading order, sources numbered in order of use.
    With `lead`, the first chosen sentence (the one that holds the asked answer) comes first, after the
    `opening` ("Ja: ") if one is given."""
    groups: dict[str, list[Candidate]] = {}
    for cand in chosen:
        groups.setdefault(cand.hit.chunk.id, []).append(cand)
    numbers: dict[str, int] = {}
    ordered: list[tuple[Candidate, int]] = []
    citations: list[Citation] = []
    for chunk_id, group in groups.items():
        first = group[0] if lead and group[0] is chosen[0] else None
        group = sorted(group, key=lambda c: (c is not first, c.position))
        numbers[chunk_id] = len(numbers) + 1
        ordered.extend((c, numbers[chunk_id]) for c in group)
        citations.append(citation_for(numbers[chunk_id], group[0].hit, " … ".join(c.text for c in group)))
    parts = [_cite(c.text, n) for c, n in ordered]
    if opening and parts:
        parts[0] = opening + parts[0]
    spaced = tuple(p + " " for p in parts[:-1]) + tuple(parts[-1:])
    return Composition("".join(spaced), tuple(citations), spaced)


def compose_sections(sections: Sequence[tuple[str, Sequence[Candidate]]]) -> Composition:
    """A short list per section, each line one cited sentence, under its (Dutch) heading."""
    numbers: dict[str, int] = {}
    quotes: dict[str, list[Candidate]] = {}
    parts: list[str] = []
    for heading, items in sections:
        if not items:
            continue
        if heading:
            parts.append(("\n" if parts else "") + heading + "\n")
        for cand in items:
            n = numbers.setdefault(cand.hit.chunk.id, len(numbers) + 1)
            quotes.setdefault(cand.hit.chunk.id, []).append(cand)
            parts.append(f"- {_cite(cand.text, n)}\n")
    if parts:
        parts[-1] = parts[-1].rstrip("\n")
    citations = tuple(
        citation_for(
            numbers[cid], group[0].hit, " … ".join(c.text for c in sorted(group, key=lambda c: c.position))
        )
        for cid, group in quotes.items()
    )
    return Composition("".join(parts), citations, tuple(parts))


def _cite(text: str, n: int) -> str:
    """'Zin.' -> 'Zin [1].' (the marker sits inside the sentence it supports)."""
    text = text.strip()
    body, end = (text[:-1], text[-1]) if text.endswith((".", "!", "?", "…")) else (text.rstrip(":;,"), ".")
    return f"{body.rstrip()} [{n}]{end}"
