"""An `EvalReport` as files: JSON (`{"summary", "cases"}`), Markdown, CSV and a self-contained HTML page
(a Jinja2 template with autoescape). Pure functions returning text; every Dutch word comes from texts.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
from typing import Any

from markupsafe import Markup

from assistant import texts
from assistant.answering.rendering import escape
from assistant.core.tables import safe_cell
from assistant.evaluation.compare import Comparison, comparison_markdown
from assistant.evaluation.results import REVIEW, CaseResult, EvalReport
from assistant.evaluation.stored import case_json, passage_json, report_json
from assistant.evaluation.summary import CONVERSATION_METRICS, dutch_name, metric_names, number

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
    """One line: how many questions, how many passed of those judged, how many are still to review."""
    summary = report.summary
    cases, passed = int(summary.get("cases", 0)), int(summary.get("passed", 0))
    review = int(summary.get("to_review", 0))
    judged = cases - review
    percent = round(100 * passed / judged) if judged else 0
    questions = L["questions_one" if cases == 1 else "questions"].format(cases=cases)
    if "conversations" in summary:
        conversations = int(summary["conversations"])
        talks = L["conversation_one" if conversations == 1 else "conversations"].format(n=conversations)
        singles = sum(not c.conversation for c in report.cases)
        apart = L["single_one" if singles == 1 else "singles"].format(n=singles)
        key = "mixed_of" if singles else "conversations_of"
        questions = L[key].format(conversations=talks, singles=apart, questions=questions)
    if review and not judged:
        return L["overview_review_only"].format(questions=questions, review=review)
    if review:
        failed = judged - passed
        return L["overview_review"].format(questions=questions, passed=passed, failed=failed, judged=judged,
                                           percent=percent, review=review)  # fmt: skip
    return L["overview"].format(questions=questions, passed=passed, percent=percent)


def status_label(case: CaseResult) -> str:
    """geslaagd, niet geslaagd or te beoordelen."""
    return L[case.status]


def pass_meaning(k: int = 5) -> str:
    """Exactly what "geslaagd" means, for the reports and the Toetsen tab."""
    return L["pass_means"].format(k=k)


def explanation(case: CaseResult) -> list[str]:
    """Why a case has its outcome, then what is only information."""
    return [*case.reasons, *case.notes]


# -- JSON and CSV (for machines; the CSV opens in a spreadsheet) ---------------------------------------


def to_json(report: EvalReport) -> str:
    return json.dumps(report_json(report), ensure_ascii=False, indent=2)


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
        flags = [status_label(case), L["yes"] if case.refused else L["no"]]
        flags.append(L["yes"] if case.answerable else L["no"])
        ids = [" ".join(case.cited_ids), " ".join(case.retrieved_ids)]
        reasons = safe_cell(" | ".join(explanation(case)))
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


def to_markdown(report: EvalReport) -> str:
    lines = [f"# {L['title']}", ""]
    if report.source:
        lines += [f"{L['question_set']}: {_md(report.source)}", ""]
    if report.reader:
        lines += [f"{L['reader']}: {_md(report.reader)}", ""]
    lines += [f"## {L['summary']}", "", overview(report), "", *summary_table(report)]
    lines += ["", f"## {L['pass_heading']}", "", pass_meaning(report.k)]
    lines += [
        "",
        f"## {L['cases']}",
        "",
        f"| {L['id']} | {L['result']} | {L['question']} | {L['query']} | {L['answer']} | {L['reasons']} |",
        "|---|---|---|---|---|---|",
    ]
    for case in report.cases:
        result = status_label(case)
        answer = f"({L['refused']}) {case.answer}" if case.refused else case.answer
        reasons = "<br>".join(_md(r) for r in explanation(case))
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
    view = case_json(case)
    view["label"] = status_label(case)
    view["facts"] = "; ".join(" / ".join(f) for f in case.expect_facts)
    view["passages"] = [passage_json(p) for p in case.passages]
    return view


def to_html(report: EvalReport, comparison: Comparison | None = None) -> str:
    from importlib import resources

    css = resources.files(__package__).joinpath("templates", "report.css").read_text(encoding="utf-8")
    heads = [L["question"], L["result"], L["answer"], L["cited"], L["retrieved"], L["latency"]]
    page = _template().render(
        L=L,
        css=Markup(css),
        source=report.source,
        reader=report.reader,
        overview=overview(report),
        pass_meaning=pass_meaning(report.k),
        summary=[(name, number(name, value), meaning) for name, value, meaning in summary_rows(report)],
        comparison=comparison_markdown(comparison) if comparison else "",
        heads=heads,
        cases=[_case_view(case) for case in report.cases],
    )
    return page + "\n"


def terminal_summary(report: EvalReport, max_failures: int = 20, cases: bool = True) -> str:
    """What `wibb eval` prints: the overview, the metrics, the failed cases with their reasons (not with
    `cases=False`: a held-out part's cases are not to be read)."""
    lines = [f"{L['question_set']}: {report.source}"] if report.source else []
    lines += [f"{L['reader']}: {report.reader}"] if report.reader else []
    lines.append(overview(report))
    width = max((len(name) for name, _, _ in summary_rows(report)), default=0)
    lines += [f"  {name:<{width}}  {number(name, value)}" for name, value, _ in summary_rows(report)]
    if not cases:
        return "\n".join(lines)
    failed = [case for case in report.cases if case.status == "failed"]
    if failed:
        lines += ["", f"{L['failures']}:"]
        lines += [f"- {case.id}: {'; '.join(case.reasons)}" for case in failed[:max_failures]]
        if len(failed) > max_failures:
            lines.append(L["more_failures"].format(n=len(failed) - max_failures))
    review = [case for case in report.cases if case.status == REVIEW]
    if review:  # listed by question: what the organiser still has to fill in
        lines += ["", L["to_review_heading"].format(n=len(review))]
        lines += [f"- {case.id}: {case.question}" for case in review[:max_failures]]
        if len(review) > max_failures:
            lines.append(L["more_failures"].format(n=len(review) - max_failures))
    return "\n".join(lines)
