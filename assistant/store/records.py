"""Our types in Chroma's terms and back: chunk metadata, sentence metadata and filters as `where` clauses."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from assistant.core.documents import DOELGROEPEN, SECTOREN, Chunk, DocumentMeta, SourceRef
from assistant.core.filters import Filters, admitted_sectors

# Chroma metadata values are scalars: tuples are stored joined, the sources as JSON. The document's id is
# stored as doc_id, every other field of its metadata under its own name.
_JOINED = ("sector", "doelgroep", "knoppen")


def _key(name: str) -> str:
    return "doc_id" if name == "id" else name


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {_key(k): v for k, v in asdict(chunk.doc).items()}
    meta.update({k: ",".join(getattr(chunk.doc, k)) for k in _JOINED})
    bronnen = [[b.titel, b.url, b.datum] for b in chunk.doc.bronnen]
    meta["bronnen"] = json.dumps(bronnen, ensure_ascii=False)
    meta["heading"] = json.dumps(list(chunk.heading), ensure_ascii=False)
    meta["position"] = chunk.position
    # one boolean per value, so that a filter is a plain equality (Chroma has no "contains" on strings)
    meta.update({f"sector_{s}": s in chunk.doc.sector for s in SECTOREN})
    meta.update({f"doelgroep_{d}": d in chunk.doc.doelgroep for d in DOELGROEPEN})
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    def split(value: Any) -> tuple[str, ...]:
        return tuple(v for v in str(value or "").split(",") if v)

    doc = DocumentMeta(
        id=str(meta["doc_id"]),
        titel=str(meta["titel"]),
        soort=str(meta["soort"]),
        sector=split(meta.get("sector")),
        doelgroep=split(meta.get("doelgroep")),
        knoppen=split(meta.get("knoppen")),
        bronnen=tuple(SourceRef(t, u, d) for t, u, d in json.loads(meta.get("bronnen") or "[]")),
        peildatum=str(meta.get("peildatum") or ""),
        path=str(meta.get("path") or ""),
    )
    heading = tuple(json.loads(meta.get("heading") or "[]"))
    return Chunk(id=chunk_id, doc=doc, heading=heading, text=text, position=int(meta.get("position", 0)))


def where(filters: Filters | None) -> dict[str, Any] | None:
    """Filters in Chroma's query dialect (None: no filter)."""
    if filters is None:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.sector:
        clauses.append(_any_of([{f"sector_{s}": True} for s in sorted(admitted_sectors(filters.sector))]))
    if filters.soort:
        clauses.append({"soort": {"$in": list(filters.soort)}})
    if filters.doelgroep:
        clauses.append(_any_of([{f"doelgroep_{d}": True} for d in filters.doelgroep]))
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _any_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}
