"""👍/👎 on answers, stored in SQLite next to the index (exports: `assistant.feedback.exports`).

One connection per operation (Gradio runs handlers in a thread pool; sqlite3 connections must not
cross threads), WAL mode and a busy timeout so concurrent sessions can write at the same time.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LIKE, DISLIKE = 1, -1
MAX_TEXT = 20_000  # an answer or comment longer than this is cut: the store is not a file dump
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    cited TEXT NOT NULL DEFAULT '[]',
    filters TEXT NOT NULL DEFAULT '{}',
    refused INTEGER NOT NULL DEFAULT 0,
    session TEXT NOT NULL DEFAULT ''
)
"""
COLUMNS = ("id", "created", "rating", "comment", "question", "answer", "query", "cited", "filters", "refused")


@dataclass(frozen=True, kw_only=True)
class AnswerRecord:
    """What a rating is about: the question, the answer given and how it was found."""

    question: str
    answer: str
    query: str = ""
    cited: tuple[str, ...] = ()
    filters: dict[str, list[str]] = field(default_factory=dict)
    refused: bool = False


@dataclass(frozen=True, kw_only=True)
class FeedbackEntry(AnswerRecord):
    id: int
    created: str
    rating: int
    comment: str = ""
    session: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cited"] = list(self.cited)
        del data["session"]  # a random id per browser tab: useful for grouping in the store, not in exports
        return data


def record_fields(record: AnswerRecord) -> dict[str, Any]:
    """The fields of the record itself (not those of a subclass), as keyword arguments for `add`."""
    return {f.name: getattr(record, f.name) for f in fields(AnswerRecord)}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False
        # Switching to WAL from several threads at once can fail with "database is locked" (no busy wait).
        self._setup = threading.Lock()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            with self._setup:
                if not self._ready:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    with closing(sqlite3.connect(self.path, timeout=30)) as conn:
                        conn.execute("PRAGMA busy_timeout = 30000")
                        conn.execute("PRAGMA journal_mode = WAL")
                        conn.execute(_SCHEMA)
                        conn.commit()
                    self._ready = True
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            conn.execute("PRAGMA busy_timeout = 30000")
            with conn:  # one transaction: committed on success, rolled back on error
                yield conn

    def add(
        self,
        *,
        rating: int,
        question: str,
        answer: str,
        cited: Sequence[str] = (),
        filters: dict[str, list[str]] | None = None,
        query: str = "",
        refused: bool = False,
        comment: str = "",
        session: str = "",
    ) -> int:
        _check_rating(rating)
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created, rating, comment, question, answer, query, cited, filters, "
                "refused, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now(),
                    rating,
                    comment[:MAX_TEXT],
                    question[:MAX_TEXT],
                    answer[:MAX_TEXT],
                    query[:MAX_TEXT],
                    json.dumps(list(dict.fromkeys(cited)), ensure_ascii=False),
                    json.dumps({k: list(v) for k, v in (filters or {}).items() if v}, ensure_ascii=False),
                    int(refused),
                    session,
                ),
            )
            return int(cursor.lastrowid or 0)

    def set_rating(self, entry_id: int, rating: int) -> bool:
        _check_rating(rating)
        with self._connect() as conn:
            return (
                conn.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, entry_id)).rowcount == 1
            )

    def set_comment(self, entry_id: int, comment: str) -> bool:
        with self._connect() as conn:
            cursor = conn.execute(
                "UPDATE feedback SET comment = ? WHERE id = ?", (comment[:MAX_TEXT], entry_id)
            )
            return cursor.rowcount == 1

    def delete(self, entry_id: int) -> bool:
        with self._connect() as conn:
            return conn.execute("DELETE FROM feedback WHERE id = ?", (entry_id,)).rowcount == 1

    def entries(self, rating: int | None = None, ids: Sequence[int] | None = None) -> list[FeedbackEntry]:
        """Stored feedback, oldest first; optionally only 👍 or 👎, or only the given ids."""
        if not self.path.exists():
            return []
        sql, args = "SELECT * FROM feedback", []
        clauses = []
        if rating is not None:
            clauses.append("rating = ?")
            args.append(rating)
        if ids is not None:
            clauses.append(f"id IN ({','.join('?' * len(ids))})" if ids else "0")
            args.extend(ids)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute(sql + " ORDER BY id", args).fetchall()
        return [_entry(row) for row in rows]


def _check_rating(rating: int) -> None:
    if rating not in (LIKE, DISLIKE):
        raise ValueError(f"rating must be {LIKE} or {DISLIKE}, not {rating!r}")


def _entry(row: sqlite3.Row) -> FeedbackEntry:
    return FeedbackEntry(
        id=row["id"],
        created=row["created"],
        rating=row["rating"],
        question=row["question"],
        answer=row["answer"],
        comment=row["comment"],
        query=row["query"],
        cited=tuple(json.loads(row["cited"] or "[]")),
        filters=json.loads(row["filters"] or "{}"),
        refused=bool(row["refused"]),
        session=row["session"],
    )
