"""The Toetsen tab's handlers: run a question set, show and download the report, export feedback.

Only for organisers: every handler checks the session's login (when `WIBB_AUTH` is set) itself,
because Gradio endpoints can be called without the page. Uploads are size-checked and parsed
from memory with the safe parsers of `assistant.questionset`; files are written only under the
data folder, under names chosen here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.errors import QuestionSetError
from assistant.feedback import DISLIKE, LIKE, to_csv, to_json, to_question_yaml
from assistant.webapp import STORAGE_ERRORS, WebApp, describe, describe_storage

W = texts.WEB
ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
UPLOAD = "upload"
ANSWER_CHARS = 400


def shipped_sets(root: Path = ROOT) -> dict[str, Path]:
    """The question sets that come with the repository (evals/*.yaml|csv), by file name."""
    folder = root / "evals"
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if p.suffix.lower() in SUFFIXES and p.is_file()}


def set_choices(sets: dict[str, Path]) -> list[tuple[str, str]]:
    return [*((name, name) for name in sets), (W["eval_upload_choice"], UPLOAD)]


def read_cases(app: WebApp, choice: str, upload: str | None, sets: dict[str, Path]) -> tuple[list[Any], str]:
    """(cases, name of the set); raises QuestionSetError with a Dutch reason."""
    from assistant.questionset import decode, load_cases, parse_cases

    if choice != UPLOAD and choice in sets:
        return load_cases(sets[choice]), choice
    path, fmt = check_upload(app, upload)
    text = decode(path.read_bytes(), path.name)
    return parse_cases(text, path.name, fmt), path.name


def megabytes(value: float) -> str:
    """Dutch notation: 2 -> '2', 2.5 -> '2,5'."""
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def check_upload(app: WebApp, upload: str | None) -> tuple[Path, str]:
    """(path, "yaml" or "csv") of an acceptable upload; raises QuestionSetError with a Dutch reason."""
    if not upload:
        raise QuestionSetError("", W["eval_need_file"])
    path = Path(upload)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise QuestionSetError(path.name, W["eval_bad_type"])
    limit = app.settings.web.max_upload_mb
    size = path.stat().st_size
    if size > limit * 1_000_000:
        too_large = W["eval_too_large"].format(size=megabytes(size / 1_000_000), limit=megabytes(limit))
        raise QuestionSetError(path.name, too_large)
    return path, fmt


def set_problem(error: QuestionSetError) -> str:
    """Why a question set cannot be used, naming the file when there is one (no upload has none)."""
    return f"⚠️ {describe(error) if error.source else error.reason}"


def summary_markdown(report: Any) -> str:
    """The overview line and the metrics with their Dutch meaning, as in the report files."""
    from assistant import reports

    labels = texts.EVAL_LABELS
    lines = [
        f"**{reports.overview(report)}**",
        "",
        f"| {labels['metric']} | {labels['value']} | {labels['meaning']} |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {reports.number(name, value)} | {meaning} |" for name, value, meaning in
              reports.summary_rows(report)]  # fmt: skip
    return "\n".join(lines)


def case_rows(report: Any) -> list[list[str]]:
    rows = []
    for case in report.cases:
        answer = case.answer if len(case.answer) <= ANSWER_CHARS else case.answer[: ANSWER_CHARS - 1] + "…"
        rows.append([
            case.id,
            case.question,
            W["yes"] if case.passed else W["no"],
            "; ".join(case.reasons),
            answer,
            ", ".join(dict.fromkeys(case.retrieved_ids)),
        ])  # fmt: skip
    return rows


def write_report(app: WebApp, report: Any) -> list[str]:
    """The report as HTML, Markdown, JSON and CSV under the data folder; returns the file paths."""
    from assistant import reports

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


def run_eval(
    app: WebApp,
    choice: str,
    upload: str | None,
    authed: bool,
    progress: Callable[[int, int], None] | None = None,
    sets: dict[str, Path] | None = None,
) -> tuple[str, list[list[str]], list[str]]:
    """(summary Markdown, per-question rows, report files)."""
    from assistant import evaluation

    if not app.allowed(authed):
        return W["login_required"], [], []
    try:
        cases, name = read_cases(app, choice, upload, shipped_sets() if sets is None else sets)
    except QuestionSetError as error:
        return set_problem(error), [], []
    try:
        report = evaluation.run_cases(
            app.assistant(), cases, k=app.settings.retrieval.top_k, progress=progress, source=name
        )
        return summary_markdown(report), case_rows(report), write_report(app, report)
    except Exception as error:
        return f"⚠️ {describe(error)}", [], []


# -- feedback -----------------------------------------------------------------------------------------


def local_time(created: str) -> str:
    """A stored UTC time ('2024-06-01T10:00:00+00:00') as the server's local time, to the minute."""
    try:
        return datetime.fromisoformat(created).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created


def feedback_overview(app: WebApp, authed: bool) -> tuple[str, list[list[Any]], list[tuple[str, int]]]:
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


def export_feedback(app: WebApp, authed: bool) -> tuple[str, list[str]]:
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


def dislikes_to_questions(app: WebApp, ids: list[Any] | None, authed: bool) -> tuple[str, list[str]]:
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
