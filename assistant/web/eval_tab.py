"""The Toetsen tab: pick or upload a question set (checked at once), run it, read and download the report;
earlier runs (`runs`: open, download again, compare) and feedback (`records`).

Only for organisers: every handler checks the session's login (when `WIBB_AUTH` is set) itself,
because Gradio endpoints can be called without the page. Files are written only under the data folder,
under names chosen here.
"""

# No `from __future__ import annotations`: Gradio reads the gr.SelectData hints at runtime.
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.errors import QuestionSetError
from assistant.evaluation.history import revision_of
from assistant.web.eval_views import case_markdown, case_rows, ordered_cases, summary_markdown
from assistant.web.question_sets import (
    UPLOAD,
    check_choice,
    megabytes,
    read_cases,
    set_choices,
    set_problem,
    shipped_sets,
)
from assistant.web.records import dislikes_to_questions, export_feedback, feedback_detail, feedback_overview
from assistant.web.runs import compare_two, open_run, runs_overview, write_report
from assistant.web.session import STORAGE_ERRORS, Session, describe, describe_storage

W = texts.WEB
# In pixels, not shares: each column stays wide enough for its header's words, the whole fits the 1216 px
# of a 1366 px screen, and a phone scrolls the table sideways instead of breaking every word in it.
WIDTHS = {
    "eval": ["110px", "210px", "150px", "110px", "230px", "250px", "130px"],
    "runs": ["55px", "140px", "240px", "90px", "145px", "125px", "125px", "125px", "130px"],
    "feedback": ["50px", "130px", "80px", "150px", "170px", "270px", "180px", "150px"],
}


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
    """The tab's layout and events; the handlers are the functions above and in `runs` and `records`."""
    from assistant.evaluation.reports import pass_meaning

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
            choices = set_choices(sets, app.settings.data_dir / "cache")
            # A list, not a dropdown: every bundled set is in view with its size and what it is for.
            choice = gr.Radio(choices, value=choices[0][1], label=W["eval_source"], elem_id="wibb-sets")
            # No file_types: Gradio would refuse other files with an English message; the upload is checked
            # here and answered in Dutch, and nothing runs until a usable set is chosen.
            upload = gr.File(
                label=W["eval_file"].format(mb=megabytes(app.settings.web.max_upload_mb)), type="filepath"
            )
        first_info, first_ok = check_choice(app, choices[0][1], None, sets)
        set_info = gr.Markdown(first_info, elem_id="wibb-set-info")
        run = gr.Button(W["eval_run"], variant="primary", interactive=first_ok)
        with gr.Accordion(W["pass_accordion"], open=False):
            gr.Markdown(pass_meaning(app.settings.retrieval.top_k))
        summary = gr.Markdown(elem_id="wibb-eval-summary")
        only_failed = gr.Checkbox(label=W["eval_only_failed"], value=False)
        cases = gr.Dataframe(
            headers=texts.WEB_HEADERS["eval"], type="array", interactive=False, wrap=True, max_height=520,
            column_widths=WIDTHS["eval"], elem_id="wibb-eval-cases", elem_classes="wibb-table",
        )  # fmt: skip
        case_detail = gr.Markdown(W["eval_case_pick"], elem_id="wibb-case")
        report = gr.File(label=W["eval_report"], file_count="multiple", interactive=False)
        last_report = gr.State(None)
        gr.Markdown(f"### {W['runs_heading']}")
        runs_line = gr.Markdown()
        runs_table = gr.Dataframe(
            headers=texts.WEB_HEADERS["runs"], type="array", interactive=False, wrap=True, max_height=320,
            column_widths=WIDTHS["runs"],
            elem_id="wibb-runs", elem_classes="wibb-table",
        )  # fmt: skip
        with gr.Row():
            run_pick = gr.Dropdown([], label=W["runs_open"])
            open_button = gr.Button(W["runs_open_button"])
        with gr.Row():
            run_old = gr.Dropdown([], label=W["runs_old"])
            run_new = gr.Dropdown([], label=W["runs_new"])
            compare = gr.Button(W["runs_compare"])
        comparison = gr.Markdown()
        gr.Markdown(f"### {W['feedback_heading']}")
        counts = gr.Markdown()
        refresh = gr.Button(W["feedback_refresh"], size="sm")
        feedback_table = gr.Dataframe(
            headers=texts.WEB_HEADERS["feedback"], type="array", interactive=False, wrap=True, max_height=520,
            column_widths=WIDTHS["feedback"],
            elem_id="wibb-feedback", elem_classes="wibb-table",
        )  # fmt: skip
        feedback_entry = gr.Markdown(W["feedback_pick_row"], elem_id="wibb-feedback-entry")
        with gr.Row():
            dislikes = gr.Dropdown([], multiselect=True, label=W["feedback_pick"])
            to_questions = gr.Button(W["feedback_to_questions"])
            export = gr.Button(W["feedback_export"])
        files_message = gr.Markdown()
        files = gr.File(label=W["feedback_files"], file_count="multiple", interactive=False)

    def earlier(state: bool):
        line, rows, picks = runs_overview(app, state)
        return line, rows, *(gr.update(choices=picks) for _ in range(3))

    listed = [runs_line, runs_table, run_pick, run_old, run_new]

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

    def checked(picked: str, uploaded: str | None, state: bool):
        if not app.allowed(state):
            return W["login_required"], gr.update(interactive=False)
        message, ok = check_choice(app, picked, uploaded, sets)
        return message, gr.update(interactive=ok)

    def uploaded(path: str | None, state: bool):  # an upload is the set to run: checked whole, at once
        message, button = checked(UPLOAD, path, state)
        return gr.update(value=UPLOAD), message, button

    upload.upload(uploaded, [upload, authed], [choice, set_info, run], api_visibility="private")
    upload.clear(checked, [choice, upload, authed], [set_info, run], api_visibility="private")
    choice.input(checked, [choice, upload, authed], [set_info, run], api_visibility="private")

    run.click(run_set, [choice, upload, authed], [summary, cases, report, last_report, case_detail],
              api_name="toets").then(earlier, authed, listed, api_visibility="private")  # fmt: skip
    tab.select(earlier, authed, listed, api_visibility="private")
    compare.click(lambda a, b, s: compare_two(app, a, b, s), [run_old, run_new, authed], comparison,
                  api_visibility="private")  # fmt: skip

    def reopen(run_id: Any, state: bool):
        text, result, written = open_run(app, run_id, state)
        rows = case_rows(result) if result is not None else []
        return text, rows, written, result, W["eval_case_pick"], False

    opened = [summary, cases, report, last_report, case_detail, only_failed]
    open_button.click(reopen, [run_pick, authed], opened, api_visibility="private")

    def pick_run(state: bool, data: gr.SelectData):  # a click on a row of the runs table opens that run
        row = data.row_value if isinstance(data.row_value, list) else []
        return (row[0] if row else None), *reopen(row[0] if row else None, state)

    runs_table.select(pick_run, authed, [run_pick, *opened], api_visibility="private")

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

    def open_feedback(state: bool, data: gr.SelectData):
        row = data.row_value if isinstance(data.row_value, list) else []
        return feedback_detail(app, row[0] if row else None, state)

    feedback_table.select(open_feedback, authed, feedback_entry, api_visibility="private")
    for trigger in (refresh.click, tab.select):
        trigger(overview, authed, [counts, feedback_table, dislikes], api_visibility="private")
    export.click(lambda s: export_feedback(app, s), authed, [files_message, files], api_visibility="private")
    to_questions.click(
        lambda ids, s: dislikes_to_questions(app, ids, s), [dislikes, authed], [files_message, files],
        api_visibility="private",
    )  # fmt: skip
