"""The chunk table: every chunk's id, document, heading and position, without its text.

What the retriever needs to know about every chunk (which ids exist, which document each belongs to, for
filters, titles and whole documents) is small; the texts are not, so they stay in the store and are fetched
by id for the few passages a question reads. Rows are ordered by (document id, position), so a document's
chunks are one contiguous range and the BM25 index, which is written in the same order, shares the row
numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from assistant.core.documents import Chunk, DocumentMeta, SourceRef
from assistant.core.filters import Filters

_NAMES = ("doc_of", "heading_of", "positions")


@dataclass(frozen=True)
class ChunkTable:
    ids: tuple[str, ...]
    docs: tuple[DocumentMeta, ...]
    doc_of: np.ndarray  # per row: index into docs
    headings: tuple[tuple[str, ...], ...]  # the distinct heading paths
    heading_of: np.ndarray  # per row: index into headings
    positions: np.ndarray  # per row: the chunk's position in its document
    _rows: dict[str, int] = field(init=False, repr=False, compare=False)
    _starts: np.ndarray = field(init=False, repr=False, compare=False)  # per document: its first row
    _by_id: Mapping[str, DocumentMeta] = field(init=False, repr=False, compare=False)
    _doc_rows: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # derived lookups of a frozen value, made once
        set_(self, "_rows", {chunk_id: row for row, chunk_id in enumerate(self.ids)})
        starts = (
            np.searchsorted(self.doc_of, np.arange(len(self.docs) + 1)) if len(self.docs) else np.zeros(1)
        )
        set_(self, "_starts", starts.astype(np.int64))
        set_(self, "_doc_rows", {doc.id: n for n, doc in enumerate(self.docs)})
        set_(self, "_by_id", MappingProxyType({doc.id: doc for doc in self.docs}))

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> ChunkTable:
        """The table of these chunks (a chunk id given twice counts once)."""
        unique = {c.id: c for c in chunks}
        ordered = sorted(unique.values(), key=lambda c: (c.doc.id, c.position, c.id))
        docs: dict[str, int] = {}
        headings: dict[tuple[str, ...], int] = {}
        for chunk in ordered:
            docs.setdefault(chunk.doc.id, len(docs))
            headings.setdefault(chunk.heading, len(headings))
        metas = {c.doc.id: c.doc for c in ordered}
        return cls(
            ids=tuple(c.id for c in ordered),
            docs=tuple(metas[doc_id] for doc_id in docs),
            doc_of=np.array([docs[c.doc.id] for c in ordered], dtype=np.int32),
            headings=tuple(headings),
            heading_of=np.array([headings[c.heading] for c in ordered], dtype=np.int32),
            positions=np.array([c.position for c in ordered], dtype=np.int32),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._rows

    def row(self, chunk_id: str) -> int:
        return self._rows[chunk_id]

    def doc_at(self, row: int) -> DocumentMeta:
        return self.docs[int(self.doc_of[row])]

    def doc_of_chunk(self, chunk_id: str) -> DocumentMeta:
        return self.doc_at(self._rows[chunk_id])

    def chunk(self, row: int, text: str) -> Chunk:
        """The chunk of this row with its text (fetched from the store)."""
        heading = self.headings[int(self.heading_of[row])]
        return Chunk(self.ids[row], self.doc_at(row), heading, text, int(self.positions[row]))

    def documents(self) -> Mapping[str, DocumentMeta]:
        """Every document's metadata by id (read-only)."""
        return self._by_id

    def document_rows(self, doc_id: str) -> range:
        """The rows of one document, in reading order (empty for an unknown id)."""
        n = self._doc_rows.get(doc_id)
        return range(0) if n is None else range(int(self._starts[n]), int(self._starts[n + 1]))

    def mask(self, filters: Filters) -> np.ndarray:
        """1.0 for every row whose document passes the filters: decided per document, then spread."""
        passes = np.array([filters.matches(doc) for doc in self.docs], dtype=np.float32)
        return passes[self.doc_of] if len(self.ids) else np.zeros(0, dtype=np.float32)

    # -- on disk ---------------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        plain = {"ids": self.ids, "headings": self.headings, **_docs_plain(self.docs)}
        (folder / "table.json").write_text(json.dumps(plain, ensure_ascii=False))
        for name in _NAMES:
            np.save(folder / f"table-{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, folder: Path) -> ChunkTable:
        plain = json.loads((folder / "table.json").read_text())
        arrays = {name: np.load(folder / f"table-{name}.npy") for name in _NAMES}
        return cls(
            ids=tuple(plain["ids"]),
            docs=_docs(plain),
            headings=tuple(tuple(h) for h in plain["headings"]),
            **arrays,
        )


# Documents on disk: the lists they share (sectors, knoppen, sources) written once and referred to by number,
# so 100k chunks' documents load in milliseconds and share their tuples in memory.
_SHARED = ("sector", "doelgroep", "knoppen", "bronnen")


def _docs_plain(docs: Iterable[DocumentMeta]) -> dict[str, Any]:
    values: dict[str, int] = {}
    rows = []
    for doc in docs:
        row = asdict(doc)
        for name in _SHARED:
            key = json.dumps(row[name], ensure_ascii=False)
            row[name] = values.setdefault(key, len(values))
        rows.append([row[f.name] for f in fields(DocumentMeta)])
    return {"docs": rows, "values": [json.loads(key) for key in values]}


def _docs(plain: dict[str, Any]) -> tuple[DocumentMeta, ...]:
    values = [tuple(SourceRef(**v) if isinstance(v, dict) else v for v in value) for value in plain["values"]]
    names = [f.name for f in fields(DocumentMeta)]
    shared = [n in _SHARED for n in names]
    return tuple(
        DocumentMeta(*(values[v] if is_shared else v for v, is_shared in zip(row, shared, strict=True)))
        for row in plain["docs"]
    )
