"""An evaluation run compared with an earlier one: metric deltas and the cases whose outcome flipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant import texts
from assistant.answering.rendering import escape
from assistant.evaluation.results import FAILED, PASSED, REVIEW, STATUSES, EvalReport
from assistant.evaluation.summary import dutch_name, metric_names, number

L = texts.EVAL_LABELS


@dataclass(frozen=True)
class MetricDelta:
    name: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass(frozen=True)
class Flip:
    """A case in both runs whose outcome changed (passed, failed, review)."""

    id: str
    question: str
    old: str
    new: str


@dataclass
class Comparison:
    deltas: list[MetricDelta]
    flips: list[Flip] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    label: str = ""
    k: int = 5


def compare(old: dict[str, Any], report: EvalReport, label: str = "") -> Comparison:
    """Per-metric deltas and the cases whose outcome flipped, against the JSON of an earlier run."""
    cases = [{"id": c.id, "question": c.question, "status": c.status} for c in report.cases]
    return compare_runs(old, {"summary": report.summary, "cases": cases}, report.k, label)


def compare_runs(old: dict[str, Any], new: dict[str, Any], k: int = 5, label: str = "") -> Comparison:
    """The same for two runs in the JSON shape of `wibb eval --json` (a file, or a run from the history)."""
    for run in (old, new):
        if not isinstance(run, dict) or not isinstance(run.get("summary", {}), dict):
            raise ValueError("not an evaluation report: expected {'summary': {...}, 'cases': [...]}")
    old_summary, new_summary = old.get("summary") or {}, new.get("summary") or {}
    old_cases, new_cases = _outcomes(old), _outcomes(new)
    names = [n for n in metric_names(k) if n in new_summary or n in old_summary]
    deltas = [MetricDelta(n, _float(old_summary.get(n)), _float(new_summary.get(n))) for n in names]
    flips = [
        Flip(i, question or old_cases[i][1], old_cases[i][0], status)
        for i, (status, question) in new_cases.items()
        if i in old_cases and old_cases[i][0] != status
    ]
    return Comparison(
        deltas=deltas,
        flips=flips,
        added=[i for i in new_cases if i not in old_cases],
        removed=[i for i in old_cases if i not in new_cases],
        label=label,
        k=k,
    )


def _outcomes(run: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """{case id: (status, question)}; a report from before statuses has only `passed`."""
    outcomes = {}
    for case in run.get("cases") or []:
        if not isinstance(case, dict):
            continue
        status = case.get("status")
        if status not in STATUSES:
            status = PASSED if case.get("passed") else FAILED
        outcomes[str(case.get("id"))] = (str(status), str(case.get("question") or ""))
    return outcomes


def _float(value: Any) -> float | None:
    """A number from an earlier report; anything else (also NaN) counts as not measured."""
    found = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return None if found is None or found != found else found


def _sign(d: MetricDelta) -> str:
    if d.delta is None:
        return "–"
    if d.delta == 0:
        return L["compare_same"]
    return f"+{number(d.name, d.delta)}" if d.delta >= 0 else number(d.name, d.delta)


def comparison_markdown(comparison: Comparison) -> str:
    """The metrics by the Dutch names the reports use, then every case whose outcome changed."""
    lines = [f"## {L['compare_title'].format(old=comparison.label or '?')}", ""]
    heads = (L["metric"], L["compare_old"], L["compare_new"], L["compare_delta"])
    lines += ["| " + " | ".join(heads) + " |", "|---|---|---|---|"]
    for d in comparison.deltas:
        name = f"{dutch_name(d.name, comparison.k)} ({d.name})"
        cells = (name, number(d.name, d.old), number(d.name, d.new))
        lines.append(f"| {' | '.join(cells)} | {_sign(d)} |")
    lines.append("")
    groups = [(PASSED, L["flipped_pass"]), (FAILED, L["flipped_fail"]), (REVIEW, L["flipped_review"])]
    for status, title in groups:
        flips = [f for f in comparison.flips if f.new == status]
        if flips:
            lines += [f"**{title.format(n=len(flips))}**", ""]
            lines += [
                "- "
                + L["flip_line"].format(
                    id=escape(f.id), question=escape(" ".join(f.question.split())), old=L[f.old], new=L[f.new]
                )
                for f in flips
            ]
            lines.append("")
    for title, ids in ((L["added"], comparison.added), (L["removed"], comparison.removed)):
        if ids:
            lines += [f"{title}: {', '.join(ids)}", ""]
    if not comparison.flips:
        lines.append(L["no_flips"])
    return "\n".join(lines).rstrip()
