"""A run's figures: the metric names, the summary over all cases, and how a figure reads for people.

A case to review (te beoordelen) has no verdict: it is counted apart and left out of `pass_rate` and of
every metric that needs expectations, so a set without expectations cannot score a pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant import texts
from assistant.evaluation.results import FAILED, CaseResult

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


def summarise(results: Sequence[CaseResult], k: int = 5) -> dict[str, float]:
    """Means over the cases where a metric applies; latency percentiles over all cases. `pass_rate` is the
    share of the judged cases (those with expectations) that passed; the cases to review are counted apart."""
    names = [*(name.format(k=k) for name in RATE_METRICS), *REFUSAL_METRICS, "faithfulness"]
    judged = [r for r in results if not r.to_review]
    summary: dict[str, float] = {
        "cases": float(len(results)),
        "passed": float(sum(r.passed for r in judged)),
        "failed": float(sum(r.status == FAILED for r in judged)),
        "to_review": float(len(results) - len(judged)),
    }
    if judged:  # with nothing judged there is no pass rate, not a rate of 0 or 1
        summary["pass_rate"] = summary["passed"] / len(judged)
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
        # a conversation passes when every judged turn passes; one with nothing judged is not counted
        outcomes = [all(t.passed for t in judged_turns) for c in conversations.values()
                    if (judged_turns := [t for t in c if not t.to_review])]  # fmt: skip
        if outcomes:
            summary["conversation_pass_rate"] = float(np.mean(outcomes))
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


def number(name: str, value: float | None) -> str:
    """Dutch notation for people: '0,953', '87%', '123 ms'; 'niet gemeten' for a missing value (None, NaN)."""
    if value is None or value != value:
        return texts.EVAL_LABELS["not_measured_value"]
    if name.endswith("_ms"):
        return f"{value:.0f} ms"
    if name == "pass_rate":
        return f"{value * 100:.0f}%"
    return f"{value:.3f}".replace(".", ",")


def dutch_name(name: str, k: int = 5) -> str:
    """The Dutch name of a metric for people ("Feiten in het antwoord" for answer_fact_recall)."""
    names = {key.format(k=k): label for key, label in texts.EVAL_METRIC_NAMES.items()}
    return names.get(name, name)
