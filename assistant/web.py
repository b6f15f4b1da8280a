"""The browser app: `build_demo()` lays out the Gradio Blocks and wires events to `WebApp` handlers;
`launch()` serves it on 127.0.0.1, offline and in Dutch.

Tabs: Chat (professionals), Casussen & knoppen (employers), Toetsen (organisers). Per-visitor data
lives in `gr.State` and in the chat history; the only shared object is the read-only assistant.
"""

# No `from __future__ import annotations`: Gradio reads the gr.LikeData/gr.SelectData hints at runtime.
from typing import Any

from assistant import texts
from assistant.answering import Assistant
from assistant.config import Settings
from assistant.knowledge import SECTOREN, SOORTEN
from assistant.webapp import WebApp
from assistant.webserver import configure_environment, launch_options

W = texts.WEB


def launch(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    *,
    demo: Any = None,
    block: bool = True,
) -> Any:
    """Serve the app (`wibb serve`, `python app.py`); with block=False returns at once (tests).

    A caller that passes its own `demo` has imported gradio already, so it configures the environment
    itself first (as app.py does); otherwise it is done here, before `build_demo` imports gradio.
    """
    if demo is None:
        configure_environment(settings)
        demo = build_demo(None, settings, warm_up=True)
    return demo.launch(**launch_options(settings, host, port), prevent_thread_lock=not block, quiet=not block)


def build_demo(assistant: Assistant | None, settings: Settings, *, warm_up: bool = False) -> Any:
    """The Gradio Blocks; `assistant=None` builds it lazily from settings (first request or warm-up)."""
    import gradio as gr

    app = WebApp(settings, assistant)
    if warm_up and assistant is None:
        app.warm_up()
    with gr.Blocks(title=texts.APP_TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {texts.APP_TITLE}\n{texts.APP_SUBTITLE}")
        status = gr.Markdown("", elem_id="wibb-status")
        with gr.Tabs():
            with gr.Tab(W["tab_chat"], id="chat"):
                _chat_tab(gr, app)
            with gr.Tab(W["tab_browse"], id="browse"):
                _browse_tab(gr, app, demo)
            with gr.Tab(W["tab_eval"], id="toetsen") as eval_tab:
                _eval_tab(gr, app, eval_tab)
        demo.load(app.status, None, status, api_visibility="private")
    demo.queue(default_concurrency_limit=4)
    return demo


def _chat_tab(gr: Any, app: WebApp) -> None:
    turns, session, comment_target = gr.State([]), gr.State(""), gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label=W["chat_label"], height=560, buttons=["copy"], latex_delimiters=[], allow_tags=False,
                sanitize_html=True, placeholder=W["chat_empty"], elem_id="wibb-chat",
            )  # fmt: skip
            with gr.Row():
                box = gr.Textbox(
                    placeholder=W["placeholder"], show_label=False, scale=8, lines=1, elem_id="wibb-vraag"
                )
                send = gr.Button(W["send"], variant="primary", scale=1, min_width=100)
                new = gr.Button(W["new_chat"], scale=1, min_width=150)
            with gr.Group(visible=False) as feedback_group:
                thanks = gr.Markdown()
                comment = gr.Textbox(label=W["comment_label"], placeholder=W["comment_placeholder"], lines=2)
                comment_send = gr.Button(W["comment_send"], size="sm")
            for label, questions in texts.EXAMPLES.items():
                gr.Examples([[q] for q in questions], inputs=[box], label=label)
        with gr.Column(scale=2):
            with gr.Accordion(W["filters"], open=True):
                sector = gr.CheckboxGroup(list(SECTOREN), label=W["filter_sector"], info=W["filter_info"])
                soort = gr.CheckboxGroup(list(SOORTEN), label=W["filter_soort"])
            gr.Markdown(f"### {W['doc_panel']}")
            docs = gr.Dropdown([], label=W["doc_pick"], value=None, interactive=True)
            doc_text = gr.Markdown(W["doc_none"], elem_id="wibb-doc")

    def respond(
        message: str, history: list[Any], sectors: list[str], soorten: list[str], state: list[Any], sid: str
    ):
        for shown, cleared, new_state, new_sid, choices in app.respond(
            message, history, sectors, soorten, state, sid
        ):
            yield shown, cleared, new_state, new_sid, gr.update(choices=choices), gr.update(visible=False)

    inputs = [box, chatbot, sector, soort, turns, session]
    outputs = [chatbot, box, turns, session, docs, feedback_group]
    answering = [
        box.submit(respond, inputs, outputs, api_name="chat"),
        send.click(respond, inputs, outputs, api_visibility="private"),
    ]

    def rate(history: list[Any], state: list[Any], sid: str, data: gr.LikeData):
        new_state, message, entry_id = app.rate(history, state, sid, data.index, data.liked)
        # The message always shows (also when the rating could not be stored); the comment box only
        # when there is a stored rating to add it to.
        can_comment = entry_id is not None
        return (
            new_state, message, entry_id, gr.update(value="", visible=can_comment),
            gr.update(visible=can_comment), gr.update(visible=True),
        )  # fmt: skip

    chatbot.like(
        rate, [chatbot, turns, session],
        [turns, thanks, comment_target, comment, comment_send, feedback_group], api_visibility="private",
    )  # fmt: skip
    comment_send.click(app.comment, [comment, comment_target], thanks, api_visibility="private")

    def reset() -> tuple[list[Any], list[Any], Any, Any, str]:
        return [], [], gr.update(choices=[], value=None), gr.update(visible=False), W["doc_none"]

    # A running answer is stopped, or its next snapshot would bring the old conversation back.
    cleared = [chatbot, turns, docs, feedback_group, doc_text]
    new.click(reset, None, cleared, api_visibility="private", cancels=answering)
    chatbot.clear(reset, None, cleared, api_visibility="private", cancels=answering)

    def open_option(data: gr.SelectData) -> tuple[str, Any]:
        return app.open_document(str(data.value)), gr.update(value=None)

    chatbot.option_select(open_option, None, [doc_text, docs], api_visibility="private")
    docs.input(app.open_document, docs, doc_text, api_name="document")


