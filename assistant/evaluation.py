"""Run a question set: each case in a fresh conversation -> pure scoring -> `EvalReport`.

A case's answer becomes an `Observation` (our own data); `score_case` turns a case and an
observation into a `CaseResult` with per-case metrics and a Dutch reason for every failed check.
The calibration (bench/calibrate.py) scores hypothetical refusals through the same function.
Report files are written by `assistant.reports`.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant import dutch, texts
from assistant.errors import InvalidQuestionError
from assistant.questionset import Case, load_cases, parse_cases

__all__ = ["Case", "CaseResult", "EvalReport", "load_cases", "parse_cases", "run_cases", "score_case"]

Complete = Callable[[str], str]  # a language model as the judge sees it: prompt in, text out
RATE_METRICS = ("context_fact_recall@{k}", "answer_fact_recall", "hit@{k}", "mrr@{k}", "citation_precision")


@dataclass(frozen=True)
class Passage:
    rank: int
    doc_id: str
    chunk_id: str
    titel: str
    heading: str
    text: str
    score: float


@dataclass(frozen=True)
class CitedSource:
    n: int
    doc_id: str
    chunk_id: str
    titel: str
    heading: str
    quote: str


@dataclass(frozen=True)
class Observation:
    """What the assistant did for one case, independent of how it is scored."""

    answer: str
    refused: bool
    citations: tuple[CitedSource, ...] = ()
    passages: tuple[Passage, ...] = ()
    latency_ms: float = 0.0
    evidence: float = 0.0
    threshold: float = 0.0
    error: str = ""
    generated: bool = False  # written by the language model (so a refusal was the model's own)


@dataclass
class CaseResult:
    id: str
    question: str
    answerable: bool
    passed: bool
    reasons: list[str]
    answer: str
    refused: bool
    cited_ids: list[str]
    retrieved_ids: list[str]
    latency_ms: float
    metrics: dict[str, float | None]
    citations: list[CitedSource] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    evidence: float = 0.0
    expect_facts: list[list[str]] = field(default_factory=list)
    expect_sources: list[str] = field(default_factory=list)


@dataclass
class EvalReport:
    summary: dict[str, float]
    cases: list[CaseResult]
    k: int = 5
    source: str = ""


# -- running ---------------------------------------------------------------------------------------


def observe(answer: Any, threshold: float) -> Observation:
    """Our own record of an `assistant.answering.Answer`."""
    return Observation(
        answer=answer.text,
        refused=answer.refused,
        citations=tuple(
            CitedSource(c.n, c.doc_id, c.chunk_id, c.titel, c.heading, c.quote) for c in answer.citations
        ),
        passages=tuple(
            Passage(
                h.rank,
                h.chunk.doc_id,
                h.chunk.id,
                h.chunk.titel,
                " > ".join(h.chunk.heading),
                h.chunk.text,
                h.score,
            )
            for h in answer.retrieved
        ),
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
    from assistant.chat import Conversation

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
            from assistant.judging import judge_case

            result = judge_case(judge, result)
        results.append(result)
        if progress:
            progress(done, len(cases))
    return EvalReport(summarise(results, k), results, k, source)


# -- scoring (pure) --------------------------------------------------------------------------------


_TYPOGRAPHY = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "’": "'", "‘": "'", "\u00a0": " "})
_MARKER = re.compile(r"\s*\[\d+\]")


def normalise(text: str) -> str:
    """Case and accents folded, dashes unified, numbers normalised ("3.500" = "3500"), spaces collapsed."""
    return " ".join(dutch.normalise_numbers(dutch.fold(text.translate(_TYPOGRAPHY))).split())


@functools.lru_cache(maxsize=4096)
def _pattern(alternative: str) -> re.Pattern[str] | None:
    """Normalised and compiled once, not again for every passage it is looked for in."""
    needle = normalise(alternative)
    if not needle:
        return None
    before = r"(?<!\d)" if needle[0].isdigit() else ""
    after = r"(?!\d)" if needle[-1].isdigit() else ""
    return re.compile(before + re.escape(needle) + after)


def contains(normalised_text: str, alternative: str) -> bool:
    """A number must not be part of a longer number ("150" is not in "1500")."""
    pattern = _pattern(alternative)
    return pattern is not None and pattern.search(normalised_text) is not None


def fact_in(normalised_text: str, fact: Sequence[str]) -> bool:
    return any(contains(normalised_text, alternative) for alternative in fact)


def show_fact(fact: Sequence[str]) -> str:
    return " / ".join(f"'{alternative}'" for alternative in fact)


def score_case(case: Case, obs: Observation, k: int = 5) -> CaseResult:
    """Per-case metrics (None = not applicable) and a Dutch reason for every failed check."""
    from assistant.reports import number  # reports imports this module: not at the top

    r = texts.EVAL_REASONS
    top = obs.passages[:k]
    passage_texts = [normalise(f"{p.titel} {p.heading} {p.text}") for p in top]
    answer_text = normalise(_MARKER.sub("", obs.answer))
    reasons: list[str] = [r["invalid"].format(detail=obs.error)] if obs.error else []
    metrics: dict[str, float | None] = dict.fromkeys(name.format(k=k) for name in RATE_METRICS)

    if case.expect_facts:
        # the first passage holding each fact, searched one passage at a time so that a fact never
        # matches across the boundary of two passages
        first = [
            next((i for i, t in enumerate(passage_texts) if fact_in(t, fact)), None)
            for fact in case.expect_facts
        ]
        in_answer = [fact_in(answer_text, fact) for fact in case.expect_facts]
        metrics[f"context_fact_recall@{k}"] = sum(where is not None for where in first) / len(first)
        metrics["answer_fact_recall"] = sum(in_answer) / len(in_answer)
        for fact, found, where in zip(case.expect_facts, in_answer, first, strict=True):
            if found:
                continue
            if where is None:
                reasons.append(r["fact_missing"].format(fact=show_fact(fact), k=k))
            else:
                reasons.append(
                    r["fact_in_passage"].format(
                        fact=show_fact(fact), n=top[where].rank, doc=top[where].doc_id
                    )
                )

    if case.expect_sources:
        ranks = [p.rank for p in top if p.doc_id in case.expect_sources]
        metrics[f"hit@{k}"] = 1.0 if ranks else 0.0
        metrics[f"mrr@{k}"] = 1.0 / ranks[0] if ranks else 0.0
        if not ranks:
            reasons.append(r["source_missing"].format(expected=", ".join(case.expect_sources), k=k))

    if not obs.refused and obs.citations and (case.expect_sources or case.expect_facts):
        # the whole cited chunk counts, not just the short quote shown with it
        chunk_texts = {p.chunk_id: p.text for p in obs.passages}
        relevant = []
        for citation in obs.citations:
            cited = normalise(chunk_texts.get(citation.chunk_id, citation.quote))
            ok = citation.doc_id in case.expect_sources or any(fact_in(cited, f) for f in case.expect_facts)
            relevant.append(ok)
            if not ok:
                reasons.append(r["citation_off"].format(n=citation.n, doc=citation.doc_id))
        metrics["citation_precision"] = sum(relevant) / len(relevant)

    refusal_ok = obs.refused != case.answerable and not obs.error
    metrics["refusal_accuracy"] = 1.0 if refusal_ok else 0.0
    if not refusal_ok and not obs.error:
        numbers = {
            "evidence": number("evidence", obs.evidence),
            "threshold": number("threshold", obs.threshold),
        }
        if obs.refused and obs.generated:
            code = "refused_model"
        elif obs.refused:
            code = "refused_absence" if obs.evidence >= obs.threshold else "refused_answerable"
        else:
            code = "answered_unanswerable"
        reasons.insert(0, r[code].format(**numbers))
    metrics["latency_ms"] = obs.latency_ms

    return CaseResult(
        id=case.id,
        question=case.question,
        answerable=case.answerable,
        passed=not reasons,
        reasons=reasons,
        answer=obs.answer,
        refused=obs.refused,
        cited_ids=list(dict.fromkeys(c.doc_id for c in obs.citations)),
        retrieved_ids=[p.doc_id for p in obs.passages],
        latency_ms=obs.latency_ms,
        metrics=metrics,
        citations=list(obs.citations),
        passages=list(obs.passages),
        evidence=obs.evidence,
        expect_facts=[list(f) for f in case.expect_facts],
        expect_sources=list(case.expect_sources),
    )


def summarise(results: Sequence[CaseResult], k: int = 5) -> dict[str, float]:
    """Means over the cases where a metric applies; latency percentiles over all cases."""
    names = [*(name.format(k=k) for name in RATE_METRICS), "refusal_accuracy", "faithfulness"]
    summary: dict[str, float] = {
        "cases": float(len(results)),
        "passed": float(sum(r.passed for r in results)),
    }
    summary["pass_rate"] = summary["passed"] / len(results) if results else 0.0
    for name in names:  # a metric that applies to no case is left out, not reported as 0
        values = [v for r in results if (v := r.metrics.get(name)) is not None]
        if values:
            summary[name] = float(np.mean(values))
    latencies = [r.latency_ms for r in results]
    summary["latency_p50_ms"] = float(np.percentile(latencies, 50)) if latencies else 0.0
    summary["latency_p95_ms"] = float(np.percentile(latencies, 95)) if latencies else 0.0
    return summary


def metric_names(k: int = 5) -> list[str]:
    """The names `--fail-under` accepts."""
    rates = [name.format(k=k) for name in RATE_METRICS]
    return [*rates, "refusal_accuracy", "faithfulness", "pass_rate", "latency_p50_ms", "latency_p95_ms"]


def below_threshold(
    summary: dict[str, float], thresholds: dict[str, float]
) -> list[tuple[str, float, float]]:
    """(metric, value, threshold) for every miss; latency thresholds are maxima, all others minima.
    A metric the run could not measure (no case it applies to) is a miss with value NaN."""
    misses = []
    for name, limit in thresholds.items():
        value = summary.get(name, float("nan"))
        if value != value or ((value > limit) if name.endswith("_ms") else (value < limit)):
            misses.append((name, value, limit))
    return misses


def parse_thresholds(items: Sequence[str], k: int = 5) -> dict[str, float]:
    """`["hit@5=0.9", ...]` -> {"hit@5": 0.9}; ValueError with a Dutch message for anything else."""
    names = metric_names(k)
    thresholds: dict[str, float] = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = float("nan")
        if name.strip() not in names or number != number:
            raise ValueError(texts.EVAL_LABELS["bad_threshold"].format(item=item, names=", ".join(names)))
        thresholds[name.strip()] = number
    return thresholds
