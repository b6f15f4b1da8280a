"""What the Chat tab does with the conversations kept in the browser: save after each answer, show the list,
reopen one (also after a reload), start a new one or delete one with a way back. Pure functions over the
stored value (`web.saved`) and the tab's state; the tab wires them to its controls.

Every function returns plain values in a fixed order (documented per function), never Gradio updates.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant import texts
from assistant.web import saved
from assistant.web.messages import ChatTurn, turn_messages

W = texts.WEB


@dataclass(frozen=True)
class Opened:
    """A conversation as the chat shows it: its messages, turns, id, the filters of its last question."""

    messages: list[Any]
    turns: list[ChatTurn]
    conversation_id: str
    sector: list[str]
    soort: list[str]
    export: str  # what "Exporteer als Markdown" downloads (`saved.export_payload`)


NOTHING = Opened([], [], "", [], [], "")


@dataclass(frozen=True)
class Undo:
    """How to take back "Nieuw gesprek" (reopen `conversation_id`) or a deletion (put `removed` back)."""

    conversation_id: str = ""
    removed: dict[str, Any] | None = None  # the removed conversation as stored


def keep(store: Any, conversation_id: str, turns: Sequence[ChatTurn]) -> tuple[dict[str, Any], str, str]:
    """After an answer: the conversation saved in the store. Returns (store, its id, export payload)."""
    if not turns:
        return dict(store or saved.EMPTY), conversation_id, ""
    conversation_id = conversation_id or secrets.token_hex(6)
    stored = saved.save(store, conversation_id, list(turns))
    return stored, conversation_id, saved.export_payload(saved.find(stored, conversation_id))


def reopen(store: Any, conversation_id: str) -> tuple[dict[str, Any], Opened]:
    """Open a stored conversation (none for an unknown id). Returns (store marking it open, what to show)."""
    found = saved.find(store, conversation_id) if conversation_id else None
    if found is None:
        return saved.opened(store, ""), NOTHING
    turns = list(found.turns)
    last = turns[-1].filters if turns and not turns[-1].widened else {}
    sector, soort = list(last.get("sector", [])), list(last.get("soort", []))
    shown = Opened(turn_messages(turns), turns, found.id, sector, soort, saved.export_payload(found))
    return saved.opened(store, found.id), shown


def start_new(
    store: Any, conversation_id: str, turns: Sequence[ChatTurn]
) -> tuple[dict[str, Any], Undo | None]:
    """ "Nieuw gesprek": the current conversation stays in the list (saved once more: an answer that was
    stopped halfway is kept as far as it came). Returns (store with none open, how to undo or None)."""
    if not turns:
        return saved.opened(store, ""), None
    stored, conversation_id, _ = keep(store, conversation_id, turns)
    return saved.opened(stored, ""), Undo(conversation_id=conversation_id)


def delete(store: Any, conversation_id: str) -> tuple[dict[str, Any], Undo | None]:
    """Remove a conversation from the list. Returns (store, how to undo or None when it was not stored)."""
    removed = next((e for e in saved.entries(store) if e.get("id") == conversation_id), None)
    if removed is None:
        return dict(store or saved.EMPTY), None
    return saved.remove(store, conversation_id), Undo(removed=dict(removed))


def undo(store: Any, way_back: Undo | None) -> tuple[dict[str, Any], Opened]:
    """Take back the last "Nieuw gesprek" or deletion: the conversation is back and open again."""
    if way_back is None:
        return saved.opened(store, saved.current(store)), NOTHING
    if way_back.removed is not None:
        back = saved.conversations({"gesprekken": [way_back.removed]})
        if back:
            return reopen(saved.restore(store, back[0]), back[0].id)
    return reopen(store, way_back.conversation_id)


def note(action: str) -> str:
    """The line beside "Ongedaan maken"."""
    return W["new_started"] if action == "new" else W["saved_deleted"]
