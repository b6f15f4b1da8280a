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
    new = {"summary": report.summary, "cases": [{"id": c.id, "passed": c.passed} for c in report.cases]}
    return compare_runs(old, new, report.k, label)


def compare_runs(old: dict[str, Any], new: dict[str, Any], k: int = 5, label: str = "") -> Comparison:
    """The same for two runs in the JSON shape of `wibb eval --json` (a file, or a run from the history)."""
    for run in (old, new):
        if not isinstance(run, dict) or not isinstance(run.get("summary", {}), dict):
            raise ValueError("not an evaluation report: expected {'summary': {...}, 'cases': [...]}")
    old_summary, new_summary = old.get("summary") or {}, new.get("summary") or {}
    old_cases, new_cases = _outcomes(old), _outcomes(new)
    names = [n for n in metric_names(k) if n in new_summary or n in old_summary]
    deltas = [MetricDelta(n, _float(old_summary.get(n)), _float(new_summary.get(n))) for n in names]
    return Comparison(
        deltas=deltas,
        now_passing=[i for i, ok in new_cases.items() if ok and old_cases.get(i) is False],
        now_failing=[i for i, ok in new_cases.items() if not ok and old_cases.get(i) is True],
        added=[i for i in new_cases if i not in old_cases],
        removed=[i for i in old_cases if i not in new_cases],
        label=label,
    )


def _outcomes(run: dict[str, Any]) -> dict[str, bool]:
    return {str(c.get("id")): bool(c.get("passed")) for c in run.get("cases") or [] if isinstance(c, dict)}


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
