"""Making the lexical index from chunks: at ingest (the chunks of the knowledge folder) or in a rebuild
(every chunk of the store, streamed in batches).

Whatever the previous folder already holds for a chunk id (its words, its sentence vectors) is copied: a
chunk id hashes the chunk's text, so none of it can have changed. Only new chunks are cut into words, and
only their sentence vectors are read from the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.core import dutch
from assistant.core.documents import Chunk, sentences_of
from assistant.core.terms import name_keys, terms
from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.lexical import Counts, Derived, Lexical, check_folder
from assistant.retrieval.sentences import EXACT_UP_TO, SentenceIndex
from assistant.retrieval.table import ChunkTable
from assistant.retrieval.tokens import Tokens, assemble, document_frequencies

# `VectorStore.sentence_vectors`: the stored vectors of these sentence ids
ReadVectors = Callable[[Sequence[str]], dict[str, np.ndarray]]
_READ_BATCH = 256  # chunks whose sentences are read from the store at once


class _Previous:
    """What the last written folder holds, by chunk id."""

    def __init__(self, folder: Path) -> None:
        self.ids: list[str] = json.loads((folder / "table.json").read_text())["ids"]
        self.stems = Tokens.load(folder, "stems")
        self.terms = Tokens.load(folder, "terms")
        self.sentences = SentenceIndex.load(folder)

    @classmethod
    def of(cls, folder: Path | None) -> _Previous | None:
        if folder is None or check_folder(folder) is not None:
            return None
        try:
            return cls(folder)
        except (OSError, ValueError, KeyError):
            return None  # a damaged folder: count everything again


def derive(chunks: Iterable[Chunk], read_vectors: ReadVectors, previous: Path | None = None) -> Derived:
    """The lexical index of these chunks, reusing what `previous` (a folder) holds for known chunk ids.

    The chunks are read once, as they come: only their metadata, the words of chunks not seen before and
    their sentence vectors are kept, never the texts (a rebuild at 100k chunks streams them from the
    store)."""
    old = _Previous.of(previous)
    known = set(old.ids) if old else set()
    light: dict[str, Chunk] = {}
    # the words of new chunks as ids into one vocabulary each: 100k chunks of strings would not fit
    vocabularies: tuple[dict[str, int], dict[str, int]] = ({}, {})
    cut: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    vectors: list[np.ndarray] = []  # a batch at a time; float16 once there are more than an exact index holds
    owners: list[tuple[str, int]] = []  # (chunk id, position) of each vector
    pending: list[Chunk] = []

    def read_pending() -> None:
        wanted = [sentence for chunk in pending for sentence in sentences_of(chunk)]
        found = read_vectors([sentence.id for sentence in wanted])
        batch = [(s.chunk_id, s.position, found[s.id]) for s in wanted if s.id in found]
        if batch:
            vectors.append(np.vstack([vector for *_, vector in batch]))
            if len(owners) + len(batch) > EXACT_UP_TO:
                vectors[:] = [part.astype(np.float16, copy=False) for part in vectors]
            owners.extend((chunk_id, position) for chunk_id, position, _ in batch)
        pending.clear()

    for chunk in chunks:
        if chunk.id in light:
            continue
        light[chunk.id] = replace(chunk, text="")  # the table keeps no text
        if chunk.id in known:
            continue
        text = chunk.embed_text
        cut[chunk.id] = tuple(  # type: ignore[assignment]
            np.fromiter((v.setdefault(t, len(v)) for t in words), dtype=np.int32)
            for v, words in zip(vocabularies, (dutch.stems(text), terms(text)), strict=True)
        )
        pending.append(chunk)
        if len(pending) >= _READ_BATCH:
            read_pending()
    if pending:
        read_pending()
    table = ChunkTable.of(light.values())
    ids = table.ids
    spelled = tuple(list(v) for v in vocabularies)
    stems, counted = assemble(
        ids, (old.ids, old.stems) if old else None, lambda row: (spelled[0][t] for t in cut[ids[row]][0])
    )
    words, _ = assemble(
        ids, (old.ids, old.terms) if old else None, lambda row: (spelled[1][t] for t in cut[ids[row]][1])
    )
    counts = Counts(document_frequencies(words), len(table), [name_keys(doc) for doc in table.docs])
    bm25 = BM25Index.build(stems.rows(), stems.vocabulary)
    sentences = _sentences(table, old, vectors, owners)
    return Derived(Lexical(table, bm25, sentences, _counts=counts), stems, words, counted)


def _sentences(
    table: ChunkTable, old: _Previous | None, vectors: list[np.ndarray], owners: list[tuple[str, int]]
) -> SentenceIndex:
    """The new chunks' sentence vectors with those of the previous folder's chunks that are still there, in
    one order whatever came from where (so an updated index is the one a rebuild would make)."""
    parts = list(vectors)
    rows = [np.array([table.row(chunk_id) for chunk_id, _ in owners], dtype=np.int32)]
    positions = [np.array([position for _, position in owners], dtype=np.int32)]
    if old is not None and len(old.sentences):
        # each old row's place in the new table (-1: the chunk is gone)
        moved = np.array([table.row(i) if i in table else -1 for i in old.ids], dtype=np.int32)
        kept = np.flatnonzero(moved[old.sentences.chunk_rows] >= 0)
        parts.append(np.asarray(old.sentences.vectors[kept]))
        rows.append(moved[old.sentences.chunk_rows[kept]])
        positions.append(old.sentences.positions[kept])
    if not parts:
        return SentenceIndex.build(np.zeros((0, 0), dtype=np.float32), np.zeros(0), np.zeros(0))
    chunk_rows, where = np.concatenate(rows), np.concatenate(positions)
    order = np.lexsort((where, chunk_rows))  # by chunk, then by position in it
    matrix = np.concatenate(parts)
    del parts
    return SentenceIndex.build(matrix[order], chunk_rows[order], where[order])
