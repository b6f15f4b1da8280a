"""The web app's handlers: plain methods over one per-process `WebApp`, wired to Gradio in `web.py`.

The assistant is built lazily (first request or a warm-up thread) and shared: it is read-only.
Everything that belongs to one visitor (chat history, answers given, login) arrives as arguments
from Gradio's per-session state and goes back as return values; nothing here is per-user global.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.answering import Assistant
from assistant.config import Settings
from assistant.errors import WibbError
from assistant.feedback import DISLIKE, LIKE, FeedbackStore
from assistant.knowledge import SECTOREN
from assistant.webparts import (
    answer_messages,
    browse,
    cards_html,
    check_login,
    conversation_for,
    doc_choices,
    doc_id_from_option,
    document_markdown,
    error_messages,
    filters_dict,
    filters_from,
    parse_auth,
    table_rows,
    turn_for_index,
    user_message,
)

log = logging.getLogger(__name__)
W = texts.WEB
LOGIN_DELAY_S = 1.0  # slows down password guessing through the UI or the API
# The feedback database and the export folder live in the data folder: locked, read-only or full.
STORAGE_ERRORS = (sqlite3.Error, OSError)


def describe(error: BaseException) -> str:
    if not isinstance(error, WibbError):
        log.exception("unexpected error in the web app", exc_info=error)
    return texts.describe_error(error)


def describe_storage(error: BaseException, data_dir: Path) -> str:
    """A failing feedback store or export folder, in Dutch with what to do about it."""
    log.warning("feedback store or export folder failed: %s", error)
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error).lower():
        return f"⚠️ {W['storage_busy']}"
    return f"⚠️ {W['storage_failed'].format(folder=data_dir)}"


class WebApp:
    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        self.settings = settings
        self._assistant = assistant
        self._lock = threading.Lock()
        self.feedback = FeedbackStore(settings.feedback_db)
        self.users = parse_auth(settings.web.auth.get_secret_value())

    # -- the shared assistant ------------------------------------------------------------------------

    def assistant(self) -> Assistant:
        """Built once per process; a failure (no index yet) is raised and retried on the next request."""
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    from assistant.factory import build_assistant

                    self._assistant = build_assistant(self.settings)
        return self._assistant

    def warm_up(self) -> threading.Thread:
        """Load the index and models in the background so the page is served at once."""

        def run() -> None:
            try:
                started = time.perf_counter()
                self.assistant()
                log.info("assistant ready in %.1f s", time.perf_counter() - started)
            except Exception as error:  # shown to the user by `status` on page load
                log.warning("assistant not available: %s", error)

        thread = threading.Thread(target=run, name="wibb-warm-up", daemon=True)
        thread.start()
        return thread

    def status(self) -> str:
        """The banner above the tabs: empty when all is well, else what is wrong and what to do."""
        try:
            assistant = self.assistant()
        except Exception as error:
            return f"⚠️ {describe(error)}"
        if assistant.llm is not None:
            return W["status_llm"].format(model=self.settings.llm.model or self.settings.llm.backend)
        return ""

    # -- chat ----------------------------------------------------------------------------------------

    def respond(
        self,
        message: str,
        history: Sequence[Any] | None,
        sector: Sequence[str] | None = None,
        soort: Sequence[str] | None = None,
        turns: list[dict[str, Any]] | None = None,
        session: str = "",
    ) -> Iterator[tuple[list[Any], str, list[dict[str, Any]], str, list[tuple[str, str]]]]:
        """Stream one answer: yields (chat messages, textbox value, turns, session id, document choices)."""
        history = list(history or [])
        turns = [dict(t) for t in turns or []]
        session = session or secrets.token_hex(8)
        question = str(message or "")
        filters = filters_from(sector, soort)
        shown = [*history, user_message(question)]
        conversation = conversation_for(turns, history)  # before this question joins the turns
        turn: dict[str, Any] = {
            "question": question, "answer": "", "cited": [], "filters": filters_dict(filters), "query": "",
            "refused": False, "docs": [], "feedback": None,
        }  # fmt: skip
        turns.append(turn)
        try:
            links: list[str] | None = None
            docs: list[tuple[str, str]] = []
            for answer in self.assistant().stream(question, conversation, filters):
                found = [link.id for link in (*answer.knoppen, *answer.cases, *answer.nearest)]
                if found != links:  # the links come with the first snapshot: look them up once
                    links, docs = found, self._docs_in(turns, found)
                if answer.complete:  # the last snapshot: what feedback on this answer will store
                    turn.update(
                        answer=answer.text,
                        cited=list(dict.fromkeys(c.doc_id for c in answer.citations)),
                        query=answer.query,
                        refused=answer.refused,
                        docs=found,
                    )
                yield shown + answer_messages(answer), "", turns, session, docs
        except Exception as error:
            turn["answer"] = describe(error)
            yield shown + error_messages(turn["answer"]), "", turns, session, self._docs_in(turns)

    def _docs_in(self, turns: Sequence[dict[str, Any]], pending: Sequence[str] = ()) -> list[tuple[str, str]]:
        """The knoppen and cases this conversation drew on, to reopen them from the side panel."""
        ids = [d for t in turns for d in t.get("docs", [])] + list(pending)
        if not ids:
            return []
        documents = self.assistant().retriever.documents()
        return doc_choices(documents[d] for d in dict.fromkeys(ids) if d in documents)

    def rate(
        self, history: Sequence[Any], turns: list[dict[str, Any]], session: str, index: Any, liked: Any
    ) -> tuple[list[dict[str, Any]], str, int | None]:
        """👍/👎 on an answer: stored at once; returns (turns, message, feedback id for the comment)."""
        turns = [dict(t) for t in turns or []]
        position = turn_for_index(history, index)
        if not 0 <= position < len(turns):
            return turns, W["feedback_unknown"], None
        rating = LIKE if liked is True else DISLIKE if liked is False else None
        try:
            return self._rate(turns, position, rating, session)
        except STORAGE_ERRORS as error:
            return turns, describe_storage(error, self.settings.data_dir), None  # turns unchanged

    def _rate(
        self, turns: list[dict[str, Any]], position: int, rating: int | None, session: str
    ) -> tuple[list[dict[str, Any]], str, int | None]:
        turn = turns[position]
        entry_id = turn.get("feedback")
        if rating is None:
            if entry_id:
                self.feedback.delete(entry_id)
            turn["feedback"] = None
            return turns, W["feedback_removed"], None
        if not (entry_id and self.feedback.set_rating(entry_id, rating)):  # a changed mind updates the row
            entry_id = self.feedback.add(
                rating=rating,
                question=turn["question"],
                answer=turn["answer"],
                cited=turn["cited"],
                filters=turn["filters"],
                query=turn["query"],
                refused=turn["refused"],
                session=session or "",
            )
            turn["feedback"] = entry_id
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

    # -- documents -------------------------------------------------------------------------------------

    def open_document(self, doc_id: str) -> str:
        doc_id = doc_id_from_option(doc_id) or str(doc_id or "")
        if not doc_id:
            return W["doc_none"]
        try:
            return document_markdown(self.assistant().retriever.document_chunks(doc_id))
        except Exception as error:
            return f"⚠️ {describe(error)}"

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
        from assistant.rendering import answer_markdown

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

    # -- organisers -------------------------------------------------------------------------------------

    @property
    def login_required(self) -> bool:
        return bool(self.users)

    def allowed(self, authed: bool) -> bool:
        return not self.users or authed is True

    def login(self, user: str, password: str) -> tuple[bool, str]:
        if check_login(self.users, user, password):
            return True, W["login_ok"]
        time.sleep(LOGIN_DELAY_S)
        return False, W["login_failed"]

    def export_dir(self) -> Path:
        """Downloads are written inside the data folder only, under names we choose."""
        folder = self.settings.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def export_path(self, stem: str, suffix: str) -> Path:
        """Gradio serves these files to whoever has the URL: the name must not be guessable."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        return self.export_dir() / f"{stem}-{stamp}-{secrets.token_urlsafe(16)}{suffix}"
