"""An `EvalReport` as files: JSON (`{"summary", "cases"}`), Markdown, CSV and a self-contained HTML page
(a Jinja2 template with autoescape). Pure functions returning text; every Dutch word comes from texts.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
from dataclasses import asdict
from typing import Any

from markupsafe import Markup

from assistant import texts
from assistant.answering.rendering import escape
from assistant.core.results import Hit
from assistant.core.tables import safe_cell
from assistant.evaluation.compare import Comparison, comparison_markdown
from assistant.evaluation.scoring import CONVERSATION_METRICS, CaseResult, EvalReport, metric_names, number

L = texts.EVAL_LABELS


def summary_rows(report: EvalReport) -> list[tuple[str, float | None, str]]:
    """(metric, value, Dutch meaning) in a fixed order. A metric no case applied to has value None
    ("niet gemeten"); faithfulness is only shown when a judge ran, the conversation metrics only for a
    set with conversations."""
    meanings = {name.format(k=report.k): text.format(k=report.k) for name, text in texts.EVAL_METRICS.items()}
    return [
        (name, report.summary.get(name), meanings.get(name, ""))
        for name in metric_names(report.k)
        if name in report.summary or not _optional(name, report)
    ]


def _optional(name: str, report: EvalReport) -> bool:
    conversational = name in CONVERSATION_METRICS or name.startswith("followup_")
    return name == "faithfulness" or (conversational and "conversations" not in report.summary)


def overview(report: EvalReport) -> str:
    cases, passed = int(report.summary.get("cases", 0)), int(report.summary.get("passed", 0))
    percent = round(100 * passed / cases) if cases else 0
    if "conversations" in report.summary:
        conversations = int(report.summary["conversations"])
        return L["overview_conversations"].format(conversations=conversations, cases=cases, passed=passed,
                                                  percent=percent)  # fmt: skip
    return L["overview_one" if cases == 1 else "overview"].format(cases=cases, passed=passed, percent=percent)


# -- JSON and CSV (for machines; the CSV opens in a spreadsheet) ---------------------------------------


def _passage(hit: Hit) -> dict[str, Any]:
    chunk = hit.chunk
    return {"rank": hit.rank, "doc_id": chunk.doc.id, "chunk_id": chunk.id, "titel": chunk.doc.titel,
            "heading": " > ".join(chunk.heading), "text": chunk.text, "score": hit.score}  # fmt: skip


def case_json(case: CaseResult) -> dict[str, Any]:
    data = asdict(case)
    data["passages"] = [_passage(p) for p in case.passages]
    return data


def to_json(report: EvalReport) -> str:
    cases = [case_json(case) for case in report.cases]
    return json.dumps({"summary": report.summary, "cases": cases}, ensure_ascii=False, indent=2)


def to_csv(report: EvalReport) -> str:
    metrics = [name for name in metric_names(report.k) if any(name in c.metrics for c in report.cases)]
    header = [
        "id",
        L["question"],
        L["query"],
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
        reasons = safe_cell(" | ".join(case.reasons))
        cells = [safe_cell(case.id), safe_cell(case.question), safe_cell(case.query), *flags, *values,
                 f"{case.latency_ms:.1f}"]  # fmt: skip
        writer.writerow([*cells, reasons, *ids, safe_cell(case.answer)])
    return out.getvalue()


# -- Markdown ----------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text in a Markdown table cell: HTML, links and pipes neutralised, one line."""
    return escape(" ".join(text.split())).replace("|", "\\|")


def summary_table(report: EvalReport) -> list[str]:
    """The metrics with their value and Dutch meaning as a Markdown table (reports and the Toetsen tab)."""
    lines = [f"| {L['metric']} | {L['value']} | {L['meaning']} |", "|---|---|---|"]
    return lines + [
        f"| {dutch_name(name, report.k)} ({name}) | {number(name, value)} | {meaning} |"
        for name, value, meaning in summary_rows(report)
    ]


def dutch_name(name: str, k: int = 5) -> str:
    """The Dutch name of a metric for people ("Feiten in het antwoord" for answer_fact_recall)."""
    names = {key.format(k=k): label for key, label in texts.EVAL_METRIC_NAMES.items()}
    return names.get(name, name)


def to_markdown(report: EvalReport) -> str:
    lines = [f"# {L['title']}", ""]
    if report.source:
        lines += [f"{L['question_set']}: {_md(report.source)}", ""]
    lines += [f"## {L['summary']}", "", overview(report), "", *summary_table(report)]
    lines += [
        "",
        f"## {L['cases']}",
        "",
        f"| {L['id']} | {L['result']} | {L['question']} | {L['query']} | {L['answer']} | {L['reasons']} |",
        "|---|---|---|---|---|---|",
    ]
    for case in report.cases:
        result = L["passed"] if case.passed else L["failed"]
        answer = f"({L['refused']}) {case.answer}" if case.refused else case.answer
        reasons = "<br>".join(_md(r) for r in case.reasons)
        query = _md(case.query) if case.query and case.query != case.question else ""
        row = [_md(case.id), result, _md(case.question), query, _md(answer), reasons]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


# -- HTML: one self-contained page for a non-programmer (templates/report.html.j2) -------------------


def _escape(value: object) -> Markup:
    """Autoescape as `html.escape` does it (quotes included), for every value the template prints."""
    return value if isinstance(value, Markup) else Markup(html.escape(str(value), quote=True))


@functools.cache
def _template() -> Any:
    from jinja2 import Environment, PackageLoader

    env = Environment(
        loader=PackageLoader("assistant.evaluation", "templates"), autoescape=True, finalize=_escape
    )
    return env.get_template("report.html.j2")


def _case_view(case: CaseResult) -> dict[str, Any]:
    view = asdict(case)
    view["facts"] = "; ".join(" / ".join(f) for f in case.expect_facts)
    view["passages"] = [_passage(p) for p in case.passages]
    return view


def to_html(report: EvalReport, comparison: Comparison | None = None) -> str:
    from importlib import resources

    css = resources.files(__package__).joinpath("templates", "report.css").read_text(encoding="utf-8")
    heads = [L["question"], L["result"], L["answer"], L["cited"], L["retrieved"], L["latency"]]
    page = _template().render(
        L=L,
        css=Markup(css),
        source=report.source,
        overview=overview(report),
        summary=[(name, number(name, value), meaning) for name, value, meaning in summary_rows(report)],
        comparison=comparison_markdown(comparison) if comparison else "",
        heads=heads,
        cases=[_case_view(case) for case in report.cases],
    )
    return page + "\n"


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
