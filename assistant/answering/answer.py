"""The answer as data: text with [n] markers, numbered citations, knoppen and cases, what was retrieved."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.core.results import Citation, Hit
from assistant.errors import InvalidQuestionError


@dataclass(frozen=True)
class DocLink:
    id: str
    titel: str
    soort: str


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    knoppen: tuple[DocLink, ...] = ()
    cases: tuple[DocLink, ...] = ()
    retrieved: tuple[Hit, ...] = ()
    refused: bool = False
    # why refused: "evidence" (too weak), "absence" (the knowledge says it is not known), "focus", "model",
    # "scope" (nothing within the filters answers; see `elsewhere`)
    refusal: str = ""
    elsewhere: bool = False  # refused within the filters, while the whole knowledge base has an answer
    nearest: tuple[DocLink, ...] = ()
    query: str = ""
    evidence: float = 0.0
    notice: str = ""
    generated: bool = False
    complete: bool = True
    latency_ms: float = 0.0
    timings_ms: dict[str, float] = field(default_factory=dict)
    # The sentences of `text` as composed (each with its marker): streamed one by one, never re-split.
    parts: tuple[str, ...] = ()


def clean_question(question: str, max_chars: int) -> str:
    """Control characters removed and whitespace collapsed; invalid questions raise with a reason code."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in question or "")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InvalidQuestionError("empty")
    if len(text) > max_chars:
        raise InvalidQuestionError("too_long", max_chars, length=len(text))
    if not any(ch.isalnum() for ch in text):
        raise InvalidQuestionError("no_text")
    return text
