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

from measure import ROOT, percentiles_over_repeats

QUESTIONS = ROOT / "evals" / "vragen.yaml"
PARTS = ("embed_ms", "dense_ms", "bm25_ms", "sentence_search_ms", "fusion_ms", "sentences_ms", "plan_ms")


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
            current["retrieval_ms"].append(
                sum(
                    t.get(n, 0.0)
                    for n in ("embed_ms", "dense_ms", "bm25_ms", "sentence_search_ms", "fusion_ms")
                )
            )
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
    """In the worker: build the assistant over an existing index, then time every question."""
    from assistant.config import make_settings
    from assistant.evaluation.questionset import load_cases
    from assistant.factory import build_assistant

    started = time.perf_counter()
    settings = make_settings(data_dir=Path(data_dir), chroma_url=chroma_url)
    assistant = build_assistant(settings)
    assistant.warm_up()  # as the web app does before its first question
    startup = time.perf_counter() - started
    cases = load_cases(QUESTIONS)
    samples = ask_all(assistant, cases, passes)
    return {
        "startup_s": startup,
        "chunks": len(assistant.retriever.chunks),
        "questions": len(cases),
        "passes": passes,
        "latency": summarise(samples),
    }


TASKS = {"latency": work_latency}
