"""Question latency in-process, warm, split into the pipeline's own steps.

Every question of evals/vragen.yaml (with its filters) is asked through `Assistant.answer` in a
fresh conversation; one untimed pass warms caches first. `Answer.timings_ms` carries the parts;
`Answer.latency_ms` is the whole question (retrieval + extractive answer). Each timed pass gives
its own p50/p95; the report shows min/median/max of those over the passes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from measure import ROOT, own_peak_rss_mb, percentiles_over_repeats

QUESTIONS = ROOT / "evals" / "vragen.yaml"
RETRIEVAL_PARTS = ("embed_ms", "dense_ms", "bm25_ms", "sentence_search_ms", "fusion_ms", "fetch_ms")
PARTS = (*RETRIEVAL_PARTS, "sentences_ms", "reader_ms", "plan_ms")


def ask_all(assistant: Any, cases: list[Any], passes: int) -> dict[str, list[list[float]]]:
    """Per timed pass: the list of each part's milliseconds (and 'total_ms', 'retrieval_ms')."""
    for case in cases:  # warm-up pass, not counted
        assistant.answer(case.question, None, case.filters)
    samples: dict[str, list[list[float]]] = {name: [] for name in (*PARTS, "retrieval_ms", "total_ms")}
    for _ in range(passes):
        current: dict[str, list[float]] = {name: [] for name in samples}
        for case in cases:
            answer = assistant.answer(case.question, None, case.filters)
            t = answer.timings_ms
            for name in PARTS:
                if name in t:
                    current[name].append(t[name])
            current["retrieval_ms"].append(sum(t.get(n, 0.0) for n in RETRIEVAL_PARTS))
            current["total_ms"].append(answer.latency_ms)
        for name, values in current.items():
            samples[name].append(values)
    return samples


def summarise(samples: dict[str, list[list[float]]]) -> dict[str, Any]:
    return {
        name: {k: v.__dict__ for k, v in percentiles_over_repeats(passes).items()}
        for name, passes in samples.items()
    }


def work_latency(data_dir: str, passes: int, chroma_url: str = "") -> dict[str, Any]:
    """In the worker: open the assistant over an existing index as the web app does (build, then warm up
    for the first question), then time every question. With a Chroma server, this machine's copy of the
    lexical index is the one `wibb ingest` writes here (copied from the embedded store's)."""
    from assistant.config import make_settings
    from assistant.evaluation.questionset import load_cases
    from assistant.factory import build_assistant

    settings = make_settings(data_dir=Path(data_dir), chroma_url=chroma_url)
    if chroma_url:
        local_copy(settings)
    started = time.perf_counter()
    assistant = build_assistant(settings)
    built = time.perf_counter()
    assistant.warm_up()  # as the web app does before its first question
    ready = time.perf_counter()
    ready_rss = own_peak_rss_mb()
    cases = load_cases(QUESTIONS)
    first = assistant.answer(cases[0].question, None, cases[0].filters).latency_ms
    samples = ask_all(assistant, cases, passes)
    corpus = assistant.retriever.corpus
    return {
        "startup_s": ready - started,
        "build_s": built - started,
        "warm_up_s": ready - built,
        "startup_ms": assistant.startup_ms,
        "lexical_rebuilt": corpus.rebuilt,
        "first_question_ms": first,
        "ready_peak_rss_mb": ready_rss,
        "chunks": assistant.retriever.size,
        "questions": len(cases),
        "passes": passes,
        "reader": settings.reader.backend,
        "latency": summarise(samples),
    }


def local_copy(settings: Any) -> None:
    """A machine that talks to a Chroma server keeps its own copy of the lexical index (`wibb ingest` writes
    it): the benchmark's is the embedded store's folder, copied once under the server's name."""
    import shutil

    from assistant.store.chroma import lexical_place

    here = lexical_place(settings.data_dir, settings.chroma_url, settings.collection)
    embedded = settings.data_dir / "lexical" / settings.collection
    if not here.exists() and embedded.exists():
        shutil.copytree(embedded, here, ignore=shutil.ignore_patterns(".lock", ".tmp-*"))


TASKS = {"latency": work_latency}
