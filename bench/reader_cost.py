"""The reader's cost: what the trained reader (`WIBB_READER_BACKEND=onnx`) adds to a question.

Over the knowledge index, every question of the latency set is asked by an assistant with the reader and by
one without, alternating question by question (so both see the same load): the reader's own step
(`Answer.timings_ms["reader_ms"]`), the whole question with and without it, what loading the reader adds to
start-up, and the memory it takes. Where the trained model is not there (a branch that predates it), the
section records why it was not measured and RESULTS.md keeps a marked placeholder.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from latency import QUESTIONS
from measure import own_peak_rss_mb, percentiles_over_repeats


def work_reader(data_dir: str, passes: int) -> dict[str, Any]:
    """In the worker: both assistants over the same index, the questions asked alternately."""
    from assistant.config import ReaderSettings, make_settings
    from assistant.evaluation.questionset import load_cases
    from assistant.factory import build_assistant

    settings = make_settings(data_dir=Path(data_dir))
    without = build_assistant(settings.model_copy(update={"reader": ReaderSettings(backend="none")}))
    without.warm_up()
    before = own_peak_rss_mb()
    started = time.perf_counter()
    try:
        with_reader = build_assistant(settings.model_copy(update={"reader": ReaderSettings(backend="onnx")}))
        with_reader.warm_up()
    except Exception as error:  # no trained model on this branch (yet): say so, measure nothing
        return {"available": False, "reason": f"{type(error).__name__}: {error}"}
    load_s = time.perf_counter() - started
    cases = load_cases(QUESTIONS)
    for case in cases:  # warm-up pass, not counted
        with_reader.answer(case.question, None, case.filters)
    samples: dict[str, list[list[float]]] = {"reader_ms": [], "with_reader_ms": [], "without_reader_ms": []}
    for _ in range(passes):
        current: dict[str, list[float]] = {name: [] for name in samples}
        for case in cases:
            read = with_reader.answer(case.question, None, case.filters)
            plain = without.answer(case.question, None, case.filters)
            if "reader_ms" in read.timings_ms:
                current["reader_ms"].append(read.timings_ms["reader_ms"])
            current["with_reader_ms"].append(read.latency_ms)
            current["without_reader_ms"].append(plain.latency_ms)
        for name, values in current.items():
            samples[name].append(values)
    return {
        "available": True,
        "questions": len(cases),
        "passes": passes,
        "load_s": load_s,
        "startup_ms": with_reader.startup_ms,
        "memory_mb": own_peak_rss_mb() - before,
        "latency": {
            name: {k: v.__dict__ for k, v in percentiles_over_repeats(values).items()}
            for name, values in samples.items()
        },
    }


TASKS = {"reader": work_reader}
