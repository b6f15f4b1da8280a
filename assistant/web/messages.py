"""Chat messages for the web app, pure (no Gradio): an answer as one bubble that carries its own links, the
turns of a browser conversation, and the actions a link in a bubble asks for.

Gradio shows its option buttons only under the last reply, so an older answer would lose its knoppen and
casussen. Each answer therefore carries its links itself, as page anchors the page script turns into actions:
`#wibb-doc-<id>` opens the text in the side panel, `#wibb-bron-<n>` opens source n in the same bubble,
`#wibb-ruimer-<turn>` asks that question again in the whole knowledge base. Every text from the knowledge
base or from a user is escaped before it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant import texts
from assistant.answering.answer import Answer, DocLink
from assistant.answering.chat import Conversation, from_messages
from assistant.answering.rendering import answer_markdown, escape, source_line
from assistant.core.filters import Filters
from assistant.feedback.store import AnswerRecord

Message = dict[str, Any]
W = texts.WEB
DOC_ANCHOR = "#wibb-doc-"
SOURCE_ANCHOR = "#wibb-bron-"
WIDEN_ANCHOR = "#wibb-ruimer-"
# Knowledge ids are slugs; anything else (a tampered browser store) is shown as plain text, never linked.
SAFE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


def user_message(question: str) -> Message:
    return {"role": "user", "content": escape(question)}


@dataclass(frozen=True, kw_only=True)
class ChatTurn(AnswerRecord):
    """One question of a browser conversation: what feedback on it stores, the answer as shown (to show it
    again and to export it), the documents it linked."""

    docs: tuple[str, ...] = ()
    feedback: int | None = None  # the id of the stored 👍/👎, if any
    reply: Answer | None = None  # the answer as shown, without the retrieved passages; None for an error
    widened: bool = False  # asked again in the whole knowledge base, without the filters


def conversation_for(turns: Sequence[ChatTurn], history: Iterable[Any]) -> Conversation:
    """The conversation so far, from the session's own record of what was asked and answered (raw text,
    never the rendered bubbles). Only an API caller without session state has just the history it sends
    (pairs or messages, as gradio_client does)."""
    if turns:
        return Conversation([t.question for t in turns], [t.answer for t in turns],
                            [t.query or t.question for t in turns], [t.cited for t in turns])  # fmt: skip
    return from_messages(history)


def answer_messages(
    answer: Answer, filters: Filters | None = None, turn: int | None = None, widened: bool = False
) -> list[Message]:
    """One bubble: the answer with its [n] markers, knoppen and casussen as links, then a collapsible
    "Bronnen" block. What shaped the answer is named above it (filters, the search query), so that
    nothing acts unseen. `turn`: the answer's place in the conversation, for the link that asks again."""
    body = answer_markdown(answer, with_sources=False, link=doc_link, cite=source_link)
    if not answer.text:
        body = f"*{W['pending']}*\n{body}"
    if answer.query and answer.query != answer.question:
        body = f"*{escape(texts.SEARCHED_FOR.format(query=answer.query))}*\n\n{body}"
    if widened:
        body = f"*{W['searched_everywhere']}*\n\n{body}"
    elif filters is not None and (filters.sector or filters.soort):
        shown = ", ".join((*filters.sector, *filters.soort))
        body = f"*{escape(W['filters_active'].format(filters=shown))}*\n\n{body}"
    if answer.elsewhere and answer.complete and turn is not None:
        body += f"\n\n[{W['widen']}]({WIDEN_ANCHOR}{turn})"
    messages: list[Message] = [{"role": "assistant", "content": body}]
    if answer.citations:
        sources = "\n\n".join(f"{source_line(c)}  \n> {escape(c.quote)}" for c in answer.citations)
        # "done" starts the block folded: the answer stays in view, one click (or a click on a marker)
        # shows the quoted passages.
        title = f"{texts.SOURCES_HEADING} ({len(answer.citations)})"
        messages.append(
            {"role": "assistant", "content": sources, "metadata": {"title": title, "status": "done"}}
        )
    return messages


def turn_messages(turns: Sequence[ChatTurn]) -> list[Message]:
    """A whole conversation as the chat shows it, from its turns (a conversation reopened from the
    browser's storage)."""
    messages: list[Message] = []
    for n, turn in enumerate(turns):
        messages.append(user_message(turn.question))
        if turn.reply is None:
            messages += error_messages(turn.answer)
        else:
            chosen = turn.filters
            filters = Filters(sector=tuple(chosen.get("sector", ())), soort=tuple(chosen.get("soort", ())))
            messages += answer_messages(turn.reply, filters, n, turn.widened)
    return messages


def error_messages(text: str) -> list[Message]:
    return [{"role": "assistant", "content": f"⚠️ {escape(text)}"}]


def doc_link(link: DocLink) -> str:
    """A knop or casus under an answer: a link that opens its full text beside the chat."""
    title = escape(link.titel)
    return f"[{title}]({DOC_ANCHOR}{link.id})" if SAFE_ID.fullmatch(link.id) else title


def source_link(n: int) -> str:
    """A [n] marker in the answer: a link that opens source n in the Bronnen block of the same bubble."""
    return f"[\\[{n}\\]]({SOURCE_ANCHOR}{n})"


def linked_documents(answer: Answer) -> list[str]:
    """The ids of the knoppen and casussen an answer links to (nearest topics of a refusal too)."""
    links: list[DocLink] = [*answer.knoppen, *answer.cases, *(answer.nearest if answer.refused else ())]
    return list(dict.fromkeys(link.id for link in links))


def action_value(value: Any) -> str:
    """What a link click asks for: the page script writes "<id or turn> <time>" into a hidden box, so that
    the same link clicked twice is still a change."""
    return str(value or "").split(" ", 1)[0]


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
