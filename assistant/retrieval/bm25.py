"""BM25 over Dutch stems, written at ingest and memory-mapped by every process; rank fusion.

Built with bm25s from token ids (the ingest keeps every chunk's stems, so an ingest of one changed file only
stems that file) and saved in bm25s's format. Opening and searching it take numpy alone: the saved score
matrix (compressed sparse columns, one column per stem) is memory-mapped, and a query adds the columns of
its stems, as bm25s's numpy backend does. That keeps bm25s and scipy (~0.17 s of imports) out of every
process that only answers. A query is cut with the same Dutch stemmer the ingest used (`dutch.stems`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.core import dutch
from assistant.core.documents import Chunk

EMPTY = "_"  # the one token of a chunk without content words, so every row has a length

# bm25s's file names (bm25s.BM25.save); the index stays readable by bm25s itself.
_ARRAYS = {"data": "data.csc.index.npy", "indices": "indices.csc.index.npy", "indptr": "indptr.csc.index.npy"}
_VOCAB, _PARAMS, _NONOCCURRENCE = "vocab.index.json", "params.index.json", "nonoccurrence_array.index.npy"


def reciprocal_rank_fusion(rankings: list[tuple[list[str], float]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists, each with a weight: score = sum(weight / (k + rank))."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, item in enumerate(ids, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


class BM25Index:
    """Rows are the chunk table's rows; `search` returns (row, score) best first."""

    def __init__(
        self,
        scores: dict[str, np.ndarray],
        vocab: dict[str, int],
        rows: int,
        nonoccurrence: np.ndarray | None = None,
        model: object = None,
    ) -> None:
        self._scores = scores
        self._vocab = vocab
        self._nonoccurrence = nonoccurrence
        self._model = model  # the bm25s model while just built, to save it
        self.rows = rows

    @classmethod
    def empty(cls) -> BM25Index:
        return cls({}, {}, 0)

    @classmethod
    def build(cls, corpus: Sequence[Sequence[int]], vocabulary: Sequence[str]) -> BM25Index:
        """From every row's stems as ids into `vocabulary` (an empty row gets the EMPTY token)."""
        import bm25s

        if not corpus:
            return cls.empty()
        vocab = {token: n for n, token in enumerate(vocabulary)}
        empty = vocab.setdefault(EMPTY, len(vocab))
        rows = [list(map(int, ids)) or [empty] for ids in corpus]
        model = bm25s.BM25()
        model.index((rows, vocab), show_progress=False)
        arrays = {name: model.scores[name] for name in _ARRAYS}
        return cls(arrays, model.vocab_dict, len(rows), model.nonoccurrence_array, model)

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
        if self._model is not None:
            self._model.save(str(folder), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, rows: int) -> BM25Index:
        """Memory-mapped: the score matrix stays on disk, shared by every process that opens it."""
        if rows == 0:
            return cls.empty()
        params = json.loads((folder / _PARAMS).read_text(encoding="utf-8"))
        if params.get("backend", "numpy") != "numpy" or int(params["num_docs"]) != rows:
            raise ValueError(f"BM25 index in {folder} does not match its {rows} rows")
        arrays = {name: np.load(folder / file, mmap_mode="r") for name, file in _ARRAYS.items()}
        vocab = json.loads((folder / _VOCAB).read_text(encoding="utf-8"))
        nonoccurrence = np.load(folder / _NONOCCURRENCE) if (folder / _NONOCCURRENCE).exists() else None
        return cls(arrays, vocab, rows, nonoccurrence)

    @property
    def memory_mapped(self) -> bool:
        """Whether the score matrix is read from disk as needed (opened) rather than held (just built)."""
        return isinstance(self._scores.get("data"), np.memmap)

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        ids = self._ids(query)
        if not self.rows or not ids.size:
            return []
        scores = self._summed(ids, mask)
        n = min(n, self.rows)
        # bm25s's numpy top-k: the same partition and sort, so ties come out in the same order
        top = np.argpartition(scores, -n)[-n:]
        best = top[np.flip(np.argsort(scores[top]))]
        return [(int(row), float(scores[row])) for row in best if scores[row] > 0]

    def _ids(self, query: str) -> np.ndarray:
        """The query's stems that the index knows, as its column numbers (stemmed once per query)."""
        return np.asarray([self._vocab[t] for t in dutch.stems(query) if t in self._vocab], dtype=np.int64)

    def _summed(self, ids: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        """Every row's score: the sum of the stems' columns (a stem twice in the query counts twice)."""
        data, indices, indptr = self._scores["data"], self._scores["indices"], self._scores["indptr"]
        scores = np.zeros(self.rows, dtype=np.float32)
        for start, end in zip(indptr[ids], indptr[ids + 1], strict=True):
            np.add.at(scores, indices[start:end], data[start:end])
        if self._nonoccurrence is not None:
            scores += self._nonoccurrence[ids].sum()
        if mask is not None:
            scores *= mask
        return scores
