"""Pure scoring: a case and what the assistant did (`Observation`) -> `CaseResult` -> summary metrics.

`score_case` gives per-case metrics and a Dutch reason for every failed check. The runner
(`assistant.evaluation.runner`) produces the observations; the calibration (bench/calibrate.py) scores
hypothetical refusals through the same function. Report files are written by `evaluation.reports`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant import texts
from assistant.core import dutch
from assistant.core.results import Citation, Hit
from assistant.core.sentences import split_sentences
from assistant.evaluation.questionset import Case

RATE_METRICS = ("context_fact_recall@{k}", "answer_fact_recall", "hit@{k}", "mrr@{k}", "citation_precision")
REFUSAL_METRICS = ("refusal_accuracy", "refusal_recall", "false_refusal_rate", "redundancy")
# Over the follow-up turns of conversations only (turn 2 and later).
FOLLOWUP_METRICS = ("answer_fact_recall", "context_fact_recall@{k}", "citation_precision", "refusal_accuracy",
                    "refusal_recall", "false_refusal_rate")  # fmt: skip
CONVERSATION_METRICS = ("conversation_pass_rate", "topic_switch_carryover")
# For these, lower is better: `--fail-under` reads their threshold as a maximum (as for latencies).
LOWER_IS_BETTER = (
    "false_refusal_rate",
    "redundancy",
    "followup_false_refusal_rate",
    "topic_switch_carryover",
)


@dataclass(frozen=True)
class Observation:
    """What the assistant did for one case, independent of how it is scored."""

    answer: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Hit, ...] = ()
    latency_ms: float = 0.0
    evidence: float = 0.0
    threshold: float = 0.0
    error: str = ""
    generated: bool = False  # written by the language model (so a refusal was the model's own)
    refusal: str = ""  # why the assistant refused (Answer.refusal)
    query: str = ""  # what was searched on


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
    citations: list[Citation] = field(default_factory=list)
    passages: list[Hit] = field(default_factory=list)
    evidence: float = 0.0
    expect_facts: list[list[str]] = field(default_factory=list)
    expect_sources: list[str] = field(default_factory=list)
    # a turn of a conversation: its case id, number (1, 2, ...) and what was searched on
    conversation: str = ""
    turn: int = 0
    query: str = ""
    new_subject: bool = False
    carried: bool = False  # the search query took words from earlier turns


@dataclass
class EvalReport:
    summary: dict[str, float]
    cases: list[CaseResult]
    k: int = 5
    source: str = ""


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
    r = texts.EVAL_REASONS
    top = obs.passages[:k]
    passage_texts = [
        normalise(f"{p.chunk.doc.titel} {' > '.join(p.chunk.heading)} {p.chunk.text}") for p in top
    ]
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
                        fact=show_fact(fact), n=top[where].rank, doc=top[where].chunk.doc.id
                    )
                )

    if case.expect_sources:
        ranks = [p.rank for p in top if p.chunk.doc.id in case.expect_sources]
        metrics[f"hit@{k}"] = 1.0 if ranks else 0.0
        metrics[f"mrr@{k}"] = 1.0 / ranks[0] if ranks else 0.0
        if not ranks:
            reasons.append(r["source_missing"].format(expected=", ".join(case.expect_sources), k=k))

    if not obs.refused and obs.citations and (case.expect_sources or case.expect_facts):
        # the whole cited chunk counts, not just the short quote shown with it
        chunk_texts = {p.chunk.id: p.chunk.text for p in obs.passages}
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
    metrics["refusal_recall"] = None if case.answerable or obs.error else float(obs.refused)
    metrics["false_refusal_rate"] = float(obs.refused) if case.answerable and not obs.error else None
    metrics["redundancy"] = None
    if not obs.refused and not obs.error and obs.answer:
        pair = repeated_fact(obs.answer)
        metrics["redundancy"] = 1.0 if pair else 0.0
        if pair:
            reasons.append(r["redundant"].format(first=_short(pair[0]), second=_short(pair[1])))
    if not refusal_ok and not obs.error:
        numbers = {
            "evidence": number("evidence", obs.evidence),
            "threshold": number("threshold", obs.threshold),
        }
        if obs.refused and (obs.generated or obs.refusal == "model"):
            code = "refused_model"
        elif obs.refused and obs.refusal == "focus":
            code = "refused_focus"
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
        retrieved_ids=[p.chunk.doc.id for p in obs.passages],
        latency_ms=obs.latency_ms,
        metrics=metrics,
        citations=list(obs.citations),
        passages=list(obs.passages),
        evidence=obs.evidence,
        expect_facts=[list(f) for f in case.expect_facts],
        expect_sources=list(case.expect_sources),
    )


def number(name: str, value: float | None) -> str:
    """Dutch notation for people: '0,953', '87%', '123 ms'; 'niet gemeten' for a missing value (None, NaN)."""
    if value is None or value != value:
        return texts.EVAL_LABELS["not_measured_value"]
    if name.endswith("_ms"):
        return f"{value:.0f} ms"
    if name == "pass_rate":
        return f"{value * 100:.0f}%"
    return f"{value:.3f}".replace(".", ",")


_MIN_STEMS = 4  # shorter sentences ("Dat mag.") say too little to repeat a fact


def repeated_fact(answer: str) -> tuple[str, str] | None:
    """Two sentences of the answer that state the same fact: nearly all content words of one (at least
    four) are in the other, and they do not name different figures."""
    sentences = [s for s in split_sentences(_MARKER.sub("", answer)) if s.strip()]
    stems = [set(dutch.stems(s)) for s in sentences]
    figures = [set(re.findall(r"\d+", dutch.normalise_numbers(s))) for s in sentences]
    for i in range(len(sentences)):
        for j in range(i + 1, len(sentences)):
            small = min(len(stems[i]), len(stems[j]))
            if small < _MIN_STEMS or (figures[i] and figures[j] and figures[i] != figures[j]):
                continue
            if len(stems[i] & stems[j]) / small >= 0.75:
                return sentences[i], sentences[j]
    return None


def _short(sentence: str, limit: int = 80) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def summarise(results: Sequence[CaseResult], k: int = 5) -> dict[str, float]:
    """Means over the cases where a metric applies; latency percentiles over all cases."""
    names = [*(name.format(k=k) for name in RATE_METRICS), *REFUSAL_METRICS, "faithfulness"]
    summary: dict[str, float] = {
        "cases": float(len(results)),
        "passed": float(sum(r.passed for r in results)),
    }
    summary["pass_rate"] = summary["passed"] / len(results) if results else 0.0
    for name in names:  # a metric that applies to no case is left out, not reported as 0
        values = [v for r in results if (v := r.metrics.get(name)) is not None]
        if values:
            summary[name] = float(np.mean(values))
    followups = [r for r in results if r.turn > 1]
    for name in (n.format(k=k) for n in FOLLOWUP_METRICS):
        values = [v for r in followups if (v := r.metrics.get(name)) is not None]
        if values:
            summary[f"followup_{name}"] = float(np.mean(values))
    conversations: dict[str, list[CaseResult]] = {}
    for r in results:
        if r.conversation:
            conversations.setdefault(r.conversation, []).append(r)
    if conversations:
        summary["conversations"] = float(len(conversations))
        summary["conversation_pass_rate"] = float(
            np.mean([all(t.passed for t in c) for c in conversations.values()])
        )
    switches = [r for r in results if r.new_subject]
    if switches:
        summary["topic_switch_carryover"] = float(np.mean([r.carried for r in switches]))
    latencies = [r.latency_ms for r in results]
    summary["latency_p50_ms"] = float(np.percentile(latencies, 50)) if latencies else 0.0
    summary["latency_p95_ms"] = float(np.percentile(latencies, 95)) if latencies else 0.0
    return summary


def metric_names(k: int = 5) -> list[str]:
    """The names `--fail-under` accepts."""
    rates = [name.format(k=k) for name in RATE_METRICS]
    followups = [f"followup_{name.format(k=k)}" for name in FOLLOWUP_METRICS]
    return [*rates, *REFUSAL_METRICS, "faithfulness", "pass_rate", *CONVERSATION_METRICS, *followups,
            "latency_p50_ms", "latency_p95_ms"]  # fmt: skip
