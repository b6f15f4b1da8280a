"""Conversation state: what was asked, answered, searched on and cited, turn by turn.

How a follow-up becomes a search query is `assistant.answering.followup` (without a language model,
or when the model fails); with a model, `generation.condense_question` condenses history and question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Conversation:
    """The turns of one conversation: what was asked, answered, searched on and cited."""

    questions: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    cited: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, question: str, answer: str, *, query: str = "", cited: tuple[str, ...] = ()) -> None:
        self.questions.append(question)
        self.answers.append(answer)
        self.queries.append(query or question)
        self.cited.append(tuple(cited))

    def turns(self) -> list[tuple[str, str]]:
        return list(zip(self.questions, self.answers, strict=True))


def from_messages(history: Iterable[Any]) -> Conversation:
    """Normalise chat history from Gradio (message dicts with string or content-block content,
    or [user, assistant] pairs, as `gradio_client` sends them) into a Conversation."""
    conversation = Conversation()
    pending: str | None = None
    for item in history or []:
        if isinstance(item, list | tuple) and len(item) == 2:
            user, bot = item
            if user is not None:
                conversation.add(message_text(user), message_text(bot))
            continue
        role = item.get("role") if isinstance(item, dict) else getattr(item, "role", None)
        content = item.get("content") if isinstance(item, dict) else getattr(item, "content", None)
        metadata = item.get("metadata") if isinstance(item, dict) else getattr(item, "metadata", None)
        if role == "user":
            if pending is not None:
                conversation.add(pending, "")
            pending = message_text(content)
        elif role == "assistant" and pending is not None and not (metadata or {}).get("title"):
            conversation.add(pending, message_text(content))
            pending = None
    if pending is not None:
        conversation.add(pending, "")
    return conversation


def message_text(content: Any) -> str:
    """Text of a message content: a string, a content block ({'type': 'text', 'text': ...}) or a list."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, list | tuple):
        return " ".join(message_text(part) for part in content).strip()
    return str(content)
