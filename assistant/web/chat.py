"""The Chat tab's handlers: streamed answers with their sources, questions that wait their turn, stop and
answer again (with a language model), asking again in the whole knowledge base, 👍/👎 with a comment."""

from __future__ import annotations

import secrets
from collections.abc import Generator, Iterator, Sequence
from dataclasses import replace
from typing import Any

from assistant import texts
from assistant.answering.answer import Answer
from assistant.feedback.store import DISLIKE, LIKE, record_fields
from assistant.web.messages import (
    ChatTurn,
    answer_messages,
    conversation_for,
    error_messages,
    linked_documents,
    turn_for_index,
    turn_messages,
    user_message,
)
from assistant.web.session import STORAGE_ERRORS, Session, describe, describe_storage
from assistant.web.views import doc_choices, filters_dict, filters_from
from assistant.web.waiting import Queued, Waiting

W = texts.WEB
Step = tuple[list[Any], str, list[ChatTurn], str, list[tuple[str, str]]]


class ChatHandlers(Session):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waiting = Waiting()

    def respond(
        self,
        message: str,
        history: Sequence[Any] | None,
        sector: Sequence[str] | None = None,
        soort: Sequence[str] | None = None,
        turns: Sequence[ChatTurn] | None = None,
        session: str = "",
        widened: bool = False,
    ) -> Generator[Step, None, None]:
        """Stream one answer: yields (chat messages, textbox value, turns, session id, document choices).
        `widened`: asked again in the whole knowledge base, whatever the filters."""
        history = list(history or [])
        turns = list(turns or [])
        session = session or secrets.token_hex(8)
        question = str(message or "")
        filters = filters_from(() if widened else sector, () if widened else soort)
        shown = [*history, user_message(question)]
        conversation = conversation_for(turns, history)  # before this question joins the turns
        earlier = tuple(t.question for t in turns)  # a 👎 on a follow-up is exported with its conversation
        turns.append(ChatTurn(question=question, answer="", filters=filters_dict(filters), context=earlier,
                              widened=widened))  # fmt: skip
        position = len(turns) - 1
        try:
            links: list[str] | None = None
            docs: list[tuple[str, str]] = []
            for answer in self.assistant().stream(question, conversation, filters):
                found = linked_documents(answer)
                if found != links:  # the links come with the first snapshot: look them up once
                    links, docs = found, self._docs_in(turns, found)
                # every snapshot is kept: a stopped answer is saved as far as it came
                turns[-1] = replace(turns[-1], answer=answer.text, reply=_as_shown(answer), docs=tuple(found),
                                    cited=tuple(dict.fromkeys(c.doc_id for c in answer.citations)),
                                    query=answer.query, refused=answer.refused)  # fmt: skip
                yield shown + answer_messages(answer, filters, position, widened), "", turns, session, docs
        except Exception as error:
            turns[-1] = replace(turns[-1], answer=describe(error), reply=None)
            yield shown + error_messages(turns[-1].answer), "", turns, session, self._docs_in(turns)

    def answer_waiting(
        self, key: str, history: Sequence[Any] | None, turns: Sequence[ChatTurn] | None, session: str
    ) -> Iterator[tuple[list[Any], list[ChatTurn], str, list[tuple[str, str]], str]]:
        """The session's answering loop: every question sent, in turn, until none waits; yields (chat
        messages, turns, session id, document choices, waiting line). Nothing when another loop of the
        session runs: that one takes the question."""
        run = self.waiting.claim(key)
        if not run:
            return
        shown, kept = list(history or []), list(turns or [])
        try:
            while (item := self.waiting.next(key, run)) is not None:
                steps = self.respond(
                    item.question, shown, item.sector, item.soort, kept, session, item.widened
                )
                for step in steps:
                    if not self.waiting.running(key, run):
                        steps.close()  # stopped: the model's stream closes with it
                        return
                    shown, _, kept, session, docs = step
                    yield shown, kept, session, docs, self.waiting_line(key)
        finally:  # a loop that failed or was closed (the page went away) must not hold the session
            self.waiting.release(key, run)

    def send(self, key: str, message: str, sector: Sequence[str] | None, soort: Sequence[str] | None) -> str:
        """Keep a question to be answered in turn; returns the waiting line ("" when it is answered now)."""
        question = str(message or "").strip()
        if not question:
            return self.waiting_line(key)
        return self._add(key, Queued(question, tuple(sector or ()), tuple(soort or ())))

    def widen(self, key: str, turns: Sequence[ChatTurn], position: Any) -> str:
        """Ask the question of turn `position` again in the whole knowledge base (the link under an answer
        that found nothing within the filters)."""
        try:
            turn = list(turns or [])[int(position)]
        except (TypeError, ValueError, IndexError):
            return self.waiting_line(key)
        return self._add(key, Queued(turn.question, widened=True))

    def _add(self, key: str, item: Queued) -> str:
        # a question answered at once is not shown as waiting, not even for the moment before it starts
        return self.waiting_line(key) if self.waiting.add(key, item) else ""

    def waiting_line(self, key: str) -> str:
        pending = self.waiting.pending(key)
        return W["waiting"].format(questions=" · ".join(f"“{q}”" for q in pending)) if pending else ""

    def stop(self, key: str, turns: Sequence[ChatTurn]) -> tuple[list[Any], list[ChatTurn], str]:
        """Stop the answer being written: it stays as far as it came, marked as stopped; what was still
        waiting goes back into the box. Returns (chat messages, turns, text for the box)."""
        waiting = self.waiting.stop(key)
        kept = list(turns or [])
        if kept and kept[-1].reply is not None and not kept[-1].reply.complete:
            reply = replace(kept[-1].reply, complete=True, notice=W["stopped"])
            kept[-1] = replace(kept[-1], reply=reply)
        return turn_messages(kept), kept, "\n".join(item.question for item in waiting)

    def retry(self, key: str, turns: Sequence[ChatTurn]) -> tuple[list[Any], list[ChatTurn]]:
        """Answer the last question again (with a language model the wording differs): its answer goes,
        the question waits for the answering loop. Returns (chat messages, turns)."""
        kept = list(turns or [])
        if not kept:
            return [], kept
        last = kept.pop()
        sector, soort = last.filters.get("sector", []), last.filters.get("soort", [])
        self.waiting.stop(key)
        self.waiting.add(key, Queued(last.question, tuple(sector), tuple(soort), last.widened))
        return turn_messages(kept), kept

    def _docs_in(self, turns: Sequence[ChatTurn], pending: Sequence[str] = ()) -> list[tuple[str, str]]:
        """The knoppen and cases this conversation drew on, to reopen them from the side panel."""
        ids = [d for t in turns for d in t.docs] + list(pending)
        if not ids:
            return []
        documents = self.assistant().retriever.documents()
        return doc_choices(documents[d] for d in dict.fromkeys(ids) if d in documents)

    # -- feedback -------------------------------------------------------------------------------------

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

    def comment(self, text: str, entry_id: int | None) -> tuple[str, bool]:
        """Store the comment on a 👍/👎; returns (message, whether it was stored: then the box closes)."""
        text = (text or "").strip()
        if not entry_id:
            return W["feedback_unknown"], False
        if not text:
            return W["comment_empty"], False
        try:
            saved = self.feedback.set_comment(int(entry_id), text)
        except STORAGE_ERRORS as error:
            return describe_storage(error, self.settings.data_dir), False
        return (W["comment_saved"], True) if saved else (W["feedback_unknown"], False)


def _as_shown(answer: Answer) -> Answer:
    """The answer without what is only needed to make it (passages, timings): it is kept with the turn."""
    return replace(answer, retrieved=(), timings_ms={}, parts=())
