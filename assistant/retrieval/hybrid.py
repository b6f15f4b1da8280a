"""Hybrid retrieval: dense (Chroma) + BM25 (Dutch stems and stopwords), fused by RRF, filters applied to both.

The chunks are read from the store once into an immutable `Corpus` (reloaded when another process's
ingest changed the index), so a question never sees half of an update.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from assistant.config import RetrievalSettings
from assistant.core.documents import Chunk
from assistant.core.filters import Filters
from assistant.core.results import Hit
from assistant.embedding import Embedder
from assistant.retrieval.bm25 import BM25Index, reciprocal_rank_fusion
from assistant.store.chroma import VectorStore


@dataclass(frozen=True)
class Retrieval:
    query: str
    query_vector: np.ndarray
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Corpus:
    """Everything read from the store at (re)load, swapped as one object so a question never sees half."""

    order: tuple[Chunk, ...]
    chunks: dict[str, Chunk]
    bm25: BM25Index
    first: dict[str, Chunk]
    revision: str
    by_doc: dict[str, tuple[Chunk, ...]] = field(default_factory=dict)  # every document's chunks, in order
    masks: dict[Filters, np.ndarray] = field(default_factory=dict)

    @classmethod
    def read(cls, store: VectorStore) -> Corpus:
        revision = store.revision()
        order = tuple(sorted(store.all_chunks(), key=lambda c: (c.doc.id, c.position)))
        # Every answer looks titles up here (knoppen, cases): a scan of all chunks per call was 80% of
        # a question's time at 100k chunks (bench/README.md).
        # The answer plans read whole documents the same way (`document_chunks`).
        grouped: dict[str, list[Chunk]] = {}
        for chunk in order:
            grouped.setdefault(chunk.doc.id, []).append(chunk)
        return cls(
            order=order,
            chunks={c.id: c for c in order},
            bm25=BM25Index(list(order)),
            first={doc_id: chunks[0] for doc_id, chunks in grouped.items()},
            revision=revision,
            by_doc={doc_id: tuple(chunks) for doc_id, chunks in grouped.items()},
        )

    def mask(self, filters: Filters) -> np.ndarray:
        if filters not in self.masks:
            self.masks[filters] = np.array([filters.matches(c.doc) for c in self.order], dtype=np.float32)
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
    def corpus(self) -> Corpus:
        """The chunks as last read from the store (replaced as a whole after another process's ingest)."""
        return self._corpus

    @property
    def chunks(self) -> dict[str, Chunk]:
        return self._corpus.chunks

    def documents(self) -> dict[str, Chunk]:
        """The first chunk of every document, by document id (titles and metadata for the UI)."""
        return dict(self._corpus.first)

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        """All chunks of one document in reading order (to show the full text)."""
        return list(self._corpus.by_doc.get(doc_id, ()))

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
        # a passage with one sentence that matches well, which the passage's own vector may dilute
        by_sentence: list[str] = []
        if self.settings.sentence_weight > 0:
            by_sentence = [
                i for i in self.store.query_sentences(vector, self.settings.sentence_candidates)
                if i in corpus.chunks and (filters is None or filters.matches(corpus.chunks[i].doc))
            ]  # fmt: skip
        t4 = time.perf_counter()
        fused = reciprocal_rank_fusion(
            [
                ([i for i, _ in dense], self.settings.dense_weight),
                ([i for i, _ in lexical], self.settings.bm25_weight),
                (by_sentence, self.settings.sentence_weight),
            ],
            self.settings.rrf_k,
        )
        dense_by_id, bm25_by_id = dict(dense), dict(lexical)
        hits = tuple(
            Hit(corpus.chunks[i], score, rank, dense_by_id.get(i), bm25_by_id.get(i))
            for rank, (i, score) in enumerate(fused[:k], start=1)
        )
        t5 = time.perf_counter()
        timings.update(
            embed_ms=(t1 - t0) * 1000,
            dense_ms=(t2 - t1) * 1000,
            bm25_ms=(t3 - t2) * 1000,
            sentence_search_ms=(t4 - t3) * 1000,
            fusion_ms=(t5 - t4) * 1000,
        )
        return Retrieval(query, vector, hits, timings)
