"""The Toetsen tab: run a question set, show and download the report; earlier runs and feedback (`records`).

Only for organisers: every handler checks the session's login (when `WIBB_AUTH` is set) itself,
because Gradio endpoints can be called without the page. Uploads are size-checked and parsed
from memory with the safe parsers of `assistant.evaluation.questionset`; files are written only under
the data folder, under names chosen here.
"""

# No `from __future__ import annotations`: Gradio reads the gr.SelectData hint of `open_case` at runtime.
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.errors import QuestionSetError
from assistant.evaluation.history import revision_of
from assistant.web.eval_views import case_markdown, case_rows, ordered_cases, summary_markdown
from assistant.web.records import (
    compare_two,
    dislikes_to_questions,
    export_feedback,
    feedback_overview,
    runs_overview,
)
from assistant.web.session import STORAGE_ERRORS, Session, describe, describe_storage

W = texts.WEB
ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
UPLOAD = "upload"


def shipped_sets(root: Path = ROOT) -> dict[str, Path]:
    """The question sets that come with the repository (evals/*.yaml|csv), by file name."""
    folder = root / "evals"
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if p.suffix.lower() in SUFFIXES and p.is_file()}


def set_choices(sets: dict[str, Path]) -> list[tuple[str, str]]:
    return [*((name, name) for name in sets), (W["eval_upload_choice"], UPLOAD)]


def read_cases(app: Session, choice: str, upload: str | None, sets: dict[str, Path]) -> tuple[list[Any], str]:
    """(cases, name of the set); raises QuestionSetError with a Dutch reason."""
    from assistant.evaluation.questionset import decode, load_cases, parse_cases

    if choice != UPLOAD and choice in sets:
        return load_cases(sets[choice]), choice
    path, fmt = check_upload(app, upload)
    text = decode(path.read_bytes(), path.name)
    return parse_cases(text, path.name, fmt), path.name


def megabytes(value: float) -> str:
    """Dutch notation: 2 -> '2', 2.5 -> '2,5'."""
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def check_upload(app: Session, upload: str | None) -> tuple[Path, str]:
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


def run_eval(
    app: Session,
    choice: str,
    upload: str | None,
    authed: bool,
    progress: Callable[[int, int], None] | None = None,
    sets: dict[str, Path] | None = None,
) -> tuple[str, list[list[str]], list[str]]:
    """(summary Markdown, per-question rows with the failures first, report files)."""
    summary, report, files = run_report(app, choice, upload, authed, progress, sets)
    return summary, case_rows(report) if report is not None else [], files


def run_report(
    app: Session,
    choice: str,
    upload: str | None,
    authed: bool,
    progress: Callable[[int, int], None] | None = None,
    sets: dict[str, Path] | None = None,
) -> tuple[str, Any, list[str]]:
    """(summary Markdown, the report or None, report files)."""
    from assistant.evaluation.runner import run_cases

    if not app.allowed(authed):
        return W["login_required"], None, []
    try:
        cases, name = read_cases(app, choice, upload, shipped_sets() if sets is None else sets)
    except QuestionSetError as error:
        return set_problem(error), None, []
    try:
        assistant = app.assistant()
        report = run_cases(assistant, cases, k=app.settings.retrieval.top_k, progress=progress, source=name)
        files = write_report(app, report)
    except Exception as error:
        return f"⚠️ {describe(error)}", None, []
    text = summary_markdown(report)
    try:  # into the shared history: every instance's Toetsen tab lists it
        app.history.save(report, revision=revision_of(assistant), origin="toetsen")
    except STORAGE_ERRORS as error:
        text += "\n\n" + describe_storage(error, app.settings.data_dir)
    return text, report, files


