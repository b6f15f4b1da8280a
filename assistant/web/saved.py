"""Conversations kept in the visitor's browser (local storage, through Gradio's BrowserState): the server
keeps nothing of them. Pure functions over the stored value: save and list conversations, find and remove
one, turns to JSON and back, a conversation as Markdown with its sources.

The stored value comes back from the browser, so it is read defensively: whatever does not parse is left
out, and everything is escaped again when it is shown.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from assistant import texts
from assistant.answering.answer import Answer, DocLink
from assistant.answering.rendering import answer_markdown, escape
from assistant.core.results import Citation
from assistant.web.messages import ChatTurn

W = texts.WEB
STORAGE_KEY = "wibb-gesprekken"
# Local storage holds ~5 MB per site; an answer with its sources is a few kB.
MAX_CONVERSATIONS = 50
MAX_TURNS = 100
TITLE_CHARS = 60
EMPTY: dict[str, Any] = {"huidig": "", "gesprekken": []}


@dataclass(frozen=True)
class Saved:
    id: str
    titel: str
    tijd: float  # seconds since the epoch, when it was last saved
    turns: tuple[ChatTurn, ...]


def conversations(store: Any) -> list[Saved]:
    """The stored conversations, newest first; entries that do not parse are left out."""
    found: list[Saved] = []
    for entry in entries(store):
        try:
            turns = tuple(turn_from_json(t) for t in entry["beurten"][:MAX_TURNS])
            found.append(Saved(str(entry["id"]), str(entry["titel"]), float(entry["tijd"]), turns))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(found, key=lambda s: -s.tijd)


def find(store: Any, conversation_id: str) -> Saved | None:
    return next((s for s in conversations(store) if s.id == conversation_id), None)


def current(store: Any) -> str:
    """The conversation that was open when the page was left ("" after "Nieuw gesprek")."""
    return str(store.get("huidig") or "") if isinstance(store, Mapping) else ""


def save(store: Any, conversation_id: str, turns: list[ChatTurn], now: float | None = None) -> dict[str, Any]:
    """The store with this conversation saved (newest first, the oldest beyond the limit dropped) and
    marked as the open one."""
    others = [s for s in conversations(store) if s.id != conversation_id]
    kept = [
        Saved(conversation_id, title(turns), time.time() if now is None else now, tuple(turns[-MAX_TURNS:])),
        *others,
    ]
    return _store(kept[:MAX_CONVERSATIONS], conversation_id)


def remove(store: Any, conversation_id: str) -> dict[str, Any]:
    left = [s for s in conversations(store) if s.id != conversation_id]
    opened = current(store)
    return _store(left, "" if opened == conversation_id else opened)


def restore(store: Any, saved: Saved) -> dict[str, Any]:
    """Put a removed conversation back (undo), as the open one."""
    kept = [saved, *(s for s in conversations(store) if s.id != saved.id)]
    return _store(sorted(kept, key=lambda s: -s.tijd)[:MAX_CONVERSATIONS], saved.id)


def opened(store: Any, conversation_id: str) -> dict[str, Any]:
    """The store with another conversation (or none: "") marked as the open one."""
    return _store(conversations(store), conversation_id)


def title(turns: list[ChatTurn]) -> str:
    first = " ".join(turns[0].question.split()) if turns else ""
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + " …"


def choices(store: Any, now: float | None = None) -> list[tuple[str, str]]:
    """(label, id) for the list of conversations: "vandaag 14:05 · Hoeveel zorgreservisten …"."""
    return [(f"{when(s.tijd, now)} · {s.titel}", s.id) for s in conversations(store)]


def when(stamp: float, now: float | None = None) -> str:
    """ "vandaag 14:05", "gisteren 09:12", "3 mrt 14:05", "3 mrt 2024" (local time of the server)."""
    moment, today = datetime.fromtimestamp(stamp), datetime.fromtimestamp(time.time() if now is None else now)
    clock = moment.strftime("%H:%M")
    days = (today.date() - moment.date()).days
    if days == 0:
        return W["saved_today"].format(time=clock)
    if days == 1:
        return W["saved_yesterday"].format(time=clock)
    month = texts.MONTHS_SHORT[moment.month - 1]
    if moment.year == today.year:
        return f"{moment.day} {month} {clock}"
    return f"{moment.day} {month} {moment.year}"


# -- turns to JSON and back ---------------------------------------------------------------------------


def turn_json(turn: ChatTurn) -> dict[str, Any]:
    data = asdict(replace(turn, reply=None))
    if turn.reply is not None:
        reply = replace(turn.reply, retrieved=(), timings_ms={}, parts=())
        data["reply"] = {
            k: v for k, v in asdict(reply).items() if k not in ("retrieved", "timings_ms", "parts")
        }
    return data


def turn_from_json(data: Mapping[str, Any]) -> ChatTurn:
    reply = data.get("reply")
    return ChatTurn(
        question=str(data["question"]),
        answer=str(data.get("answer") or ""),
        query=str(data.get("query") or ""),
        cited=tuple(str(c) for c in data.get("cited") or ()),
        filters={str(k): [str(v) for v in vs] for k, vs in dict(data.get("filters") or {}).items()},
        refused=bool(data.get("refused")),
        context=tuple(str(c) for c in data.get("context") or ()),
        docs=tuple(str(d) for d in data.get("docs") or ()),
        feedback=int(data["feedback"]) if data.get("feedback") else None,
        reply=_answer(reply) if isinstance(reply, Mapping) else None,
        widened=bool(data.get("widened")),
    )


def _answer(data: Mapping[str, Any]) -> Answer:
    def links(key: str) -> tuple[DocLink, ...]:
        return tuple(DocLink(str(d["id"]), str(d["titel"]), str(d["soort"])) for d in data.get(key) or ())

    citations = tuple(_citation(c) for c in data.get("citations") or ())
    return Answer(
        question=str(data["question"]),
        text=str(data["text"]),
        citations=citations,
        knoppen=links("knoppen"),
        cases=links("cases"),
        nearest=links("nearest"),
        refused=bool(data.get("refused")),
        refusal=str(data.get("refusal") or ""),
        elsewhere=bool(data.get("elsewhere")),
        query=str(data.get("query") or ""),
        notice=str(data.get("notice") or ""),
        generated=bool(data.get("generated")),
    )


def _citation(c: Mapping[str, Any]) -> Citation:
    text = {f: str(c[f]) for f in ("doc_id", "chunk_id", "titel", "heading", "source", "peildatum", "quote")}
    return Citation(n=int(c["n"]), url=str(c["url"]) if c.get("url") else None, **text)


# -- export ---------------------------------------------------------------------------------------------


def markdown(saved: Saved) -> str:
    """The conversation as a Markdown file: each question, the answer with its knoppen and casussen, and
    the numbered sources it cites."""
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(saved.tijd))
    lines = [
        f"# {escape(W['export_heading'].format(title=saved.titel))}",
        "",
        f"*{W['export_intro'].format(when=stamp)}*",
    ]
    for n, turn in enumerate(saved.turns, start=1):
        lines += ["", f"## {W['export_question'].format(n=n)}", "", escape(turn.question), ""]
        if turn.reply is None:
            lines.append(f"⚠️ {escape(turn.answer)}")
            continue
        if turn.widened:
            lines += [f"*{W['searched_everywhere']}*", ""]
        elif turn.filters:
            shown = ", ".join(v for vs in turn.filters.values() for v in vs)
            lines += [f"*{escape(W['filters_active'].format(filters=shown))}*", ""]
        lines.append(answer_markdown(turn.reply))
    return "\n".join(lines).rstrip() + "\n"


def export_payload(saved: Saved | None) -> str:
    """What the page script downloads on "Exporteren": the file name and the Markdown, as JSON."""
    if saved is None:
        return ""
    day = time.strftime("%Y-%m-%d", time.localtime(saved.tijd))
    return json.dumps({"naam": f"{W['export_file']}-{day}.md", "tekst": markdown(saved)}, ensure_ascii=False)


def entries(store: Any) -> list[Mapping[str, Any]]:
    found = store.get("gesprekken") if isinstance(store, Mapping) else None
    return [e for e in found if isinstance(e, Mapping)] if isinstance(found, list) else []


def _store(kept: list[Saved], opened_id: str) -> dict[str, Any]:
    return {
        "huidig": opened_id,
        "gesprekken": [
            {"id": s.id, "titel": s.titel, "tijd": s.tijd, "beurten": [turn_json(t) for t in s.turns]}
            for s in kept
        ],
    }
