"""The Casussen & knoppen tab: browse and filter cases and knoppen, open one, ask about it or its sector."""

# No `from __future__ import annotations`: Gradio reads the gr.SelectData hints at runtime.
from collections.abc import Iterator
from typing import Any

from assistant import texts
from assistant.core.documents import SECTOREN
from assistant.web.session import Session, describe
from assistant.web.views import browse, cards_html, doc_choices, filters_from, table_rows

W = texts.WEB


class BrowseHandlers(Session):
    def browse(
        self, sector: str = "", soort: str = ""
    ) -> tuple[str, list[list[str]], list[tuple[str, str]], str]:
        """(cards HTML, table rows, choices to open, count line) for the Casussen & knoppen tab."""
        try:
            chosen = browse(self.assistant().retriever.documents(), sector or "", soort or "")
        except Exception as error:
            return f"<p>{describe(error)}</p>", [], [], ""
        return (
            cards_html(chosen),
            table_rows(chosen),
            doc_choices(chosen),
            W["browse_count"].format(n=len(chosen)),
        )

    def ask_scoped(self, question: str, scope: str, doc_id: str, sector: str) -> Iterator[str]:
        """A single question limited to one case/knop or to one sector, streamed as Markdown."""
        from assistant.answering.rendering import answer_markdown

        doc_id = str(doc_id or "")
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
