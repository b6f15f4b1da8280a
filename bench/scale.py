"""Scale: synthetic corpora of 1k, 10k and 100k chunks, on embedded Chroma and on a Chroma server.

Per size: the time to write the corpus (vectors straight into Chroma through `VectorStore`, in
batches, no embedding), the index size on disk, the retriever's start-up (reading every chunk
and building BM25 from the synthetic texts), and the question latency (retrieval and the whole
extractive answer, same questions as the latency section). A built corpus is kept under
bench/cache/scale/ and reused while its key (pool, size, seed, generator, schema) is unchanged.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from measure import CACHE, chroma_server, dir_size_mb, peak_rss_mb, run_worker

SIZES = (1_000, 10_000, 100_000)
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
    return {
        "size": size,
        "sentences": sentences,
        "build_s": time.perf_counter() - started,
        "key": corpus_key(pool.key, size, seed),
        "pool_sentences": len(pool.texts),
    }


def work_scale_query(data_dir: str, passes: int, chroma_url: str = "") -> dict[str, Any]:
    """In the worker: the retriever's start-up, then every question timed (see latency.py)."""
    from latency import work_latency

    return work_latency(data_dir, passes, chroma_url)


def work_pool(knowledge_data_dir: str) -> dict[str, Any]:
    """In the worker: make sure the sentence pool is cached; its key names the corpora built from it."""
    from synthetic import sentence_pool

    pool = sentence_pool(Path(knowledge_data_dir))
    return {"key": pool.key, "sentences": len(pool.texts), "chunks": len(pool.templates)}


TASKS = {"scale_build": work_scale_build, "scale_query": work_scale_query, "pool": work_pool}


def _built(folder: Path, key: str) -> dict[str, Any] | None:
    stamp = folder / "stamp.json"
    if not stamp.exists():
        return None
    info = json.loads(stamp.read_text())
    return info if info.get("key") == key else None


def run(knowledge_data_dir: Path, quick: bool, log: Any) -> dict[str, Any]:
    from synthetic import corpus_key

    pool = run_worker("pool", knowledge_data_dir=str(knowledge_data_dir))
    rows = []
    for size in SIZES[:1] if quick else SIZES:
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
        state = "reused" if built["cached"] else "built"
        log(f"scale {size}: corpus {state} ({built['build_s']:.0f} s to write)")
        passes = 2 if quick else 3
        embedded = run_worker("scale_query", data_dir=str(folder / "data"), passes=passes)
        log(f"scale {size} embedded: p95 {embedded['latency']['total_ms']['p95']['median']:.0f} ms")
        with chroma_server(folder / "data" / "chroma") as server:
            served = run_worker(
                "scale_query", data_dir=str(folder / "data"), passes=passes, chroma_url=server.url
            )
            served["server_peak_rss_mb"] = peak_rss_mb(server.pid)
        log(f"scale {size} server: p95 {served['latency']['total_ms']['p95']['median']:.0f} ms")
        rows.append(
            {
                "size": size,
                "sentences": built["sentences"],
                "build_s": built["build_s"],
                "cached": built["cached"],
                "built_at": built.get("built_at", ""),
                "index_mb": dir_size_mb(folder / "data" / "chroma"),
                "embedded": embedded,
                "server": served,
            }
        )
    return {"pool_sentences": pool["sentences"], "rows": rows}
