"""Feedback as files: CSV and JSON for people, question-set YAML (DESIGN.md format) from the 👎."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

import yaml

from assistant import texts
from assistant.core import dutch
from assistant.core.tables import safe_cell
from assistant.feedback.store import COLUMNS, FeedbackEntry


def to_json(entries: Sequence[FeedbackEntry]) -> str:
    return json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2)


def to_csv(entries: Sequence[FeedbackEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for entry in entries:
        data = entry.as_dict()
        data["cited"] = " ".join(entry.cited)
        data["context"] = " | ".join(entry.context)
        data["filters"] = json.dumps(entry.filters, ensure_ascii=False) if entry.filters else ""
        writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in (data[c] for c in COLUMNS)])
    return buffer.getvalue()


def question_entry(entry: FeedbackEntry) -> dict[str, Any]:
    """A question-set case (DESIGN.md format) for a 👎: the organiser fills in the expected facts. A 👎 on a
    follow-up becomes a conversation (`turns:`): the earlier questions first, so it is asked as it was."""
    case: dict[str, Any] = {
        "question": entry.question,
        "expect_facts": [],
        "expect_sources": [],
        "answerable": True,
    }
    filters = {
        k: v[0] if len(v) == 1 else v for k, v in entry.filters.items() if k in ("sector", "soort") and v
    }
    if filters:
        case["filters"] = filters
    case_id = f"feedback-{entry.id}-{_slug(entry.question)}"
    if entry.context:
        return {"id": case_id, "turns": [*({"question": q} for q in entry.context), case]}
    return {"id": case_id, **case}


def to_question_yaml(entries: Sequence[FeedbackEntry]) -> str:
    """Question-set YAML with, above each case, the feedback it came from as comments."""
    parts = ["".join(f"# {line}\n" for line in texts.FEEDBACK_QUESTIONS["header"])]
    for entry in entries:
        labels = texts.FEEDBACK_QUESTIONS
        lines = [f"👎 {entry.created}"]
        if entry.comment:
            lines.append(f"{labels['comment']}: {entry.comment}")
        lines.append(f"{labels['answer']}: {entry.answer}")
        if entry.cited:
            lines.append(f"{labels['cited']}: {', '.join(entry.cited)}")
        comment = "".join(f"# {_one_line(line)}\n" for line in lines)
        body = yaml.safe_dump([question_entry(entry)], allow_unicode=True, sort_keys=False, width=110)
        parts.append(f"\n{comment}{body}")
    return "".join(parts)


def _one_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slug(text: str, words: int = 5) -> str:
    return "-".join(dutch.slug_words(text)[:words]) or "vraag"
