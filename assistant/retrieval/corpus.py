"""The corpus a retriever answers from: the lexical index of the store's revision, opened or rebuilt.

Opening is what every process does at start-up: read the revision, check the folder the ingest wrote for it
and memory-map it (milliseconds, also at 100k chunks). A missing or stale folder is rebuilt from the store
once, announced in Dutch, and written for the next process; several processes that find it stale together
wait for one rebuild (a file lock).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant import texts
from assistant.core.filters import Filters
from assistant.retrieval import lexical
from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.derive import derive
from assistant.retrieval.lexical import Counts, Lexical
from assistant.retrieval.table import ChunkTable
from assistant.store.chroma import VectorStore

log = logging.getLogger(__name__)
Notify = Callable[[str], None]


@dataclass(frozen=True)
class Corpus:
    """The chunk table, BM25 and the lexicon counts of one revision, swapped as one object."""

    lexical: Lexical
    revision: str
    masks: dict[Filters, np.ndarray] = field(default_factory=dict)
    rebuilt: str = ""  # why it had to be rebuilt ("" when it was opened as written)

    @property
    def table(self) -> ChunkTable:
        return self.lexical.table

    @property
    def bm25(self) -> BM25Index:
        return self.lexical.bm25

    def counts(self) -> Counts:
        return self.lexical.counts()

    def mask(self, filters: Filters) -> np.ndarray:
        if filters not in self.masks:
            self.masks[filters] = self.table.mask(filters)
        return self.masks[filters]


def is_current(store: VectorStore, revision: str) -> bool:
    """Whether the lexical index of this revision is written and usable (a reload then takes milliseconds)."""
    return lexical.check(store.lexical_dir, revision, store.count()) is None


def open_corpus(store: VectorStore, notify: Notify | None = None) -> Corpus:
    """The corpus of the store's current revision: opened as the ingest wrote it, else rebuilt and written."""
    started = time.perf_counter()
    revision, root = store.revision(), store.lexical_dir
    reason = lexical.check(root, revision, store.count())
    if reason is None:
        try:
            return Corpus(lexical.load(root, revision), revision)
        except (OSError, ValueError, KeyError) as error:  # damaged files: rebuild them
            log.warning("lexical index at %s unreadable (%s): rebuilding", root, error)
            reason = "format"
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(lexical.locked(root))
            writable = True
        except OSError as error:  # a read-only data folder: rebuild for this process only
            log.warning("lexical index at %s cannot be written (%s): kept in memory", root, error)
            writable = False
        # another process may have rebuilt it while this one waited for the lock
        if writable and lexical.check(root, revision, store.count()) is None:
            return Corpus(lexical.load(root, revision), revision)
        return _rebuild(store, revision, reason, notify, started, write=writable)


def _rebuild(
    store: VectorStore, revision: str, reason: str, notify: Notify | None, started: float, *, write: bool
) -> Corpus:
    root = store.lexical_dir
    log.info("lexical index at %s is %s for revision %r: rebuilding from the store", root, reason, revision)
    if notify is not None:
        notify(texts.LEXICAL_REBUILD[reason].format(folder=root))
    derived = derive(
        (chunk for batch in store.chunk_batches() for chunk in batch),
        store.sentence_vectors,
        lexical.latest(root) if write else None,
    )
    if write:
        try:
            lexical.write(root, revision, derived, made_by="rebuild")
        except OSError as error:  # a full disk: this process still answers
            log.warning("lexical index at %s not written: %s", root, error)
    log.info(
        "lexical index rebuilt in %.1f s (%d chunks)",
        time.perf_counter() - started,
        len(derived.lexical.table),
    )
    return Corpus(derived.lexical, revision, rebuilt=reason)