def _browse_tab(gr: Any, app: WebApp, demo: Any) -> None:
    selected = gr.State("")
    gr.Markdown(W["browse_intro"])
    with gr.Row():
        view = gr.Radio(
            [(W["view_cards"], "cards"), (W["view_table"], "table")], value="cards", label=W["browse_view"]
        )
        sectors = [(W["all_sectors"], ""), *((s, s) for s in SECTOREN if s != "sectoroverstijgend")]
        sector = gr.Dropdown(sectors, value="", label=W["browse_sector"])
        kinds = [(W["kind_all"], ""), (W["kind_only_casus"], "casus"), (W["kind_only_knop"], "knop")]
        kind = gr.Dropdown(kinds, value="", label=W["browse_kind"])
    count = gr.Markdown()
    # Markdown, not gr.HTML: gr.HTML compiles its value as a JS template (needs eval, which the CSP forbids).
    cards = gr.Markdown(elem_id="wibb-cards", sanitize_html=True)
    table = gr.Dataframe(
        headers=texts.WEB_HEADERS["browse"], type="array", interactive=False, visible=False, wrap=True
    )
    with gr.Row():
        with gr.Column(scale=3):
            pick = gr.Dropdown([], label=W["browse_open"], value=None, interactive=True)
            doc_text = gr.Markdown(elem_id="wibb-browse-doc")
        with gr.Column(scale=2):
            question = gr.Textbox(label=W["scoped_question"], placeholder=W["scoped_placeholder"], lines=2)
            scope = gr.Radio(
                [(W["scope_doc"], "doc"), (W["scope_sector"], "sector")], value="doc", label=W["scope"]
            )
            ask = gr.Button(W["ask"], variant="primary")
            answer = gr.Markdown()

    def refresh(sector_value: str, kind_value: str):
        html, rows, choices, line = app.browse(sector_value, kind_value)
        return html, rows, gr.update(choices=choices, value=None), line

    view.change(
        lambda v: (gr.update(visible=v == "cards"), gr.update(visible=v == "table")), view, [cards, table],
        api_visibility="private",
    )  # fmt: skip
    for control in (sector, kind):
        control.change(refresh, [sector, kind], [cards, table, pick, count], api_visibility="private")
    demo.load(refresh, [sector, kind], [cards, table, pick, count], api_visibility="private")

    def open_doc(doc_id: str) -> tuple[str, str]:
        return app.open_document(doc_id), doc_id or ""

    pick.input(open_doc, pick, [doc_text, selected], api_visibility="private")

    def open_row(rows: list[list[Any]], data: gr.SelectData):
        row = data.index[0] if isinstance(data.index, list | tuple) else data.index
        doc_id = str(rows[row][-1]) if isinstance(row, int) and 0 <= row < len(rows) else ""
        return app.open_document(doc_id), doc_id, gr.update(value=doc_id or None)

    table.select(open_row, table, [doc_text, selected, pick], api_visibility="private")
    for trigger in (ask.click, question.submit):
        trigger(app.ask_scoped, [question, scope, selected, sector], answer, api_visibility="private")


