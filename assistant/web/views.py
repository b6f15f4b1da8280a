"""Pure conversions for the web app: answers to chat messages, documents to cards/tables/full text, logins.

No Gradio here: messages are plain dicts in Gradio's message format, so these functions are tested
without a server. Every text from the knowledge base or from a user is escaped before it is shown;
links are only made for http(s) URLs.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.answering.answer import Answer, DocLink
from assistant.answering.chat import Conversation, from_messages
from assistant.answering.rendering import answer_markdown, escape, source_line
from assistant.core.documents import SECTOREN, SOORTEN, Chunk, DocumentMeta, safe_url
from assistant.core.filters import Filters, admits_sector
from assistant.errors import ConfigError
from assistant.feedback.store import AnswerRecord

DOC_PREFIX = "doc:"
KINDS = {"casus": texts.WEB["kind_casus"], "knop": texts.WEB["kind_knop"]}
SNIPPET_CHARS = 220

Message = dict[str, Any]


# -- chat -------------------------------------------------------------------------------------------


def user_message(question: str) -> Message:
    return {"role": "user", "content": escape(question)}


@dataclass(frozen=True, kw_only=True)
class ChatTurn(AnswerRecord):
    """One question of a browser conversation: what feedback on it stores, plus the documents it linked."""

    docs: tuple[str, ...] = ()
    feedback: int | None = None  # the id of the stored 👍/👎, if any


def conversation_for(turns: Sequence[ChatTurn], history: Iterable[Any]) -> Conversation:
    """The conversation so far, from the session's own record of what was asked and answered (raw text,
    never the rendered bubbles). Only an API caller without session state has just the history it sends
    (pairs or messages, as gradio_client does)."""
    if turns:
        return Conversation([t.question for t in turns], [t.answer for t in turns],
                            [t.query or t.question for t in turns], [t.cited for t in turns])  # fmt: skip
    return from_messages(history)


def answer_messages(answer: Answer, filters: Filters | None = None) -> list[Message]:
    """One bubble: the answer, then a collapsible "Bronnen" block; knoppen/cases as clickable options.
    The filters that shaped the answer are named above it, so that they never act unseen."""
    body = answer_markdown(answer, with_sources=False)
    if not answer.text:
        body = f"*{texts.WEB['pending']}*\n{body}"
    if answer.query and answer.query != answer.question:
        body = f"*{escape(texts.SEARCHED_FOR.format(query=answer.query))}*\n\n{body}"
    if filters is not None and (filters.sector or filters.soort):
        shown = ", ".join((*filters.sector, *filters.soort))
        body = f"*{escape(texts.WEB['filters_active'].format(filters=shown))}*\n\n{body}"
    options = doc_options(answer)
    if options and answer.complete:
        body += f"\n\n{texts.WEB['open_hint']}"
    messages: list[Message] = [{"role": "assistant", "content": body}]
    if answer.citations:
        sources = "\n\n".join(f"{source_line(c)}  \n> {escape(c.quote)}" for c in answer.citations)
        # "done" starts the block folded: the answer stays in view, one click shows the quoted passages.
        title = f"{texts.SOURCES_HEADING} ({len(answer.citations)})"
        messages.append(
            {"role": "assistant", "content": sources, "metadata": {"title": title, "status": "done"}}
        )
    if options:
        messages[-1]["options"] = options  # Gradio shows options under the last message of the reply
    return messages


def error_messages(text: str) -> list[Message]:
    return [{"role": "assistant", "content": f"⚠️ {escape(text)}"}]


def doc_options(answer: Answer) -> list[dict[str, str]]:
    links: list[DocLink] = [*answer.knoppen, *answer.cases, *(answer.nearest if answer.refused else ())]
    seen: dict[str, dict[str, str]] = {}
    for link in links:
        seen.setdefault(link.id, {"label": doc_label(link.soort, link.titel), "value": DOC_PREFIX + link.id})
    return list(seen.values())


def doc_label(soort: str, titel: str) -> str:
    """ "Casus: Nationale Zorgreserve"; a title that already says what it is keeps it once ("Knop 2: ...")."""
    kind = KINDS.get(soort, texts.WEB["kind_other"])
    return titel if titel.lower().startswith(kind.lower()) else f"{kind}: {titel}"


def doc_id_from_option(value: Any) -> str:
    text = str(value or "")
    return text[len(DOC_PREFIX) :] if text.startswith(DOC_PREFIX) else ""


def turn_for_index(history: Sequence[Any], index: Any) -> int:
    """Which question (0-based) a 👍/👎 on message `index` belongs to; -1 if none."""
    position = index[0] if isinstance(index, list | tuple) else index
    if not isinstance(position, int):
        return -1
    users = 0
    for item in list(history or [])[: position + 1]:
        role = item.get("role") if isinstance(item, Mapping) else getattr(item, "role", None)
        users += role == "user"
    return users - 1


def filters_from(
    sector: Iterable[str] | None, soort: Iterable[str] | None, doc_ids: Iterable[str] = ()
) -> Filters:
    # Values also arrive through the API: anything that is not a known choice is ignored.
    return Filters(
        sector=tuple(s for s in (sector or ()) if s in SECTOREN),
        soort=tuple(s for s in (soort or ()) if s in SOORTEN),
        doc_ids=tuple(doc_ids),
    )


def filters_dict(filters: Filters) -> dict[str, list[str]]:
    return {k: list(v) for k, v in (("sector", filters.sector), ("soort", filters.soort)) if v}


# -- documents ----------------------------------------------------------------------------------------


def browse(
    documents: Mapping[str, DocumentMeta],
    sector: str = "",
    soort: str = "",
    kinds: Sequence[str] = ("casus", "knop"),
) -> list[DocumentMeta]:
    """Cases and knoppen, filtered, knoppen first, then by title."""
    wanted = (soort,) if soort in kinds else tuple(kinds)
    chosen = [
        d for d in documents.values() if d.soort in wanted and admits_sector([sector] if sector else [], d)
    ]
    return sorted(chosen, key=lambda d: (d.soort != "knop", d.titel.lower()))


def table_rows(docs: Sequence[DocumentMeta]) -> list[list[str]]:
    """Title, kind, sectors, peildatum: what a user reads (the document id stays out of sight)."""
    return [[d.titel, KINDS.get(d.soort, d.soort), ", ".join(d.sector), d.peildatum] for d in docs]


def badge(chunk: Chunk, sector: str) -> str:
    """Why an item is listed under a sector it does not name: it is sectoroverstijgend."""
    if sector and "sectoroverstijgend" in chunk.doc.sector and sector not in chunk.doc.sector:
        return texts.WEB["badge_cross"].format(sector=sector)
    return ""


def card_text(chunk: Chunk, sector: str = "") -> str:
    """One card of the Casussen & knoppen tab, as plain text (shown as text, never as HTML): title, kind
    and sectors, why it is listed, the start of the text."""
    doc = chunk.doc
    meta = " · ".join(p for p in (KINDS.get(doc.soort, doc.soort), ", ".join(doc.sector), doc.peildatum) if p)
    lines = [doc.titel, meta]
    if note := badge(chunk, sector):
        lines.append(f"({note})")
    lines.append(_snippet(chunk.text))
    return "\n".join(lines)


def _snippet(text: str) -> str:
    plain = re.sub(r"[#*_>`]+", "", text)
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain if len(plain) <= SNIPPET_CHARS else plain[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + " …"


def document_markdown(chunks: Sequence[Chunk]) -> str:
    """The full text of one document, escaped, with its metadata and sources (links only http(s))."""
    if not chunks:
        return texts.WEB["doc_missing"]
    first = chunks[0].doc
    meta = [KINDS.get(first.soort, first.soort), ", ".join(first.sector)]
    if first.peildatum:
        meta.append(texts.PEILDATUM.format(peildatum=first.peildatum))
    lines = [f"## {escape(first.titel)}", f"*{escape(' · '.join(p for p in meta if p))}*"]
    last_heading: tuple[str, ...] = ()
    for chunk in chunks:
        if chunk.heading and chunk.heading != last_heading:
            lines.append(f"### {escape(' > '.join(chunk.heading))}")
            last_heading = chunk.heading
        lines.append(escape(chunk.text))
    if first.knoppen:
        lines.append(f"**{texts.KNOPPEN_HEADING}:** {escape(', '.join(first.knoppen))}")
    if first.bronnen:
        lines.append(f"**{texts.SOURCES_HEADING}**")
        for ref in first.bronnen:
            title = escape(ref.titel)
            link = f"[{title}]({ref.url})" if safe_url(ref.url) else title
            lines.append(f"- {link}" + (f" ({escape(ref.datum)})" if ref.datum else ""))
    return "\n\n".join(lines)


def doc_choices(docs: Iterable[DocumentMeta]) -> list[tuple[str, str]]:
    return [(doc_label(d.soort, d.titel), d.id) for d in docs]


# -- login ------------------------------------------------------------------------------------------


def parse_auth(value: str) -> dict[str, str]:
    """'user:pass', several separated by commas, or a path to a file with one 'user:pass' per line."""
    value = (value or "").strip()
    if not value:
        return {}
    path = Path(value).expanduser()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else value.split(",")
    users: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError("WIBB_AUTH", texts.WEB["auth_invalid"])
        users[user.strip()] = password
    return users


def check_login(users: Mapping[str, str], user: str, password: str) -> bool:
    """Constant-time comparison, and the same work for unknown users (no user enumeration by timing)."""
    expected = users.get((user or "").strip())
    ok = hmac.compare_digest((password or "").encode(), (expected or "\0").encode())
    return ok and expected is not None