def build_eval_tab(gr: Any, app: Session, tab: Any) -> None:
    """The tab's layout and events; the handlers are the functions above."""

    authed = gr.State(False)
    sets = shipped_sets()
    with gr.Group(visible=app.login_required) as login_box:
        gr.Markdown(W["login_intro"])
        user = gr.Textbox(label=W["login_user"])
        password = gr.Textbox(label=W["login_password"], type="password")
        login = gr.Button(W["login_button"], variant="primary")
        login_message = gr.Markdown()
    with gr.Column(visible=not app.login_required) as content:
        gr.Markdown(W["eval_intro"])
        with gr.Row():
            choices = set_choices(sets)
            choice = gr.Dropdown(choices, value=choices[0][1], label=W["eval_source"])
            # No file_types: Gradio would refuse other files with an English message; check_upload says
            # it in Dutch, and nothing runs until a usable set is chosen.
            upload = gr.File(
                label=W["eval_file"].format(mb=megabytes(app.settings.web.max_upload_mb)), type="filepath"
            )
        run = gr.Button(W["eval_run"], variant="primary")
        summary = gr.Markdown()
        only_failed = gr.Checkbox(label=W["eval_only_failed"], value=False)
        cases = gr.Dataframe(
            headers=texts.WEB_HEADERS["eval"], type="array", interactive=False, wrap=True, max_height=520,
            column_widths=["11%", "18%", "14%", "7%", "20%", "20%", "10%"],
        )  # fmt: skip
        case_detail = gr.Markdown(W["eval_case_pick"], elem_id="wibb-case")
        last_report = gr.State(None)
        gr.Markdown(f"### {W['runs_heading']}")
        runs_line = gr.Markdown()
        runs_table = gr.Dataframe(
            headers=texts.WEB_HEADERS["runs"], type="array", interactive=False, wrap=True, max_height=320
        )
        with gr.Row():
            run_old = gr.Dropdown([], label=W["runs_old"])
            run_new = gr.Dropdown([], label=W["runs_new"])
            compare = gr.Button(W["runs_compare"])
        comparison = gr.Markdown()
        report = gr.File(label=W["eval_report"], file_count="multiple", interactive=False)
        gr.Markdown(f"### {W['feedback_heading']}")
        counts = gr.Markdown()
        refresh = gr.Button(W["feedback_refresh"], size="sm")
        feedback_table = gr.Dataframe(
            headers=texts.WEB_HEADERS["feedback"], type="array", interactive=False, wrap=True,
            column_widths=["6%", "14%", "9%", "33%", "24%", "14%"],
        )  # fmt: skip
        with gr.Row():
            dislikes = gr.Dropdown([], multiselect=True, label=W["feedback_pick"])
            to_questions = gr.Button(W["feedback_to_questions"])
            export = gr.Button(W["feedback_export"])
        files_message = gr.Markdown()
        files = gr.File(label=W["feedback_files"], file_count="multiple", interactive=False)

    def earlier(state: bool):
        line, rows, picks = runs_overview(app, state)
        return line, rows, gr.update(choices=picks), gr.update(choices=picks)

    listed = [runs_line, runs_table, run_old, run_new]

    def do_login(name: str, secret: str, state: bool):
        ok, message = app.login(name, secret)
        ok = ok or state is True
        return ok, message, gr.update(visible=not ok), gr.update(visible=ok), ""

    def run_set(picked: str, uploaded: str | None, state: bool, progress=gr.Progress()):  # noqa: B008
        def step(done: int, total: int) -> None:
            progress(
                (done, total), desc=W["eval_progress"].format(done=done, total=total), unit=W["eval_unit"]
            )

        text, result, written = run_report(app, picked, uploaded, state, step)
        rows = case_rows(result) if result is not None else []
        return text, rows, written, result, W["eval_case_pick"]

    def overview(state: bool):
        line, rows, picks = feedback_overview(app, state)
        return line, rows, gr.update(choices=picks, value=[])

    login.click(
        do_login, [user, password, authed], [authed, login_message, login_box, content, password]
    ).then(overview, authed, [counts, feedback_table, dislikes]).then(earlier, authed, listed)

    def uploaded(path: str | None):
        try:
            check_upload(app, path)
            return gr.update(value=UPLOAD), ""
        except QuestionSetError as error:
            return gr.update(value=UPLOAD), set_problem(error)

    upload.upload(uploaded, upload, [choice, summary], api_visibility="private")

    run.click(run_set, [choice, upload, authed], [summary, cases, report, last_report, case_detail],
              api_name="toets").then(earlier, authed, listed, api_visibility="private")  # fmt: skip
    tab.select(earlier, authed, listed, api_visibility="private")
    compare.click(lambda a, b, s: compare_two(app, a, b, s), [run_old, run_new, authed], comparison,
                  api_visibility="private")  # fmt: skip

    def filtered(result: Any, failed_only: bool):
        return case_rows(result, failed_only) if result is not None else []

    only_failed.change(filtered, [last_report, only_failed], cases, api_visibility="private")

    def open_case(result: Any, failed_only: bool, data: gr.SelectData):
        row = data.index[0] if isinstance(data.index, list | tuple) else data.index
        shown = ordered_cases(result, failed_only) if result is not None else []
        return (
            case_markdown(shown[row])
            if isinstance(row, int) and 0 <= row < len(shown)
            else W["eval_case_pick"]
        )

    cases.select(open_case, [last_report, only_failed], case_detail, api_visibility="private")
    for trigger in (refresh.click, tab.select):
        trigger(overview, authed, [counts, feedback_table, dislikes], api_visibility="private")
    export.click(lambda s: export_feedback(app, s), authed, [files_message, files], api_visibility="private")
    to_questions.click(
        lambda ids, s: dislikes_to_questions(app, ids, s), [dislikes, authed], [files_message, files],
        api_visibility="private",
    )  # fmt: skip
