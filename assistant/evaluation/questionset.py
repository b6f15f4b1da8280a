"""Question sets, the organisers' contract (DESIGN.md): YAML (a list, or `cases:`) or CSV -> `Case`s.

YAML is parsed with a `yaml.BaseLoader` (safe: no tags run code), so every value stays the text the
organiser typed: `3.500` is not the float 3.5 and `no` is not a boolean until `answerable` reads it.
Every problem raises `QuestionSetError` naming the entry and giving a Dutch reason the organiser can act on.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant import texts
from assistant.core import dutch
from assistant.core.documents import DOELGROEPEN, SECTOREN, SOORTEN
from assistant.core.filters import Filters
from assistant.errors import QuestionSetError

FIELDS = ("id", "question", "expect_facts", "expect_sources", "answerable", "filters")
IGNORED_FIELDS = ("notes", "note", "comment", "opmerking", "tags")
FILTER_KEYS = ("sector", "soort", "doelgroep")
NO_FILTERS = Filters()


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    expect_facts: tuple[tuple[str, ...], ...] = ()
    expect_sources: tuple[str, ...] = ()
    answerable: bool = True
    filters: Filters = NO_FILTERS


def load_cases(path: Path | str) -> list[Case]:
    """Read a question set (YAML or CSV); any problem raises QuestionSetError with a Dutch reason."""
    path = Path(path)
    fmt = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}.get(path.suffix.lower())
    if fmt is None:
        raise QuestionSetError(path.name, _set_error("format", path.suffix or path.name))
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise QuestionSetError(str(path), _set_error("not_found")) from exc
    except OSError as exc:  # strerror is English: say it in Dutch
        kind = "permission" if isinstance(exc, PermissionError) else "other"
        kind = "directory" if isinstance(exc, IsADirectoryError) else kind
        raise QuestionSetError(str(path), _set_error("unreadable", texts.EVAL_READ_ERRORS[kind])) from exc
    return parse_cases(decode(raw, str(path)), str(path), fmt)


def decode(raw: bytes, source: str = "vragenset") -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which Excel writes for "CSV": a replaced
    character would make a fact like "crèche" fail without a word. Anything else is refused."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise QuestionSetError(source, _set_error("encoding"))


def parse_cases(text: str, source: str = "vragenset", fmt: str = "yaml") -> list[Case]:
    """A question set from text (an upload): `fmt` is "yaml" or "csv"; YAML values stay text."""
    entries = _csv_entries(text, source) if fmt == "csv" else _yaml_entries(text, source)
    cases: list[Case] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        case = _case(entry, source, number)
        if case.id in seen:
            raise QuestionSetError(source, _set_error("duplicate"), case.id)
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise QuestionSetError(source, _set_error("empty"))
    return cases


def _set_error(code: str, detail: object = "") -> str:
    return texts.EVAL_SET_ERRORS[code].format(detail=detail)


class _TextLoader(yaml.BaseLoader):
    """BaseLoader plus null, so that an empty field (`expect_sources:`, `~`, `null`) stays "not given"."""


_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_TextLoader.add_constructor("tag:yaml.org,2002:null", lambda _loader, _node: None)


def _yaml_entries(text: str, source: str) -> list[Any]:
    try:
        data = yaml.load(text, Loader=_TextLoader)  # safe: builds only str, list, dict and None
    except yaml.reader.ReaderError as exc:  # a control character; only its position is known
        where = texts.EVAL_LINE.format(line=text.count("\n", 0, exc.position) + 1)
        raise QuestionSetError(source, _set_error("yaml_character", where)) from exc
    except yaml.YAMLError as exc:  # its message is English: only the line number is passed on
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = texts.EVAL_LINE.format(line=mark.line + 1) if mark else texts.EVAL_LINE_UNKNOWN
        raise QuestionSetError(source, _set_error("yaml", where)) from exc
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise QuestionSetError(source, _set_error("shape"))
    return data


def _csv_entries(text: str, source: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:  # its message is English: only the line number is passed on
        raise QuestionSetError(
            source, _set_error("csv", texts.EVAL_LINE.format(line=reader.reader.line_num))
        ) from exc
    if rows and not {"id", "question"} <= {(k or "").strip() for k in rows[0]}:
        raise QuestionSetError(source, _set_error("csv_columns", ", ".join(str(k) for k in rows[0])))
    entries = []
    for row in rows:
        entry = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        facts = [f for f in entry.get("expect_facts", "").split(";") if f.strip()]
        entry["expect_facts"] = [[a.strip() for a in f.split("|") if a.strip()] for f in facts]
        entry["expect_sources"] = [
            s.strip() for s in re.split(r"[;|]", entry.get("expect_sources", "")) if s.strip()
        ]
        entry.setdefault("answerable", "true")
        filters = {key: entry.pop(key) for key in FILTER_KEYS if entry.get(key)}
        for key in FILTER_KEYS:
            entry.pop(key, None)
        entry["filters"] = filters
        if any(entry.values()):
            entries.append(entry)
    return entries


def _case(entry: Any, source: str, number: int) -> Case:
    label = texts.EVAL_ENTRY.format(n=number)
    if not isinstance(entry, dict):
        raise QuestionSetError(source, _set_error("not_mapping"), label)
    case_id = str(entry.get("id") or "").strip()
    label = case_id or label
    for key in entry:
        if key not in FIELDS and key not in IGNORED_FIELDS:
            raise QuestionSetError(source, _set_error("unknown_field", key), label)
    question = entry.get("question")
    for name, value in (("id", case_id), ("question", question)):
        if not isinstance(value, str | int | float) or not str(value).strip():
            raise QuestionSetError(source, _set_error("missing", name), label)
    facts = _facts(entry.get("expect_facts"), source, label)
    answerable = _boolean(entry.get("answerable", True), source, label)
    if facts and not answerable:
        raise QuestionSetError(source, _set_error("facts_unanswerable"), label)
    return Case(
        id=case_id,
        question=str(question).strip(),
        expect_facts=facts,
        expect_sources=_strings(entry.get("expect_sources"), "bad_sources", source, label),
        answerable=answerable,
        filters=_filters(entry.get("filters"), source, label),
    )


def _strings(value: Any, code: str, source: str, label: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise QuestionSetError(source, _set_error(code), label)
    return tuple(str(v).strip() for v in value if str(v).strip())


def _facts(value: Any, source: str, label: str) -> tuple[tuple[str, ...], ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, list):
        raise QuestionSetError(source, _set_error("bad_facts"), label)
    facts = tuple(_strings(item, "bad_facts", source, label) for item in value)
    return tuple(f for f in facts if f)


def _boolean(value: Any, source: str, label: str) -> bool:
    if isinstance(value, bool):
        return value
    folded = dutch.fold(str(value).strip())
    if folded in ("true", "ja", "yes", "1", "waar"):
        return True
    if folded in ("false", "nee", "no", "0", "onwaar"):
        return False
    raise QuestionSetError(source, _set_error("bad_answerable", value), label)


def _filters(value: Any, source: str, label: str) -> Filters:
    if not value:
        return Filters()
    if not isinstance(value, dict):
        raise QuestionSetError(source, _set_error("bad_filter", value), label)
    allowed = {"sector": SECTOREN, "soort": SOORTEN, "doelgroep": DOELGROEPEN}
    chosen: dict[str, tuple[str, ...]] = {}
    for key, raw in value.items():
        if key not in allowed:
            raise QuestionSetError(source, _set_error("bad_filter", key), label)
        values = _strings(
            re.split(r"[;|,]", raw) if isinstance(raw, str) else raw, "bad_filter", source, label
        )
        for v in values:
            if v not in allowed[key]:
                raise QuestionSetError(source, _set_error("bad_filter_value", f"{key}: {v}"), label)
        chosen[key] = values
    return Filters(**chosen)
