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
    """A question-set case (DESIGN.md format) for a 👎, filled in as far as the feedback goes: the question,
    its filters, the sources the answer cited (to be checked), the user's comment as `notes`. What only the
    organiser knows (the facts a good answer holds, or that it should be refused) is left to do, and `todo`
    keeps the case te beoordelen until it is done. A 👎 on a follow-up becomes a conversation (`turns:`):
    the earlier questions first, so it is asked as it was."""
    labels = texts.FEEDBACK_QUESTIONS
    case: dict[str, Any] = {
        "question": entry.question,
        "expect_facts": [],
        "expect_sources": list(entry.cited),
        "answerable": True,
    }
    filters = {
        k: v[0] if len(v) == 1 else v for k, v in entry.filters.items() if k in ("sector", "soort") and v
    }
    if filters:
        case["filters"] = filters
    note = labels["note"].format(created=entry.created)
    case["notes"] = f"{note}; {labels['comment']}: {_one_line(entry.comment)}" if entry.comment else note
    case["todo"] = labels["todo"]
    case_id = f"feedback-{entry.id}-{_slug(entry.question)}"
    if entry.context:
        return {"id": case_id, "turns": [*({"question": q} for q in entry.context), case]}
    return {"id": case_id, **case}


# The fields the organiser completes, each with what to put there (a YAML comment on its line). Matched at
# the indentation of the case's own keys (2, or 4 in the last turn of a conversation), so that no wrapped
# line of a question can be taken for one.
_TO_DO = {
    indent: re.compile(rf"^( {{{indent}}}(expect_facts|expect_sources|answerable): .*)$", re.M)
    for indent in (2, 4)
}


def to_question_yaml(entries: Sequence[FeedbackEntry]) -> str:
    """Question-set YAML with, above each case, the feedback it came from as comments, and on each field
    the organiser must complete a "TE DOEN" comment. Loaded as it is, every case is te beoordelen."""
    labels = texts.FEEDBACK_QUESTIONS
    parts = ["".join(f"# {line}\n" for line in texts.FEEDBACK_HEADER)]
    for entry in entries:
        lines = [f"👎 {entry.created}"]
        if entry.comment:
            lines.append(f"{labels['comment']}: {entry.comment}")
        lines.append(f"{labels['answer']}: {entry.answer}")
        if entry.cited:
            lines.append(f"{labels['cited']}: {', '.join(entry.cited)}")
        comment = "".join(f"# {_one_line(line)}\n" for line in lines)
        case = question_entry(entry)
        body = yaml.safe_dump([case], allow_unicode=True, sort_keys=False, width=110, default_flow_style=None)
        to_do = _TO_DO[4 if "turns" in case else 2]
        body = to_do.sub(lambda m: f"{m[1]}  # {texts.FEEDBACK_TO_DO[m[2]]}", body)
        parts.append(f"\n{comment}{body}")
    return "".join(parts)


def _one_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slug(text: str, words: int = 5) -> str:
    return "-".join(dutch.slug_words(text)[:words]) or "vraag"
