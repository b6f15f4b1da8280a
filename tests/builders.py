"""Our domain objects from flat values, as the tests write them (the package nests document metadata)."""

from __future__ import annotations

from assistant.core.documents import Chunk, DocumentMeta, SourceRef
from assistant.core.results import Citation, Hit


def make_chunk(
    id: str,
    doc_id: str,
    titel: str,
    heading: tuple[str, ...],
    text: str,
    position: int = 0,
    soort: str = "casus",
    sector: tuple[str, ...] = ("zorg",),
    doelgroep: tuple[str, ...] = ("professional",),
    knoppen: tuple[str, ...] = (),
    bronnen: tuple[SourceRef, ...] = (),
    peildatum: str = "",
    path: str = "",
) -> Chunk:
    doc = DocumentMeta(
        doc_id, titel, soort, sector, doelgroep, knoppen, bronnen, peildatum, path or f"{doc_id}.md"
    )
    return Chunk(id=id, doc=doc, heading=heading, text=text, position=position)


def Passage(rank: int, doc_id: str, chunk_id: str, titel: str, heading: str, text: str, score: float) -> Hit:
    """A retrieved passage as the evaluation sees it."""
    chunk = make_chunk(chunk_id, doc_id, titel, tuple(h for h in heading.split(" > ") if h), text)
    return Hit(chunk, score, rank)


def CitedSource(n: int, doc_id: str, chunk_id: str, titel: str, heading: str, quote: str) -> Citation:
    """A numbered citation of an answer."""
    return Citation(n, doc_id, chunk_id, titel, heading, "", None, "", quote)
