"""Chroma adapter: chunks and their sentences with our own vectors, behind `VectorStore`.

Embedded `PersistentClient` under the data folder by default, `HttpClient` when a server URL is
configured. The chunk collection's metadata is the manifest: it records the embedding backend,
model, dimension and schema version, and a mismatch is refused. Chroma results become our own
`Chunk` and `SentenceRecord` here and never travel further.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.chunking import Chunk
from assistant.embedding import EmbedderIdentity
from assistant.errors import ConfigError, IndexMismatchError, IndexMissingError, StoreUnavailableError
from assistant.knowledge import DOELGROEPEN, SECTOREN, SourceRef

SCHEMA_VERSION = 1
_BATCH = 1000


@dataclass(frozen=True)
class SentenceRecord:
    id: str
    chunk_id: str
    text: str


@dataclass(frozen=True)
class Filters:
    """Metadata filters; empty tuples mean "any". A sector filter also admits cross-sector texts."""

    sector: tuple[str, ...] = ()
    soort: tuple[str, ...] = ()
    doelgroep: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.sector or self.soort or self.doelgroep or self.doc_ids)

    def matches(self, chunk: Chunk) -> bool:
        return (
            (not self.sector or bool(set(self.sector) & {*chunk.sector, "sectoroverstijgend"}))
            and (not self.soort or chunk.soort in self.soort)
            and (not self.doelgroep or bool(set(self.doelgroep) & set(chunk.doelgroep)))
            and (not self.doc_ids or chunk.doc_id in self.doc_ids)
        )

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.sector:
            sectors = sorted({*self.sector, "sectoroverstijgend"})
            clauses.append(_any_of([{f"sector_{s}": True} for s in sectors]))
        if self.soort:
            clauses.append({"soort": {"$in": list(self.soort)}})
        if self.doelgroep:
            clauses.append(_any_of([{f"doelgroep_{d}": True} for d in self.doelgroep]))
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _any_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": chunk.doc_id,
        "titel": chunk.titel,
        "heading": json.dumps(list(chunk.heading), ensure_ascii=False),
        "position": chunk.position,
        "soort": chunk.soort,
        "sector": ",".join(chunk.sector),
        "doelgroep": ",".join(chunk.doelgroep),
        "knoppen": ",".join(chunk.knoppen),
        "bronnen": json.dumps([[b.titel, b.url, b.datum] for b in chunk.bronnen], ensure_ascii=False),
        "peildatum": chunk.peildatum,
        "path": chunk.path,
    }
    meta.update({f"sector_{s}": s in chunk.sector for s in SECTOREN})
    meta.update({f"doelgroep_{d}": d in chunk.doelgroep for d in DOELGROEPEN})
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    def split(value: Any) -> tuple[str, ...]:
        return tuple(v for v in str(value or "").split(",") if v)

    return Chunk(
        id=chunk_id,
        doc_id=str(meta["doc_id"]),
        titel=str(meta["titel"]),
        heading=tuple(json.loads(meta.get("heading") or "[]")),
        text=text,
        position=int(meta.get("position", 0)),
        soort=str(meta["soort"]),
        sector=split(meta.get("sector")),
        doelgroep=split(meta.get("doelgroep")),
        knoppen=split(meta.get("knoppen")),
        bronnen=tuple(SourceRef(t, u, d) for t, u, d in json.loads(meta.get("bronnen") or "[]")),
        peildatum=str(meta.get("peildatum") or ""),
        path=str(meta.get("path") or ""),
    )


def _forget_local_system(path: str, *, stop: bool) -> None:
    """Chroma caches one open system per path in-process. It does not see what other processes write
    to the vector index later, and a cached one would outlive deleted files: forget it."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_refcount.pop(path, None)
        system = SharedSystemClient._identifier_to_system.pop(path, None)
        if system is not None and stop:
            system.stop()
    except Exception:  # best effort: private API that a Chroma upgrade may move
        pass


def remove_local_store(data_dir: Path) -> None:
    """Delete the embedded store's files: the way back from a corrupt index (`ingest --rebuild`)."""
    import shutil

    path = str(data_dir / "chroma")
    _forget_local_system(path, stop=True)
    shutil.rmtree(path, ignore_errors=True)


def server_url(chroma_url: str) -> str:
    """'chroma-host:8000' -> 'http://chroma-host:8000': urlparse would take the host for a scheme."""
    return f"http://{chroma_url}" if chroma_url and "://" not in chroma_url else chroma_url


