"""Scale: knowledge/ and synthetic corpora of 10k and 100k chunks, on embedded Chroma and on a Chroma server.

Per size: the time to write the corpus (vectors straight into Chroma through `VectorStore`, in batches, no
embedding), the index size on disk, the lexical index (BM25, lexicon, chunk table) written once as an ingest
writes it, and then, in a fresh process per store: start-up (open the index and its lexical index, warm up
for the first question), the first question, the question latency (same questions as the latency section)
and the peak memory of the assistant process (and of `chroma run`). A built corpus is kept under
bench/cache/scale/ and reused while its key (pool, size, seed, generator, schema) is unchanged; its lexical
index while its format is.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from measure import CACHE, chroma_server, dir_size_mb, peak_rss_mb, run_worker

SIZES = (10_000, 100_000)
QUICK_SIZES = (1_000,)
SEED = 7


def work_scale_build(data_dir: str, knowledge_data_dir: str, size: int, seed: int = SEED) -> dict[str, Any]:
    """In the worker: write a synthetic corpus into a fresh embedded store."""
    from synthetic import corpus_key, sentence_pool, synthetic_batches

    from assistant.store.chroma import VectorStore

    pool = sentence_pool(Path(knowledge_data_dir))
    started = time.perf_counter()
    store = VectorStore(Path(data_dir)).open(pool.identity, create=True)
    sentences = 0
    for chunks, vectors, records, sentence_vectors in synthetic_batches(pool, size, seed):
        store.add_sentences(records, sentence_vectors)
        store.add_chunks(chunks, vectors)
        sentences += len(records)
    store.set_revision(uuid.uuid4().hex)  # as an ingest marks what it wrote
    return {
        "size": size,
        "sentences": sentences,
        "build_s": time.perf_counter() - started,
        "key": corpus_key(pool.key, size, seed),
        "pool_sentences": len(pool.texts),
    }


def work_scale_lexical(data_dir: str) -> dict[str, Any]:
    """In the worker: the lexical index of a corpus written without an ingest, made from the store the way a
    process that finds it missing makes it (every chunk read once, in batches) and written beside it."""
    from assistant.retrieval.corpus import open_corpus
    from assistant.store.chroma import VectorStore

    store = VectorStore(Path(data_dir))
    identity = store.manifest()
    assert identity is not None, f"no index in {data_dir}"
    store.open(identity, create=False)
    if not store.revision():  # written by an earlier version of work_scale_build
        store.set_revision(uuid.uuid4().hex)
    started = time.perf_counter()
    corpus = open_corpus(store)
    return {
        "rebuilt": corpus.rebuilt,
        "seconds": time.perf_counter() - started,
        "lexical_mb": dir_size_mb(store.lexical_dir),
        "chunks": len(corpus.table),
    }


def work_scale_query(data_dir: str, passes: int, chroma_url: str = "") -> dict[str, Any]:
    """In the worker: start-up, the first question, then every question timed (see latency.py)."""
    from latency import work_latency

    return work_latency(data_dir, passes, chroma_url)


def work_pool(knowledge_data_dir: str) -> dict[str, Any]:
    """In the worker: make sure the sentence pool is cached; its key names the corpora built from it."""
    from synthetic import sentence_pool

    pool = sentence_pool(Path(knowledge_data_dir))
    return {"key": pool.key, "sentences": len(pool.texts), "chunks": len(pool.templates)}


TASKS = {
    "scale_build": work_scale_build,
    "scale_lexical": work_scale_lexical,
    "scale_query": work_scale_query,
    "pool": work_pool,
}


def _built(folder: Path, key: str) -> dict[str, Any] | None:
    stamp = folder / "stamp.json"
    if not stamp.exists():
        return None
    info = json.loads(stamp.read_text())
    return info if info.get("key") == key else None


def _corpus(
    knowledge_data_dir: Path, pool: dict[str, Any], size: int, log: Any
) -> tuple[Path, dict[str, Any]]:
    """The synthetic corpus of this size (written now or reused) and its lexical index."""
    from synthetic import corpus_key

    folder = CACHE / "scale" / str(size)
    key = corpus_key(pool["key"], size, SEED)
    built = _built(folder, key)
    if built is None:
        shutil.rmtree(folder, ignore_errors=True)
        built = run_worker(
            "scale_build",
            data_dir=str(folder / "data"),
            knowledge_data_dir=str(knowledge_data_dir),
            size=size,
        )
        built["built_at"] = datetime.now().isoformat(timespec="minutes")
        (folder / "stamp.json").write_text(json.dumps(built))
        built["cached"] = False
    else:
        built["cached"] = True
    log(
        f"scale {size}: corpus {'reused' if built['cached'] else 'built'} ({built['build_s']:.0f} s to write)"
    )
    lexical = run_worker("scale_lexical", data_dir=str(folder / "data"))
    stamp = folder / "lexical.json"
    if lexical["rebuilt"]:  # written now: keep what it took, for the runs that reuse it
        lexical["built_at"] = datetime.now().isoformat(timespec="minutes")
        stamp.write_text(json.dumps(lexical))
    elif stamp.exists():
        lexical = {**json.loads(stamp.read_text()), "cached": True}
    log(f"scale {size}: lexical index {'written' if lexical['rebuilt'] else 'reused'}")
    return folder / "data", {**built, "lexical": lexical}


def _measure(data_dir: Path, passes: int) -> dict[str, Any]:
    embedded = run_worker("scale_query", data_dir=str(data_dir), passes=passes)
    with chroma_server(data_dir / "chroma") as server:
        served = run_worker("scale_query", data_dir=str(data_dir), passes=passes, chroma_url=server.url)
        served["server_peak_rss_mb"] = peak_rss_mb(server.pid)
    return {"embedded": embedded, "server": served, "index_mb": dir_size_mb(data_dir / "chroma")}


def run(knowledge_data_dir: Path, quick: bool, log: Any) -> dict[str, Any]:
    pool = run_worker("pool", knowledge_data_dir=str(knowledge_data_dir))
    passes = 2 if quick else 3
    measured = _measure(knowledge_data_dir, passes)
    rows = [{"size": "knowledge/", "chunks": pool["chunks"], "sentences": pool["sentences"], **measured}]
    for size in QUICK_SIZES if quick else SIZES:
        data_dir, built = _corpus(knowledge_data_dir, pool, size, log)
        measured = _measure(data_dir, passes)
        for store in ("embedded", "server"):
            part = measured[store]
            p95 = part["latency"]["total_ms"]["p95"]["median"]
            log(
                f"scale {size} {store}: start-up {part['startup_s']:.1f} s, "
                f"{part['peak_rss_mb']:.0f} MB, p95 {p95:.0f} ms"
            )
        rows.append({"size": size, "chunks": size, "sentences": built["sentences"], **built, **measured})
    return {"pool_sentences": pool["sentences"], "rows": rows}
