"""Run a question set: each case in a fresh conversation -> pure scoring -> `EvalReport`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from assistant import texts
from assistant.answering.answer import Answer
from assistant.answering.chat import Conversation
from assistant.core import dutch
from assistant.errors import InvalidQuestionError
from assistant.evaluation.cases import Case, Turn
from assistant.evaluation.results import CaseResult, EvalReport, Observation
from assistant.evaluation.scoring import score_case
from assistant.evaluation.summary import summarise

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
        refusal=answer.refusal,
        query=answer.query,
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
    """Ask every case in a fresh conversation (a conversation's turns one after the other) and score every
    answer; `progress(done, total)` after each case."""
    threshold = float(getattr(assistant, "min_evidence", 0.0))
    results = []
    for done, case in enumerate(cases, start=1):
        conversation = Conversation()
        turns = case.as_turns()
        for n, turn in enumerate(turns, start=1):
            if case.turns:  # the conversation's own note is about where it ends; its todo holds for all
                note = turn.note or (case.note if n == len(turns) else "")
                turn = replace(turn, note=note, todo=turn.todo or case.todo)
            result = _ask(assistant, conversation, turn, threshold, k, case.id)
            if case.turns:
                carry = carried(conversation, turn, result.query)
                result = replace(result, id=f"{case.id}/{n}", conversation=case.id, turn=n,
                                 new_subject=turn.new_subject, carried=carry)  # fmt: skip
            conversation.add(turn.question, result.answer, query=result.query, cited=tuple(result.cited_ids))
            if judge is not None:
                from assistant.evaluation.judge import judge_case

                result = judge_case(judge, result)
            results.append(result)
        if progress:
            progress(done, len(cases))
    reader = reader_label(getattr(assistant, "reader", None))
    return EvalReport(summarise(results, k), results, k, source, reader)


def reader_label(reader: Any) -> str:
    """Which reader answers, as the reports say it: the trained model's name, the test reader, or none."""
    if reader is None:
        return texts.READER_LABELS["none"]
    identity = reader.identity
    return texts.READER_LABELS.get(identity.backend, "{name}").format(name=identity.name)


def _ask(
    assistant: Any, conversation: Conversation, turn: Turn, threshold: float, k: int, case_id: str
) -> CaseResult:
    started = time.perf_counter()
    try:
        answer = assistant.answer(turn.question, conversation, turn.filters)
        obs = observe(answer, threshold)
    except InvalidQuestionError as error:
        elapsed = (time.perf_counter() - started) * 1000
        obs = Observation(
            "", False, latency_ms=elapsed, threshold=threshold, error=texts.describe_error(error)
        )
    return replace(score_case(turn.as_case(case_id), obs, k), query=obs.query)


def carried(conversation: Conversation, turn: Turn, query: str) -> bool:
    """Whether the search query took words from the earlier turns that the question itself does not have."""
    earlier = {s for q in conversation.questions for s in dutch.stems(q)}
    added = set(dutch.stems(query)) - set(dutch.stems(turn.question))
    return bool(added & earlier)
