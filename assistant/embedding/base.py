"""What every embedding backend offers: one protocol, L2-normalised float32 rows, batched encoding."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from assistant.core.identity import EmbedderIdentity


class Embedder(Protocol):
    @property
    def identity(self) -> EmbedderIdentity: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray: ...


class Foreseen:
    """An embedder that embeds a query known in advance (`foresee`) before it is asked: `wibb ask` does it
    while Chroma is still being imported on another thread (the engine's C code lets that thread run). The
    vector is handed out once, when exactly that text is embedded as the only query; the rest goes through."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._ready: dict[str, np.ndarray] = {}

    @property
    def identity(self) -> EmbedderIdentity:
        return self.embedder.identity

    def foresee(self, text: str) -> None:
        self._ready[text] = self.embedder.embed_queries([text])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 1 and (ready := self._ready.pop(texts[0], None)) is not None:
            return ready
        return self.embedder.embed_queries(texts)

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        return self.embedder.embed_passages(texts, progress)


def normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def batched(
    texts: Sequence[str],
    size: int,
    encode: Callable[[list[str]], np.ndarray],
    progress: Callable[[int], None] | None,
) -> np.ndarray:
    rows = []
    for start in range(0, len(texts), size):
        batch = list(texts[start : start + size])
        rows.append(normalise(encode(batch)))
        if progress:
            progress(len(batch))
    return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
