"""What retrieval and answering hand on: retrieved passages and numbered citations."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core.documents import Chunk


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score, its rank (1 = best) and the scores of each method."""

    chunk: Chunk
    score: float
    rank: int
    dense: float | None = None
    bm25: float | None = None


@dataclass(frozen=True)
class Citation:
    """Source [n] of an answer: the passage it points at and the sentences quoted from it."""

    n: int
    doc_id: str
    chunk_id: str
    titel: str
    heading: str
    source: str
    url: str | None
    peildatum: str
    quote: str
