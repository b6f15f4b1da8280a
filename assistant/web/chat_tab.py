"""The Chat tab: streamed answers with their sources, follow-ups, 👍/👎 with a comment, full texts."""

# No `from __future__ import annotations`: Gradio reads the gr.LikeData/gr.SelectData hints at runtime.
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from assistant import texts
from assistant.core.documents import SECTOREN, SOORTEN
from assistant.feedback.store import DISLIKE, LIKE, record_fields
from assistant.web.session import STORAGE_ERRORS, Session, describe, describe_storage
from assistant.web.views import (
    ChatTurn,
    answer_messages,
    conversation_for,
    doc_choices,
    doc_id_from_option,
    error_messages,
    filters_dict,
    filters_from,
    turn_for_index,
    user_message,
)

W = texts.WEB


class ChatHandlers(Session):
    def respond(
        self,
        message: str,
        history: Sequence[Any] | None,
        sector: Sequence[str] | None = None,
        soort: Sequence[str] | None = None,
        turns: Sequence[ChatTurn] | None = None,
        session: str = "",
    ) -> Iterator[tuple[list[Any], str, list[ChatTurn], str, list[tuple[str, str]]]]:
        """Stream one answer: yields (chat messages, textbox value, turns, session id, document choices)."""
        history = list(history or [])
        turns = list(turns or [])
        session = session or secrets.token_hex(8)
        question = str(message or "")
        filters = filters_from(sector, soort)
        shown = [*history, user_message(question)]
        conversation = conversation_for(turns, history)  # before this question joins the turns
        earlier = tuple(t.question for t in turns)  # a 👎 on a follow-up is exported with its conversation
        turns.append(ChatTurn(question=question, answer="", filters=filters_dict(filters), context=earlier))
        try:
            links: list[str] | None = None
            docs: list[tuple[str, str]] = []
            for answer in self.assistant().stream(question, conversation, filters):
                found = [link.id for link in (*answer.knoppen, *answer.cases, *answer.nearest)]
                if found != links:  # the links come with the first snapshot: look them up once
                    links, docs = found, self._docs_in(turns, found)
                if answer.complete:  # the last snapshot: what feedback on this answer will store
                    turns[-1] = replace(
                        turns[-1],
                        answer=answer.text,
                        cited=tuple(dict.fromkeys(c.doc_id for c in answer.citations)),
                        query=answer.query,
                        refused=answer.refused,
                        docs=tuple(found),
                    )
                yield shown + answer_messages(answer, filters), "", turns, session, docs
        except Exception as error:
            turns[-1] = replace(turns[-1], answer=describe(error))
            yield shown + error_messages(turns[-1].answer), "", turns, session, self._docs_in(turns)

    def _docs_in(self, turns: Sequence[ChatTurn], pending: Sequence[str] = ()) -> list[tuple[str, str]]:
        """The knoppen and cases this conversation drew on, to reopen them from the side panel."""
        ids = [d for t in turns for d in t.docs] + list(pending)
        if not ids:
            return []
        documents = self.assistant().retriever.documents()
        return doc_choices(documents[d] for d in dict.fromkeys(ids) if d in documents)

    def rate(
        self, history: Sequence[Any], turns: Sequence[ChatTurn], session: str, index: Any, liked: Any
    ) -> tuple[list[ChatTurn], str, int | None]:
        """👍/👎 on an answer: stored at once; returns (turns, message, feedback id for the comment)."""
        turns = list(turns or [])
        position = turn_for_index(history, index)
        if not 0 <= position < len(turns):
            return turns, W["feedback_unknown"], None
        rating = LIKE if liked is True else DISLIKE if liked is False else None
        try:
            return self._rate(turns, position, rating, session)
        except STORAGE_ERRORS as error:
            return turns, describe_storage(error, self.settings.data_dir), None  # turns unchanged

    def _rate(
        self, turns: list[ChatTurn], position: int, rating: int | None, session: str
    ) -> tuple[list[ChatTurn], str, int | None]:
        turn = turns[position]
        entry_id = turn.feedback
        if rating is None:
            if entry_id:
                self.feedback.delete(entry_id)
            turns[position] = replace(turn, feedback=None)
            return turns, W["feedback_removed"], None
        if not (entry_id and self.feedback.set_rating(entry_id, rating)):  # a changed mind updates the row
            entry_id = self.feedback.add(rating=rating, **record_fields(turn), session=session or "")
            turns[position] = replace(turn, feedback=entry_id)
        return turns, W["feedback_like" if rating == LIKE else "feedback_dislike"], entry_id

    def comment(self, text: str, entry_id: int | None) -> str:
        text = (text or "").strip()
        if not entry_id:
            return W["feedback_unknown"]
        if not text:
            return W["comment_empty"]
        try:
            saved = self.feedback.set_comment(int(entry_id), text)
        except STORAGE_ERRORS as error:
            return describe_storage(error, self.settings.data_dir)
        return W["comment_saved"] if saved else W["feedback_unknown"]


