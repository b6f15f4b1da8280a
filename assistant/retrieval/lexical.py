"""The lexical index: what is derived from the chunks, written at ingest beside the vector index.

One folder per index revision (`<data dir>/lexical/<store>/<revision>/`), written whole under a temporary
name and renamed into place, its `manifest.json` last, so a process never opens half of one:

- the chunk table (`table.py`): ids, documents, headings, positions, no texts;
- BM25 (`bm25.py`), saved with bm25s and memory-mapped by every process that opens it;
- the sentence index (`sentences.py`): every sentence vector with its chunk, memory-mapped;
- the answerer's lexicon: in how many chunks each term occurs and the terms that name each document;
- every chunk's stems and terms (`tokens.py`), so the next ingest re-counts only new chunks.

The manifest says which revision (the store's marker, set by the ingest that changed the index) and which
tokenizer made the folder. `check` tells why a folder cannot be used (missing, another revision, another
format, another number of chunks than the store holds); the caller then rebuilds it from the store.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core import dutch
from assistant.core.terms import terms
from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.sentences import SentenceIndex
from assistant.retrieval.table import ChunkTable
from assistant.retrieval.tokens import Tokens

FORMAT = 4  # 2: documents share their lists on disk; 3: the sentence index; 4: with positions
KEEP = 2  # revisions kept on disk: a process still reading the previous one is not cut off
# Cut once with the current tokenizers: a change to the stemmer, the stopwords or `terms` changes it, and an
# index written with other tokens is rebuilt instead of read with the wrong words.
_PROBE = "De 3.500 zorgreservisten kregen filmpjes over ziekenhuizen, één café en kinderopvang-locaties."


def tokenizer() -> str:
    cut = [dutch.stems(_PROBE), terms(_PROBE), len(dutch.stopwords())]
    return hashlib.sha256(json.dumps([FORMAT, cut]).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Counts:
    """The answerer's lexicon as counted at ingest: document frequency of every term over `units` chunks,
    and per document (in table order) the keys of its names."""

    df: dict[str, int]
    units: int
    keys: list[tuple[frozenset[str], ...]]


@dataclass
class Lexical:
    """An opened (or freshly derived) lexical index. The lexicon counts are read when first asked for."""

    table: ChunkTable
    bm25: BM25Index
    sentences: SentenceIndex
    folder: Path | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    _counts: Counts | None = None

    def counts(self) -> Counts:
        if self._counts is None:
            assert self.folder is not None  # derived in memory: counted then
            plain = json.loads((self.folder / "lexicon.json").read_text())
            keys = [tuple(frozenset(k) for k in doc) for doc in plain["keys"]]
            self._counts = Counts(plain["df"], plain["units"], keys)
        return self._counts


@dataclass(frozen=True)
class Derived:
    """What an ingest (or a rebuild) computes before writing (`derive.py`): the index and its tokens."""

    lexical: Lexical
    stems: Tokens
    terms: Tokens
    counted: int  # chunks whose words were cut now (the rest came from the previous folder)


# -- on disk -------------------------------------------------------------------------------------------


def write(root: Path, revision: str, derived: Derived, made_by: str) -> Path:
    """Write the folder of `revision` under `root` (atomically: a temporary folder renamed into place)."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / _name(revision)
    temporary = root / f".tmp-{uuid.uuid4().hex}"
    temporary.mkdir()
    lexical = derived.lexical
    try:
        lexical.table.save(temporary)
        lexical.bm25.save(temporary / "bm25")
        lexical.sentences.save(temporary)
        derived.stems.save(temporary, "stems")
        derived.terms.save(temporary, "terms")
        counts = lexical.counts()
        plain = {
            "df": counts.df,
            "units": counts.units,
            "keys": [[sorted(k) for k in doc] for doc in counts.keys],
        }
        (temporary / "lexicon.json").write_text(json.dumps(plain, ensure_ascii=False))
        manifest = {
            "format": FORMAT,
            "tokenizer": tokenizer(),
            "revision": revision,
            "chunks": len(lexical.table),
            "documents": len(lexical.table.docs),
            "made_by": made_by,
            "host": socket.gethostname(),
            "written": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        (temporary / "manifest.json").write_text(json.dumps(manifest, indent=1))
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)  # an unusable folder of this revision (checked before)
        os.rename(temporary, target)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    _prune(root, keep=target)
    return target


def _name(revision: str) -> str:
    return revision or "unrevised"  # a store written without an ingest (benchmarks) has no marker yet


def _prune(root: Path, keep: Path) -> None:
    """Drop all but the newest KEEP folders (and temporary folders of killed writers, after an hour)."""
    done = sorted((f for f in _folders(root) if f != keep), key=lambda f: f.stat().st_mtime, reverse=True)
    for folder in done[KEEP - 1 :]:
        shutil.rmtree(folder, ignore_errors=True)
    for temporary in root.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if time.time() - temporary.stat().st_mtime > 3600:
                shutil.rmtree(temporary, ignore_errors=True)


def _folders(root: Path) -> list[Path]:
    return (
        [f for f in root.iterdir() if f.is_dir() and (f / "manifest.json").exists()] if root.is_dir() else []
    )


def latest(root: Path) -> Path | None:
    """The most recently written usable folder (its tokens are reused by the next ingest)."""
    usable = [f for f in _folders(root) if check_folder(f) is None]
    return max(usable, key=lambda f: f.stat().st_mtime, default=None)


def manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads((folder / "manifest.json").read_text()))
    except (OSError, ValueError):
        return None


def check_folder(folder: Path) -> str | None:
    """None when the folder was written completely by this format and tokenizer, else why not."""
    found = manifest(folder)
    if found is None:
        return "missing"
    if found.get("format") != FORMAT or found.get("tokenizer") != tokenizer():
        return "format"
    return None


def check(root: Path, revision: str, chunks: int) -> str | None:
    """Why the folder of `revision` cannot be used for a store of `chunks` chunks (None: it can)."""
    folder = root / _name(revision)
    if not (folder / "manifest.json").exists():
        return "stale" if _folders(root) else "missing"
    reason = check_folder(folder)
    if reason is None and manifest(folder).get("chunks") != chunks:  # type: ignore[union-attr]
        return "count"  # the store changed without an ingest's revision (a killed ingest, a copied folder)
    return reason


def exists(root: Path, revision: str) -> bool:
    return (root / _name(revision) / "manifest.json").exists()


def holds(root: Path, revision: str, chunk_ids: set[str]) -> bool:
    """Whether the usable folder of `revision` was written for exactly these chunks."""
    folder = root / _name(revision)
    if check_folder(folder) is not None:
        return False
    try:
        return set(json.loads((folder / "table.json").read_text())["ids"]) == chunk_ids
    except (OSError, ValueError, KeyError):
        return False


def load(root: Path, revision: str) -> Lexical:
    folder = root / _name(revision)
    table = ChunkTable.load(folder)
    bm25 = BM25Index.load(folder / "bm25", len(table))
    return Lexical(table, bm25, SentenceIndex.load(folder), folder, manifest(folder) or {})


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """One writer per folder at a time: processes that find the index stale together rebuild it once."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
