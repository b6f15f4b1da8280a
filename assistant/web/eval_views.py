"""A test run as the Toetsen tab shows it: the summary, the case table (failures first) and one whole case.

Pure functions of an `EvalReport`; every text from a case is escaped before it becomes Markdown.
"""

from typing import Any

from assistant import texts

W = texts.WEB
ANSWER_CHARS = 400


def summary_markdown(report: Any) -> str:
    """The overview line and the metrics with their Dutch meaning, as in the report files."""
    from assistant.evaluation import reports

    reader = [f"{texts.EVAL_LABELS['reader']}: {report.reader}", ""] if getattr(report, "reader", "") else []
    return "\n".join([f"**{reports.overview(report)}**", "", *reader, *reports.summary_table(report)])


def ordered_cases(report: Any, only_failed: bool = False) -> list[Any]:
    """The cases as the tab lists them: the failed ones first (or only those), then those to review."""
    failed = [c for c in report.cases if c.status == "failed"]
    if only_failed:
        return failed
    return failed + [c for c in report.cases if c.status == "review"] + [c for c in report.cases if c.passed]


def case_rows(report: Any, only_failed: bool = False) -> list[list[str]]:
    rows = []
    for case in ordered_cases(report, only_failed):
        answer = case.answer if len(case.answer) <= ANSWER_CHARS else case.answer[: ANSWER_CHARS - 1] + "…"
        rows.append([
            case.id,
            case.question,
            case.query if case.query and case.query != case.question else "",  # a follow-up's own search
            texts.EVAL_LABELS[case.status],
            "; ".join([*case.reasons, *case.notes]),
            answer,
            ", ".join(dict.fromkeys(case.retrieved_ids)),
        ])  # fmt: skip
    return rows


def case_markdown(case: Any) -> str:
    """Everything of one case, for the organiser who clicked its row: question, search, expectations,
    result and reasons, the whole answer and the passages that were retrieved (all text escaped)."""
    from assistant.answering.rendering import escape

    lines = [f"### {escape(case.question)}", f"*{escape(case.id)}*"]
    if case.query and case.query != case.question:
        lines.append(f"**{W['eval_case_query']}:** {escape(case.query)}")
    expected = [" / ".join(f) for f in case.expect_facts]
    if expected or case.expect_sources:
        facts = "; ".join(expected + [f"bron {s}" for s in case.expect_sources])
        lines.append(f"**{W['eval_case_expected']}:** {escape(facts)}")
    lines.append(f"**{texts.EVAL_LABELS[case.status]}**")
    if case.reasons:
        lines.append(f"**{W['eval_case_reasons']}:**")
        lines += [f"- {escape(reason)}" for reason in case.reasons]
    if case.notes:
        lines.append(f"**{W['eval_case_notes']}:**")
        lines += [f"- {escape(note)}" for note in case.notes]
    refused = f" ({W['eval_case_refused']})" if case.refused else ""
    lines.append(f"**{W['eval_case_answer']}{refused}:**\n\n{escape(case.answer)}")
    if case.passages:
        lines.append(f"**{W['eval_case_passages']}:**")
        for hit in case.passages:
            heading = f" – {' > '.join(hit.chunk.heading)}" if hit.chunk.heading else ""
            lines.append(f"{hit.rank}. **{escape(hit.chunk.doc.titel + heading)}**: {escape(hit.chunk.text)}")
    return "\n\n".join(lines)