def build_chat_tab(gr: Any, app: ChatHandlers) -> None:
    """The tab's layout and events."""
    turns, session, comment_target = gr.State([]), gr.State(""), gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            # No autoscroll: a new answer is shown from its first line (the page script scrolls the new
            # question to the top of the chat), not from its end.
            chatbot = gr.Chatbot(
                label=W["chat_label"], height=560, buttons=["copy"], latex_delimiters=[], allow_tags=False,
                sanitize_html=True, placeholder=W["chat_empty"], elem_id="wibb-chat", autoscroll=False,
            )  # fmt: skip
            with gr.Row():
                box = gr.Textbox(
                    label=W["question_label"], placeholder=W["placeholder"], show_label=False, scale=8,
                    lines=1, elem_id="wibb-vraag",
                )  # fmt: skip
                send = gr.Button(W["send"], variant="primary", scale=1, min_width=100)
                new = gr.Button(W["new_chat"], scale=1, min_width=150)
            with gr.Group(visible=False) as feedback_group:
                thanks = gr.Markdown()
                comment = gr.Textbox(label=W["comment_label"], placeholder=W["comment_placeholder"], lines=2)
                comment_send = gr.Button(W["comment_send"], size="sm")
            gr.Markdown(f"**{W['examples_label']}**")
            examples: list[tuple[Any, str]] = []
            for label, questions in texts.EXAMPLES.items():
                with gr.Row(elem_classes="wibb-examples"):
                    gr.Markdown(label, elem_classes="wibb-examples-label")
                    examples += [(gr.Button(q, size="sm", variant="secondary"), q) for q in questions]
        with gr.Column(scale=2):
            with gr.Accordion(W["filters"], open=True):
                sector = gr.CheckboxGroup(list(SECTOREN), label=W["filter_sector"], info=W["filter_info"])
                soort = gr.CheckboxGroup(list(SOORTEN), label=W["filter_soort"])
                clear_filters = gr.Button(W["filters_clear"], size="sm")
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
    for button, question in examples:  # one click asks the example
        answering.append(
            button.click(lambda q=question: q, None, box, api_visibility="private").then(
                respond, inputs, outputs, api_visibility="private"
            )
        )
    clear_filters.click(lambda: ([], []), None, [sector, soort], api_visibility="private")

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

    def reset() -> tuple[list[Any], list[Any], Any, Any, str, list[str], list[str]]:
        # a new conversation starts without filters too: nothing of the old one acts unseen
        return [], [], gr.update(choices=[], value=None), gr.update(visible=False), W["doc_none"], [], []

    # A running answer is stopped, or its next snapshot would bring the old conversation back.
    cleared = [chatbot, turns, docs, feedback_group, doc_text, sector, soort]
    new.click(reset, None, cleared, api_visibility="private", cancels=answering)
    chatbot.clear(reset, None, cleared, api_visibility="private", cancels=answering)

    def open_option(data: gr.SelectData) -> tuple[str, Any]:
        doc_id = doc_id_from_option(data.value)
        return app.open_document(str(data.value)), gr.update(value=doc_id or None)  # the dropdown in step

    # The full text opens where the reader is: the page script brings the panel into view.
    chatbot.option_select(open_option, None, [doc_text, docs], api_visibility="private")
    docs.input(app.open_document, docs, doc_text, api_name="document")
