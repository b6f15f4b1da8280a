"""Test runs in the Toetsen tab: the report files of a run, and the earlier runs of every app instance
(from the shared database): listed, opened again as the report they were, and compared two by two.

Every handler checks the login itself.
"""

from __future__ import annotations

from typing import Any

from assistant import texts
from assistant.web.session import STORAGE_ERRORS, Session, describe_storage

W = texts.WEB
HISTORY_METRICS = ("answer_fact_recall", "refusal_accuracy", "refusal_recall", "false_refusal_rate")


def write_report(app: Session, report: Any) -> list[str]:
    """The report as HTML, Markdown, JSON and CSV under the data folder; returns the file paths."""
    from assistant.evaluation import reports

    base = app.export_path("toetsrapport", "")
    files = []
    for suffix, render in (
        (".html", reports.to_html),
        (".md", reports.to_markdown),
        (".json", reports.to_json),
        (".csv", reports.to_csv),
    ):
        path = base.with_name(base.name + suffix)
        path.write_text(render(report), encoding="utf-8")
        files.append(str(path))
    return files


def outcome(passed: int, cases: int, to_review: int) -> str:
    """'8 van 9', '2 van 3, 1 te beoordelen' or '4 te beoordelen': passed of the judged, the rest apart."""
    if to_review == cases:
        return W["runs_review_only"].format(n=to_review)
    text = W["runs_passed"].format(passed=passed, judged=cases - to_review)
    return text + W["runs_review"].format(n=to_review) if to_review else text


def runs_overview(app: Session, authed: bool) -> tuple[str, list[list[Any]], list[tuple[str, int]]]:
    """(message, table rows, choices) of the earlier runs, newest first, from every app instance."""
    from assistant.evaluation.summary import dutch_name, number
    from assistant.web.records import local_time

    if not app.allowed(authed):
        return W["login_required"], [], []
    try:
        runs = app.history.runs()
    except STORAGE_ERRORS as error:
        return describe_storage(error, app.settings.data_dir), [], []
    rows, choices = [], []
    for run in runs:
        figures = [number(m, run.summary.get(m)) for m in HISTORY_METRICS]
        when = local_time(run.created)
        rows.append([run.id, when, run.source, run.origin, outcome(run.passed, run.cases, run.to_review),
                     *figures])  # fmt: skip
        choices.append((W["runs_choice"].format(id=run.id, when=when, source=run.source), run.id))
    heads = ", ".join(dutch_name(m) for m in HISTORY_METRICS)
    return (W["runs_count"].format(n=len(runs), metrics=heads) if runs else W["runs_none"]), rows, choices


def open_run(app: Session, run_id: Any, authed: bool) -> tuple[str, Any, list[str]]:
    """(summary Markdown headed by which run it is, the report or None, its files again)."""
    from assistant.answering.rendering import escape
    from assistant.web.eval_views import summary_markdown
    from assistant.web.records import local_time

    if not app.allowed(authed):
        return W["login_required"], None, []
    if run_id in (None, "") or not str(run_id).isdigit():
        return W["runs_pick_one"], None, []
    try:
        report, info = app.history.report(int(run_id)), app.history.run(int(run_id))
        files = write_report(app, report) if report is not None else []
    except STORAGE_ERRORS as error:
        return describe_storage(error, app.settings.data_dir), None, []
    if report is None or info is None:
        return W["runs_missing"], None, []
    heading = W["runs_opened"].format(
        id=info.id, when=local_time(info.created), source=escape(info.source), origin=info.origin,
        revision=info.revision[:12] or "?",
    )  # fmt: skip
    return f"### {heading}\n\n{summary_markdown(report)}", report, files


def compare_two(app: Session, old_id: Any, new_id: Any, authed: bool) -> str:
    """Which cases flipped between two stored runs, with the metric deltas (as `wibb eval --compare`)."""
    from assistant.evaluation.compare import compare_runs, comparison_markdown
    from assistant.web.records import local_time

    if not app.allowed(authed):
        return W["login_required"]
    if old_id in (None, "") or new_id in (None, ""):
        return W["runs_pick_two"]
    try:
        old, new = app.history.load(int(old_id)), app.history.load(int(new_id))
    except STORAGE_ERRORS as error:
        return describe_storage(error, app.settings.data_dir)
    if old is None or new is None:
        return W["runs_missing"]
    label = W["runs_choice"].format(id=old_id, when=local_time(old["created"]), source=old["source"])
    return comparison_markdown(compare_runs(old, new, app.settings.retrieval.top_k, label))
