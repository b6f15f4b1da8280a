"""Reading an embedded Chroma index through Chroma's own engine, without chromadb's Python layer.

`import chromadb` takes 0.6-1.3 s on a 2-core machine (pydantic models, OpenTelemetry, the registry of
embedding functions, an HTTP client): most of a cold `wibb ask`. A question needs none of it. chromadb's
embedded client is a shim (`chromadb.api.rust.RustBindingsAPI`) over the Rust engine that ships in the same
wheel (`chromadb_rust_bindings`, imported in ~0.03 s). `ReadClient` calls that engine the way the shim does,
for the few calls that reading needs, and returns what chromadb's collections return. Writes (an ingest) keep
the full client.

The bindings are not a public API. They are used only for the chromadb versions this was tested with
(`TESTED`, checked against chromadb's installed metadata without importing it). When anything fails on
opening, `open_read_client` returns None and the store uses chromadb's own client. tests/test_native_store.py
compares the two on the same index.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# chromadb versions (major, minor) whose Rust bindings take the arguments below (chromadb.api.rust, 1.5.x)
TESTED = frozenset({(1, 5)})
TENANT, DATABASE = "default_tenant", "default_database"  # chromadb.config's defaults


def chromadb_version(bindings_file: str) -> tuple[int, int] | None:
    """The installed chromadb's (major, minor), from its wheel's metadata beside the bindings' package."""
    site = Path(bindings_file).resolve().parent.parent
    for info in site.glob("chromadb-*.dist-info"):
        found = re.match(r"chromadb-(\d+)\.(\d+)\.", info.name)
        if found:
            return int(found[1]), int(found[2])
    return None


def open_read_client(path: Path) -> ReadClient | None:
    """A reading client over the embedded index at `path`; None when the full client must be used instead
    (an untested chromadb version, no index there yet, migrations still to apply, bindings that changed)."""
    if not (path / "chroma.sqlite3").is_file():
        return None  # nothing to read: the full client says so in its own words (or creates the store)
    try:
        import resource

        import chromadb_rust_bindings as rust

        version = chromadb_version(rust.__file__)
        if version not in TESTED:
            log.debug("chromadb %s: reading through chromadb's client", version)
            return None
        config = rust.SqliteDBConfig(
            hash_type=rust.MigrationHash.MD5,  # chromadb's default `migrations_hash_algorithm`
            migration_mode=rust.MigrationMode.Validate,  # never change the database: that is the ingest's
            url=str(path / "chroma.sqlite3"),
        )
        bindings = rust.Bindings(
            allow_reset=False,
            sqlite_db_config=config,
            persist_path=str(path),
            # as chromadb does: each vector index holds 4 data files and 1 metadata file open
            hnsw_cache_size=resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 5,
        )
    except BaseException as exc:  # ImportError, a signature that changed, a database that needs migrating,
        if isinstance(exc, KeyboardInterrupt | SystemExit):  # or a Rust panic (pyo3 raises a BaseException)
            raise
        log.debug("reading through chromadb's client: %s: %s", type(exc).__name__, exc)
        return None
    return ReadClient(bindings)


class ReadClient:
    """The part of chromadb's client API that `VectorStore` reads with (it has nothing to write with)."""

    def __init__(self, bindings: Any) -> None:
        self._bindings = bindings

    def list_collections(self) -> list[ReadCollection]:
        found = self._bindings.list_collections(None, None, TENANT, DATABASE)
        return [ReadCollection(self._bindings, c) for c in found]

    def get_collection(self, name: str, embedding_function: None = None) -> ReadCollection:
        del embedding_function  # chromadb's signature; nothing is embedded here (the store brings vectors)
        return ReadCollection(self._bindings, self._bindings.get_collection(name, TENANT, DATABASE))


class ReadCollection:
    """One collection, read as chromadb's `Collection` reads it (results as the same dicts)."""

    def __init__(self, bindings: Any, model: Any) -> None:
        self._bindings = bindings
        self.name: str = model.name
        self.id = str(model.id)
        self.metadata: dict[str, Any] | None = model.metadata

    def count(self) -> int:
        return int(self._bindings.count(self.id, TENANT, DATABASE))

    def get(
        self,
        ids: Sequence[str] | None = None,
        include: Sequence[str] = ("metadatas", "documents"),
        limit: int | None = None,
        offset: int | None = None,
    ) -> dict[str, Any]:
        got = self._bindings.get(
            self.id, list(ids) if ids is not None else None, None, limit, offset or 0, None, list(include),
            TENANT, DATABASE,
        )  # fmt: skip
        return {
            "ids": got.ids,
            "documents": got.documents,
            "metadatas": got.metadatas,
            "embeddings": got.embeddings,
        }

    def query(
        self,
        query_embeddings: list[list[float]],
        n_results: int,
        where: dict[str, Any] | None = None,
        include: Sequence[str] = ("distances",),
    ) -> dict[str, Any]:
        got = self._bindings.query(
            self.id, None, query_embeddings, n_results, json.dumps(where) if where else None, None,
            list(include), TENANT, DATABASE,
        )  # fmt: skip
        return {
            "ids": got.ids,
            "distances": got.distances,
            "documents": got.documents,
            "metadatas": got.metadatas,
        }
