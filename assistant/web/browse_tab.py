"""The Casussen & knoppen tab: browse and filter cases and knoppen, open one, ask about it or its sector."""

# No `from __future__ import annotations`: Gradio reads the gr.SelectData hints at runtime.
from collections.abc import Iterator
from functools import partial
from typing import Any

from assistant import texts
from assistant.core.documents import SECTOREN, DocumentMeta
from assistant.web.messages import source_link
from assistant.web.session import Session, describe
from assistant.web.views import browse, card_text, doc_choices, filters_from, sector_groups, table_rows

W = texts.WEB


class BrowseHandlers(Session):
    def browse(
        self, sector: str = "", soort: str = "", *, cards: bool = True
    ) -> tuple[list[list[str]], list[list[str]], list[tuple[str, str]], str, list[str]]:
        """(cards, table rows, choices to open, count line, the document id of each card and row). With a
        sector chosen, what is only for that sector comes first, then what holds for every sector. With
        `cards=False` no cards (the table and the choices need no texts, so none are read)."""
        try:
            retriever = self.assistant().retriever
            listed = browse(retriever.documents(), sector or "", soort or "")
        except Exception as error:
            return [], [], [], f"⚠️ {describe(error)}", []
        own, shared = sector_groups(listed, sector or "")
        listed = own + shared
        line = W["browse_count"].format(n=len(listed)) if listed else W["browse_empty"]
        if sector and shared:
            line = W["browse_count_split"].format(own=len(own), sector=sector, shared=len(shared))
        try:  # a card shows the start of its text: only the listed documents' opening chunks are read
            chunks = retriever.first_chunks([d.id for d in listed]) if cards else []
        except Exception as error:
            return [], [], [], f"⚠️ {describe(error)}", []
        shown = [[card_text(c, sector or "")] for c in chunks]
        return shown, table_rows(listed), doc_choices(listed), line, [d.id for d in listed]

    def card_groups(self, sector: str = "", soort: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
        """The cards as the tab shows them: with a sector chosen, those only for that sector under one
        heading and those for every sector under another; [(heading, [(card text, document id)])]."""
        try:
            retriever = self.assistant().retriever
            chosen = browse(retriever.documents(), sector or "", soort or "")
            own, shared = sector_groups(chosen, sector or "")
            # a card shows the start of its text: only the listed documents' opening chunks are read
            first = {c.doc.id: c for c in retriever.first_chunks([d.id for d in chosen])}
        except Exception:  # the count line says what is wrong
            return []

        def cards(group: list[DocumentMeta]) -> list[tuple[str, str]]:
            return [(card_text(first[d.id], sector or ""), d.id) for d in group if d.id in first]

        if not sector or not shared:
            return [("", cards(own + shared))]
        groups = [(W["cards_own"].format(sector=sector, n=len(own)), cards(own))] if own else []
        return [*groups, (W["cards_shared"].format(n=len(shared)), cards(shared))]

    def ask_scoped(self, question: str, scope: str, doc_id: str, sector: str) -> Iterator[tuple[str, bool]]:
        """A single question limited to one case/knop or to one sector (or, scope "all", the whole knowledge
        base), streamed as (Markdown, whether to offer asking in the whole knowledge base)."""
        from assistant.answering.rendering import answer_markdown

        doc_id = str(doc_id or "")
        if not str(question or "").strip():
            yield W["scope_need_question"], False
            return
        if scope == "doc" and not doc_id:
            yield W["scope_need_doc"], False
            return
        if scope == "sector" and sector not in SECTOREN:  # also what the API sends: known sectors only
            yield W["scope_need_sector"], False
            return
        filters = filters_from([sector] if scope == "sector" else [], [], [doc_id] if scope == "doc" else [])
        heading = f"*{W['searched_everywhere']}*\n\n" if scope == "all" else ""
        try:
            assistant = self.assistant()
            # Only ids of the knowledge base: each new filter is cached by the retriever.
            if scope == "doc" and doc_id not in assistant.retriever.documents():
                yield W["doc_missing"], False
                return
            for answer in assistant.stream(question or "", None, filters):
                shown = answer_markdown(answer, cite=source_link) if answer.text else f"*{W['pending']}*"
                yield heading + shown, answer.elsewhere and answer.complete
        except Exception as error:
            yield f"⚠️ {describe(error)}", False


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
            # a phone shows the text above the question box: this jumps there (the page script)
            jump = gr.Button(W["jump_to_question"], variant="primary", visible=False, elem_id="wibb-jump")
        with gr.Column(scale=2, elem_id="wibb-scoped"):
            question = gr.Textbox(label=W["scoped_question"], placeholder=W["scoped_placeholder"], lines=2)
            scope = gr.Radio(
                [(W["scope_doc"], "doc"), (W["scope_sector"], "sector")], value="doc", label=W["scope"]
            )
            ask_button = gr.Button(W["send"], variant="primary")
            answer = gr.Markdown(elem_id="wibb-scoped-answer")
            everywhere = gr.Button(W["widen"], visible=False, size="sm")

    def refresh(sector_value: str, kind_value: str):
        _, rows, choices, line, ids = app.browse(sector_value, kind_value, cards=False)
        return rows, gr.update(choices=choices, value=None), line, ids

    view.change(lambda v: gr.update(visible=v == "table"), view, table, api_visibility="private")
    shown = [table, pick, count, shown_ids]
    for control in (sector, kind):
        control.change(refresh, [sector, kind], shown, api_visibility="private")
    demo.load(refresh, [sector, kind], shown, api_visibility="private")

    def open_doc(doc_id: str) -> tuple[str, str, Any]:
        return app.open_document(doc_id), doc_id or "", gr.update(visible=bool(doc_id))

    pick.input(open_doc, pick, [doc_text, selected, jump], api_visibility="private")

    def open_at(position: Any, ids: list[str]):
        doc_id = ids[position] if isinstance(position, int) and 0 <= position < len(ids) else ""
        return (
            app.open_document(doc_id),
            doc_id,
            gr.update(value=doc_id or None),
            gr.update(visible=bool(doc_id)),
        )

    opened = [doc_text, selected, pick, jump]
    with cards:

        @gr.render(inputs=[sector, kind, view])
        def show_cards(sector_value: str, kind_value: str, view_value: str) -> None:
            for heading, group in app.card_groups(sector_value, kind_value):
                if heading:
                    gr.Markdown(
                        f"#### {heading}", elem_classes="wibb-cards-heading", visible=view_value == "cards"
                    )
                with gr.Row(elem_classes="wibb-cards", visible=view_value == "cards"):
                    for card, doc_id in group:
                        button = gr.Button(card, elem_classes="wibb-card", variant="secondary")
                        button.click(partial(open_at, 0, [doc_id]), None, opened, api_visibility="private")

    def open_row(ids: list[str], data: gr.SelectData):
        row = data.index[0] if isinstance(data.index, list | tuple) else data.index
        return open_at(row, ids)

    table.select(open_row, shown_ids, opened, api_visibility="private")

    def ask(question_text: str, scope_value: str, doc_id: str, sector_value: str):
        for shown, offer in app.ask_scoped(question_text, scope_value, doc_id, sector_value):
            yield shown, gr.update(visible=offer)

    for trigger in (ask_button.click, question.submit):
        trigger(ask, [question, scope, selected, sector], [answer, everywhere], api_visibility="private")

    # nothing in this casus or sector: the same question in the whole knowledge base, with one click
    def ask_everywhere(question_text: str, doc_id: str, sector_value: str):
        yield from ask(question_text, "all", doc_id, sector_value)

    everywhere.click(
        ask_everywhere, [question, selected, sector], [answer, everywhere], api_visibility="private"
    )
