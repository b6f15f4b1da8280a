"""BM25 over Dutch stems (bm25s, built from the stored chunks at start-up) and reciprocal rank fusion.

Rebuilding at start-up takes milliseconds for the knowledge base; the llama-index docstore stays empty
with Chroma, and a reloaded bm25s index forgets its stemmer, so rebuilding is both simpler and correct.
"""

from __future__ import annotations

import numpy as np

from assistant.core import dutch
from assistant.core.documents import Chunk


def reciprocal_rank_fusion(rankings: list[tuple[list[str], float]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists, each with a weight: score = sum(weight / (k + rank))."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, item in enumerate(ids, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


class BM25Index:
    def __init__(self, chunks: list[Chunk]) -> None:
        import bm25s

        self._ids = [c.id for c in chunks]
        corpus = [dutch.stems(c.embed_text) or ["_"] for c in chunks]
        self._vocab = {token for tokens in corpus for token in tokens}
        self._bm25 = bm25s.BM25()
        if chunks:
            self._bm25.index(corpus, show_progress=False)

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        tokens = [t for t in dutch.stems(query) if t in self._vocab]
        if not tokens or not self._ids:
            return []
        n = min(n, len(self._ids))
        docs, scores = self._bm25.retrieve([tokens], k=n, show_progress=False, weight_mask=mask, n_threads=1)
        return [(self._ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
