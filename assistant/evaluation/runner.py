"""Run a question set: each case in a fresh conversation -> pure scoring -> `EvalReport`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from assistant import texts
from assistant.answering.answer import Answer
from assistant.answering.chat import Conversation
from assistant.errors import InvalidQuestionError
from assistant.evaluation.questionset import Case
from assistant.evaluation.scoring import EvalReport, Observation, score_case, summarise

Complete = Callable[[str], str]  # a language model as the judge sees it: prompt in, text out


def observe(answer: Answer, threshold: float) -> Observation:
    """What the evaluation keeps of an answer."""
    return Observation(
        answer=answer.text,
        refused=answer.refused,
        citations=answer.citations,
        passages=answer.retrieved,
        latency_ms=answer.latency_ms,
        evidence=answer.evidence,
        threshold=threshold,
        generated=answer.generated,
    )


def run_cases(
    assistant: Any,
    cases: Sequence[Case],
    *,
    k: int = 5,
    progress: Callable[[int, int], None] | None = None,
    judge: Complete | None = None,
    source: str = "",
) -> EvalReport:
    """Ask every case in a fresh conversation and score it; `progress(done, total)` after each case."""
    threshold = float(getattr(assistant, "min_evidence", 0.0))
    results = []
    for done, case in enumerate(cases, start=1):
        started = time.perf_counter()
        try:
            answer = assistant.answer(case.question, Conversation(), case.filters)
            obs = observe(answer, threshold)
        except InvalidQuestionError as error:
            elapsed = (time.perf_counter() - started) * 1000
            obs = Observation(
                "", False, latency_ms=elapsed, threshold=threshold, error=texts.describe_error(error)
            )
        result = score_case(case, obs, k)
        if judge is not None:
            from assistant.evaluation.judge import judge_case

            result = judge_case(judge, result)
        results.append(result)
        if progress:
            progress(done, len(cases))
    return EvalReport(summarise(results, k), results, k, source)