def _eval_tab(gr: Any, app: WebApp, tab: Any) -> None:
    from assistant import webeval
    from assistant.errors import QuestionSetError

    authed = gr.State(False)
    sets = webeval.shipped_sets()
    with gr.Group(visible=app.login_required) as login_box:
        gr.Markdown(W["login_intro"])
        user = gr.Textbox(label=W["login_user"])
        password = gr.Textbox(label=W["login_password"], type="password")
        login = gr.Button(W["login_button"], variant="primary")
        login_message = gr.Markdown()
    with gr.Column(visible=not app.login_required) as content:
        gr.Markdown(W["eval_intro"])
        with gr.Row():
            choices = webeval.set_choices(sets)
            choice = gr.Dropdown(choices, value=choices[0][1], label=W["eval_source"])
            upload = gr.File(
                label=W["eval_file"].format(mb=webeval.megabytes(app.settings.web.max_upload_mb)),
                file_types=[".yaml", ".yml", ".csv"], type="filepath",
            )  # fmt: skip
        run = gr.Button(W["eval_run"], variant="primary")
        summary = gr.Markdown()
        cases = gr.Dataframe(
            headers=texts.WEB_HEADERS["eval"], type="array", interactive=False, wrap=True,
            column_widths=["13%", "22%", "7%", "22%", "24%", "12%"],
        )  # fmt: skip
        report = gr.File(label=W["eval_report"], file_count="multiple", interactive=False)
        gr.Markdown(f"### {W['feedback_heading']}")
        counts = gr.Markdown()
        refresh = gr.Button(W["feedback_refresh"], size="sm")
        feedback_table = gr.Dataframe(
            headers=texts.WEB_HEADERS["feedback"], type="array", interactive=False, wrap=True
        )
        with gr.Row():
            dislikes = gr.Dropdown([], multiselect=True, label=W["feedback_pick"])
            to_questions = gr.Button(W["feedback_to_questions"])
            export = gr.Button(W["feedback_export"])
        files_message = gr.Markdown()
        files = gr.File(label=W["feedback_files"], file_count="multiple", interactive=False)

    def do_login(name: str, secret: str, state: bool):
        ok, message = app.login(name, secret)
        ok = ok or state is True
        return ok, message, gr.update(visible=not ok), gr.update(visible=ok), ""

    def run_set(picked: str, uploaded: str | None, state: bool, progress=gr.Progress()):  # noqa: B008
        def step(done: int, total: int) -> None:
            progress(
                (done, total), desc=W["eval_progress"].format(done=done, total=total), unit=W["eval_unit"]
            )

        return webeval.run_eval(app, picked, uploaded, state, step)

    def overview(state: bool):
        line, rows, picks = webeval.feedback_overview(app, state)
        return line, rows, gr.update(choices=picks, value=[])

    login.click(
        do_login, [user, password, authed], [authed, login_message, login_box, content, password]
    ).then(overview, authed, [counts, feedback_table, dislikes])

    def uploaded(path: str | None):
        try:
            webeval.check_upload(app, path)
            return gr.update(value=webeval.UPLOAD), ""
        except QuestionSetError as error:
            return gr.update(value=webeval.UPLOAD), webeval.set_problem(error)

    upload.upload(uploaded, upload, [choice, summary], api_visibility="private")
    run.click(run_set, [choice, upload, authed], [summary, cases, report], api_name="toets")
    for trigger in (refresh.click, tab.select):
        trigger(overview, authed, [counts, feedback_table, dislikes], api_visibility="private")
    export.click(
        lambda s: webeval.export_feedback(app, s), authed, [files_message, files], api_visibility="private"
    )
    to_questions.click(
        lambda ids, s: webeval.dislikes_to_questions(app, ids, s), [dislikes, authed], [files_message, files],
        api_visibility="private",
    )  # fmt: skip
