"""The ingest use case: folder -> documents -> chunks -> embed only what is new -> store.

Incremental by content: chunk ids hash their text and metadata, so unchanged sections are never
re-embedded, changed ones get new ids, and ids that vanished are deleted. New chunks are written
in batches, sentences before their chunk; then the lexical index of the new revision (BM25, the
answerer's lexicon, the chunk table: `retrieval.lexical`) is written beside the index, counting only
the new chunks' words; stale ids are deleted and the revision is set last: an ingest killed halfway
leaves an index that still answers, and the next ingest completes the work.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.config import CHUNK_CHARS
from assistant.core.documents import Chunk, LoadProblem, Sentence, sentences_of
from assistant.core.identity import EmbedderIdentity
from assistant.embedding import Embedder
from assistant.ingest.chunking import split_document
from assistant.ingest.reading import load_documents
from assistant.retrieval import lexical
from assistant.retrieval.derive import derive
from assistant.store.chroma import VectorStore

# A progress factory gets the total amount of work and returns the function that reports steps.
ProgressFactory = Callable[[int, str], Callable[[int], None]]
BATCH_CHUNKS = 16


@dataclass(frozen=True)
class IngestReport:
    documents: int
    documents_changed: int
    documents_removed: int
    chunks: int
    chunks_added: int
    chunks_unchanged: int
    chunks_removed: int
    sentences_added: int
    lexical_counted: int  # chunks whose words the lexical index counted now (0: it was current)
    lexical_written: bool
    lexical_folder: Path  # where the lexical index lives (with a Chroma server: this machine's copy)
    problems: tuple[LoadProblem, ...]
    seconds: float
    identity: EmbedderIdentity


def sentence_embed_text(chunk: Chunk, sentence: Sentence) -> str:
    """The title and headings give a lifted-out sentence its subject back."""
    return f"{chunk.heading_path}: {sentence.text}"


def ingest(
    knowledge_dir: Path,
    store: VectorStore,
    embedder: Embedder,
    *,
    max_chars: int = CHUNK_CHARS,
    max_bytes: int = 15_000_000,
    rebuild: bool = False,
    progress: ProgressFactory | None = None,
) -> IngestReport:
    started = time.perf_counter()
    loaded = load_documents(knowledge_dir, max_bytes=max_bytes)
    chunks = [chunk for doc in loaded.documents for chunk in split_document(doc, max_chars)]
    if rebuild:
        store.reset()
    store.open(embedder.identity, create=True)

    existing = store.chunk_documents()  # chunk id -> document id, as stored
    wanted = {c.id for c in chunks}
    new = [c for c in chunks if c.id not in existing]
    stale = set(existing) - wanted

    sentences_added = _write(store, embedder, new, progress)
    stale_sentences = {sid for sid, chunk in store.sentence_chunks().items() if chunk not in wanted}
    previous = store.revision()
    revision = previous if previous and not (new or stale) else uuid.uuid4().hex
    written = _write_lexical(store, chunks, previous, revision, fresh=rebuild)
    store.delete(chunk_ids=stale, sentence_ids=stale_sentences)
    if written is not None and written[0] != previous:
        store.set_revision(written[0])  # running apps see this and open the new lexical index

    present_docs = {d.id for d in loaded.documents}
    return IngestReport(
        documents=len(loaded.documents),
        documents_changed=len({c.doc.id for c in new}),
        documents_removed=len({existing[i] for i in stale} - present_docs),
        chunks=len(chunks),
        chunks_added=len(new),
        chunks_unchanged=len(chunks) - len(new),
        chunks_removed=len(stale),
        sentences_added=sentences_added,
        lexical_counted=written[1] if written else 0,
        lexical_written=written is not None,
        lexical_folder=store.lexical_dir,
        problems=tuple(loaded.problems),
        seconds=time.perf_counter() - started,
        identity=embedder.identity,
    )


def _write(
    store: VectorStore, embedder: Embedder, new: Sequence[Chunk], progress: ProgressFactory | None
) -> int:
    if not new:
        return 0
    per_chunk = [sentences_of(c) for c in new]
    total_texts = len(new) + sum(len(s) for s in per_chunk)
    step = progress(total_texts, "embed") if progress else None
    written = 0
    for start in range(0, len(new), BATCH_CHUNKS):
        batch = new[start : start + BATCH_CHUNKS]
        records = [r for recs in per_chunk[start : start + BATCH_CHUNKS] for r in recs]
        by_id = {c.id: c for c in batch}
        texts = [sentence_embed_text(by_id[r.chunk_id], r) for r in records]
        if records:
            store.add_sentences(records, embedder.embed_passages(texts, step))
        vectors = embedder.embed_passages([c.embed_text for c in batch], step)
        store.add_chunks(batch, np.asarray(vectors))
        written += len(records)
    return written


def _write_lexical(
    store: VectorStore, chunks: Sequence[Chunk], previous: str, revision: str, *, fresh: bool
) -> tuple[str, int] | None:
    """Write the lexical index for `revision` unless the one of `previous` already matches these chunks.

    Returns (the revision written, the chunks counted now), or None when nothing was written. The words of
    chunks the last written index already holds are copied from it (`fresh`: count everything again)."""
    root = store.lexical_dir
    wanted = {c.id for c in chunks}
    with lexical.locked(root):
        if revision == previous and lexical.holds(root, previous, wanted):
            return None
        if revision == previous and lexical.exists(root, previous):
            # written for these ids once, but the index changed since without a new revision (an ingest
            # killed before it set one): a new revision makes running apps reopen it
            revision = uuid.uuid4().hex
        derived = derive(chunks, store.sentence_vectors, None if fresh else lexical.latest(root))
        lexical.write(root, revision, derived, made_by="ingest")
    store.set_lexical(
        {
            "revision": revision,
            "chunks": len(derived.lexical.table),
            "format": lexical.FORMAT,
            "made_by": "ingest",
        }
    )
    return revision, derived.counted
