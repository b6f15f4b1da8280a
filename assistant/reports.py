"""An `EvalReport` as files: JSON (`{"summary", "cases"}`), Markdown, CSV and a self-contained HTML page,
plus the comparison with a previous run. Pure functions returning text; every Dutch word comes from texts.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant import texts
from assistant.evaluation import CaseResult, EvalReport, metric_names
from assistant.rendering import escape

L = texts.EVAL_LABELS


def summary_rows(report: EvalReport) -> list[tuple[str, float | None, str]]:
    """(metric, value, Dutch meaning) in a fixed order. A metric no case applied to has value None
    ("niet gemeten"); faithfulness is only shown when a judge ran."""
    meanings = {name.format(k=report.k): text.format(k=report.k) for name, text in texts.EVAL_METRICS.items()}
    return [
        (name, report.summary.get(name), meanings.get(name, ""))
        for name in metric_names(report.k)
        if name in report.summary or name != "faithfulness"
    ]


def number(name: str, value: float | None) -> str:
    """Dutch notation for people: '0,953', '87%', '123 ms'; 'niet gemeten' for a missing value (None, NaN)."""
    if value is None or value != value:
        return L["not_measured_value"]
    if name.endswith("_ms"):
        return f"{value:.0f} ms"
    if name == "pass_rate":
        return f"{value * 100:.0f}%"
    return f"{value:.3f}".replace(".", ",")


def overview(report: EvalReport) -> str:
    cases, passed = int(report.summary.get("cases", 0)), int(report.summary.get("passed", 0))
    percent = round(100 * passed / cases) if cases else 0
    return L["overview"].format(cases=cases, passed=passed, percent=percent)


# -- JSON and CSV (for machines; the CSV opens in a spreadsheet) ---------------------------------------


def to_json(report: EvalReport) -> str:
    cases = [asdict(case) for case in report.cases]
    return json.dumps({"summary": report.summary, "cases": cases}, ensure_ascii=False, indent=2)


def _cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: keep text as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(report: EvalReport) -> str:
    metrics = [name for name in metric_names(report.k) if any(name in c.metrics for c in report.cases)]
    header = [
        "id",
        L["question"],
        L["result"],
        L["refused_column"],
        L["answerable"],
        *metrics,
        L["latency"],
        L["reasons"],
        L["cited"],
        L["retrieved"],
        L["answer"],
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for case in report.cases:
        values = ["" if (v := case.metrics.get(name)) is None else f"{v:.4f}" for name in metrics]
        flags = [L["passed"] if case.passed else L["failed"], L["yes"] if case.refused else L["no"]]
        flags.append(L["yes"] if case.answerable else L["no"])
        ids = [" ".join(case.cited_ids), " ".join(case.retrieved_ids)]
        reasons = _cell(" | ".join(case.reasons))
        writer.writerow(
            [_cell(case.id), _cell(case.question), *flags, *values, f"{case.latency_ms:.1f}", reasons, *ids,
             _cell(case.answer)]
        )  # fmt: skip
    return out.getvalue()


# -- Markdown ----------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text in a Markdown table cell: HTML, links and pipes neutralised, one line."""
    return escape(" ".join(text.split())).replace("|", "\\|")


def to_markdown(report: EvalReport) -> str:
    lines = [f"# {L['title']}", ""]
    if report.source:
        lines += [f"{L['question_set']}: {_md(report.source)}", ""]
    lines += [
        f"## {L['summary']}",
        "",
        overview(report),
        "",
        f"| {L['metric']} | {L['value']} | {L['meaning']} |",
        "|---|---|---|",
    ]
    lines += [
        f"| {name} | {number(name, value)} | {meaning} |" for name, value, meaning in summary_rows(report)
    ]
    lines += [
        "",
        f"## {L['cases']}",
        "",
        f"| {L['id']} | {L['result']} | {L['question']} | {L['answer']} | {L['reasons']} |",
        "|---|---|---|---|---|",
    ]
    for case in report.cases:
        result = L["passed"] if case.passed else L["failed"]
        answer = f"({L['refused']}) {case.answer}" if case.refused else case.answer
        reasons = "<br>".join(_md(r) for r in case.reasons)
        lines.append(f"| {_md(case.id)} | {result} | {_md(case.question)} | {_md(answer)} | {reasons} |")
    return "\n".join(lines) + "\n"


