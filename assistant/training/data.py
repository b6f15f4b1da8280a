"""The reader's training data (training/questions/*.yaml, training/README.md): read, checked, hashed.

Every answerable case names its expected facts, its sources and evidence: fragments copied from a source's
body that hold the answer, so that a sentence can be labelled as answering by what it says, not by a
shared number. Follow-up turns carry the standalone question they stand for; the reader learns on that.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

KINDS = frozenset({
    "factoid", "definition", "person", "organisation", "route", "howto", "list", "yesno", "why",
    "comparison", "typo", "unanswerable", "followup",
})  # fmt: skip
CASE_KEYS = frozenset({"id", "kind", "question", "expect_facts", "expect_sources", "evidence", "answerable",
                       "near", "missing", "turns"})  # fmt: skip
TURN_KEYS = frozenset({"question", "standalone", "expect_facts", "expect_sources", "evidence", "answerable",
                       "near", "missing"})  # fmt: skip


@dataclass(frozen=True)
class TrainingQuestion:
    id: str  # the case id; "#2" added for the second turn of a conversation
    kind: str
    question: str  # what the reader learns on: the standalone question of a follow-up
    answerable: bool
    facts: tuple[tuple[str, ...], ...] = ()
    sources: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    typed: str = ""  # a follow-up as the person typed it


_QUOTES = str.maketrans("\u2019\u2018\u201c\u201d", "''\"\"")


def fold(text: str) -> str:
    """Lower case, no accents, Markdown emphasis and links gone, one space between words: how facts and
    evidence are compared with the knowledge base's text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_QUOTES)
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def knowledge_bodies(knowledge: Path) -> dict[str, str]:
    """Document id -> folded body of every Markdown document (front matter off, list markers and heading
    marks off)."""
    out: dict[str, str] = {}
    for path in sorted(knowledge.rglob("*.md")):
        parts = path.read_text(encoding="utf-8").split("---", 2)
        if len(parts) < 3:
            continue
        meta = yaml.safe_load(parts[1]) or {}
        body = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", parts[2], flags=re.M)
        out[str(meta.get("id", path.stem))] = fold(body)
    return out


def question_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def data_hash(files: Iterable[Path]) -> str:
    """sha256 over the files' names and bytes: the manifest's record of what the reader learnt from."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _alternatives(fact: object) -> tuple[str, ...]:
    return tuple(str(a) for a in fact) if isinstance(fact, list) else (str(fact),)


def _question(cid: str, kind: str, entry: dict, typed: str = "") -> TrainingQuestion:
    return TrainingQuestion(
        id=cid,
        kind=kind,
        question=str(entry.get("standalone") or entry.get("question") or "").strip(),
        answerable=entry.get("answerable", True) is not False,
        facts=tuple(_alternatives(f) for f in entry.get("expect_facts") or ()),
        sources=tuple(str(s) for s in entry.get("expect_sources") or ()),
        evidence=tuple(str(e) for e in entry.get("evidence") or ()),
        near=tuple(str(s) for s in entry.get("near") or ()),
        typed=typed,
    )


def read_questions(files: Sequence[Path]) -> list[TrainingQuestion]:
    """Every question of the files, follow-up turns by their standalone question. Unchecked: run
    `check` first."""
    out: list[TrainingQuestion] = []
    for path in files:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cid, kind = str(case.get("id")), str(case.get("kind"))
            if "turns" not in case:
                out.append(_question(cid, kind, case))
                continue
            for n, turn in enumerate(case["turns"] or [], start=1):
                typed = str(turn.get("question", "")) if turn.get("standalone") else ""
                out.append(_question(f"{cid}#{n}", kind, turn, typed))
    return out


def check(files: Sequence[Path], knowledge: Path) -> tuple[list[str], int]:
    """Problems (file, case, what) and the number of questions: format, ids, and every expected fact and
    evidence fragment really in the body of one of the case's sources."""
    docs = knowledge_bodies(knowledge)
    seen: set[str] = set()
    problems: list[str] = []
    total = 0
    for path in files:
        try:
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as error:
            problems.append(f"{path.name}: not valid YAML ({error})")
            continue
        for number, case in enumerate(entries, start=1):
            where = f"{path.name}#{number}"
            if not isinstance(case, dict):
                problems.append(f"{where}: not a mapping")
                continue
            cid = str(case.get("id", ""))
            where = f"{path.name}:{cid or number}"
            if not cid:
                problems.append(f"{where}: id missing")
            elif cid in seen:
                problems.append(f"{where}: duplicate id")
            seen.add(cid)
            if extra := set(case) - CASE_KEYS:
                problems.append(f"{where}: unknown field(s) {sorted(extra)}")
            if case.get("kind") not in KINDS:
                problems.append(f"{where}: kind must be one of {sorted(KINDS)}")
            turns = case["turns"] or [] if "turns" in case else [case]
            for t, turn in enumerate(turns, start=1):
                at = f"{where} turn {t}" if "turns" in case else where
                if "turns" in case and (extra := set(turn) - TURN_KEYS):
                    problems.append(f"{at}: unknown field(s) {sorted(extra)}")
                if "turns" in case and t > 1 and not turn.get("standalone"):
                    problems.append(f"{at}: a follow-up needs its standalone question")
                problems.extend(_check_turn(at, turn, docs))
                total += 1
    return problems, total


def _check_turn(where: str, turn: dict, docs: dict[str, str]) -> list[str]:
    problems: list[str] = []
    question = turn.get("question")
    if not isinstance(question, str) or len(question.strip()) < 4:
        problems.append(f"{where}: question missing")
    answerable = turn.get("answerable", True)
    if not isinstance(answerable, bool):
        return [*problems, f"{where}: answerable must be true or false"]
    if not answerable:
        if turn.get("expect_facts"):
            problems.append(f"{where}: an unanswerable case has no expect_facts")
        problems += [
            f"{where}: near names unknown document {n!r}" for n in turn.get("near") or [] if n not in docs
        ]
        if not turn.get("missing"):
            problems.append(f"{where}: say what is missing (missing: ...)")
        return problems
    sources = [str(s) for s in turn.get("expect_sources") or []]
    facts = turn.get("expect_facts") or []
    if not sources:
        problems.append(f"{where}: expect_sources missing")
    if not facts:
        problems.append(f"{where}: expect_facts missing")
    if unknown := [s for s in sources if s not in docs]:
        problems.append(f"{where}: unknown source(s) {unknown}")
    text = " ".join(docs[s] for s in sources if s in docs)
    for fact in facts:
        alternatives = _alternatives(fact)
        if not any(fold(a) in text for a in alternatives):
            problems.append(f"{where}: fact {list(alternatives)} not in the body of {sources}")
    for fragment in turn.get("evidence") or []:
        if not isinstance(fragment, str) or fold(fragment) not in text:
            problems.append(f"{where}: evidence not verbatim in {sources}: {str(fragment)[:70]!r}")
    return problems


_CASE_START = re.compile(r"^- id:\s*(\S+)\s*$", re.M)


def drop_cases(path: Path, case_ids: set[str]) -> int:
    """Remove the named cases from a training file, leaving every other line as it was written."""
    text = path.read_text(encoding="utf-8")
    starts = list(_CASE_START.finditer(text))
    kept: list[str] = [text[: starts[0].start()] if starts else text]
    removed = 0
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        if match.group(1).strip("'\"") in case_ids:
            removed += 1
        else:
            kept.append(text[match.start() : end])
    if removed:
        path.write_text("".join(kept), encoding="utf-8")
    return removed
