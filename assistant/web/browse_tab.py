"""The Casussen & knoppen tab: browse and filter cases and knoppen, open one, ask about it or its sector."""

# No `from __future__ import annotations`: Gradio reads the gr.SelectData hints at runtime.
from collections.abc import Iterator
from typing import Any

from assistant import texts
from assistant.core.documents import SECTOREN
from assistant.web.session import Session, describe
from assistant.web.views import browse, card_text, doc_choices, filters_from, table_rows

W = texts.WEB


class BrowseHandlers(Session):
    def browse(
        self, sector: str = "", soort: str = "", *, cards: bool = True
    ) -> tuple[list[list[str]], list[list[str]], list[tuple[str, str]], str, list[str]]:
        """(cards, table rows, choices to open, count line, the document id of each card and row); with
        `cards=False` no cards (the table and the choices need no texts, so none are read)."""
        try:
            retriever = self.assistant().retriever
            listed = browse(retriever.documents(), sector or "", soort or "")
            # a card shows the start of its text: only the listed documents' opening chunks are read
            chunks = retriever.first_chunks([d.id for d in listed]) if cards else []
        except Exception as error:
            return [], [], [], f"⚠️ {describe(error)}", []
        line = W["browse_count"].format(n=len(listed)) if listed else W["browse_empty"]
        shown = [[card_text(c, sector or "")] for c in chunks]
        return shown, table_rows(listed), doc_choices(listed), line, [d.id for d in listed]

    def ask_scoped(self, question: str, scope: str, doc_id: str, sector: str) -> Iterator[str]:
        """A single question limited to one case/knop or to one sector, streamed as Markdown."""
        from assistant.answering.rendering import answer_markdown

        doc_id = str(doc_id or "")
        if not str(question or "").strip():
            yield W["scope_need_question"]
            return
        if scope == "doc" and not doc_id:
            yield W["scope_need_doc"]
            return
        if scope == "sector" and sector not in SECTOREN:  # also what the API sends: known sectors only
            yield W["scope_need_sector"]
            return
        filters = filters_from([sector] if scope == "sector" else [], [], [doc_id] if scope == "doc" else [])
        try:
            assistant = self.assistant()
            # Only ids of the knowledge base: each new filter is cached by the retriever.
            if scope == "doc" and doc_id not in assistant.retriever.documents():
                yield W["doc_missing"]
                return
            for answer in assistant.stream(question or "", None, filters):
                yield answer_markdown(answer) if answer.text else f"*{W['pending']}*"
        except Exception as error:
            yield f"⚠️ {describe(error)}"


def build_browse_tab(gr: Any, app: BrowseHandlers, demo: Any) -> None:
    """The tab's layout and events."""
    selected, shown_ids = gr.State(""), gr.State([])
    gr.Markdown(W["browse_intro"])
    with gr.Row():
        view = gr.Radio(
            [(W["view_cards"], "cards"), (W["view_table"], "table")], value="cards", label=W["browse_view"]
        )
        # the same sectors as the chat's filter, sectoroverstijgend included
        sector = gr.Dropdown(
            [(W["all_sectors"], ""), *((s, s) for s in SECTOREN)], value="", label=W["browse_sector"]
        )
        kinds = [(W["kind_all"], ""), (W["kind_only_casus"], "casus"), (W["kind_only_knop"], "knop")]
        kind = gr.Dropdown(kinds, value="", label=W["browse_kind"])
    count = gr.Markdown()
    # Each card is a button (its text shown as text, never as HTML): one click opens it below.
    cards = gr.Column(elem_id="wibb-cards")
    table = gr.Dataframe(
        headers=texts.WEB_HEADERS["browse"], type="array", interactive=False, visible=False, wrap=True,
        column_widths=["46%", "14%", "24%", "16%"],
    )  # fmt: skip
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
        _, rows, choices, line, ids = app.browse(sector_value, kind_value, cards=False)
        return rows, gr.update(choices=choices, value=None), line, ids

    view.change(lambda v: gr.update(visible=v == "table"), view, table, api_visibility="private")
    shown = [table, pick, count, shown_ids]
    for control in (sector, kind):
        control.change(refresh, [sector, kind], shown, api_visibility="private")
    demo.load(refresh, [sector, kind], shown, api_visibility="private")

    def open_doc(doc_id: str) -> tuple[str, str]:
        return app.open_document(doc_id), doc_id or ""

    pick.input(open_doc, pick, [doc_text, selected], api_visibility="private")

    def open_at(position: Any, ids: list[str]):
        doc_id = ids[position] if isinstance(position, int) and 0 <= position < len(ids) else ""
        return app.open_document(doc_id), doc_id, gr.update(value=doc_id or None)

    with cards:

        @gr.render(inputs=[sector, kind, view])
        def show_cards(sector_value: str, kind_value: str, view_value: str) -> None:
            samples, _, _, _, ids = app.browse(sector_value, kind_value)
            with gr.Row(elem_classes="wibb-cards", visible=view_value == "cards"):
                for [card], doc_id in zip(samples, ids, strict=True):
                    button = gr.Button(card, elem_classes="wibb-card", variant="secondary")
                    button.click(lambda d=doc_id: (app.open_document(d), d, gr.update(value=d)), None,
                                 [doc_text, selected, pick], api_visibility="private")  # fmt: skip

    def open_row(ids: list[str], data: gr.SelectData):
        row = data.index[0] if isinstance(data.index, list | tuple) else data.index
        return open_at(row, ids)

    table.select(open_row, shown_ids, [doc_text, selected, pick], api_visibility="private")
    for trigger in (ask.click, question.submit):
        trigger(app.ask_scoped, [question, scope, selected, sector], answer, api_visibility="private")