# -- HTML: one self-contained page for a non-programmer -----------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #d0d0d5;padding:.45rem .6rem;vertical-align:top;text-align:left}
th{background:#f2f2f5}td.num{text-align:right;white-space:nowrap}
.ok{color:#0a6b2d;font-weight:600}.nok{color:#a4161a;font-weight:600}
tr.failed td:first-child{border-left:4px solid #a4161a}tr.passed td:first-child{border-left:4px solid #0a6b2d}
ul{margin:.2rem 0;padding-left:1.1rem}.muted{color:#606068}.quote{color:#404048}
details summary{cursor:pointer;color:#2a4d8f}
#alleen-fout:checked ~ table tr.passed{display:none}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _list(items: list[str]) -> str:
    return (
        "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
        if items
        else f"<span class=muted>{_e(L['none'])}</span>"
    )


def _case_row(case: CaseResult) -> str:
    status = (
        f"<span class=ok>{_e(L['passed'])}</span>"
        if case.passed
        else f"<span class=nok>{_e(L['failed'])}</span>"
    )
    expected = (
        [f"{_e(L['expect_facts'])}: " + "; ".join(" / ".join(_e(a) for a in f) for f in case.expect_facts)]
        if case.expect_facts
        else []
    )
    if case.expect_sources:
        expected.append(f"{_e(L['expect_sources'])}: " + ", ".join(_e(s) for s in case.expect_sources))
    if not case.answerable:
        expected.append(f"{_e(L['answerable'])}: {_e(L['no'])}")
    question = f"<b>{_e(case.question)}</b><br><span class=muted>{_e(case.id)}</span>" + _list(expected)
    answer = (f"<i>{_e(L['refused'])}:</i> " if case.refused else "") + _e(case.answer)
    cited = _list(
        [
            f"[{c.n}] {_e(c.titel)} <span class=muted>({_e(c.doc_id)})</span><br>"
            f"<span class=quote>“{_e(c.quote)}”</span>"
            for c in case.citations
        ]
    )
    passages = _list(
        [
            f"[{p.rank}] {_e(p.titel)}{' – ' + _e(p.heading) if p.heading else ''} "
            f"<span class=muted>({_e(p.doc_id)})</span><br><span class=quote>{_e(p.text)}</span>"
            for p in case.passages
        ]
    )
    retrieved = (
        f"<details><summary>{len(case.passages)} {_e(L['retrieved']).lower()}</summary>{passages}</details>"
    )
    reasons = _list([_e(r) for r in case.reasons]) if case.reasons else ""
    return (
        f"<tr class={'passed' if case.passed else 'failed'}><td>{question}</td><td>{status}{reasons}</td>"
        f"<td>{answer}</td><td>{cited}</td><td>{retrieved}</td><td class=num>{case.latency_ms:.0f}</td></tr>"
    )


def to_html(report: EvalReport, comparison: Comparison | None = None) -> str:
    summary = "".join(
        f"<tr><td>{_e(name)}</td><td class=num>{_e(number(name, value))}</td><td>{_e(meaning)}</td></tr>"
        for name, value, meaning in summary_rows(report)
    )
    heads = [L["question"], L["result"], L["answer"], L["cited"], L["retrieved"], L["latency"]]
    rows = "".join(_case_row(case) for case in report.cases)
    source = f"<p>{_e(L['question_set'])}: {_e(report.source)}</p>" if report.source else ""
    compared = f"<pre>{_e(comparison_markdown(comparison))}</pre>" if comparison else ""
    return (
        f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(L["title"])}</title>'
        f"<style>{_CSS}</style></head><body><h1>{_e(L['title'])}</h1>{source}"
        f"<h2>{_e(L['summary'])}</h2><p><b>{_e(overview(report))}</b></p>"
        f"<table><tr><th>{_e(L['metric'])}</th><th>{_e(L['value'])}</th><th>{_e(L['meaning'])}</th></tr>{summary}</table>"
        f"{compared}<h2>{_e(L['cases'])}</h2>"
        f'<input type="checkbox" id="alleen-fout"> <label for="alleen-fout">{_e(L["only_failed"])}</label>'
        f"<table><tr>{''.join(f'<th>{_e(h)}</th>' for h in heads)}</tr>{rows}</table></body></html>\n"
    )


# -- comparison with a previous run ------------------------------------------------------------------


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


def terminal_summary(report: EvalReport, max_failures: int = 20) -> str:
    """What `wibb eval` prints: the overview, the metrics, the failed cases with their reasons."""
    lines = [f"{L['question_set']}: {report.source}"] if report.source else []
    lines.append(overview(report))
    width = max((len(name) for name, _, _ in summary_rows(report)), default=0)
    lines += [f"  {name:<{width}}  {number(name, value)}" for name, value, _ in summary_rows(report)]
    failed = [case for case in report.cases if not case.passed]
    if failed:
        lines += ["", f"{L['failures']}:"]
        lines += [f"- {case.id}: {'; '.join(case.reasons)}" for case in failed[:max_failures]]
        if len(failed) > max_failures:
            lines.append(L["more_failures"].format(n=len(failed) - max_failures))
    return "\n".join(lines)
