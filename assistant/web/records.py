"""The organiser's records in the Toetsen tab: earlier test runs and feedback.

Both are read from the shared database (SQLite in the data folder, or `WIBB_DATABASE_URL`), so every app
instance shows the runs and the 👍/👎 of all of them. Every handler checks the login itself.
"""

from datetime import datetime
from typing import Any

from assistant import texts
from assistant.feedback.exports import to_csv, to_json, to_question_yaml
from assistant.feedback.store import DISLIKE, LIKE
from assistant.web.session import STORAGE_ERRORS, Session, describe_storage

W = texts.WEB
HISTORY_METRICS = ("answer_fact_recall", "refusal_accuracy", "refusal_recall", "false_refusal_rate")


# -- earlier runs ------------------------------------------------------------------------------------


def runs_overview(app: Session, authed: bool) -> tuple[str, list[list[Any]], list[tuple[str, int]]]:
    """(message, table rows, choices) of the earlier runs, newest first, from every app instance."""
    from assistant.evaluation.reports import dutch_name
    from assistant.evaluation.scoring import number

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
        rows.append(
            [run.id, when, run.source, run.revision[:12], run.origin, f"{run.passed} / {run.cases}", *figures]
        )
        choices.append((W["runs_choice"].format(id=run.id, when=when, source=run.source), run.id))
    heads = ", ".join(dutch_name(m) for m in HISTORY_METRICS)
    return (W["runs_count"].format(n=len(runs), metrics=heads) if runs else W["runs_none"]), rows, choices


def compare_two(app: Session, old_id: Any, new_id: Any, authed: bool) -> str:
    """Which cases flipped between two stored runs, with the metric deltas (as `wibb eval --compare`)."""
    from assistant.evaluation.compare import compare_runs, comparison_markdown

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


# -- feedback -----------------------------------------------------------------------------------------


def local_time(created: str) -> str:
    """A stored UTC time ('2024-06-01T10:00:00+00:00') as the server's local time, to the minute."""
    try:
        return datetime.fromisoformat(created).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created


def feedback_overview(app: Session, authed: bool) -> tuple[str, list[list[Any]], list[tuple[str, int]]]:
    """(counts, table rows, 👎 choices) for the organisers."""
    if not app.allowed(authed):
        return W["login_required"], [], []
    try:
        entries = app.feedback.entries()
    except STORAGE_ERRORS as error:
        return describe_storage(error, app.settings.data_dir), [], []
    likes = sum(e.rating == LIKE for e in entries)
    rows = [
        [e.id, local_time(e.created), "👍" if e.rating == LIKE else "👎", e.question, e.comment,
         ", ".join(e.cited)]
        for e in reversed(entries)
    ]  # fmt: skip
    dislikes = [(f"{e.id}: {e.question[:80]}", e.id) for e in reversed(entries) if e.rating == DISLIKE]
    return W["feedback_counts"].format(likes=likes, dislikes=len(entries) - likes), rows, dislikes


def export_feedback(app: Session, authed: bool) -> tuple[str, list[str]]:
    """(message, [CSV file, JSON file]) with all feedback."""
    if not app.allowed(authed):
        return W["login_required"], []
    try:
        entries = app.feedback.entries()
        csv_path = app.export_path("feedback", ".csv")
        csv_path.write_text(to_csv(entries), encoding="utf-8")
        json_path = csv_path.with_suffix(".json")
        json_path.write_text(to_json(entries), encoding="utf-8")
    except STORAGE_ERRORS as error:
        return describe_storage(error, app.settings.data_dir), []
    return W["feedback_exported"].format(n=len(entries)), [str(csv_path), str(json_path)]


def dislikes_to_questions(app: Session, ids: list[Any] | None, authed: bool) -> tuple[str, list[str]]:
    """A question-set YAML from the chosen 👎 (all when none chosen), ready for `wibb eval`."""
    if not app.allowed(authed):
        return W["login_required"], []
    chosen = [int(i) for i in ids or [] if str(i).isdigit()]
    try:
        entries = app.feedback.entries(rating=DISLIKE, ids=chosen or None)
        if not entries:
            return W["feedback_none"], []
        path = app.export_path("toetsvragen-uit-feedback", ".yaml")
        path.write_text(to_question_yaml(entries), encoding="utf-8")
    except STORAGE_ERRORS as error:
        return describe_storage(error, app.settings.data_dir), []
    return texts.FEEDBACK_CLI["questions_written"].format(n=len(entries), path=path.name), [str(path)]