def _set_http_timeout(client: Any, seconds: float) -> None:
    """Chroma's HTTP client waits forever; a hung server would hang every question. The session is private
    API, so this is best effort (a Chroma upgrade that moves it only loses the timeout)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds)


def _client(data_dir: Path, chroma_url: str, timeout: float = 30.0) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    url = urlparse(chroma_url)
    if chroma_url and (url.scheme not in ("http", "https") or not url.hostname):
        raise ConfigError("chroma_url", f"{chroma_url!r} is not an http(s) URL such as http://127.0.0.1:8000")
    try:
        if chroma_url:
            port = url.port or (443 if url.scheme == "https" else 8000)
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=port,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            _set_http_timeout(client, timeout)
            return client
        data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)
    except Exception as exc:  # chromadb raises ValueError, ConnectionError, sqlite errors, Rust panics
        raise StoreUnavailableError(
            chroma_url or str(data_dir / "chroma"), f"{type(exc).__name__}: {exc}"
        ) from exc


class VectorStore:
    """Three collections: `<name>_chunks` (section vectors), `<name>_sentences` (sentence vectors, read by id)
    and `<name>_meta` (the revision of the last ingest that changed something)."""

    def __init__(
        self, data_dir: Path, chroma_url: str = "", name: str = "wibb", timeout: float = 30.0
    ) -> None:
        chroma_url = server_url(chroma_url)
        self.location = chroma_url or str(data_dir / "chroma")
        self._args = (data_dir, chroma_url, name, timeout)
        self._client = _client(data_dir, chroma_url, timeout)
        self._names = (f"{name}_chunks", f"{name}_sentences", f"{name}_meta")
        self._collections: list[Any] = []
        self._identity: EmbedderIdentity | None = None

    def reconnected(self) -> VectorStore:
        """This store as another process left it. An embedded Chroma keeps its vector index in memory and
        never sees another process's ingest, so a fresh client is needed; a server is always current."""
        if not self._collections or self._identity is None or self._args[1]:
            return self
        _forget_local_system(self.location, stop=False)  # questions in flight keep the old one until done
        fresh = VectorStore(*self._args)
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
        except (IndexMismatchError, IndexMissingError):
            raise
        except Exception as exc:
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

    def manifest(self) -> EmbedderIdentity | None:
        def read() -> EmbedderIdentity | None:
            if self._names[0] not in self._existing():
                return None
            meta = self._client.get_collection(self._names[0], embedding_function=None).metadata or {}
            if "wibb_backend" not in meta:
                return None
            return EmbedderIdentity(
                str(meta["wibb_backend"]), str(meta["wibb_model"]), int(meta["wibb_dimension"])
            )

        return self._guard("read manifest", read)

    def open(self, identity: EmbedderIdentity, *, create: bool) -> VectorStore:
        stored = self.manifest()
        if stored is None and not create:
            raise IndexMissingError(self.location)
        if stored is not None and stored != identity:
            raise IndexMismatchError(stored.label(), identity.label())
        meta = {
            "hnsw:space": "cosine",
            "wibb_backend": identity.backend,
            "wibb_model": identity.model,
            "wibb_dimension": identity.dimension,
            "wibb_schema": SCHEMA_VERSION,
        }

        def get(name: str) -> Any:
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

    def add_sentences(self, records: Sequence[SentenceRecord], vectors: np.ndarray) -> None:
        metadatas = [{"chunk_id": r.chunk_id} for r in records]
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
        self._guard(
            "write revision",
            lambda: self._collections[2].upsert(ids=["revision"], embeddings=[[0.0]], documents=[revision]),
        )

    # -- reading ---------------------------------------------------------------------------------

    def revision(self) -> str:
        """The revision written by the last ingest that changed the index ('' when none yet)."""
        got = self._guard(
            "read revision", lambda: self._collections[2].get(ids=["revision"], include=["documents"])
        )
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

    def chunk_ids(self) -> set[str]:
        return {row["ids"] for row in self._all(0, [])}

    def sentence_ids(self) -> set[str]:
        return {row["ids"] for row in self._all(1, [])}

    def all_chunks(self) -> list[Chunk]:
        rows = self._all(0, ["documents", "metadatas"])
        return [chunk_from_record(r["ids"], r["documents"], r["metadatas"]) for r in rows]

    def count(self) -> int:
        return int(self._guard("count", lambda: self._chunks.count()))

    def query(self, vector: np.ndarray, n: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        # No count() first: Chroma clamps n_results to what the collection holds (nothing when empty), and a
        # count cost a second round trip to a server and 8 ms embedded at 100k chunks (bench/README.md).
        where = filters.where() if filters else None
        result = self._guard(
            "query",
            lambda: self._chunks.query(
                query_embeddings=[vector.tolist()], n_results=n, where=where, include=["distances"]
            ),
        )
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def sentences(
        self, chunk_ids: Sequence[str], counts: dict[str, int]
    ) -> dict[str, list[tuple[str, np.ndarray]]]:
        """Sentence texts and vectors per chunk; sentence ids are `<chunk id>#<n>`."""
        ids = [f"{cid}#{n}" for cid in chunk_ids for n in range(counts.get(cid, 0))]
        if not ids:
            return {}
        got = self._guard(
            "read sentences", lambda: self._sentences.get(ids=ids, include=["documents", "embeddings"])
        )
        by_id = {
            i: (doc, np.asarray(vec, dtype=np.float32))
            for i, doc, vec in zip(got["ids"], got["documents"], got["embeddings"], strict=True)
        }
        result: dict[str, list[tuple[str, np.ndarray]]] = {}
        for sid in ids:
            if sid in by_id:
                result.setdefault(sid.rsplit("#", 1)[0], []).append(by_id[sid])
        return result


def _is_not_found(exc: Exception) -> bool:
    return type(exc).__name__ == "NotFoundError" or "does not exist" in str(exc)
