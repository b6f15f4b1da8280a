"""Question sets, the organisers' contract (DESIGN.md): YAML (a list, or `cases:`) or CSV -> `Case`s.

YAML is parsed with a `yaml.BaseLoader` (safe: no tags run code), so every value stays the text the
organiser typed: `3.500` is not the float 3.5 and `no` is not a boolean until `answerable` reads it.
Every problem raises `QuestionSetError` naming the entry and giving a Dutch reason the organiser can act on.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import yaml

from assistant import texts
from assistant.errors import QuestionSetError
from assistant.evaluation.cases import Case, Turn, set_error
from assistant.evaluation.fields import case_from

FILTER_KEYS = ("sector", "soort", "doelgroep")
__all__ = ["Case", "Turn", "decode", "load_cases", "parse_cases"]


def load_cases(path: Path | str) -> list[Case]:
    """Read a question set (YAML or CSV); any problem raises QuestionSetError with a Dutch reason."""
    path = Path(path)
    fmt = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}.get(path.suffix.lower())
    if fmt is None:
        raise QuestionSetError(path.name, set_error("format", path.suffix or path.name))
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise QuestionSetError(str(path), set_error("not_found")) from exc
    except OSError as exc:  # strerror is English: say it in Dutch
        kind = "permission" if isinstance(exc, PermissionError) else "other"
        kind = "directory" if isinstance(exc, IsADirectoryError) else kind
        raise QuestionSetError(str(path), set_error("unreadable", texts.EVAL_READ_ERRORS[kind])) from exc
    return parse_cases(decode(raw, str(path)), str(path), fmt)


def decode(raw: bytes, source: str = "vragenset") -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which Excel writes for "CSV": a replaced
    character would make a fact like "crèche" fail without a word. Anything else is refused."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise QuestionSetError(source, set_error("encoding"))


def parse_cases(text: str, source: str = "vragenset", fmt: str = "yaml") -> list[Case]:
    """A question set from text (an upload): `fmt` is "yaml" or "csv"; YAML values stay text."""
    entries = _csv_entries(text, source) if fmt == "csv" else _yaml_entries(text, source)
    if not entries:
        raise QuestionSetError(source, set_error("empty"))
    cases: list[Case] = []
    problems: list[QuestionSetError] = []  # all of them at once: the organiser mends the file in one go
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        try:
            case = case_from(entry, source, number)
        except QuestionSetError as problem:
            problems.append(problem)
            continue
        if case.id in seen:
            problems.append(QuestionSetError(source, set_error("duplicate"), case.id))
        seen.add(case.id)
        cases.append(case)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        reason = set_error("several", len(problems))
        raise QuestionSetError(source, reason, problems=tuple(problems))
    return cases


class _TextLoader(yaml.BaseLoader):
    """BaseLoader plus null, so that an empty field (`expect_sources:`, `~`, `null`) stays "not given"."""


# The same rules over libyaml's parser when PyYAML has it: ten times faster (the Toetsen tab counts every
# bundled set when it opens); a file it refuses is read again by the Python one, whose errors name the line.
_LOADERS: list[Any] = [_TextLoader]
if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.CBaseLoader):
        """CBaseLoader plus null, as `_TextLoader`."""

    _LOADERS.insert(0, _FastLoader)
_FAST: Any = _LOADERS[0]
for _loader in _LOADERS:
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )
    _loader.add_constructor("tag:yaml.org,2002:null", lambda _loader, _node: None)


def _yaml_entries(text: str, source: str) -> list[Any]:
    try:
        data = yaml.load(text, Loader=_FAST)  # safe: builds only str, list, dict and None
    except yaml.YAMLError:
        data = None  # read again below for a message that names the line
    else:
        return _entry_list(data, source)
    try:
        data = yaml.load(text, Loader=_TextLoader)
    except yaml.reader.ReaderError as exc:  # a control character; only its position is known
        where = texts.EVAL_LINE.format(line=text.count("\n", 0, exc.position) + 1)
        raise QuestionSetError(source, set_error("yaml_character", where)) from exc
    except yaml.YAMLError as exc:  # its message is English: only the line number is passed on
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = texts.EVAL_LINE.format(line=mark.line + 1) if mark else texts.EVAL_LINE_UNKNOWN
        raise QuestionSetError(source, set_error("yaml", where)) from exc
    return _entry_list(data, source)


def _entry_list(data: Any, source: str) -> list[Any]:
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise QuestionSetError(source, set_error("shape"))
    return data


def _csv_entries(text: str, source: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:  # its message is English: only the line number is passed on
        raise QuestionSetError(
            source, set_error("csv", texts.EVAL_LINE.format(line=reader.reader.line_num))
        ) from exc
    if rows:
        present = [(k or "").strip() for k in rows[0]]
        missing = [name for name in ("id", "question") if name not in present]
        if missing:
            code = "csv_column" if len(missing) == 1 else "csv_columns"
            reason = texts.EVAL_SET_ERRORS[code].format(
                missing=" en ".join(f"'{m}'" for m in missing), found=", ".join(p for p in present if p)
            )
            raise QuestionSetError(source, reason)
    entries: list[dict[str, Any]] = []
    conversations: dict[str, dict[str, Any]] = {}
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
        turn = entry.pop("turn", "")
        if not any(entry.values()):
            continue
        if turn:  # rows with the same id and turn 1, 2, ... are one conversation
            case_id = entry.pop("id", "")
            conversation = conversations.get(case_id)
            if conversation is None:
                conversation = conversations[case_id] = {"id": case_id, "turns": [], "_numbers": []}
                entries.append(conversation)
            conversation["turns"].append(entry)
            conversation["_numbers"].append(turn)
        else:
            entries.append(entry)
    return entries
