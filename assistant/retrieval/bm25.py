"""BM25 over Dutch stems (bm25s), written at ingest and memory-mapped by every process; rank fusion.

Built from token ids (the ingest keeps every chunk's stems, so an ingest of one changed file only stems that
file), saved with bm25s and loaded with `mmap=True`. A reloaded bm25s index keeps no tokenizer, so a query is
cut with the same Dutch stemmer the ingest used (`dutch.stems`) before it is looked up.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core import dutch
from assistant.core.documents import Chunk

EMPTY = "_"  # the one token of a chunk without content words, so every row has a length


def reciprocal_rank_fusion(rankings: list[tuple[list[str], float]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists, each with a weight: score = sum(weight / (k + rank))."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, item in enumerate(ids, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


class BM25Index:
    """Rows are the chunk table's rows; `search` returns (row, score) best first."""

    def __init__(self, model: Any, rows: int) -> None:
        self._bm25 = model
        self.rows = rows
        self._vocab: dict[str, int] = model.vocab_dict if model is not None else {}

    @classmethod
    def build(cls, corpus: Sequence[Sequence[int]], vocabulary: Sequence[str]) -> BM25Index:
        """From every row's stems as ids into `vocabulary` (an empty row gets the EMPTY token)."""
        import bm25s

        if not corpus:
            return cls(None, 0)
        vocab = {token: n for n, token in enumerate(vocabulary)}
        empty = vocab.setdefault(EMPTY, len(vocab))
        rows = [list(map(int, ids)) or [empty] for ids in corpus]
        model = bm25s.BM25()
        model.index((rows, vocab), show_progress=False)
        return cls(model, len(rows))

    @classmethod
    def of_texts(cls, texts: Sequence[str]) -> BM25Index:
        """Straight from texts (tests, and a rebuild of a small corpus)."""
        vocabulary: dict[str, int] = {}
        corpus = [[vocabulary.setdefault(t, len(vocabulary)) for t in dutch.stems(text)] for text in texts]
        return cls.build(corpus, list(vocabulary))

    @classmethod
    def of_chunks(cls, chunks: Sequence[Chunk]) -> BM25Index:
        return cls.of_texts([c.embed_text for c in chunks])

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, rows: int) -> BM25Index:
        """Memory-mapped: the score matrix stays on disk, shared by every process that opens it."""
        if rows == 0:
            return cls(None, 0)
        import bm25s

        model = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        return cls(model, rows)

    @property
    def memory_mapped(self) -> bool:
        """Whether the score matrix is read from disk as needed (opened) rather than held (just built)."""
        return self._bm25 is not None and isinstance(self._bm25.scores["data"], np.memmap)

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        tokens = [t for t in dutch.stems(query) if t in self._vocab]
        if not tokens or not self.rows:
            return []
        n = min(n, self.rows)
        docs, scores = self._bm25.retrieve([tokens], k=n, show_progress=False, weight_mask=mask, n_threads=1)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
