"""The fields of a question-set entry, checked one by one: a single question or a conversation (`turns:`).

Every problem raises `QuestionSetError` naming the case (and the turn) with a Dutch reason.
"""

from __future__ import annotations

import re
from typing import Any

from assistant import texts
from assistant.core import dutch
from assistant.core.documents import DOELGROEPEN, SECTOREN, SOORTEN
from assistant.core.filters import Filters
from assistant.errors import QuestionSetError
from assistant.evaluation.cases import Case, Turn, set_error

FIELDS = ("id", "question", "expect_facts", "expect_sources", "answerable", "filters", "todo")
TURN_FIELDS = ("question", "expect_facts", "expect_sources", "answerable", "filters", "new_subject", "todo")
NOTE_FIELDS = (
    "notes",
    "note",
    "comment",
    "opmerking",
)  # a remark kept with the case and shown with its result
IGNORED_FIELDS = (*NOTE_FIELDS, "tags")


def case_from(entry: Any, source: str, number: int) -> Case:
    label = texts.EVAL_ENTRY.format(n=number)
    if not isinstance(entry, dict):
        raise QuestionSetError(source, set_error("not_mapping"), label)
    case_id = str(entry.get("id") or "").strip()
    label = case_id or label
    if not case_id:
        raise QuestionSetError(source, set_error("missing", "id"), label)
    if "turns" in entry:
        return _conversation(entry, case_id, source)
    for key in entry:
        if key not in FIELDS and key not in IGNORED_FIELDS:
            raise QuestionSetError(source, set_error("unknown_field", key), label)
    turn = _turn(entry, source, label)
    return turn.as_case(case_id)


def _conversation(entry: dict[str, Any], case_id: str, source: str) -> Case:
    for key in entry:
        if key not in ("id", "turns", "_numbers", "todo") and key not in IGNORED_FIELDS:
            raise QuestionSetError(source, set_error("conversation_field", key), case_id)
    raw = entry.get("turns")
    if not isinstance(raw, list) or not raw:
        raise QuestionSetError(source, set_error("bad_turns"), case_id)
    numbers = entry.get("_numbers")
    if numbers is not None and numbers != [str(n) for n in range(1, len(numbers) + 1)]:
        raise QuestionSetError(source, set_error("turn_numbers", ", ".join(numbers)), case_id)
    turns = []
    for n, item in enumerate(raw, start=1):
        label = texts.EVAL_TURN.format(case=case_id, n=n)
        if not isinstance(item, dict):
            raise QuestionSetError(source, set_error("not_mapping"), label)
        for key in item:
            if key not in TURN_FIELDS and key not in IGNORED_FIELDS:
                raise QuestionSetError(source, set_error("unknown_turn_field", key), label)
        turns.append(_turn(item, source, label))
    first = turns[0]
    return Case(case_id, first.question, first.expect_facts, first.expect_sources, first.answerable,
                first.filters, tuple(turns), note=_note(entry), todo=_text(entry.get("todo")))  # fmt: skip


def _turn(entry: dict[str, Any], source: str, label: str) -> Turn:
    question = entry.get("question")
    if not isinstance(question, str | int | float) or not str(question).strip():
        raise QuestionSetError(source, set_error("missing", "question"), label)
    facts = _facts(entry.get("expect_facts"), source, label)
    answerable = _boolean(entry.get("answerable", True), source, label)
    if facts and not answerable:
        raise QuestionSetError(source, set_error("facts_unanswerable"), label)
    return Turn(
        question=str(question).strip(),
        expect_facts=facts,
        expect_sources=_strings(entry.get("expect_sources"), "bad_sources", source, label),
        answerable=answerable,
        filters=_filters(entry.get("filters"), source, label),
        new_subject=_boolean(entry.get("new_subject", False), source, label, "bad_new_subject"),
        note=_note(entry),
        todo=_text(entry.get("todo")),
    )


def _note(entry: dict[str, Any]) -> str:
    return "; ".join(text for key in NOTE_FIELDS if (text := _text(entry.get(key))))


def _text(value: Any) -> str:
    """Free text as the organiser wrote it, also when YAML made a list or mapping of it."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def _strings(value: Any, code: str, source: str, label: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise QuestionSetError(source, set_error(code), label)
    return tuple(str(v).strip() for v in value if str(v).strip())


def _facts(value: Any, source: str, label: str) -> tuple[tuple[str, ...], ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, list):
        raise QuestionSetError(source, set_error("bad_facts"), label)
    facts = tuple(_strings(item, "bad_facts", source, label) for item in value)
    return tuple(f for f in facts if f)


def _boolean(value: Any, source: str, label: str, code: str = "bad_answerable") -> bool:
    if isinstance(value, bool):
        return value
    folded = dutch.fold(str(value).strip())
    if folded in ("true", "ja", "yes", "1", "waar"):
        return True
    if folded in ("false", "nee", "no", "0", "onwaar"):
        return False
    raise QuestionSetError(source, set_error(code, value), label)


def _filters(value: Any, source: str, label: str) -> Filters:
    if not value:
        return Filters()
    if not isinstance(value, dict):
        raise QuestionSetError(source, set_error("bad_filter", value), label)
    allowed = {"sector": SECTOREN, "soort": SOORTEN, "doelgroep": DOELGROEPEN}
    chosen: dict[str, tuple[str, ...]] = {}
    for key, raw in value.items():
        if key not in allowed:
            raise QuestionSetError(source, set_error("bad_filter", key), label)
        values = _strings(
            re.split(r"[;|,]", raw) if isinstance(raw, str) else raw, "bad_filter", source, label
        )
        for v in values:
            if v not in allowed[key]:
                raise QuestionSetError(source, set_error("bad_filter_value", f"{key}: {v}"), label)
        chosen[key] = values
    return Filters(**chosen)
