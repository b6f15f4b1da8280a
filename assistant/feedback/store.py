"""👍/👎 on answers, in the shared database (`assistant.database`: SQLite in the data folder, or PostgreSQL
with WIBB_DATABASE_URL); exports: `assistant.feedback.exports`.

Every operation is one short transaction, so any number of sessions and app instances can write at once
without losing a row; a database that cannot be reached raises `DatabaseUnavailableError` (Dutch message).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from assistant.database.engine import now, transaction

LIKE, DISLIKE = 1, -1
MAX_TEXT = 20_000  # an answer or comment longer than this is cut: the store is not a file dump
COLUMNS = ("id", "created", "rating", "comment", "question", "answer", "query", "cited", "filters", "refused",
           "context")  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AnswerRecord:
    """What a rating is about: the question, the answer given and how it was found."""

    question: str
    answer: str
    query: str = ""
    cited: tuple[str, ...] = ()
    filters: dict[str, list[str]] = field(default_factory=dict)
    refused: bool = False
    context: tuple[str, ...] = ()  # the earlier questions of the conversation, oldest first


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


class FeedbackStore:
    """Feedback in the database of `target`: a database URL, or the path of a SQLite file."""

    def __init__(self, target: Path | str) -> None:
        text = str(target)
        self.url = text if "://" in text else f"sqlite:///{Path(text).resolve()}"
        # the SQLite file (for messages, and to read nothing where nothing was stored yet)
        self.path = Path(self.url.removeprefix("sqlite:///")) if self.url.startswith("sqlite:///") else None

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
        context: Sequence[str] = (),
    ) -> int:
        from assistant.database.schema import feedback

        _check_rating(rating)
        row = {
            "created": now(),
            "rating": rating,
            "comment": comment[:MAX_TEXT],
            "question": question[:MAX_TEXT],
            "answer": answer[:MAX_TEXT],
            "query": query[:MAX_TEXT],
            "cited": json.dumps(list(dict.fromkeys(cited)), ensure_ascii=False),
            "filters": json.dumps({k: list(v) for k, v in (filters or {}).items() if v}, ensure_ascii=False),
            "refused": int(refused),
            "session": session,
            "context": json.dumps([q[:MAX_TEXT] for q in context], ensure_ascii=False),
        }
        with transaction(self.url) as conn:
            return int(conn.execute(feedback.insert().values(**row)).inserted_primary_key[0])

    def set_rating(self, entry_id: int, rating: int) -> bool:
        from assistant.database.schema import feedback

        _check_rating(rating)
        with transaction(self.url) as conn:
            update = feedback.update().where(feedback.c.id == entry_id).values(rating=rating)
            return bool(conn.execute(update).rowcount == 1)

    def set_comment(self, entry_id: int, comment: str) -> bool:
        from assistant.database.schema import feedback

        with transaction(self.url) as conn:
            update = feedback.update().where(feedback.c.id == entry_id).values(comment=comment[:MAX_TEXT])
            return bool(conn.execute(update).rowcount == 1)

    def delete(self, entry_id: int) -> bool:
        from assistant.database.schema import feedback

        with transaction(self.url) as conn:
            return bool(conn.execute(feedback.delete().where(feedback.c.id == entry_id)).rowcount == 1)

    def entries(self, rating: int | None = None, ids: Sequence[int] | None = None) -> list[FeedbackEntry]:
        """Stored feedback, oldest first; optionally only 👍 or 👎, or only the given ids."""
        from sqlalchemy import select

        from assistant.database.schema import feedback

        if self.path is not None and not self.path.exists():
            return []  # nothing stored yet: no empty database is created just to read it
        query = select(feedback).order_by(feedback.c.id)
        if rating is not None:
            query = query.where(feedback.c.rating == rating)
        if ids is not None:
            query = query.where(feedback.c.id.in_(list(ids)))
        with transaction(self.url) as conn:
            rows = conn.execute(query).mappings().all()
        return [_entry(row) for row in rows]


def _check_rating(rating: int) -> None:
    if rating not in (LIKE, DISLIKE):
        raise ValueError(f"rating must be {LIKE} or {DISLIKE}, not {rating!r}")


def _entry(row: Any) -> FeedbackEntry:
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
        context=tuple(json.loads(row["context"] or "[]")),
    )
