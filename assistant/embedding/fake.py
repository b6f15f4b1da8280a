"""The fake backend: a hashed bag of stemmed Dutch content words (tests and the demo mode)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from assistant.core import dutch
from assistant.core.identity import EmbedderIdentity
from assistant.embedding.base import normalise


class FakeEmbedder:
    """Hashed bag of stemmed Dutch content words.

    Texts that share content words get a higher cosine similarity, so tests can assert ranking;
    texts without shared words are near-orthogonal. No model, no randomness.
    """

    def __init__(self, dimension: int = 512) -> None:
        self._identity = EmbedderIdentity("fake", "hashed-stems", dimension)

    @property
    def identity(self) -> EmbedderIdentity:
        return self._identity

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._identity.dimension, dtype=np.float32)
        for stem in dutch.stems(text):
            digest = hashlib.blake2b(stem.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self._identity.dimension
            vector[index] += 1.0 if digest[4] & 1 else -1.0
        if not vector.any():  # no content words: a fixed vector far from everything else
            vector[0] = 1e-3
        return vector

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(np.vstack([self._vector(t) for t in texts]))

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._identity.dimension), dtype=np.float32)
        matrix = normalise(np.vstack([self._vector(t) for t in texts]))
        if progress:
            progress(len(texts))
        return matrix
