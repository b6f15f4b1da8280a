"""The organiser's feedback records in the Toetsen tab: every 👍/👎 with the answer it was about and the
conversation before it, one opened whole, exports, and 👎 turned into test questions (earlier test runs:
`web.runs`).

Read from the shared database (SQLite in the data folder, or `WIBB_DATABASE_URL`), so every app instance
shows the 👍/👎 of all of them. Every handler checks the login itself.
"""

from datetime import datetime
from typing import Any

from assistant import texts
from assistant.feedback.exports import to_csv, to_json, to_question_yaml
from assistant.feedback.store import DISLIKE, LIKE
from assistant.web.session import STORAGE_ERRORS, Session, describe_storage

W = texts.WEB
ANSWER_CHARS = 240  # of the answer in the table; the whole one opens with a click


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
        [e.id, local_time(e.created), "👍" if e.rating == LIKE else "👎", " → ".join(e.context), e.question,
         _short(e.answer, ANSWER_CHARS), e.comment, ", ".join(e.cited)]
        for e in reversed(entries)
    ]  # fmt: skip
    dislikes = [(f"{e.id}: {e.question[:80]}", e.id) for e in reversed(entries) if e.rating == DISLIKE]
    return W["feedback_counts"].format(likes=likes, dislikes=len(entries) - likes), rows, dislikes


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def feedback_detail(app: Session, entry_id: Any, authed: bool) -> str:
    """One rating whole: the conversation before it, the question, the answer that was rated, the comment,
    the sources and filters (all text escaped)."""
    from assistant.answering.rendering import escape, escape_answer

    if not app.allowed(authed):
        return W["login_required"]
    try:
        found = app.feedback.entries(ids=[int(entry_id)]) if str(entry_id).isdigit() else []
    except STORAGE_ERRORS as error:
        return describe_storage(error, app.settings.data_dir)
    if not found:
        return W["feedback_pick_row"]
    e = found[0]
    rating = "👍" if e.rating == LIKE else "👎"
    lines = [
        f"### {rating} {escape(e.question)}",
        f"*{W['feedback_row'].format(id=e.id, when=local_time(e.created))}*",
    ]
    if e.context:
        lines.append(f"**{W['feedback_context']}:**")
        lines += [f"{n}. {escape(q)}" for n, q in enumerate(e.context, start=1)]
    refused = f" ({W['eval_case_refused']})" if e.refused else ""
    lines.append(f"**{W['feedback_answer']}{refused}:**\n\n{escape_answer(e.answer)}")
    if e.comment:
        lines.append(f"**{W['feedback_comment']}:** {escape(e.comment)}")
    if e.cited:
        lines.append(f"**{W['feedback_cited']}:** {escape(', '.join(e.cited))}")
    filters = "; ".join(f"{k}: {', '.join(v)}" for k, v in e.filters.items() if v)
    if filters:
        lines.append(f"**{W['feedback_filters']}:** {escape(filters)}")
    if e.query and e.query != e.question:
        lines.append(f"**{W['eval_case_query']}:** {escape(e.query)}")
    return "\n\n".join(lines)


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
