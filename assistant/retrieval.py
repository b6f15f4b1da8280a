"""Hybrid retrieval: dense (Chroma) + BM25 (bm25s, Dutch stems and stopwords), fused by RRF.

The BM25 index is built from the chunks in the store at start-up (milliseconds for the
knowledge base; the llama-index docstore stays empty with Chroma, and a reloaded bm25s index
forgets its stemmer, so rebuilding is both simpler and correct).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from assistant import dutch
from assistant.chunking import Chunk, split_sentences
from assistant.config import RetrievalSettings
from assistant.embedding import Embedder
from assistant.store import Filters, VectorStore


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    rank: int
    dense: float | None = None
    bm25: float | None = None


@dataclass(frozen=True)
class Retrieval:
    query: str
    query_vector: np.ndarray
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)


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


@dataclass(frozen=True)
class Corpus:
    """Everything read from the store at (re)load, swapped as one object so a question never sees half."""

    order: tuple[Chunk, ...]
    chunks: dict[str, Chunk]
    sentence_counts: dict[str, int]
    bm25: BM25Index
    first: dict[str, Chunk]
    revision: str
    masks: dict[Filters, np.ndarray] = field(default_factory=dict)

    @classmethod
    def read(cls, store: VectorStore) -> Corpus:
        revision = store.revision()
        order = tuple(sorted(store.all_chunks(), key=lambda c: (c.doc_id, c.position)))
        # Every answer looks titles up here (knoppen, cases): a scan of all chunks per call was 80% of
        # a question's time at 100k chunks (bench/README.md).
        first: dict[str, Chunk] = {}
        for chunk in order:
            first.setdefault(chunk.doc_id, chunk)
        return cls(
            order=order,
            chunks={c.id: c for c in order},
            sentence_counts={c.id: len(split_sentences(c.text)) for c in order},
            bm25=BM25Index(list(order)),
            first=first,
            revision=revision,
        )

    def mask(self, filters: Filters) -> np.ndarray:
        if filters not in self.masks:
            self.masks[filters] = np.array([filters.matches(c) for c in self.order], dtype=np.float32)
        return self.masks[filters]


class HybridRetriever:
    # How often a running app looks whether an ingest changed the index (one small read by id).
    REVISION_CHECK_S = 5.0

    def __init__(self, store: VectorStore, embedder: Embedder, settings: RetrievalSettings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._corpus = Corpus.read(store)
        self._checked = time.monotonic()

    def reload(self) -> None:
        """Read the chunks from the store again."""
        self._corpus = Corpus.read(self.store)
        self._checked = time.monotonic()

    def refresh(self) -> bool:
        """Reload when another process's ingest changed the index since we read it; True if it did."""
        if time.monotonic() - self._checked < self.REVISION_CHECK_S:
            return False
        self._checked = time.monotonic()
        if self.store.revision() == self._corpus.revision:
            return False
        self.store = self.store.reconnected()
        self.reload()
        return True

    @property
    def chunks(self) -> dict[str, Chunk]:
        return self._corpus.chunks

    @property
    def sentence_counts(self) -> dict[str, int]:
        return self._corpus.sentence_counts

    def documents(self) -> dict[str, Chunk]:
        """The first chunk of every document, by document id (titles and metadata for the UI)."""
        return dict(self._corpus.first)

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        """All chunks of one document in reading order (to show the full text)."""
        return [c for c in self._corpus.order if c.doc_id == doc_id]

    def retrieve(self, query: str, filters: Filters | None = None, k: int | None = None) -> Retrieval:
        self.refresh()
        corpus = self._corpus
        k = k or self.settings.top_k
        n = max(self.settings.candidates, k)
        filters = filters if filters and not filters.is_empty() else None
        timings: dict[str, float] = {}

        t0 = time.perf_counter()
        vector = self.embedder.embed_queries([query])[0]
        t1 = time.perf_counter()
        dense = [(i, s) for i, s in self.store.query(vector, n, filters) if i in corpus.chunks]
        t2 = time.perf_counter()
        lexical = corpus.bm25.search(query, n, corpus.mask(filters) if filters else None)
        t3 = time.perf_counter()
        fused = reciprocal_rank_fusion(
            [
                ([i for i, _ in dense], self.settings.dense_weight),
                ([i for i, _ in lexical], self.settings.bm25_weight),
            ],
            self.settings.rrf_k,
        )
        dense_by_id, bm25_by_id = dict(dense), dict(lexical)
        hits = tuple(
            Hit(corpus.chunks[i], score, rank, dense_by_id.get(i), bm25_by_id.get(i))
            for rank, (i, score) in enumerate(fused[:k], start=1)
        )
        t4 = time.perf_counter()
        timings.update(
            embed_ms=(t1 - t0) * 1000,
            dense_ms=(t2 - t1) * 1000,
            bm25_ms=(t3 - t2) * 1000,
            fusion_ms=(t4 - t3) * 1000,
        )
        return Retrieval(query, vector, hits, timings)
