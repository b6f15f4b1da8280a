"""Hybrid retrieval: dense (Chroma) + BM25 (Dutch stems and stopwords), fused by RRF, filters applied to both.

The retriever knows every chunk by its row in the lexical index the ingest wrote (`corpus.py`): ids,
documents, headings, BM25. Texts stay in the store and are fetched by id for the passages a question reads,
so no process holds every chunk's text. Another process's ingest changes the store's revision: the retriever
then opens that revision's lexical index (written by the ingest) as one new `Corpus`, so a question never
sees half of an update.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.config import RetrievalSettings
from assistant.core.documents import Chunk, DocumentMeta, sentences_of
from assistant.core.filters import Filters
from assistant.core.results import Hit
from assistant.embedding import Embedder
from assistant.retrieval.bm25 import reciprocal_rank_fusion
from assistant.retrieval.corpus import Corpus, Notify, is_current, open_corpus
from assistant.retrieval.table import ChunkTable
from assistant.store.chroma import VectorStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retrieval:
    query: str
    query_vector: np.ndarray
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    # How often a running app looks whether an ingest changed the index (one small read by id).
    REVISION_CHECK_S = 5.0
    # Chunk texts kept after a fetch: routes read the same checklists and rules question after question. A
    # chunk id hashes its text, so a kept text is never out of date.
    TEXTS_KEPT = 2048
    # A filtered dense search reads this many unfiltered neighbours per wanted one and filters them with the
    # chunk table: Chroma's own filter on a sector took 1.3-1.6 s and 60 MB at 100k chunks, this 10 ms.
    WIDEN = 10

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        settings: RetrievalSettings,
        notify: Notify | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._notify = notify
        self._lock = threading.Lock()
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._rebuilding: threading.Thread | None = None
        self._corpus = open_corpus(store, notify)
        self._checked = time.monotonic()

    def reload(self) -> None:
        """Open the store's current lexical index again (rebuilt first when it is stale)."""
        self._corpus = open_corpus(self.store, self._notify)
        self._checked = time.monotonic()

    def refresh(self) -> bool:
        """Reload when another process's ingest changed the index since we read it; True if it did.

        The ingest wrote the new revision's lexical index, so opening it takes milliseconds. When it did not
        (an ingest on another machine against the same Chroma server), it is rebuilt in the background and
        questions are answered from the previous revision meanwhile."""
        if time.monotonic() - self._checked < self.REVISION_CHECK_S:
            return False
        self._checked = time.monotonic()
        revision = self.store.revision()
        if revision == self._corpus.revision:
            return False
        store = self.store.reconnected()
        if is_current(store, revision):
            self.store = store
            self.reload()
            return True
        self._rebuild_in_background(store)
        return False

    def _rebuild_in_background(self, store: VectorStore) -> None:
        with self._lock:
            if self._rebuilding is not None and self._rebuilding.is_alive():
                return

            def run() -> None:
                try:
                    corpus = open_corpus(store, self._notify)
                except Exception:  # the next check tries again
                    log.exception("rebuilding the lexical index failed")
                    return
                self.store, self._corpus = store, corpus

            self._rebuilding = threading.Thread(target=run, name="wibb-lexical-rebuild", daemon=True)
            self._rebuilding.start()

    @property
    def corpus(self) -> Corpus:
        """The lexical index as last opened (replaced as a whole after another process's ingest)."""
        return self._corpus

    @property
    def size(self) -> int:
        """The number of chunks in the index."""
        return len(self._corpus.table)

    def documents(self) -> Mapping[str, DocumentMeta]:
        """Every document's metadata by id (titles and kinds for the UI and the answer's links)."""
        return self._corpus.table.documents()

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        """All chunks of one document in reading order, with their texts (to show or read the document)."""
        table = self._corpus.table
        return self.fetch([table.ids[row] for row in table.document_rows(doc_id)])

    def document_headings(self, doc_id: str) -> list[tuple[str, ...]]:
        """The heading path of each of a document's chunks, in reading order (nothing read from the store)."""
        table = self._corpus.table
        return [table.headings[int(table.heading_of[row])] for row in table.document_rows(doc_id)]

    def first_chunks(self, doc_ids: Sequence[str]) -> list[Chunk]:
        """The opening chunk of each document, with its text, in the given order (cards in the UI)."""
        table = self._corpus.table
        rows = [table.document_rows(d) for d in doc_ids]
        return self.fetch([table.ids[r[0]] for r in rows if r])

    def sentences(self, chunks: Sequence[Chunk]) -> dict[str, list[tuple[str, np.ndarray]]]:
        """Each chunk's sentences (text, vector) in reading order: the texts split from the chunk as the
        ingest split them, the vectors from the sentence index (Chroma's sentence collection is not read)."""
        corpus = self._corpus
        table = corpus.table
        rows = {c.id: table.row(c.id) for c in chunks if c.id in table}
        vectors = corpus.lexical.sentences.of_chunks(list(rows.values()))
        found: dict[str, list[tuple[str, np.ndarray]]] = {}
        for chunk in chunks:
            mine = vectors.get(rows.get(chunk.id, -1), {})
            pairs = [(s.text, mine[s.position]) for s in sentences_of(chunk) if s.position in mine]
            if pairs:
                found[chunk.id] = pairs
        return found

    def fetch(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """These chunks with their texts, in the given order; ids the index does not hold are left out."""
        table = self._corpus.table
        wanted = [i for i in dict.fromkeys(chunk_ids) if i in table]
        with self._lock:
            found = {i: self._texts[i] for i in wanted if i in self._texts}
            for chunk_id in found:
                self._texts.move_to_end(chunk_id)
        missing = [i for i in wanted if i not in found]
        if missing:
            fetched = self.store.texts(missing)
            found.update(fetched)
            with self._lock:
                self._texts.update(fetched)
                while len(self._texts) > self.TEXTS_KEPT:
                    self._texts.popitem(last=False)
        return [table.chunk(table.row(i), found[i]) for i in wanted if i in found]

    def warm_up(self) -> None:
        """One search of each kind, read nowhere: loads the embedding model and the store's vector indexes
        (a Chroma index is read from disk by its first query), so the first question does not wait."""
        vector = self.embedder.embed_queries(["warm-up"])[0]
        self.store.query(vector, 1)
        self._corpus.lexical.sentences.search(vector, 1)
        self._corpus.bm25.search("warm-up", 1)

    def retrieve(self, query: str, filters: Filters | None = None, k: int | None = None) -> Retrieval:
        self.refresh()
        corpus = self._corpus
        table = corpus.table
        k = k or self.settings.top_k
        n = max(self.settings.candidates, k)
        filters = filters if filters and not filters.is_empty() else None
        timings: dict[str, float] = {}

        t0 = time.perf_counter()
        vector = self.embedder.embed_queries([query])[0]
        t1 = time.perf_counter()
        dense = self._dense(vector, n, filters, table)
        t2 = time.perf_counter()
        mask = corpus.mask(filters) if filters else None
        lexical = [(table.ids[row], s) for row, s in corpus.bm25.search(query, n, mask)]
        t3 = time.perf_counter()
        # a passage with one sentence that matches well, which the passage's own vector may dilute
        by_sentence: list[str] = []
        if self.settings.sentence_weight > 0:
            rows = corpus.lexical.sentences.search(vector, self.settings.sentence_candidates)
            by_sentence = [
                table.ids[row] for row in rows if filters is None or filters.matches(table.doc_at(row))
            ]
        t4 = time.perf_counter()
        fused = reciprocal_rank_fusion(
            [
                ([i for i, _ in dense], self.settings.dense_weight),
                ([i for i, _ in lexical], self.settings.bm25_weight),
                (by_sentence, self.settings.sentence_weight),
            ],
            self.settings.rrf_k,
        )
        t5 = time.perf_counter()
        chunks = self._top(fused, k)
        t6 = time.perf_counter()
        dense_by_id, bm25_by_id, score = dict(dense), dict(lexical), dict(fused)
        hits = tuple(
            Hit(chunk, score[chunk.id], rank, dense_by_id.get(chunk.id), bm25_by_id.get(chunk.id))
            for rank, chunk in enumerate(chunks, start=1)
        )
        timings.update(
            embed_ms=(t1 - t0) * 1000,
            dense_ms=(t2 - t1) * 1000,
            bm25_ms=(t3 - t2) * 1000,
            sentence_search_ms=(t4 - t3) * 1000,
            fusion_ms=(t5 - t4) * 1000,
            fetch_ms=(t6 - t5) * 1000,
        )
        return Retrieval(query, vector, hits, timings)

    def _dense(
        self, vector: np.ndarray, n: int, filters: Filters | None, table: ChunkTable
    ) -> list[tuple[str, float]]:
        """The n nearest chunks that pass the filters; a filter that lets too few of the wider unfiltered
        neighbours through (one document) is left to the store."""
        if filters is None:
            return [(i, s) for i, s in self.store.query(vector, n) if i in table]
        wide = self.store.query(vector, n * self.WIDEN)
        kept = [(i, s) for i, s in wide if i in table and filters.matches(table.doc_of_chunk(i))]
        if len(kept) >= n or len(wide) < n * self.WIDEN:  # enough, or every chunk was read
            return kept[:n]
        return [(i, s) for i, s in self.store.query(vector, n, filters) if i in table]

    def _top(self, fused: list[tuple[str, float]], k: int) -> list[Chunk]:
        """The best k fused passages with their texts; one deleted meanwhile (an ingest running now) makes
        room for the next."""
        chunks = self.fetch([i for i, _ in fused[:k]])
        start = k
        while len(chunks) < k and start < len(fused):
            chunks += self.fetch([i for i, _ in fused[start : start + k]])
            start += k
        return chunks[:k]
