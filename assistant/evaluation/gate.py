"""The gate of `wibb eval --fail-under`: thresholds from the command line, and the metrics that miss them."""

from __future__ import annotations

from collections.abc import Sequence

from assistant import texts
from assistant.evaluation.scoring import LOWER_IS_BETTER, metric_names


def below_threshold(
    summary: dict[str, float], thresholds: dict[str, float]
) -> list[tuple[str, float, float]]:
    """(metric, value, threshold) for every miss; latency thresholds are maxima, all others minima.
    A metric the run could not measure (no case it applies to) is a miss with value NaN."""
    misses = []
    for name, limit in thresholds.items():
        value = summary.get(name, float("nan"))
        maximum = name.endswith("_ms") or name in LOWER_IS_BETTER
        if value != value or ((value > limit) if maximum else (value < limit)):
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
