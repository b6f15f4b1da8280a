"""Chroma adapter: chunks and their sentences with our own vectors, behind `VectorStore`.

Embedded `PersistentClient` under the data folder by default, `HttpClient` when a server URL is
configured. The chunk collection's metadata is the manifest: it records the embedding backend,
model, dimension and schema version; another model is refused, an older schema is rebuilt by the
next ingest. Chroma results become our own `Chunk` and `Sentence` here and never travel further.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.core.documents import Chunk, Sentence, sentences_of
from assistant.core.filters import Filters
from assistant.core.identity import EmbedderIdentity
from assistant.errors import (
    IndexMismatchError,
    IndexMissingError,
    IndexOutdatedError,
    StoreAuthError,
    StoreUnavailableError,
)
from assistant.store.client import forget_local_system, is_auth_error, make_client, server_url
from assistant.store.native import open_read_client
from assistant.store.records import chunk_from_record, chunk_metadata, where

# 2: sentences carry their position (read by chunk id, not by ids rebuilt from counts)
SCHEMA_VERSION = 2
_BATCH = 1000


class VectorStore:
    """Three collections: `<name>_chunks` (section vectors), `<name>_sentences` (sentence vectors, read by id)
    and `<name>_meta` (the revision of the last ingest that changed something)."""

    def __init__(
        self,
        data_dir: Path,
        chroma_url: str = "",
        name: str = "wibb",
        timeout: float = 30.0,
        token: str = "",
        *,
        read_only: bool = False,
    ) -> None:
        chroma_url = server_url(chroma_url)
        self.location = chroma_url or str(data_dir / "chroma")
        self.lexical_dir = lexical_place(data_dir, chroma_url, name)
        self._args = (data_dir, chroma_url, name, timeout, token)
        self._token = token
        self._read_only = read_only
        # Reading an embedded index needs Chroma's engine, not chromadb's Python layer (store.native)
        native = open_read_client(data_dir / "chroma") if read_only and not chroma_url else None
        self.native = native is not None
        self._client: Any = native or make_client(data_dir, chroma_url, timeout, token)
        self._names = (f"{name}_chunks", f"{name}_sentences", f"{name}_meta")
        self._collections: list[Any] = []
        self._identity: EmbedderIdentity | None = None

    def reconnected(self) -> VectorStore:
        """This store as another process left it. An embedded Chroma keeps its vector index in memory and
        never sees another process's ingest, so a fresh client is needed; a server is always current."""
        if not self._collections or self._identity is None or self._args[1]:
            return self
        if not self.native:
            forget_local_system(self.location, stop=False)  # questions in flight keep the old one until done
        fresh = VectorStore(*self._args, read_only=self._read_only)
        return fresh.open(self._identity, create=False)

    @property
    def _chunks(self) -> Any:
        return self._collections[0]

    @property
    def _sentences(self) -> Any:
        return self._collections[1]

    def _guard(self, action: str, call: Any) -> Any:
        try:
            return call()
        except (IndexMismatchError, IndexMissingError, IndexOutdatedError, StoreAuthError):
            raise
        except Exception as exc:
            if is_auth_error(exc):
                raise StoreAuthError(self.location, given=bool(self._token)) from exc
            # Another process rebuilt the index: the collections exist again under new ids. Reopen once.
            if _is_not_found(exc) and self._collections and self._reopen():
                try:
                    return call()
                except Exception as again:
                    exc = again
            raise StoreUnavailableError(self.location, f"{action}: {type(exc).__name__}: {exc}") from exc

    def _reopen(self) -> bool:
        try:
            self._collections = [self._client.get_collection(n, embedding_function=None) for n in self._names]
        except Exception:
            return False
        return True

    # -- opening ---------------------------------------------------------------------------------

    def _existing(self) -> set[str]:
        return {c if isinstance(c, str) else c.name for c in self._client.list_collections()}

    def _manifest(self) -> dict[str, Any] | None:
        def read() -> dict[str, Any] | None:
            if self._names[0] not in self._existing():
                return None
            meta = self._client.get_collection(self._names[0], embedding_function=None).metadata or {}
            return dict(meta) if "wibb_backend" in meta else None

        return self._guard("read manifest", read)

    def manifest(self) -> EmbedderIdentity | None:
        """The embedding model the index was built with; None when there is no index."""
        return _identity(self._manifest())

    def open(self, identity: EmbedderIdentity, *, create: bool) -> VectorStore:
        """Open the collections; `create` (an ingest) also makes them, and starts over on an older schema."""
        manifest = self._manifest()
        stored = _identity(manifest)
        if stored is None and not create:
            raise IndexMissingError(self.location)
        if stored is not None and stored != identity:
            raise IndexMismatchError(stored.label(), identity.label())
        schema = int(manifest.get("wibb_schema", 1)) if manifest is not None else SCHEMA_VERSION
        if schema != SCHEMA_VERSION:
            if not create:
                raise IndexOutdatedError(self.location, schema, SCHEMA_VERSION)
            self.reset()
        meta = {
            "hnsw:space": "cosine",
            "wibb_backend": identity.backend,
            "wibb_model": identity.model,
            "wibb_dimension": identity.dimension,
            "wibb_schema": SCHEMA_VERSION,
        }

        def get(name: str) -> Any:
            if not create:
                return self._client.get_collection(name, embedding_function=None)
            return self._client.get_or_create_collection(name, metadata=meta, embedding_function=None)

        self._collections = self._guard("open collections", lambda: [get(n) for n in self._names])
        self._identity = identity
        return self

    def reset(self) -> None:
        """Drop all collections (used by `--rebuild`)."""

        def drop() -> None:
            for name in set(self._names) & self._existing():
                self._client.delete_collection(name)

        self._guard("reset", drop)
        self._collections = []

    # -- writing ---------------------------------------------------------------------------------

    def add_sentences(self, records: Sequence[Sentence], vectors: np.ndarray) -> None:
        metadatas: list[dict[str, Any]] = [{"chunk_id": r.chunk_id, "position": r.position} for r in records]
        self._upsert(1, [r.id for r in records], vectors, [r.text for r in records], metadatas)

    def add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self._upsert(
            0, [c.id for c in chunks], vectors, [c.text for c in chunks], [chunk_metadata(c) for c in chunks]
        )

    def _upsert(
        self,
        which: int,
        ids: list[str],
        vectors: np.ndarray,
        documents: list[str],
        metadatas: list[dict[str, Any]],
    ) -> None:
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            self._guard(
                "add",
                lambda start=start, end=end: self._collections[which].upsert(
                    ids=ids[start:end],
                    embeddings=vectors[start:end].tolist(),
                    documents=documents[start:end],
                    metadatas=metadatas[start:end],
                ),
            )

    def delete(self, chunk_ids: Iterable[str] = (), sentence_ids: Iterable[str] = ()) -> None:
        for which, ids in ((0, list(chunk_ids)), (1, list(sentence_ids))):
            for start in range(0, len(ids), _BATCH):
                batch = ids[start : start + _BATCH]
                self._guard("delete", lambda w=which, b=batch: self._collections[w].delete(ids=b))

    def set_revision(self, revision: str) -> None:
        """Mark the index as changed, so running apps reload it (see `revision`)."""
        self._set_meta("revision", revision)

    def set_lexical(self, record: dict[str, Any]) -> None:
        """Record which ingest wrote the lexical index, and for which revision (part of the manifest)."""
        self._set_meta("lexical", json.dumps(record, ensure_ascii=False))

    def _set_meta(self, key: str, value: str) -> None:
        self._guard(
            f"write {key}",
            lambda: self._collections[2].upsert(ids=[key], embeddings=[[0.0]], documents=[value]),
        )

    # -- reading ---------------------------------------------------------------------------------

    def revision(self) -> str:
        """The revision written by the last ingest that changed the index ('' when none yet)."""
        return self._meta("revision")

    def lexical(self) -> dict[str, Any]:
        """What the last ingest recorded about the lexical index it wrote ({} when none did)."""
        found = self._meta("lexical")
        return dict(json.loads(found)) if found else {}

    def _meta(self, key: str) -> str:
        got = self._guard(f"read {key}", lambda: self._collections[2].get(ids=[key], include=["documents"]))
        return str(got["documents"][0]) if got["ids"] else ""

    def _all(self, which: int, include: list[str]) -> list[dict[str, Any]]:
        total = self._guard("count", lambda: self._collections[which].count())
        rows: list[dict[str, Any]] = []
        for offset in range(0, total, _BATCH):
            got = self._guard(
                "read", lambda o=offset: self._collections[which].get(include=include, limit=_BATCH, offset=o)
            )
            for i, item_id in enumerate(got["ids"]):
                rows.append({key: (item_id if key == "ids" else got[key][i]) for key in ["ids", *include]})
        return rows

    def chunk_documents(self) -> dict[str, str]:
        """Chunk id -> document id of everything stored."""
        return {row["ids"]: str(row["metadatas"]["doc_id"]) for row in self._all(0, ["metadatas"])}

    def sentence_chunks(self) -> dict[str, str]:
        """Sentence id -> chunk id of everything stored."""
        return {row["ids"]: str(row["metadatas"]["chunk_id"]) for row in self._all(1, ["metadatas"])}

    def all_chunks(self) -> list[Chunk]:
        return [chunk for batch in self.chunk_batches() for chunk in batch]

    def chunk_batches(self) -> Iterator[list[Chunk]]:
        """Every chunk with its text, a batch at a time (a rebuild of the lexical index reads them once)."""
        total = self._guard("count", lambda: self._chunks.count())
        for offset in range(0, total, _BATCH):
            got = self._guard(
                "read",
                lambda o=offset: self._chunks.get(include=["documents", "metadatas"], limit=_BATCH, offset=o),
            )
            yield [
                chunk_from_record(*row)
                for row in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            ]

    def texts(self, chunk_ids: Sequence[str]) -> dict[str, str]:
        """The texts of these chunks by id (ids no longer stored are left out)."""
        found: dict[str, str] = {}
        for start in range(0, len(chunk_ids), _BATCH):  # SQLite caps the variables of one query
            batch = list(chunk_ids[start : start + _BATCH])
            got = self._guard("read texts", lambda b=batch: self._chunks.get(ids=b, include=["documents"]))
            found.update(zip(got["ids"], got["documents"], strict=True))
        return found

    def count(self) -> int:
        return int(self._guard("count", lambda: self._chunks.count()))

    def query(self, vector: np.ndarray, n: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        # No count() first: Chroma clamps n_results to what the collection holds (nothing when empty), and a
        # count cost a second round trip to a server and 8 ms embedded at 100k chunks (bench/README.md).
        clause = where(filters)
        result = self._guard(
            "query",
            lambda: self._chunks.query(
                query_embeddings=[vector.tolist()], n_results=n, where=clause, include=["distances"]
            ),
        )
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def sentence_vectors(self, sentence_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these sentences (at ingest: the lexical index keeps its own copy)."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(sentence_ids), _BATCH):  # SQLite caps the variables of one query
            batch = list(sentence_ids[start : start + _BATCH])
            got = self._guard(
                "read sentence vectors", lambda b=batch: self._sentences.get(ids=b, include=["embeddings"])
            )
            found.update(
                (i, np.asarray(v, dtype=np.float32))
                for i, v in zip(got["ids"], got["embeddings"], strict=True)
            )
        return found

    def sentences(self, chunks: Sequence[Chunk]) -> dict[str, list[tuple[str, np.ndarray]]]:
        """Sentence texts and vectors per chunk, in reading order.

        Read by id (`sentences_of` gives a chunk's sentence ids): a metadata filter on the chunk id cost
        ~110 ms per call at 100k chunks, the same rows by id ~6 ms (bench/README.md).
        """
        unique = {c.id: c for c in chunks}  # a chunk asked twice is read once
        ids = [s.id for c in unique.values() for s in sentences_of(c)]
        rows: list[tuple[Any, Any, Any]] = []
        for start in range(0, len(ids), _BATCH):  # SQLite caps the variables of one query
            batch = ids[start : start + _BATCH]
            got = self._guard(
                "read sentences",
                lambda batch=batch: self._sentences.get(
                    ids=batch, include=["documents", "embeddings", "metadatas"]
                ),
            )
            rows += zip(got["metadatas"], got["documents"], got["embeddings"], strict=True)
        rows.sort(key=lambda row: (str(row[0]["chunk_id"]), int(row[0]["position"])))
        result: dict[str, list[tuple[str, np.ndarray]]] = {}
        for meta, text, vector in rows:
            result.setdefault(str(meta["chunk_id"]), []).append((text, np.asarray(vector, dtype=np.float32)))
        return result


def lexical_place(data_dir: Path, chroma_url: str, name: str) -> Path:
    """Where the lexical index of this store lives (`retrieval.lexical`): beside an embedded index; with a
    server, in this machine's data folder, one copy per server and collection."""
    chroma_url = server_url(chroma_url)
    if not chroma_url:
        return data_dir / "lexical" / name
    server = urlparse(chroma_url)
    return data_dir / "lexical" / f"{name}@{server.hostname}-{server.port or 8000}"


def _identity(manifest: dict[str, Any] | None) -> EmbedderIdentity | None:
    if manifest is None:
        return None
    backend, model, dimension = manifest["wibb_backend"], manifest["wibb_model"], manifest["wibb_dimension"]
    return EmbedderIdentity(str(backend), str(model), int(dimension))


def _is_not_found(exc: Exception) -> bool:
    return type(exc).__name__ == "NotFoundError" or "does not exist" in str(exc)
