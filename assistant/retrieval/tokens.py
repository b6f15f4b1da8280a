"""Every chunk's tokens as one ragged array (flat ids into a vocabulary, plus row offsets), kept at ingest.

An ingest of a changed file re-counts only the chunks it has not seen: the rows of unchanged chunks (a chunk
id hashes its text, so its tokens cannot have changed) are copied from the last written index with numpy,
without going back through Python lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Tokens:
    vocabulary: tuple[str, ...]
    flat: np.ndarray  # int32 token ids, row after row
    offsets: np.ndarray  # int64, rows + 1: row n is flat[offsets[n]:offsets[n + 1]]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def rows(self) -> list[list[int]]:
        return (
            [part.tolist() for part in np.split(self.flat, self.offsets[1:-1])]
            if len(self.offsets) > 1
            else []
        )

    def save(self, folder: Path, name: str) -> None:
        np.save(folder / f"{name}-flat.npy", self.flat)
        np.save(folder / f"{name}-offsets.npy", self.offsets)
        (folder / f"{name}-vocabulary.json").write_text(json.dumps(self.vocabulary, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path, name: str) -> Tokens:
        vocabulary = tuple(json.loads((folder / f"{name}-vocabulary.json").read_text()))
        return cls(vocabulary, np.load(folder / f"{name}-flat.npy"), np.load(folder / f"{name}-offsets.npy"))


def _ragged(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The flat positions of rows that start at `starts` with these lengths, row after row."""
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths - starts, lengths)


def assemble(
    ids: Sequence[str],
    previous: tuple[Sequence[str], Tokens] | None,
    fresh: Callable[[int], Iterable[str]],
) -> tuple[Tokens, int]:
    """The tokens of every row of `ids`: copied from `previous` (its ids and tokens) where the chunk id is
    there, else `fresh(row)`; the vocabulary is compacted to what is used.

    Returns the tokens and the number of rows made fresh."""
    known: Mapping[str, int] = {}
    vocab: dict[str, int] = {}
    if previous is not None:
        known = {chunk_id: row for row, chunk_id in enumerate(previous[0])}
        vocab = {token: n for n, token in enumerate(previous[1].vocabulary)}
    reused = np.array([known.get(chunk_id, -1) for chunk_id in ids], dtype=np.int64)
    new_rows = {
        int(row): np.fromiter((vocab.setdefault(t, len(vocab)) for t in fresh(int(row))), dtype=np.int64)
        for row in np.flatnonzero(reused < 0)
    }
    lengths = np.zeros(len(ids), dtype=np.int64)
    kept = np.flatnonzero(reused >= 0)
    if previous is not None and len(kept):
        lengths[kept] = previous[1].lengths[reused[kept]]
    for row, tokens in new_rows.items():
        lengths[row] = len(tokens)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.zeros(int(offsets[-1]), dtype=np.int64)
    if previous is not None and len(kept):
        source = previous[1]
        flat[_ragged(offsets[kept], lengths[kept])] = source.flat[
            _ragged(source.offsets[reused[kept]], lengths[kept])
        ]
    for row, tokens in new_rows.items():
        flat[offsets[row] : offsets[row + 1]] = tokens
    used, compact = np.unique(flat, return_inverse=True)
    words = list(vocab)
    return Tokens(tuple(words[int(u)] for u in used), compact.astype(np.int32), offsets), len(new_rows)


def document_frequencies(tokens: Tokens) -> dict[str, int]:
    """In how many rows each token occurs."""
    if not len(tokens.flat):
        return {}
    size = len(tokens.vocabulary)
    rows = np.repeat(np.arange(len(tokens.offsets) - 1, dtype=np.int64), tokens.lengths)
    pairs = np.unique(rows * size + tokens.flat)  # each (row, token) once
    counts = np.bincount(pairs % size, minlength=size)
    return {tokens.vocabulary[n]: int(c) for n, c in enumerate(counts) if c}
