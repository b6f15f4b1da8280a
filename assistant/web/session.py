"""What every tab's handlers share: the one per-process assistant, the feedback store, logins, downloads.

The assistant is built lazily (first request or a warm-up thread) and shared: it is read-only.
Everything that belongs to one visitor (chat history, answers given, login) arrives as arguments
from Gradio's per-session state and goes back as return values; nothing here is per-user global.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.answering.assistant import Assistant
from assistant.config import Settings
from assistant.errors import DatabaseUnavailableError, WibbError
from assistant.evaluation.history import RunHistory
from assistant.feedback.store import FeedbackStore
from assistant.web.views import check_login, doc_choices, doc_id_from_option, document_markdown, parse_auth

log = logging.getLogger(__name__)
W = texts.WEB
LOGIN_DELAY_S = 1.0  # slows down password guessing through the UI or the API
# The feedback database (the data folder's SQLite, or a database server) and the export folder: locked,
# read-only, full, or a server that went away.
STORAGE_ERRORS = (DatabaseUnavailableError, sqlite3.Error, OSError)


def describe(error: BaseException) -> str:
    if not isinstance(error, WibbError):
        log.exception("unexpected error in the web app", exc_info=error)
    return texts.describe_error(error)


def describe_storage(error: BaseException, data_dir: Path) -> str:
    """A failing feedback store or export folder, in Dutch with what to do about it."""
    log.warning("feedback store or export folder failed: %s", error)
    locked = "locked" in str(getattr(error, "reason", error)).lower()
    if isinstance(error, sqlite3.OperationalError | DatabaseUnavailableError) and locked:
        return f"⚠️ {W['storage_busy']}"
    if isinstance(error, DatabaseUnavailableError) and not error.location.startswith("sqlite"):
        return f"⚠️ {texts.describe_error(error)}"  # a database server: name it, not the data folder
    return f"⚠️ {W['storage_failed'].format(folder=data_dir)}"


def _console(message: str) -> None:
    """Said to whoever started the app (the lexical index being rebuilt), not to the visitors."""
    print(message, file=sys.stderr, flush=True)


class Session:
    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        self.settings = settings
        self._assistant = assistant
        self._lock = threading.Lock()
        self.feedback = FeedbackStore(settings.database)
        self.history = RunHistory(settings.database)
        self.users = parse_auth(settings.web.auth.get_secret_value())

    # -- the shared assistant ------------------------------------------------------------------------

    def assistant(self) -> Assistant:
        """Built once per process; a failure (no index yet) is raised and retried on the next request."""
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    from assistant.factory import build_assistant

                    self._assistant = build_assistant(self.settings, notify=_console)
        return self._assistant

    def warm_up(self) -> threading.Thread:
        """Load the index and models in the background so the page is served at once."""

        def run() -> None:
            try:
                started = time.perf_counter()
                self.assistant().warm_up()
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

    def writes_with_model(self) -> bool:
        """Whether a language model writes the answers (then they can be stopped and written again)."""
        if self._assistant is not None:
            return self._assistant.llm is not None
        return self.settings.llm.backend != "none"

    def documents_of(self, turns: Sequence[Any]) -> list[tuple[str, str]]:
        """The knoppen and casussen a conversation linked, to reopen them from the side panel."""
        ids = [d for t in turns for d in getattr(t, "docs", ())]
        if not ids:
            return []
        try:
            documents = self.assistant().retriever.documents()
        except Exception:  # no index yet: the status banner says so
            return []
        return doc_choices(documents[d] for d in dict.fromkeys(ids) if d in documents)

    def open_document(self, doc_id: str) -> str:
        doc_id = doc_id_from_option(doc_id) or str(doc_id or "")
        if not doc_id:
            return W["doc_none"]
        try:
            return document_markdown(self.assistant().retriever.document_chunks(doc_id))
        except Exception as error:
            return f"⚠️ {describe(error)}"

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
