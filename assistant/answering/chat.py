"""Conversation state and follow-up handling.

Without a language model, a follow-up ("En hoe zit dat bij Defensie?") becomes a standalone
search query by carrying over the content words of the previous query. With a model, the
`llm` module condenses history and question instead; this rule is then the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.core import dutch

_OPENERS = re.compile(
    r"^(en|maar|ook|dus|of|en wat|wat als|hoe zit|hoe gaat|geldt dat|is dat|kan dat|werkt dat|"
    r"waarom dan|en als|wat nou als|hoe dan)\b",
    re.I,
)
_BACK_REFERENCES = {
    "dat", "dit", "die", "daar", "daarvan", "daarbij", "daarmee", "daarvoor", "hiervan", "hierbij",
    "hiervoor", "hun", "zij", "ze", "het", "deze", "ervan", "erbij", "hetzelfde", "zo'n", "zulke",
}  # fmt: skip
MAX_CARRIED = 8
SHORT = 4


def is_follow_up(question: str) -> bool:
    """A question that leans on the previous turn: starts like a follow-up, or is short and points back."""
    text = question.strip()
    folded = dutch.words(text)
    if _OPENERS.match(text):
        return True
    return len(dutch.content_words(text)) <= SHORT and any(w in _BACK_REFERENCES for w in folded)


def standalone_query(question: str, previous_query: str) -> str:
    """The question plus the content words of the previous query it does not repeat."""
    have = set(dutch.content_words(question))
    carried: list[str] = []
    for word in dutch.content_words(previous_query):
        if word not in have and word not in carried:
            carried.append(word)
    if not carried:
        return question
    return f"{question.strip()} ({' '.join(carried[:MAX_CARRIED])})"


def condense(questions: Sequence[str]) -> str:
    """The standalone query for the last of a series of user questions."""
    query = ""
    for question in questions:
        query = standalone_query(question, query) if query and is_follow_up(question) else question
    return query


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

    def query_for(self, question: str) -> str:
        return condense([*self.questions, question])

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
