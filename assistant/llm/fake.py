"""The fake language model: scripted replies, every prompt recorded (tests and the demo mode)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence

from assistant.core.sentences import split_sentences
from assistant.llm.prompts import Prompt

Reply = str | BaseException | Sequence[str | BaseException]


class ScriptedLLM:
    """A language model that plays back scripted replies and records every prompt it gets.

    A reply is a string (streamed word by word), a list of pieces (streamed as given; an exception among
    them is raised at that point: a failure after some tokens) or an exception (raised at once). When the
    script is used up, `default(prompt)` replies: by default a grounded demo answer, the first sentence of
    the first two numbered passages with their [n], and an empty reply to other prompts (so follow-ups
    fall back to the rule-based search query).
    """

    name = "scripted"

    def __init__(self, replies: Iterable[Reply] = (), default: Callable[[Prompt], str] | None = None) -> None:
        self.replies: deque[Reply] = deque(replies)
        self.prompts: list[Prompt] = []
        self.default = default or demo_reply

    def enqueue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def stream(self, prompt: Prompt) -> Iterator[str]:
        reply = self._next(prompt)
        pieces = re.findall(r"\S+\s*|\s+", reply) if isinstance(reply, str) else reply
        for piece in pieces:
            if isinstance(piece, BaseException):
                raise piece
            yield piece

    def complete(self, prompt: Prompt) -> str:
        reply = self._next(prompt)
        pieces = [reply] if isinstance(reply, str) else list(reply)
        for piece in pieces:
            if isinstance(piece, BaseException):
                raise piece
        return "".join(str(piece) for piece in pieces)

    def _next(self, prompt: Prompt) -> Sequence[str | BaseException] | str:
        self.prompts.append(prompt)
        reply = self.replies.popleft() if self.replies else self.default(prompt)
        if isinstance(reply, BaseException):
            raise reply
        return reply


_PASSAGE = re.compile(r"^\[(\d+)\] [^\n]*\n(.*?)(?=^\[\d+\] |\Z)", re.S | re.M)


def demo_reply(prompt: Prompt) -> str:
    """The first sentence of the first two numbered passages, each with its [n]; '' without passages."""
    parts = []
    for match in list(_PASSAGE.finditer(prompt.user))[:2]:
        sentences = split_sentences(match.group(2))
        if sentences:
            parts.append(f"{sentences[0].rstrip('.!?')} [{match.group(1)}].")
    return " ".join(parts)
