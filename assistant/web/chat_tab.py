"""The Chat tab's layout and events: streamed answers with their sources, questions that wait their turn,
links in every answer, conversations kept in the browser, 👍/👎 with a comment, full texts beside the chat.

A question is taken at once (outside Gradio's queue: the box empties, a question sent during an answer is
shown as waiting) and then answered by the session's one answering loop (`ChatHandlers.answer_waiting`),
which every way of asking starts through one hidden box, so that the browser never runs two loops at once;
after each answer the conversation is saved in the browser. The links inside a bubble reach the server
through hidden boxes the page script writes (`web.page`).
"""

# No `from __future__ import annotations`: Gradio reads the gr.LikeData/gr.Request hints at runtime.
import secrets
from typing import Any

from assistant import texts
from assistant.core.documents import SECTOREN, SOORTEN
from assistant.web import conversations, saved
from assistant.web.chat import ChatHandlers
from assistant.web.conversations import Opened
from assistant.web.messages import action_value

W = texts.WEB
# The browser's storage is obfuscated by Gradio with this key; it is no secret (the page sends it along),
# but a fixed one keeps the conversations readable after the server restarts.
STORAGE_SECRET = "wibb-assistent-gesprekken"


def build_chat_tab(gr: Any, app: ChatHandlers, demo: Any) -> None:
    """The tab's layout and events."""
    model = app.writes_with_model()
    turns, session, comment_target = gr.State([]), gr.State(""), gr.State(None)
    conversation_id, way_back = gr.State(""), gr.State(None)
    store = gr.BrowserState(saved.EMPTY, storage_key=saved.STORAGE_KEY, secret=STORAGE_SECRET)
    with gr.Row():
        with gr.Column(scale=3, elem_id="wibb-chat-column"):
            # No autoscroll: a new answer is shown from its first line (the page script scrolls the new
            # question to the top of the chat), not from its end.
            chatbot = gr.Chatbot(
                label=W["chat_label"], height=560, buttons=["copy"], latex_delimiters=[], allow_tags=False,
                sanitize_html=True, placeholder=W["chat_empty"], elem_id="wibb-chat", autoscroll=False,
            )  # fmt: skip
            with gr.Row(elem_id="wibb-ask-row"):
                box = gr.Textbox(
                    label=W["question_label"], placeholder=W["placeholder"], show_label=False, scale=8,
                    lines=1, elem_id="wibb-vraag",
                )  # fmt: skip
                send = gr.Button(W["send"], variant="primary", scale=1, min_width=100, elem_id="wibb-send")
                stop = gr.Button(
                    W["stop"], variant="stop", scale=1, min_width=80, visible=False, elem_id="wibb-stop"
                )
                new = gr.Button(W["new_chat"], scale=1, min_width=150, elem_id="wibb-new")
            waiting = gr.Markdown("", elem_id="wibb-waiting")
            with gr.Row(visible=False, elem_id="wibb-undo-row") as undo_row:
                undo_note = gr.Markdown()
                undo = gr.Button(W["undo"], size="sm", scale=0, min_width=160)
            with gr.Group(visible=False) as feedback_group:
                thanks = gr.Markdown()
                comment = gr.Textbox(label=W["comment_label"], placeholder=W["comment_placeholder"], lines=2)
                comment_send = gr.Button(W["comment_send"], size="sm")
            gr.Markdown(f"**{W['examples_label']}**", elem_classes="wibb-examples-heading")
            examples: list[tuple[Any, str]] = []
            for label, questions in texts.EXAMPLES.items():
                with gr.Row(elem_classes="wibb-examples"):
                    gr.Markdown(label, elem_classes="wibb-examples-label")
                    examples += [(gr.Button(q, size="sm", variant="secondary"), q) for q in questions]
        with gr.Column(scale=2):
            with gr.Accordion(W["saved_heading"], open=True, elem_id="wibb-saved-panel"):
                listed = gr.Radio([], label=W["saved_list"], info=W["saved_info"], elem_id="wibb-saved")
                with gr.Row():
                    delete = gr.Button(W["saved_delete"], size="sm", variant="secondary")
                    # the page script downloads the Markdown (`export_data`): nothing is written on the server
                    gr.Button(W["saved_export"], size="sm", variant="secondary", elem_id="wibb-export")
            with gr.Accordion(W["filters"], open=True):
                sector = gr.CheckboxGroup(list(SECTOREN), label=W["filter_sector"], info=W["filter_info"])
                soort = gr.CheckboxGroup(list(SOORTEN), label=W["filter_soort"])
                clear_filters = gr.Button(W["filters_clear"], size="sm")
            gr.Markdown(f"### {W['doc_panel']}")
            docs = gr.Dropdown([], label=W["doc_pick"], value=None, interactive=True)
            doc_text = gr.Markdown(W["doc_none"], elem_id="wibb-doc")
    # Written by the page script (a link clicked in a bubble) or read by it (the export): never shown.
    open_doc = gr.Textbox(visible="hidden", elem_id="wibb-open-doc", label=W["doc_pick"])
    widen = gr.Textbox(visible="hidden", elem_id="wibb-widen", label=W["widen"])
    export_data = gr.Textbox(visible="hidden", elem_id="wibb-export-data", label=W["saved_export"])
    # Every way of asking writes a new ticket here; its change starts the answering loop (`loop` below).
    asked = gr.Textbox(visible="hidden", elem_id="wibb-asked", label=W["send"])
    api_trigger = gr.Button(visible=False)

    def key(request: Any) -> str:
        return str(getattr(request, "session_hash", "") or "")

    # -- asking: take the question at once, answer in the session's loop, save the conversation ----------

    def ticket() -> str:
        return secrets.token_hex(8)  # always new, so the box changes and the loop is asked for

    def take(message: str, sectors: list[str], soorten: list[str], request: gr.Request):
        if not str(message or "").strip():
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        line = app.send(key(request), message, sectors, soorten)
        return "", line, gr.update(visible=False), gr.update(visible=model), ticket()

    def take_example(question: str):
        def take_it(sectors: list[str], soorten: list[str], request: gr.Request):
            line = app.send(key(request), question, sectors, soorten)
            return line, gr.update(visible=False), gr.update(visible=model), ticket()

        return take_it

    def answer(history: list[Any], state: list[Any], sid: str, request: gr.Request):
        answered = False
        for shown, new_turns, new_sid, choices, line in app.answer_waiting(key(request), history, state, sid):
            answered = True
            yield (
                shown,
                new_turns,
                new_sid,
                gr.update(choices=choices),
                line,
                gr.update(visible=False),
                gr.skip(),
            )
        # another loop of this session answers the question: leave everything as it is
        skip = gr.skip()
        yield (
            skip,
            skip,
            skip,
            skip,
            ("" if answered else skip),
            skip,
            gr.update(visible=False) if answered else skip,
        )

    def keep(stored: Any, conversation: str, state: list[Any]):
        new_store, conversation, payload = conversations.keep(stored, conversation, state)
        return (
            new_store,
            gr.update(choices=saved.choices(new_store), value=conversation or None),
            conversation,
            payload,
        )

    answered = [chatbot, turns, session, docs, waiting, feedback_group, stop]
    kept = [store, listed, conversation_id, export_data]
    # One answering loop for every way of asking, and in the browser one at a time ("always_last": a ticket
    # written while a loop's updates still arrive starts the loop once more after them, with the chat as they
    # left it). Two loops streaming at once each write the whole chat, and the browser applies their updates
    # in no fixed order: an update the first loop sent before it ended could land after the second loop's
    # answer and wipe the question it answered from the chat.
    loop = asked.change(answer, [chatbot, turns, session], answered, trigger_mode="always_last",
                        show_progress_on=[chatbot], api_visibility="private")  # fmt: skip
    loop.then(keep, [store, conversation_id, turns], kept, trigger_mode="multiple", api_visibility="private")
    loops = [loop]

    def ask_again(state: list[Any], value: str, request: gr.Request):
        position = action_value(value)
        if not position:
            return gr.skip(), gr.skip()
        return app.widen(key(request), state, position), ticket()

    def stop_answer(state: list[Any], request: gr.Request):
        return (*app.stop(key(request), state), gr.update(visible=False))

    def answer_again(state: list[Any], request: gr.Request):
        return (*app.retry(key(request), state), ticket())

    private = {"api_visibility": "private"}
    taken = {"queue": False, "trigger_mode": "multiple", **private}
    for trigger in (box.submit, send.click):
        trigger(take, [box, sector, soort], [box, waiting, undo_row, stop, asked], **taken)
    for button, question in examples:  # one click asks the example; what is typed in the box stays
        button.click(take_example(question), [sector, soort], [waiting, undo_row, stop, asked], **taken)
    widen.change(ask_again, [turns, widen], [waiting, asked], **taken)
    if model:  # a language model writes the answer: it can be stopped, and written again
        stopped = stop.click(
            stop_answer, turns, [chatbot, turns, box, stop], cancels=loops, queue=False, **private
        )
        stopped.then(keep, [store, conversation_id, turns], kept, **private)
        chatbot.retry(answer_again, turns, [chatbot, turns, asked], queue=False, **private)

    # An API caller asks one question and gets the streamed messages (gradio_client: "/chat").
    def respond(
        message: str, history: list[Any], sectors: list[str], soorten: list[str], state: Any, sid: str
    ):
        for shown, cleared, new_state, new_sid, choices in app.respond(
            message, history, sectors, soorten, state, sid
        ):
            yield shown, cleared, new_state, new_sid, gr.update(choices=choices)

    asked = [chatbot, box, turns, session, docs]
    api_trigger.click(respond, [box, chatbot, sector, soort, turns, session], asked, api_name="chat")
    clear_filters.click(lambda: ([], []), None, [sector, soort], api_visibility="private")

    # -- conversations kept in the browser ----------------------------------------------------------------

    shown_outputs = [
        chatbot,
        turns,
        conversation_id,
        sector,
        soort,
        export_data,
        store,
        listed,
        docs,
        doc_text,
    ]

    def show(stored: Any, opened: Opened) -> tuple[Any, ...]:
        listing = gr.update(choices=saved.choices(stored), value=opened.conversation_id or None)
        panel = gr.update(choices=app.documents_of(opened.turns), value=None)
        return (opened.messages, opened.turns, opened.conversation_id, opened.sector, opened.soort,
                opened.export, stored, listing, panel, W["doc_none"])  # fmt: skip

    def load(stored: Any):
        return show(*conversations.reopen(stored, saved.current(stored)))

    def open_saved(stored: Any, chosen: str, request: gr.Request):
        app.waiting.stop(key(request))
        return (*show(*conversations.reopen(stored, str(chosen or ""))), gr.update(visible=False))

    def start_new(stored: Any, conversation: str, state: list[Any], request: gr.Request):
        app.waiting.stop(key(request))
        new_store, back = conversations.start_new(stored, conversation, state)
        return (*show(new_store, conversations.NOTHING), back, *undo_offer(back, "new"))

    def remove(stored: Any, conversation: str, request: gr.Request):
        new_store, back = conversations.delete(stored, conversation)
        if back is None:
            return (*show(*conversations.reopen(new_store, conversation)), None, *undo_offer(None, ""))
        app.waiting.stop(key(request))
        return (*show(new_store, conversations.NOTHING), back, *undo_offer(back, "delete"))

    def undo_offer(back: Any, action: str) -> tuple[Any, Any]:
        return gr.update(visible=back is not None), conversations.note(action)

    def take_back(stored: Any, back: Any):
        return (*show(*conversations.undo(stored, back)), None, gr.update(visible=False))

    offer = [way_back, undo_row, undo_note]
    listed.input(
        open_saved, [store, listed], [*shown_outputs, undo_row], cancels=loops, api_visibility="private"
    )
    for trigger in (new.click, chatbot.clear):
        trigger(start_new, [store, conversation_id, turns], [*shown_outputs, *offer], cancels=loops,
                api_visibility="private")  # fmt: skip
    delete.click(remove, [store, conversation_id], [*shown_outputs, *offer], cancels=loops,
                 api_visibility="private")  # fmt: skip
    undo.click(take_back, [store, way_back], [*shown_outputs, way_back, undo_row], api_visibility="private")
    # a reload shows the conversation that was open, and the list
    demo.load(load, [store], shown_outputs, api_visibility="private")

    # -- feedback and full texts --------------------------------------------------------------------------

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

    def send_comment(text: str, entry_id: Any):
        message, stored = app.comment(text, entry_id)
        # a stored comment closes the box: the thanks stay, the text is not left behind to send twice
        closed = gr.update(value="", visible=False) if stored else gr.skip()
        return message, closed, gr.update(visible=False) if stored else gr.skip()

    comment_send.click(send_comment, [comment, comment_target], [thanks, comment, comment_send],
                       api_visibility="private")  # fmt: skip

    def open_link(value: str):
        doc_id = action_value(value)
        return (app.open_document(doc_id), gr.update(value=doc_id)) if doc_id else (gr.skip(), gr.skip())

    # The full text opens where the reader is: the page script brings the panel into view.
    open_doc.change(open_link, open_doc, [doc_text, docs], api_visibility="private")
    docs.input(app.open_document, docs, doc_text, api_name="document")
