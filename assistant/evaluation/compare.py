"""An evaluation run compared with an earlier one: metric deltas and the cases whose outcome flipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant import texts
from assistant.evaluation.scoring import EvalReport, metric_names, number

L = texts.EVAL_LABELS


@dataclass(frozen=True)
class MetricDelta:
    name: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass
class Comparison:
    deltas: list[MetricDelta]
    now_passing: list[str] = field(default_factory=list)
    now_failing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    label: str = ""


def compare(old: dict[str, Any], report: EvalReport, label: str = "") -> Comparison:
    """Per-metric deltas and the cases whose outcome flipped, against the JSON of an earlier run."""
    if not isinstance(old, dict) or not isinstance(old.get("summary", {}), dict):
        raise ValueError("not an evaluation report: expected {'summary': {...}, 'cases': [...]}")
    old_summary = old.get("summary") or {}
    old_cases = {
        str(c.get("id")): bool(c.get("passed")) for c in old.get("cases") or [] if isinstance(c, dict)
    }
    names = [n for n in metric_names(report.k) if n in report.summary or n in old_summary]
    deltas = [MetricDelta(n, _float(old_summary.get(n)), _float(report.summary.get(n))) for n in names]
    new_cases = {c.id: c.passed for c in report.cases}
    return Comparison(
        deltas=deltas,
        now_passing=[i for i, ok in new_cases.items() if ok and old_cases.get(i) is False],
        now_failing=[i for i, ok in new_cases.items() if not ok and old_cases.get(i) is True],
        added=[i for i in new_cases if i not in old_cases],
        removed=[i for i in old_cases if i not in new_cases],
        label=label,
    )


def _float(value: Any) -> float | None:
    """A number from an earlier report; anything else (also NaN) counts as not measured."""
    found = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return None if found is None or found != found else found


def comparison_markdown(comparison: Comparison) -> str:
    lines = [f"## {L['compare_title'].format(old=comparison.label or '?')}", ""]
    for d in comparison.deltas:
        sign = (
            "–"
            if d.delta is None
            else (f"+{number(d.name, d.delta)}" if d.delta >= 0 else number(d.name, d.delta))
        )
        lines.append(
            "- "
            + L["compare_metric"].format(
                metric=d.name, old=number(d.name, d.old), new=number(d.name, d.new), delta=sign
            )
        )
    groups = (
        (L["flipped_pass"], comparison.now_passing),
        (L["flipped_fail"], comparison.now_failing),
        (L["added"], comparison.added),
        (L["removed"], comparison.removed),
    )
    shown = [(title, ids) for title, ids in groups if ids]
    lines.append("")
    lines += [f"{title}: {', '.join(ids)}" for title, ids in shown] or [L["no_flips"]]
    return "\n".join(lines)
