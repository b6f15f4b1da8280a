"""The question sets of the Toetsen tab: the bundled ones (evals/), each with its size and what it is for,
and uploads, checked as soon as they arrive so that a broken case is named before anything runs.

Uploads are size-checked and parsed from memory with the safe parsers of `assistant.evaluation.questionset`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.errors import QuestionSetError
from assistant.web.session import Session, describe

W = texts.WEB
ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
UPLOAD = "upload"


@dataclass(frozen=True)
class SetInfo:
    """What the picker says about a set: its size, the ones to refuse and to review, what it is for."""

    name: str
    cases: int = 0
    conversations: int = 0  # cases with turns; `cases` counts every turn
    singles: int = 0  # cases that are one question
    unanswerable: int = 0
    to_review: int = 0
    purpose: str = ""
    problem: str = ""  # why it cannot be used


def shipped_sets(root: Path = ROOT) -> dict[str, Path]:
    """The question sets that come with the repository (evals/*.yaml|csv): the tuning parts first, then the
    held-out parts, then any other, each group by name."""
    folder = root / "evals"
    if not folder.is_dir():
        return {}
    found = [p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()]
    order = list(texts.BUNDLED_SETS)
    found.sort(key=lambda p: (order.index(p.name) if p.name in order else len(order), p.name))
    return {p.name: p for p in found}


_INFO: dict[tuple[Path, tuple[int, ...]], SetInfo] = {}  # by path and version: counted once per version
COUNTS_FILE = "question-sets.json"  # the bundled sets' counts, kept beside the index (`set_info`'s `cache`)
_COUNTED = ("cases", "conversations", "singles", "unanswerable", "to_review")


def set_info(name: str, path: Path, cache: Path | None = None) -> SetInfo:
    """A bundled set counted (cached until the file changes); a set that cannot be read says why.

    With `cache` (a folder) the counts are also kept on disk, so that a new process (the web app's start)
    does not parse every bundled set again (~0.2 s) to lay out the Toetsen tab. The stored counts hold for
    one version of the set and of the parser that counted them (modification time and size of both)."""
    version = _version(path)
    key = (path, version)
    if key not in _INFO:
        stored = _stored_counts(cache, path, version)
        if stored is not None:
            purpose = texts.BUNDLED_SETS.get(name, W["bundled_other"])
            _INFO[key] = SetInfo(
                name, stored["cases"], stored["conversations"], stored["singles"], stored["unanswerable"],
                stored["to_review"], purpose,
            )  # fmt: skip
            return _INFO[key]
        from assistant.evaluation.questionset import load_cases

        try:
            info = describe_cases(name, load_cases(path))
        except QuestionSetError as error:
            info = SetInfo(name, problem=set_problem(error))
        else:
            _store_counts(cache, path, version, info)
        _INFO[key] = info
    return _INFO[key]


def _version(path: Path) -> tuple[int, ...]:
    """The set's and the parser's modification times and sizes."""
    from assistant.evaluation import questionset

    parser = Path(questionset.__file__).stat()
    try:
        found = path.stat()
    except OSError:
        return (0, 0, parser.st_mtime_ns, parser.st_size)
    return (found.st_mtime_ns, found.st_size, parser.st_mtime_ns, parser.st_size)


def _stored_counts(cache: Path | None, path: Path, version: tuple[int, ...]) -> dict[str, int] | None:
    import json

    if cache is None:
        return None
    try:
        entry = json.loads((cache / COUNTS_FILE).read_text(encoding="utf-8")).get(str(path.resolve()))
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(entry, dict) or entry.get("version") != list(version):
        return None
    counts = entry.get("counts")
    if not isinstance(counts, dict) or set(counts) != set(_COUNTED):
        return None
    return {field: int(counts[field]) for field in _COUNTED}


def _store_counts(cache: Path | None, path: Path, version: tuple[int, ...], info: SetInfo) -> None:
    """Best effort: a cache that cannot be written only costs the next start its parse."""
    import contextlib
    import json
    import os

    if cache is None:
        return
    target = cache / COUNTS_FILE
    with contextlib.suppress(OSError, ValueError):
        cache.mkdir(parents=True, exist_ok=True)
        try:
            stored = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
        if not isinstance(stored, dict):
            stored = {}
        stored[str(path.resolve())] = {
            "version": list(version), "counts": {field: getattr(info, field) for field in _COUNTED},
        }  # fmt: skip
        temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(stored, indent=1), encoding="utf-8")
        temporary.replace(target)  # whole or not at all, also with several processes


def describe_cases(name: str, cases: list[Any]) -> SetInfo:
    turns = [turn for case in cases for turn in case.as_turns()]
    return SetInfo(
        name,
        cases=len(turns),
        conversations=sum(bool(case.turns) for case in cases),
        singles=sum(not case.turns for case in cases),
        unanswerable=sum(not turn.answerable for turn in turns),
        to_review=sum(turn.to_review for turn in turns),
        purpose=texts.BUNDLED_SETS.get(name, W["bundled_other"]),
    )


def size_text(info: SetInfo) -> str:
    """'496 vragen' or '44 gesprekken (137 vragen)'."""
    questions = W["set_questions_one" if info.cases == 1 else "set_questions"].format(n=info.cases)
    if not info.conversations:
        return questions
    talks = W["set_talk_one" if info.conversations == 1 else "set_talks"].format(n=info.conversations)
    if not info.singles:
        return W["set_conversations"].format(talks=talks, questions=questions)
    singles = W["set_single_one" if info.singles == 1 else "set_singles"].format(n=info.singles)
    return W["set_mixed"].format(singles=singles, talks=talks, questions=questions)


def choice_label(info: SetInfo) -> str:
    """A picker line: the file, its size and what it is for."""
    if info.problem:
        return W["set_choice_broken"].format(name=info.name)
    return W["set_choice"].format(name=info.name, size=size_text(info), purpose=info.purpose)


def set_choices(sets: dict[str, Path], cache: Path | None = None) -> list[tuple[str, str]]:
    return [*((choice_label(set_info(name, path, cache)), name) for name, path in sets.items()),
            (W["eval_upload_choice"], UPLOAD)]  # fmt: skip


def info_markdown(info: SetInfo) -> str:
    """Under the picker: what running this set will do, or why it cannot run."""
    if info.problem:
        return info.problem
    lines = [W["set_ready"].format(name=info.name, size=size_text(info))]
    if info.unanswerable:
        lines.append(W["set_unanswerable"].format(n=info.unanswerable))
    if info.to_review:
        lines.append(W["set_to_review"].format(n=info.to_review))
    if info.purpose and info.purpose != W["bundled_other"]:
        lines.append(info.purpose[0].upper() + info.purpose[1:] + ".")
    return " ".join(lines)


def megabytes(value: float) -> str:
    """Dutch notation: 2 -> '2', 2.5 -> '2,5'."""
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def check_upload(app: Session, upload: str | None) -> tuple[Path, str]:
    """(path, "yaml" or "csv") of an acceptable upload; raises QuestionSetError with a Dutch reason."""
    if not upload:
        raise QuestionSetError("", W["eval_need_file"])
    path = Path(upload)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise QuestionSetError(path.name, W["eval_bad_type"])
    limit = app.settings.web.max_upload_mb
    size = path.stat().st_size
    if size > limit * 1_000_000:
        too_large = W["eval_too_large"].format(size=megabytes(size / 1_000_000), limit=megabytes(limit))
        raise QuestionSetError(path.name, too_large)
    return path, fmt


def read_cases(app: Session, choice: str, upload: str | None, sets: dict[str, Path]) -> tuple[list[Any], str]:
    """(cases, name of the set); raises QuestionSetError with a Dutch reason."""
    from assistant.evaluation.questionset import decode, load_cases, parse_cases

    if choice != UPLOAD and choice in sets:
        return load_cases(sets[choice]), choice
    path, fmt = check_upload(app, upload)
    text = decode(path.read_bytes(), path.name)
    return parse_cases(text, path.name, fmt), path.name


def check_choice(app: Session, choice: str, upload: str | None, sets: dict[str, Path]) -> tuple[str, bool]:
    """(what the picker says, whether the set can run): the set is read and checked whole, at once."""
    if choice != UPLOAD and choice in sets:
        info = set_info(choice, sets[choice])
        return info_markdown(info), not info.problem
    try:
        cases, name = read_cases(app, UPLOAD, upload, sets)
    except QuestionSetError as error:
        return set_problem(error), False
    return info_markdown(describe_cases(name, cases)), True


def set_problem(error: QuestionSetError) -> str:
    """Why a question set cannot be used, naming the file when there is one (no upload has none); every
    problem when there are several. Escaped: ids and field names come from the organiser's file."""
    from assistant.answering.rendering import escape

    return f"⚠️ {escape(describe(error) if error.source else error.reason)}"
